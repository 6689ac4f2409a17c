package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"minzheng"
	"minzheng/auth"
	"minzheng/job"
	"minzheng/registry"
	"minzheng/xlsx"
)

// The household import runs as a background job over a file saved in the
// upload folder; the file is removed when the job ends.
const kindHouseholdImport = "household.import"

// maxUpload is the largest spreadsheet accepted: a million rows of CSV is
// about 150 MB.
const maxUpload = 300 << 20

type importParams struct {
	Path      string `json:"path"`
	Filename  string `json:"filename"`
	ValidOnly bool   `json:"valid_only"`
}

func (s *Server) registerImport() {
	if s.jobs == nil {
		return
	}
	s.jobs.Register(job.Handler{
		Kind:  kindHouseholdImport,
		Title: "导入家庭档案",
		// An import is one transaction: after a restart nothing of it was
		// written, and it is simply failed, to be submitted again.
		Resumable: false,
		Run: func(ctx context.Context, run *job.Run) (any, error) {
			var p importParams
			if err := run.Params(&p); err != nil {
				return nil, err
			}
			defer os.Remove(p.Path)
			r, err := xlsx.Open(p.Path)
			if err != nil {
				return nil, err
			}
			defer r.Close()
			if err := xlsx.CheckHeader(r.Header(), registry.SheetColumns); err != nil {
				return nil, err
			}
			total := int64(r.Estimate())
			// Progress stays in memory: on SQLite the import's transaction
			// holds the only write connection until it ends.
			rep, err := s.db.ImportHouseholds(ctx, r, p.ValidOnly, p.Filename, func(rows int) error {
				run.ProgressLive(int64(rows), max(total, int64(rows)), fmt.Sprintf("已读取 %d 行", rows))
				return ctx.Err()
			})
			if err != nil {
				return nil, err
			}
			return rep, nil
		},
	})
}

// uploadDir is where uploaded files wait for their job.
func (s *Server) uploadDir() (string, error) {
	dir := s.dataDir
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "minzheng-uploads")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("web: upload dir: %w", err)
	}
	return dir, nil
}

// startImport saves the uploaded file of r's form field "file" and queues
// its import.
func (s *Server) startImport(w http.ResponseWriter, r *http.Request) (job.Job, error) {
	a, err := minzheng.ActorFrom(r.Context())
	if err != nil {
		return job.Job{}, err
	}
	if err := auth.Require(a, auth.PermHouseholdWrite); err != nil {
		return job.Job{}, err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
	file, hdr, err := r.FormFile("file")
	if err != nil {
		if strings.Contains(err.Error(), "too large") {
			return job.Job{}, &minzheng.Error{Code: minzheng.CodeTooLarge, Field: "file", Message: "文件太大，不能超过 300 MB；请分成几个文件导入"}
		}
		return job.Job{}, minzheng.Invalid("file", "请选择要导入的 Excel（.xlsx）或 CSV 文件")
	}
	defer file.Close()
	dir, err := s.uploadDir()
	if err != nil {
		return job.Job{}, err
	}
	var b [12]byte
	_, _ = rand.Read(b[:])
	path := filepath.Join(dir, "import-"+hex.EncodeToString(b[:]))
	out, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
	if err != nil {
		return job.Job{}, fmt.Errorf("web: save upload: %w", err)
	}
	if _, err := io.Copy(out, file); err != nil {
		out.Close()
		os.Remove(path)
		return job.Job{}, fmt.Errorf("web: save upload: %w", err)
	}
	if err := out.Close(); err != nil {
		os.Remove(path)
		return job.Job{}, err
	}
	// Refuse what is not a spreadsheet, or has the wrong header, now, not
	// in the job: the clerk is still on the page.
	rd, err := xlsx.Open(path)
	if err == nil {
		err = xlsx.CheckHeader(rd.Header(), registry.SheetColumns)
		rd.Close()
	}
	if err != nil {
		os.Remove(path)
		return job.Job{}, err
	}
	p := importParams{Path: path, Filename: filepath.Base(hdr.Filename), ValidOnly: r.FormValue("valid_only") == "true" || r.FormValue("valid_only") == "on"}
	j, err := s.jobs.Submit(r.Context(), kindHouseholdImport, a.Region, p)
	if err != nil {
		os.Remove(path)
		return job.Job{}, err
	}
	return j, nil
}

// writeTemplate answers the import template: the header and one example row.
func (s *Server) writeTemplate(w http.ResponseWriter, format string) error {
	if format == "" {
		format = "xlsx"
	}
	if format != "xlsx" && format != "csv" {
		return minzheng.Invalid("format", "格式应为 xlsx 或 csv")
	}
	w.Header().Set("Content-Disposition", attachment("家庭档案导入模板."+format))
	w.Header().Set("Content-Type", contentType(format))
	xw, err := xlsx.NewWriter(w, format, "家庭档案", registry.SheetColumns)
	if err != nil {
		return err
	}
	example := []string{"1", "370614107201", "农村", "大辛店村 12 号", "张三", "370614195003040110", "户主", "13805350000",
		"肢体残疾", "2", "", "", "", "务农", "已婚", "650", "养老金", "中国农业银行", "6228480000000000000", "张三"}
	if err := xw.Write(example); err != nil {
		return err
	}
	return xw.Close()
}

func contentType(format string) string {
	if format == "csv" {
		return "text/csv; charset=utf-8"
	}
	return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
}

// attachment is a Content-Disposition for a Chinese file name (RFC 6266).
func attachment(name string) string {
	return fmt.Sprintf(`attachment; filename="export.%s"; filename*=UTF-8''%s`, strings.TrimPrefix(filepath.Ext(name), "."), urlPathEscape(name))
}

func urlPathEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// writeExport streams the filtered households as a spreadsheet.
func (s *Server) writeExport(w http.ResponseWriter, r *http.Request) error {
	f, err := s.householdFilter(r)
	if err != nil {
		return err
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "xlsx"
	}
	if format != "xlsx" && format != "csv" {
		return minzheng.Invalid("format", "格式应为 xlsx 或 csv")
	}
	a, _ := minzheng.ActorFrom(r.Context())
	if err := auth.Require(a, auth.PermHouseholdRead); err != nil {
		return err
	}
	name := fmt.Sprintf("家庭档案-%s.%s", s.today(), format)
	w.Header().Set("Content-Disposition", attachment(name))
	w.Header().Set("Content-Type", contentType(format))
	w.Header().Set("Cache-Control", "no-store")
	xw, err := xlsx.NewWriter(w, format, "家庭档案", registry.SheetColumns)
	if err != nil {
		return err
	}
	if _, err := s.db.ExportHouseholds(r.Context(), f, xw.Write); err != nil {
		return err
	}
	return xw.Close()
}

// CleanUploads removes uploaded files no queued or running import needs:
// those left by imports that ended with the program (killed, restarted).
// They hold whole ID numbers, so they must not linger. Call it after the
// job runner has recovered its jobs.
func (s *Server) CleanUploads(ctx context.Context) error {
	dir, err := s.uploadDir()
	if err != nil {
		return err
	}
	params, err := s.db.ActiveJobParams(minzheng.WithActor(ctx, minzheng.System("uploads")), kindHouseholdImport)
	if err != nil {
		return err
	}
	keep := map[string]bool{}
	for _, p := range params {
		var ip importParams
		if jsonUnmarshal(p, &ip) == nil {
			keep[ip.Path] = true
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		if strings.HasPrefix(e.Name(), "import-") && !keep[path] {
			if err := os.Remove(path); err != nil {
				return err
			}
		}
	}
	return nil
}
