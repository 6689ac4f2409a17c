package web

import (
	"net/http"
	"net/url"
	"sort"
	"strings"

	"minzheng"
	"minzheng/sqldb"
)

func (s *Server) routeBankPages() {
	s.mux.Handle("GET /staff/bank_templates", s.staff(s.bankTemplatesPage))
	s.mux.Handle("POST /staff/bank_templates", s.staff(s.bankTemplateSubmit))
}

// bankTemplatesView is the 银行文件格式 page: each bank's layout, the
// default, the fields a column may hold, and the form.
type bankTemplatesView struct {
	Templates []sqldb.BankTemplate
	Default   []sqldb.BankColumn
	Fields    []bankField
}

type bankField struct{ Code, Name string }

func (s *Server) bankTemplatesPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderBankTemplates(w, r, nil, nil, "")
}

func (s *Server) renderBankTemplates(w http.ResponseWriter, r *http.Request, form url.Values, formErr error, flash string) error {
	list, err := s.db.BankTemplates(r.Context())
	if err != nil {
		return err
	}
	v := bankTemplatesView{Templates: list, Default: sqldb.DefaultBankColumns}
	for code, name := range sqldb.BankFields {
		v.Fields = append(v.Fields, bankField{code, name})
	}
	sort.Slice(v.Fields, func(i, j int) bool { return v.Fields[i].Code < v.Fields[j].Code })
	if form == nil {
		var lines []string
		for _, c := range sqldb.DefaultBankColumns {
			lines = append(lines, c.Title+"="+c.Field)
		}
		form = url.Values{"columns": {strings.Join(lines, "\n")}}
	}
	p := page{Title: "银行文件格式", Menu: "bank_templates", Data: v, Form: form, Flash: flash}
	if formErr != nil {
		p.Err = s.publicError(r, formErr) // render answers with its status
	}
	s.render(w, r, "bank_templates", p)
	return nil
}

// bankTemplateSubmit sets a bank's layout from the form: one column a
// line, "列名=字段".
func (s *Server) bankTemplateSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return minzheng.Invalid("", "表单内容有误")
	}
	form := url.Values{"bank": {strings.TrimSpace(r.PostForm.Get("bank"))}, "columns": {r.PostForm.Get("columns")}}
	t := sqldb.BankTemplate{Bank: form.Get("bank")}
	for i, line := range strings.Split(strings.ReplaceAll(form.Get("columns"), "\r\n", "\n"), "\n") {
		if line = strings.TrimSpace(line); line == "" {
			continue
		}
		title, field, ok := strings.Cut(line, "=")
		if !ok {
			return s.renderBankTemplates(w, r, form, minzheng.Invalid("columns", "第 %d 行“%s”应写成“列名=字段”，如“收款人=payee”", i+1, line), "")
		}
		t.Columns = append(t.Columns, sqldb.BankColumn{Title: strings.TrimSpace(title), Field: strings.TrimSpace(field)})
	}
	if _, err := s.db.SetBankTemplate(r.Context(), t); err != nil {
		if e, ok := formError(err); ok {
			return s.renderBankTemplates(w, r, form, e, "")
		}
		return err
	}
	return s.renderBankTemplates(w, r, nil, nil, "已保存"+t.Bank+"的发放文件格式")
}
