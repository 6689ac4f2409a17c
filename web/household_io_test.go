package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"minzheng"
	"minzheng/registry"
	"minzheng/xlsx"
)

// upload posts a file to the import endpoint.
func (f *fixture) upload(t *testing.T, token, name string, content []byte, validOnly bool) (int, any) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	w, _ := mw.CreateFormFile("file", name)
	_, _ = w.Write(content)
	if validOnly {
		_ = mw.WriteField("valid_only", "true")
	}
	mw.Close()
	resp := f.request(t, "POST", "/api/v1/households/import", token, body.Bytes(), http.Header{"Content-Type": {mw.FormDataContentType()}})
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var v any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	_ = dec.Decode(&v)
	return resp.StatusCode, v
}

func sheetCSV(t *testing.T, rows [][]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := xlsx.NewWriter(&buf, "csv", "家庭档案", registry.SheetColumns)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestHouseholdImportExport(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		tok := f.apiLogin(t, "dxd")
		born := minzheng.NewDate(1950, 3, 4)
		id := func(seq int) string { return string(registry.NewIDNumber("370614", born, seq)) }
		row := func(key, name, idn, rel string) []string {
			r := make([]string, len(registry.SheetColumns))
			r[0], r[1], r[2], r[4], r[5], r[6] = key, f.village, "农村", name, idn, rel
			return r
		}
		good := [][]string{row("1", "王一", id(11), "户主"), row("1", "李一", id(12), "配偶"), row("2", "王二", id(21), "户主")}
		bad := append(append([][]string{}, good...), row("3", "赵三", id(31)[:17]+"0", "户主"), row("4", "钱四", id(41), "外甥"))
		if id(31)[17] == '0' {
			bad[3][5] = id(31)[:17] + "1"
		}
		before := jnum(t, jobj(t, must(f.do(t, "GET", "/api/v1/households", tok, nil)))["total"])

		t.Run("有错误时默认全部不写入并逐行报告", func(t *testing.T) {
			status, v := f.upload(t, tok, "家庭.csv", sheetCSV(t, bad), false)
			if status != http.StatusAccepted {
				t.Fatalf("upload: %d %v", status, v)
			}
			j := f.waitJob(t, tok, int64(jnum(t, jobj(t, v)["id"])))
			res := jobj(t, j["result"])
			if j["status"] != "done" || res["committed"] != false || jnum(t, res["invalid"]) != 2 {
				t.Fatalf("job %v", j)
			}
			probs := res["problems"].([]any)
			if len(probs) != 2 {
				t.Fatalf("problems %v", probs)
			}
			p0, p1 := jobj(t, probs[0]), jobj(t, probs[1])
			if jnum(t, p0["row"]) != 5 || p0["column"] != "身份证号" || !strings.Contains(p0["why"].(string), "校验位") {
				t.Errorf("first problem %v", p0)
			}
			if jnum(t, p1["row"]) != 6 || p1["column"] != "与户主关系" {
				t.Errorf("second problem %v", p1)
			}
			if n := jnum(t, jobj(t, must(f.do(t, "GET", "/api/v1/households", tok, nil)))["total"]); n != before {
				t.Fatalf("households %d → %d: something was written", before, n)
			}
		})
		t.Run("选择只写入正确的家庭", func(t *testing.T) {
			status, v := f.upload(t, tok, "家庭.csv", sheetCSV(t, bad), true)
			if status != http.StatusAccepted {
				t.Fatalf("upload: %d %v", status, v)
			}
			j := f.waitJob(t, tok, int64(jnum(t, jobj(t, v)["id"])))
			res := jobj(t, j["result"])
			if res["committed"] != true || jnum(t, res["written"]) != 2 || jnum(t, res["written_people"]) != 3 || jnum(t, res["invalid"]) != 2 {
				t.Fatalf("result %v", res)
			}
			if n := jnum(t, jobj(t, must(f.do(t, "GET", "/api/v1/households", tok, nil)))["total"]); n != before+2 {
				t.Fatalf("households %d → %d", before, n)
			}
		})
		t.Run("表头不对列出应有的表头", func(t *testing.T) {
			status, v := f.upload(t, tok, "x.csv", []byte("姓名,身份证号\n张三,1\n"), false)
			msg := wantError(t, status, v, 400, "invalid", "header")
			if !strings.Contains(msg, "户号") || !strings.Contains(msg, "村居代码") {
				t.Errorf("the message does not list the expected headers: %s", msg)
			}
		})
		t.Run("不是表格文件", func(t *testing.T) {
			status, v := f.upload(t, tok, "x.xlsx", []byte("%PDF-1.4 not a sheet"), false)
			wantError(t, status, v, 400, "invalid", "file")
			status, v = f.upload(t, tok, "x.xls", []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0}, false)
			if wantError(t, status, v, 400, "invalid", "file"); !strings.Contains(jobj(t, jobj(t, v)["error"])["message"].(string), ".xls") {
				t.Errorf("an .xls should be told to save as .xlsx: %v", v)
			}
		})
		t.Run("导出按角色脱敏", func(t *testing.T) {
			whole := regexp.MustCompile(`\d{17}[\dX]`)
			clerk := f.apiLogin(t, "clerk")
			status, body := f.file(t, "/api/v1/households/export?format=csv", clerk)
			if status != http.StatusOK || !strings.Contains(string(body), "王一") || whole.Match(body) {
				t.Fatalf("clerk export: %d, whole IDs %v\n%s", status, whole.Match(body), body)
			}
			status, body = f.file(t, "/api/v1/households/export?format=csv", tok)
			if status != http.StatusOK || !strings.Contains(string(body), id(11)) {
				t.Fatalf("township export should carry whole IDs: %d", status)
			}
			es := auditOf(t, f, f.apiLogin(t, "auditor"), "action=household.export")
			if len(es) < 2 || !strings.Contains(es[0]["summary"].(string), "含完整身份证号") {
				t.Errorf("exports audited: %v", es)
			}
			status, body = f.file(t, "/api/v1/households/export", tok)
			if status != http.StatusOK || !bytes.HasPrefix(body, []byte("PK")) {
				t.Fatalf("xlsx export: %d", status)
			}
		})
		t.Run("模板", func(t *testing.T) {
			status, body := f.file(t, "/api/v1/households/template?format=csv", tok)
			if status != http.StatusOK || !strings.Contains(string(body), strings.Join(registry.SheetColumns, ",")) {
				t.Fatalf("template: %d %s", status, body)
			}
		})
	})
}

// file fetches a file the API answers (not JSON).
func (f *fixture) file(t *testing.T, path, token string) (int, []byte) {
	t.Helper()
	resp := f.request(t, "GET", path, token, nil, nil)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// must drops the status of a do call, for lines that only want the body.
func must(status int, v any) any { return v }

// TestLargeImportJob imports more households than the progress step through
// the job runner: on SQLite the import's transaction holds the only write
// connection, and progress must not wait for it.
func TestLargeImportJob(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		tok := f.apiLogin(t, "dxd")
		var rows [][]string
		for i := 0; i < 1200; i++ {
			r := make([]string, len(registry.SheetColumns))
			idn := string(registry.NewIDNumber("370614", minzheng.NewDate(1940+i%60, time.Month(1+i%12), 1+i%28), i%1000))
			r[0], r[1], r[4], r[5], r[6] = strconv.Itoa(i), f.village, "批量"+string(rune(0x4e00+i%500)), idn, "户主"
			rows = append(rows, r)
		}
		status, v := f.upload(t, tok, "large.csv", sheetCSV(t, rows), false)
		if status != http.StatusAccepted {
			t.Fatalf("upload: %d %v", status, v)
		}
		j := f.waitJob(t, tok, int64(jnum(t, jobj(t, v)["id"])))
		res := jobj(t, j["result"])
		if j["status"] != "done" || res["committed"] != true || jnum(t, res["written"]) != 1200 {
			t.Fatalf("job %v", j)
		}
	})
}

// TestCleanUploads: a restart removes uploads no queued or running import
// needs (they hold whole ID numbers).
func TestCleanUploads(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		dir, err := f.srv.uploadDir()
		if err != nil {
			t.Fatal(err)
		}
		stale := dir + "/import-stale"
		if err := os.WriteFile(stale, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := f.srv.CleanUploads(t.Context()); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(stale); !os.IsNotExist(err) {
			t.Fatalf("the stale upload is still there: %v", err)
		}
	})
}

// TestImportReportEveryRow: every bad row is reported, bank problems under
// their own column, and a person listed twice in the file is named as such.
func TestImportReportEveryRow(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		tok := f.apiLogin(t, "dxd")
		born := minzheng.NewDate(1970, 3, 4)
		id := func(seq int) string { return string(registry.NewIDNumber("370614", born, seq)) }
		row := func(key, name, idn, rel string) []string {
			r := make([]string, len(registry.SheetColumns))
			r[0], r[1], r[2], r[4], r[5], r[6] = key, f.village, "农村", name, idn, rel
			return r
		}
		bad := func(s string) string {
			return s[:17] + string("0123456789X"[(strings.IndexByte("0123456789X", s[17])+1)%11])
		}
		withBank := row("3", "冯三", id(31), "户主")
		withBank[17], withBank[18], withBank[19] = "", "6228480000000000000", "冯三"
		rows := [][]string{
			row("1", "陈一", id(11), "户主"), row("1", "褚一", bad(id(12)), "配偶"), row("1", "卫一", id(13), "外甥"),
			row("2", "蒋二", id(21), "户主"), row("2", "陈一", id(11), "子女"),
			withBank,
		}
		status, v := f.upload(t, tok, "report.csv", sheetCSV(t, rows), false)
		if status != http.StatusAccepted {
			t.Fatalf("upload: %d %v", status, v)
		}
		res := jobj(t, f.waitJob(t, tok, int64(jnum(t, jobj(t, v)["id"])))["result"])
		got := map[string]string{}
		for _, p := range res["problems"].([]any) {
			m := jobj(t, p)
			got[fmt.Sprint(m["row"])+" "+m["column"].(string)] = m["why"].(string)
		}
		for _, want := range []string{"3 身份证号", "4 与户主关系", "6 身份证号", "7 开户银行"} {
			if _, ok := got[want]; !ok {
				t.Errorf("no problem at %s; got %v", want, got)
			}
		}
		if why := got["6 身份证号"]; !strings.Contains(why, "本文件第 2 行") {
			t.Errorf("the duplicate is not named as one: %q", why)
		}
	})
}
