package web

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"minzheng"
	"minzheng/sqldb"
	"minzheng/xlsx"
)

func (s *Server) bankRoutes() []apiRoute {
	tag := "资金发放"
	return []apiRoute{
		{Method: "GET", Path: "/bank_templates", Summary: "各银行的发放文件格式（未设置的银行用默认格式），以及可用字段", Tag: tag, Response: "BankTemplates", handle: s.apiBankTemplates},
		{Method: "POST", Path: "/bank_templates", Summary: "设置一家银行的发放文件格式（列名和字段，必须包含发放编号 line）", Tag: tag, Body: "BankTemplate", Response: "BankTemplate", handle: s.apiSetBankTemplate},
		{Method: "GET", Path: "/payrolls/{id}/bank_file", Summary: "导出已审核名册的银行发放文件（xlsx 含控制表，或 csv）；含完整账号，记入操作日志", Tag: tag,
			Query: []apiParam{{"bank", "string", "开户行（不填为全部）", false}, {"format", "string", "xlsx 或 csv", false}}, Response: "File", raw: s.serveBankFile},
		{Method: "POST", Path: "/payrolls/{id}/returns", Summary: "导入银行回盘文件（xlsx 或 csv：发放编号、金额、结果、原因）；同一文件再次导入不重复处理", Tag: tag,
			Body: "Upload", Response: "BankReturn", raw: s.apiImportReturn},
	}
}

func (s *Server) apiBankTemplates(r *http.Request) (any, error) {
	list, err := s.db.BankTemplates(r.Context())
	if err != nil {
		return nil, err
	}
	return map[string]any{"items": list, "total": len(list), "default": sqldb.DefaultBankColumns, "fields": sqldb.BankFields}, nil
}

func (s *Server) apiSetBankTemplate(r *http.Request) (any, error) {
	var in sqldb.BankTemplate
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	return s.db.SetBankTemplate(r.Context(), in)
}

// serveBankFile streams a payroll's bank file.
func (s *Server) serveBankFile(w http.ResponseWriter, r *http.Request) error {
	id, err := pathInt(r, "id", "发放名册")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	format := q.Get("format")
	if format == "" {
		format = xlsx.FormatXLSX
	}
	if format != xlsx.FormatXLSX && format != xlsx.FormatCSV {
		return minzheng.Invalid("format", "格式只能是 xlsx 或 csv")
	}
	bank := strings.TrimSpace(q.Get("bank"))
	var xw *xlsx.Writer
	var file sqldb.BankFile
	err = s.db.ExportBankFile(r.Context(), id, bank, func(f sqldb.BankFile) error {
		file = f
		header := make([]string, len(f.Columns))
		for i, c := range f.Columns {
			header[i] = c.Title
		}
		name := fmt.Sprintf("发放文件-%s-%s-%s", shortCode(f.Payroll.Region), f.Payroll.Month, f.Payroll.ProgramName)
		if bank != "" {
			name += "-" + bank
		}
		w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name+"."+format))
		w.Header().Set("Content-Type", map[string]string{xlsx.FormatXLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx.FormatCSV: "text/csv; charset=utf-8"}[format])
		// The control totals travel with the file: in its own sheet, and in
		// headers for a CSV.
		w.Header().Set("X-Control-Lines", strconv.Itoa(f.Lines))
		w.Header().Set("X-Control-Amount-Fen", strconv.FormatInt(int64(f.AmountFen), 10))
		var err error
		xw, err = xlsx.NewWriter(w, format, "发放明细", header)
		return err
	}, func(l sqldb.PaymentLine) error {
		row := make([]string, len(file.Columns))
		for i, c := range file.Columns {
			row[i] = sqldb.BankCell(l, c.Field)
		}
		return xw.Write(row)
	})
	if err != nil {
		if xw != nil {
			xw.Close()
		}
		return err
	}
	p := file.Payroll
	xw.AddSheet("控制表", [][]string{{"项目", "内容"}, {"发放单位", p.Region}, {"发放月份", p.Month.String()}, {"项目", p.ProgramName},
		{"开户行", map[bool]string{true: bank, false: "全部"}[bank != ""]}, {"笔数", strconv.Itoa(file.Lines)}, {"金额（元）", file.AmountFen.Yuan()},
		{"名册编号", strconv.FormatInt(p.ID, 10)}, {"审核人", p.ApprovedBy}})
	return xw.Close()
}

// shortCode is a 12-digit code without its padding.
func shortCode(code string) string {
	return strings.TrimRight(code, "0")
}

// apiImportReturn reads an uploaded return file and applies it.
func (s *Server) apiImportReturn(w http.ResponseWriter, r *http.Request) error {
	id, err := pathInt(r, "id", "发放名册")
	if err != nil {
		return err
	}
	rep, err := s.importReturn(w, r, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

// importReturn saves the form's file, parses it and applies it.
func (s *Server) importReturn(w http.ResponseWriter, r *http.Request, id int64) (sqldb.ReturnReport, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
	file, hdr, err := r.FormFile("file")
	if err != nil {
		if strings.Contains(err.Error(), "too large") {
			return sqldb.ReturnReport{}, &minzheng.Error{Code: minzheng.CodeTooLarge, Field: "file", Message: "文件太大，不能超过 300 MB"}
		}
		return sqldb.ReturnReport{}, minzheng.Invalid("file", "请选择银行回盘文件（.xlsx 或 .csv）")
	}
	defer file.Close()
	content, err := io.ReadAll(file)
	if err != nil {
		return sqldb.ReturnReport{}, fmt.Errorf("web: read upload: %w", err)
	}
	dir, err := s.uploadDir()
	if err != nil {
		return sqldb.ReturnReport{}, err
	}
	var b [12]byte
	_, _ = rand.Read(b[:])
	path := filepath.Join(dir, "return-"+hex.EncodeToString(b[:]))
	if err := os.WriteFile(path, content, 0o600); err != nil {
		return sqldb.ReturnReport{}, fmt.Errorf("web: save upload: %w", err)
	}
	defer os.Remove(path)
	rows, err := readReturn(path)
	if err != nil {
		return sqldb.ReturnReport{}, err
	}
	return s.db.ImportReturn(r.Context(), id, hdr.Filename, content, rows)
}

// returnColumns are the titles a return file's columns may have.
var returnColumns = map[string][]string{
	"line":   {"发放编号", "编号", "序号", "流水号"},
	"amount": {"金额（元）", "金额(元)", "金额", "发放金额"},
	"result": {"结果", "发放结果", "处理结果", "状态"},
	"reason": {"原因", "失败原因", "备注", "说明"},
}

// readReturn reads a return file: the line number, the amount in 元, the
// result (成功 / 失败) and the reason of each row. Rows it cannot read make
// the whole file refused, naming the row: nothing is applied from a file
// half understood.
func readReturn(path string) ([]sqldb.ReturnRow, error) {
	rd, err := xlsx.Open(path)
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	col := map[string]int{}
	for i, h := range rd.Header() {
		h = strings.TrimSpace(h)
		for field, titles := range returnColumns {
			for _, t := range titles {
				if h == t {
					if _, ok := col[field]; !ok {
						col[field] = i
					}
				}
			}
		}
	}
	for _, need := range []string{"line", "amount", "result"} {
		if _, ok := col[need]; !ok {
			return nil, minzheng.Invalid("file", "回盘文件缺少“%s”一列（表头应有：发放编号、金额（元）、结果、原因）", returnColumns[need][0])
		}
	}
	var out []sqldb.ReturnRow
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		cell := func(f string) string {
			if i, ok := col[f]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		if cell("line") == "" && cell("amount") == "" && cell("result") == "" {
			continue
		}
		row := sqldb.ReturnRow{Row: rd.Line(), Reason: cell("reason")}
		if row.LineID, err = strconv.ParseInt(cell("line"), 10, 64); err != nil || row.LineID <= 0 {
			return nil, minzheng.Invalid("file", "第 %d 行的发放编号“%s”不对", rd.Line(), cell("line"))
		}
		if row.AmountFen, err = minzheng.ParseYuan(cell("amount")); err != nil {
			return nil, minzheng.Invalid("file", "第 %d 行的金额“%s”不对", rd.Line(), cell("amount"))
		}
		switch strings.ToLower(cell("result")) {
		case "成功", "已发放", "success", "paid", "ok", "1":
			row.Paid = true
		case "失败", "发放失败", "退回", "failed", "fail", "0":
		default:
			return nil, minzheng.Invalid("file", "第 %d 行的结果“%s”不对，应为“成功”或“失败”", rd.Line(), cell("result"))
		}
		out = append(out, row)
	}
	if len(out) == 0 {
		return nil, minzheng.Invalid("file", "回盘文件没有数据行")
	}
	return out, nil
}

func init() {
	col := object(obj{"title": str("列名"), "field": str("字段：line、payee、account、bank、amount、amount_fen、month、pay_month、program、village、household、kind")})
	schemas["BankTemplate"] = object(obj{"bank": str("银行名称（与家庭档案中的开户行一致）"), "columns": arrayOf(col)}, "bank", "columns")
	schemas["BankTemplates"] = object(obj{"items": arrayOf(ref("BankTemplate")), "total": integer("数量"), "default": arrayOf(col),
		"fields": obj{"type": "object", "description": "可用字段及其含义"}})
	problem := object(obj{"row": integer("文件中的行"), "line_id": integer("发放编号"), "problem": str("问题"),
		"file_amount_fen": integer("文件中的金额（分）"), "payroll_amount_fen": integer("名册中的金额（分）")})
	schemas["BankReturn"] = object(obj{"id": integer("回盘编号"), "payroll_id": integer("名册"), "filename": str("文件名"), "rows": integer("行数"),
		"paid": integer("成功笔数"), "failed": integer("失败笔数"), "paid_fen": integer("成功金额（分）"), "failed_fen": integer("失败金额（分）"),
		"problems": arrayOf(problem), "outstanding": integer("尚未回盘的笔数"), "unanswered": arrayOf(ref("Payment")), "reconciled": obj{"type": "boolean", "description": "全部回盘，名册已对账"},
		"repeated": obj{"type": "boolean", "description": "同一文件此前已导入，本次未作任何处理"}})
}
