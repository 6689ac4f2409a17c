package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"minzheng"
	"minzheng/auth"
	"minzheng/job"
	"minzheng/payment"
	"minzheng/policy"
	"minzheng/region"
	"minzheng/report"
	"minzheng/sqldb"
	"minzheng/xlsx"
)

// The staff pages of the money (资金发放: payrolls, bank files and
// returns, recoveries, ledgers, card custody) and of the reports (统计报表).
// They call the store, which checks permission and scope.

func (s *Server) routePaymentPages() {
	s.registerPayrollJob()
	s.mux.Handle("GET /staff/payrolls", s.staff(s.payrollsPage))
	s.mux.Handle("POST /staff/payrolls", s.staff(s.payrollGenerateSubmit))
	s.mux.Handle("GET /staff/payrolls/generate/{id}", s.staff(s.payrollJobPage))
	s.mux.Handle("GET /staff/payrolls/{id}", s.staff(s.payrollPage))
	s.mux.Handle("POST /staff/payrolls/{id}/approve", s.staff(s.payrollApproveSubmit))
	s.mux.Handle("POST /staff/payrolls/{id}/bank_file", s.staff(s.payrollBankFileSubmit))
	s.mux.Handle("POST /staff/payrolls/{id}/returns", s.staff(s.payrollReturnSubmit))
	s.mux.Handle("GET /staff/recoveries", s.staff(s.recoveriesPage))
	s.mux.Handle("GET /staff/recoveries/{id}", s.staff(s.recoveryPage))
	s.mux.Handle("POST /staff/recoveries/{id}/entries", s.staff(s.recoveryEntrySubmit))
	s.mux.Handle("GET /staff/enrolments/{id}/ledger", s.staff(s.ledgerPage))
	s.mux.Handle("GET /staff/card_custody", s.staff(s.custodyPage))
	s.mux.Handle("POST /staff/card_custody", s.staff(s.custodySubmit))
	s.mux.Handle("POST /staff/card_custody/{id}/agreement", s.staff(s.custodyAgreementSubmit))
	s.mux.Handle("POST /staff/card_custody/{id}/end", s.staff(s.custodyEndSubmit))
	s.mux.Handle("GET /staff/reports", s.staff(s.reportsPage))
	s.mux.Handle("GET /staff/reports/export", s.staff(s.reportExport))
}

// kindPayroll is the background job of the 发放名册 page: a county's
// payroll reads every enrolment of the county, so the page does not wait.
const kindPayroll = "payroll.generate"

// payrollJobParams are what the generation form asked for.
type payrollJobParams struct {
	Region  string `json:"region"`
	Month   string `json:"month"`
	Program string `json:"program"`
}

// payrollJobResult is what a generation made.
type payrollJobResult struct {
	PayrollID int64        `json:"payroll_id"`
	Created   bool         `json:"created"`
	State     string       `json:"state"`
	Month     string       `json:"month"`
	Program   string       `json:"program_name"`
	Lines     int          `json:"lines"`
	AmountFen minzheng.Fen `json:"amount_fen"`
}

func (s *Server) registerPayrollJob() {
	if s.jobs == nil {
		return
	}
	s.jobs.Register(job.Handler{
		Kind:  kindPayroll,
		Title: "生成发放名册",
		// Generation is one transaction: after a restart nothing is half
		// written, and the clerk simply generates again.
		Resumable: false,
		Run: func(ctx context.Context, run *job.Run) (any, error) {
			var in payrollJobParams
			if err := run.Params(&in); err != nil {
				return nil, err
			}
			code, level, err := region.Parse(in.Region)
			if err != nil {
				return nil, minzheng.Invalid("region", "区划代码“%s”格式不对", in.Region)
			}
			month, err := minzheng.ParseMonth(in.Month)
			if err != nil {
				return nil, minzheng.Invalid("month", "月份“%s”格式不对，应为 YYYY-MM", in.Month)
			}
			_ = run.Progress(ctx, 0, 1, "读取待遇，计算当月、补发、重发和渐退")
			p, created, err := s.db.GeneratePayroll(ctx, code, level, month, in.Program)
			if err != nil {
				return nil, err
			}
			_ = run.Progress(ctx, 1, 1, "名册已生成")
			return payrollJobResult{PayrollID: p.ID, Created: created, State: p.State, Month: p.Month.String(), Program: p.ProgramName,
				Lines: p.Lines, AmountFen: p.AmountFen}, nil
		},
	})
}

// moneyPrograms are the programmes paid in money: those a payroll and a
// payment report are made for.
func moneyPrograms() []*policy.Program {
	var out []*policy.Program
	for _, p := range policy.Programs() {
		if p.Code != "free_electricity" && p.Code != "dibao_edge" {
			out = append(out, p)
		}
	}
	return out
}

func isMoneyProgram(code string) bool {
	for _, p := range moneyPrograms() {
		if p.Code == code {
			return true
		}
	}
	return false
}

// regionNames names regions by code, each looked up once per request.
type regionNames struct {
	s     *Server
	r     *http.Request
	names map[string]string
}

func (s *Server) regionNames(r *http.Request) *regionNames {
	return &regionNames{s: s, r: r, names: map[string]string{"": "全国"}}
}

// name is the region's own name ("蓬莱区"), or the code when unknown.
func (n *regionNames) name(code string) string {
	if v, ok := n.names[code]; ok {
		return v
	}
	v := code
	if c, l, err := region.Parse(code); err == nil {
		if c == region.Country {
			v = "全国"
		} else if row, err := n.s.db.Region(n.r.Context(), c, l); err == nil {
			v = row.Name
		}
	}
	n.names[code] = v
	return v
}

// path is the region's names from the province down ("山东省烟台市蓬莱区").
func (n *regionNames) path(code string) string {
	c, l, err := region.Parse(code)
	if err != nil {
		return code
	}
	if c == region.Country {
		return "全国"
	}
	if row, err := n.s.db.Region(n.r.Context(), c, l); err == nil {
		return strings.Join(row.Path, "")
	}
	return code
}

// Payrolls (发放名册).

type payrollsView struct {
	Query    url.Values
	Rows     []payrollRow
	Programs []*policy.Program
	States   map[string]string
	Job      *job.Job // a generation under way
}

type payrollRow struct {
	sqldb.Payroll
	County string
}

func (s *Server) payrollsPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderPayrolls(w, r, nil, nil, nil)
}

// renderPayrolls shows the list with its filters and, for those who pay,
// the generation form (its input kept after an error), or the progress of
// a generation under way.
func (s *Server) renderPayrolls(w http.ResponseWriter, r *http.Request, form url.Values, formErr error, j *job.Job) error {
	q := r.URL.Query()
	reg, err := region.ParseScope(q.Get("region"))
	if err != nil {
		return minzheng.Invalid("region", "区划代码“%s”格式不对", q.Get("region"))
	}
	f := sqldb.PayrollFilter{Region: reg, Program: q.Get("program"), State: q.Get("state")}
	if m := strings.TrimSpace(q.Get("month")); m != "" {
		if f.Month, err = minzheng.ParseMonth(m); err != nil {
			return minzheng.Invalid("month", "月份“%s”格式不对，应为 YYYY-MM", m)
		}
	}
	if _, ok := sqldb.PayrollStates[f.State]; f.State != "" && !ok {
		return minzheng.Invalid("state", "名册状态“%s”不存在", f.State)
	}
	list, err := s.db.Payrolls(r.Context(), f)
	if err != nil {
		return err
	}
	names := s.regionNames(r)
	v := payrollsView{Query: q, Programs: moneyPrograms(), States: sqldb.PayrollStates, Job: j}
	for _, p := range list {
		v.Rows = append(v.Rows, payrollRow{Payroll: p, County: names.name(p.Region)})
	}
	u, _ := userFrom(r)
	if form == nil {
		form = url.Values{"month": {s.today().Month().String()}, "program": {"dibao"}}
		if u.RegionLevel == region.LevelCounty {
			form.Set("region", u.RegionShort())
		}
	}
	p := page{Title: "发放名册", Menu: "payrolls", Form: form, Data: v}
	if formErr != nil {
		p.Err = s.publicError(r, formErr) // render answers with its status
	}
	s.render(w, r, "payrolls", p)
	return nil
}

// payrollGenerateSubmit checks the form at once (the clerk is still on the
// page), then queues the generation and shows its progress.
func (s *Server) payrollGenerateSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return minzheng.Invalid("", "表单内容有误")
	}
	form := url.Values{}
	for _, k := range []string{"region", "month", "program"} {
		form.Set(k, strings.TrimSpace(r.PostForm.Get(k)))
	}
	fail := func(err error) error {
		if _, ok := minzheng.AsError(err); !ok {
			return err
		}
		return s.renderPayrolls(w, r, form, err, nil)
	}
	u, _ := userFrom(r)
	a := u.Actor()
	if err := auth.Require(a, auth.PermPaymentRun); err != nil {
		return err
	}
	code, level, err := region.Parse(form.Get("region"))
	if err != nil || level != region.LevelCounty {
		return fail(minzheng.Invalid("region", "发放名册按县（区）生成，请填写 6 位县级区划代码，如 370614"))
	}
	month, err := minzheng.ParseMonth(form.Get("month"))
	if err != nil {
		return fail(minzheng.Invalid("month", "发放月份应为 YYYY-MM，如 2024-06"))
	}
	if next := s.today().Month() + 1; month > next {
		return fail(minzheng.Invalid("month", "发放月份 %s 太远：最多生成下个月（%s）的名册", month, next))
	}
	if !isMoneyProgram(form.Get("program")) {
		return fail(minzheng.Invalid("program", "请选择发放资金的救助项目"))
	}
	if !region.ActorRegion(a).Contains(code) {
		return fail(s.db.Deny(r.Context(), "生成辖区外的发放名册", "payroll", "", code))
	}
	if s.jobs == nil {
		return errors.New("web: no job runner configured")
	}
	j, err := s.jobs.Submit(r.Context(), kindPayroll, a.Region, payrollJobParams{Region: form.Get("region"), Month: month.String(), Program: form.Get("program")})
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/staff/payrolls/generate/%d", j.ID), http.StatusSeeOther)
	return nil
}

// payrollJobPage follows a generation: its progress while it runs (htmx
// asks again every second), the payroll once made, the form with the
// reason when it failed.
func (s *Server) payrollJobPage(w http.ResponseWriter, r *http.Request) error {
	j, err := s.jobOfKind(r, kindPayroll, "发放名册生成任务")
	if err != nil {
		return err
	}
	htmx := r.Header.Get("HX-Request") == "true"
	var in payrollJobParams
	_ = jsonUnmarshal(j.Params, &in)
	form := url.Values{"region": {in.Region}, "month": {in.Month}, "program": {in.Program}}
	switch j.Status {
	case job.Done:
		var res payrollJobResult
		if err := jsonUnmarshal(j.Result, &res); err != nil {
			return err
		}
		to := fmt.Sprintf("/staff/payrolls/%d", res.PayrollID)
		msg := fmt.Sprintf("已生成 %s %s发放名册：%d 行，%s 元，待另一位工作人员审核", res.Month, res.Program, res.Lines, res.AmountFen.Yuan())
		switch {
		case res.State != "draft":
			msg = fmt.Sprintf("%s %s发放名册已审核（%s），已冻结，未重新生成", res.Month, res.Program, sqldb.PayrollStates[res.State])
		case !res.Created:
			msg = fmt.Sprintf("已重新生成 %s %s发放名册：%d 行，%s 元", res.Month, res.Program, res.Lines, res.AmountFen.Yuan())
		}
		if htmx {
			setCookie(w, r, "mz_flash", url.QueryEscape(msg), 60)
			w.Header().Set("HX-Redirect", to)
			return nil
		}
		redirectFlash(w, r, to, msg)
		return nil
	case job.Failed:
		if htmx {
			w.Header().Set("HX-Refresh", "true")
			return nil
		}
		return s.renderPayrolls(w, r, form, &minzheng.Error{Code: minzheng.CodeConflict, Message: "名册未生成：" + j.Error}, nil)
	}
	if htmx {
		s.renderFragment(w, r, "payrolls", "waiting", page{Data: payrollsView{Job: &j}})
		return nil
	}
	return s.renderPayrolls(w, r, form, nil, &j)
}

// payrollView is one payroll: its control totals, the difference from the
// month before, its lines a page at a time, and what may be done with it.
type payrollView struct {
	P          sqldb.Payroll
	County     string
	Diff       payment.Diff // the whole difference, for its counts
	Shown      payment.Diff // its first rows, for the tables
	DiffShown  int          // rows shown of each part of the difference
	BackPayFen minzheng.Fen
	Lines      []sqldb.PaymentLine
	LinesTotal int
	Page       int
	Pages      int
	Status     string
	PrevURL    string
	NextURL    string
	Banks      []sqldb.BankTotal
	CanApprove bool // a draft, the user pays and did not generate it
	Mine       bool // the user generated it
	CanRun     bool
	Return     *sqldb.ReturnReport
}

const diffShown = 100

func (s *Server) payrollPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathInt(r, "id", "发放名册")
	if err != nil {
		return err
	}
	return s.renderPayroll(w, r, id, nil, nil, "")
}

func (s *Server) renderPayroll(w http.ResponseWriter, r *http.Request, id int64, formErr error, ret *sqldb.ReturnReport, flash string) error {
	ctx := r.Context()
	p, err := s.db.Payroll(ctx, id)
	if err != nil {
		return err
	}
	u, _ := userFrom(r)
	v := payrollView{P: p, County: s.regionNames(r).path(p.Region), DiffShown: diffShown, Return: ret, Status: r.URL.Query().Get("status")}
	v.CanRun = auth.Can(u.Actor(), auth.PermPaymentRun)
	v.Mine = p.GeneratedBy == u.Username
	v.CanApprove = p.State == "draft" && v.CanRun && !v.Mine
	if v.Diff, err = s.db.PayrollDiff(ctx, id); err != nil {
		return err
	}
	for _, l := range v.Diff.BackPay {
		v.BackPayFen += l.AmountFen
	}
	d := v.Diff
	v.Shown = payment.Diff{New: d.New[:min(diffShown, len(d.New))], Stopped: d.Stopped[:min(diffShown, len(d.Stopped))],
		Changed: d.Changed[:min(diffShown, len(d.Changed))], BackPay: d.BackPay[:min(diffShown, len(d.BackPay))]}
	if _, ok := sqldb.PaymentStatuses[v.Status]; v.Status != "" && !ok {
		return minzheng.Invalid("status", "发放状态“%s”不存在", v.Status)
	}
	const perPage = 50
	if v.Page, err = intParam(r, "page", 1); err != nil {
		return err
	}
	if v.Lines, v.LinesTotal, err = s.db.PayrollLines(ctx, id, v.Status, v.Page, perPage); err != nil {
		return err
	}
	v.Pages = (v.LinesTotal + perPage - 1) / perPage
	v.PrevURL, v.NextURL = pager(r, v.Page, v.Pages)
	if p.State != "draft" {
		if v.Banks, err = s.db.PayrollBanks(ctx, id); err != nil {
			return err
		}
	}
	pg := page{Title: fmt.Sprintf("发放名册 %d · %s %s", p.ID, p.Month, p.ProgramName), Menu: "payrolls", Data: v, Flash: flash}
	if formErr != nil {
		pg.Err = s.publicError(r, formErr) // render answers with its status
	}
	s.render(w, r, "payroll", pg)
	return nil
}

// payrollApproveSubmit is the checker's approval; the store refuses the
// payroll's own generator.
func (s *Server) payrollApproveSubmit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathInt(r, "id", "发放名册")
	if err != nil {
		return err
	}
	p, err := s.db.ApprovePayroll(r.Context(), id)
	if err != nil {
		if e, ok := formError(err); ok {
			return s.renderPayroll(w, r, id, e, nil, "")
		}
		return err
	}
	redirectFlash(w, r, fmt.Sprintf("/staff/payrolls/%d", id),
		fmt.Sprintf("已审核通过 %s %s发放名册：%d 行，%s 元，名册已冻结", p.Month, p.ProgramName, p.Lines, p.AmountFen.Yuan()))
	return nil
}

// payrollBankFileSubmit downloads the bank file (a form, not a link: the
// export holds whole account numbers, marks the payroll exported and is
// audited, so it is never set off by a visit alone).
func (s *Server) payrollBankFileSubmit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathInt(r, "id", "发放名册")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return minzheng.Invalid("", "表单内容有误")
	}
	q := url.Values{"format": {r.PostForm.Get("format")}}
	if b := strings.TrimSpace(r.PostForm.Get("bank")); b != "" {
		q.Set("bank", b)
	}
	r.URL.RawQuery = q.Encode()
	if err := s.serveBankFile(w, r); err != nil {
		// Nothing written yet: the payroll's page with the reason.
		if e, ok := formError(err); ok && w.Header().Get("Content-Disposition") == "" {
			r.URL.RawQuery = ""
			return s.renderPayroll(w, r, id, e, nil, "")
		}
		return err
	}
	return nil
}

// payrollReturnSubmit imports the bank's return file and shows what it did.
func (s *Server) payrollReturnSubmit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathInt(r, "id", "发放名册")
	if err != nil {
		return err
	}
	rep, err := s.importReturn(w, r, id)
	if err != nil {
		if e, ok := formError(err); ok {
			return s.renderPayroll(w, r, id, e, nil, "")
		}
		return err
	}
	flash := fmt.Sprintf("已导入回盘文件 %s：成功 %d 笔，失败 %d 笔", rep.Filename, rep.Paid, rep.Failed)
	if rep.Repeated {
		flash = "该回盘文件此前已导入，本次未作任何处理；下面是当时的结果"
	}
	return s.renderPayroll(w, r, id, nil, &rep, flash)
}

// Recoveries (追缴).

type recoveriesView struct {
	Query url.Values
	Rows  []sqldb.Recovery
	Owed  minzheng.Fen
}

func (s *Server) recoveriesPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	reg, err := region.ParseScope(q.Get("region"))
	if err != nil {
		return minzheng.Invalid("region", "区划代码“%s”格式不对", q.Get("region"))
	}
	status := q.Get("status")
	if _, ok := q["status"]; !ok {
		status = "open"
		q.Set("status", status)
	}
	list, err := s.db.Recoveries(r.Context(), reg, status)
	if err != nil {
		return err
	}
	v := recoveriesView{Query: q, Rows: list}
	for _, rc := range list {
		v.Owed += rc.BalanceFen
	}
	s.render(w, r, "recoveries", page{Title: "追缴", Menu: "recoveries", Data: v})
	return nil
}

type recoveryView struct {
	R        sqldb.Recovery
	Where    string
	CanEnter bool
}

func (s *Server) recoveryPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathInt(r, "id", "追缴")
	if err != nil {
		return err
	}
	return s.renderRecovery(w, r, id, nil, nil)
}

func (s *Server) renderRecovery(w http.ResponseWriter, r *http.Request, id int64, form url.Values, formErr error) error {
	rc, err := s.db.Recovery(r.Context(), id)
	if err != nil {
		return err
	}
	u, _ := userFrom(r)
	v := recoveryView{R: rc, Where: s.regionNames(r).path(rc.Region), CanEnter: rc.Status == "open" && auth.Can(u.Actor(), auth.PermPaymentRun)}
	if form == nil {
		form = url.Values{"kind": {"repayment"}, "on": {s.today().String()}}
	}
	p := page{Title: fmt.Sprintf("追缴 %d · %s", rc.ID, rc.ReasonName), Menu: "recoveries", Data: v, Form: form}
	if formErr != nil {
		p.Err = s.publicError(r, formErr) // render answers with its status
	}
	s.render(w, r, "recovery", p)
	return nil
}

// recoveryEntrySubmit records a repayment or a waiver, the amount typed in
// 元.
func (s *Server) recoveryEntrySubmit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathInt(r, "id", "追缴")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return minzheng.Invalid("", "表单内容有误")
	}
	form := url.Values{}
	for _, k := range []string{"kind", "amount", "on", "note"} {
		form.Set(k, strings.TrimSpace(r.PostForm.Get(k)))
	}
	fail := func(err error) error {
		if e, ok := formError(err); ok {
			return s.renderRecovery(w, r, id, form, e)
		}
		return err
	}
	in := sqldb.RecoveryEntryInput{Kind: form.Get("kind"), Note: form.Get("note")}
	if in.AmountFen, err = minzheng.ParseYuan(form.Get("amount")); err != nil {
		return fail(minzheng.Invalid("amount", "金额：%s", err.Error()))
	}
	if v := form.Get("on"); v != "" {
		if in.On, err = minzheng.ParseDate(v); err != nil {
			return fail(minzheng.Invalid("on", "日期：%s", err.Error()))
		}
	}
	rc, err := s.db.AddRecoveryEntry(r.Context(), id, in)
	if err != nil {
		if e, ok := minzheng.AsError(err); ok && e.Field == "amount_fen" {
			err = minzheng.Invalid("amount", "%s", e.Message)
		}
		return fail(err)
	}
	what := map[string]string{"repayment": "退回", "waiver": "核销"}[in.Kind]
	redirectFlash(w, r, fmt.Sprintf("/staff/recoveries/%d", id), fmt.Sprintf("已登记%s %s 元，尚欠 %s 元", what, in.AmountFen.Yuan(), rc.BalanceFen.Yuan()))
	return nil
}

// Ledgers (待遇台账).

type ledgerView struct {
	L       sqldb.Ledger
	Where   string
	Program string
}

func (s *Server) ledgerPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathInt(r, "id", "待遇")
	if err != nil {
		return err
	}
	l, err := s.db.EnrolmentLedger(r.Context(), id)
	if err != nil {
		return err
	}
	v := ledgerView{L: l, Where: s.regionNames(r).path(l.Enrolment.Region), Program: l.Enrolment.Program}
	if p, ok := policy.ProgramByCode(l.Enrolment.Program); ok {
		v.Program = p.Name
	}
	s.render(w, r, "ledger", page{Title: fmt.Sprintf("待遇台账 · 待遇 %d · %s", l.Enrolment.ID, v.Program), Menu: "payrolls", Data: v})
	return nil
}

// Card custody (卡折代管).

type custodyView struct {
	Query   url.Values
	Rows    []custodyRow
	Holders map[string]string
	Missing int
}

type custodyRow struct {
	sqldb.Custody
	Village string
}

func (s *Server) custodyPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderCustody(w, r, nil, nil)
}

func (s *Server) renderCustody(w http.ResponseWriter, r *http.Request, form url.Values, formErr error) error {
	q := r.URL.Query()
	reg, err := region.ParseScope(q.Get("region"))
	if err != nil {
		return minzheng.Invalid("region", "区划代码“%s”格式不对", q.Get("region"))
	}
	list, err := s.db.Custodies(r.Context(), reg, q.Get("missing") != "")
	if err != nil {
		return err
	}
	names := s.regionNames(r)
	v := custodyView{Query: q, Holders: sqldb.CustodyHolders}
	for _, c := range list {
		v.Rows = append(v.Rows, custodyRow{Custody: c, Village: names.name(c.Region)})
		if c.Missing {
			v.Missing++
		}
	}
	if form == nil {
		form = url.Values{"holder_kind": {"family"}}
	}
	p := page{Title: "卡折代管", Menu: "custody", Data: v, Form: form}
	if formErr != nil {
		p.Err = s.publicError(r, formErr) // render answers with its status
	}
	s.render(w, r, "custody", p)
	return nil
}

// optionalDate reads a date field that may be left blank.
func optionalDate(form url.Values, field, label string) (*minzheng.Date, error) {
	v := strings.TrimSpace(form.Get(field))
	if v == "" {
		return nil, nil
	}
	d, err := minzheng.ParseDate(v)
	if err != nil {
		return nil, minzheng.Invalid(field, "%s：%s", label, err.Error())
	}
	return &d, nil
}

func (s *Server) custodySubmit(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return minzheng.Invalid("", "表单内容有误")
	}
	form := url.Values{}
	for _, k := range []string{"household_id", "holder_kind", "holder_name", "reason", "agreement", "agreement_on", "valid_from"} {
		form.Set(k, strings.TrimSpace(r.PostForm.Get(k)))
	}
	fail := func(err error) error {
		if e, ok := formError(err); ok {
			return s.renderCustody(w, r, form, e)
		}
		return err
	}
	in := sqldb.CustodyInput{HolderKind: form.Get("holder_kind"), HolderName: form.Get("holder_name"), Reason: form.Get("reason"), Agreement: form.Get("agreement")}
	var err error
	if in.HouseholdID, err = strconv.ParseInt(form.Get("household_id"), 10, 64); err != nil || in.HouseholdID < 1 {
		return fail(minzheng.Invalid("household_id", "请填写户号（家庭档案中的编号）"))
	}
	if in.AgreementOn, err = optionalDate(form, "agreement_on", "协议签订日期"); err != nil {
		return fail(err)
	}
	from, err := optionalDate(form, "valid_from", "代管起始日期")
	if err != nil {
		return fail(err)
	}
	if from != nil {
		in.ValidFrom = *from
	}
	c, err := s.db.AddCustody(r.Context(), in)
	if err != nil {
		if e, ok := minzheng.AsError(err); ok && e.Code == minzheng.CodeNotFound {
			err = minzheng.Invalid("household_id", "%s，请核对户号", e.Message)
		}
		return fail(err)
	}
	msg := fmt.Sprintf("已登记第 %d 户的卡折代管：%s“%s”", c.HouseholdID, sqldb.CustodyHolders[c.HolderKind], c.HolderName)
	if c.Missing {
		msg += "。尚无书面代管协议，请尽快签订并登记（《最低生活保障审核确认办法》第二十六条）"
	}
	redirectFlash(w, r, "/staff/card_custody", msg)
	return nil
}

func (s *Server) custodyAgreementSubmit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathInt(r, "id", "代管记录")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return minzheng.Invalid("", "表单内容有误")
	}
	on, err := optionalDate(r.PostForm, "agreement_on", "协议签订日期")
	if err == nil && on == nil {
		err = minzheng.Invalid("agreement_on", "请填写协议签订日期")
	}
	var c sqldb.Custody
	if err == nil {
		c, err = s.db.CustodyAgreement(r.Context(), id, r.PostForm.Get("agreement"), *on)
	}
	if err != nil {
		return s.custodyRowError(w, r, err)
	}
	redirectFlash(w, r, "/staff/card_custody", fmt.Sprintf("已登记第 %d 户卡折代管的书面协议", c.HouseholdID))
	return nil
}

func (s *Server) custodyEndSubmit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathInt(r, "id", "代管记录")
	if err != nil {
		return err
	}
	c, err := s.db.EndCustody(r.Context(), id, 0)
	if err != nil {
		return s.custodyRowError(w, r, err)
	}
	redirectFlash(w, r, "/staff/card_custody", fmt.Sprintf("第 %d 户的银行卡（存折）已交还本人，代管结束", c.HouseholdID))
	return nil
}

// custodyRowError shows the list with the error of a form in one of its
// rows, above the table (not beside the fields of the add form).
func (s *Server) custodyRowError(w http.ResponseWriter, r *http.Request, err error) error {
	e, ok := formError(err)
	if !ok {
		return err
	}
	return s.renderCustody(w, r, nil, &minzheng.Error{Code: e.Code, Message: e.Message})
}

// Reports (统计报表).

// reportView is the 统计报表 page: the form and, once valid, the report.
type reportView struct {
	Query    url.Values
	Programs []*policy.Program
	Rep      *report.Payments
	Where    string // the region reported on, by name
	Program  string
	SubTitle string // what the sub-regions are: 乡镇（街道）…
	Drill    bool   // the sub-regions have their own sub-regions
	Up       string // the report of the region above, within the user's
	Chart    reportChart
	Changes  string            // the 标准调整情况 of the same region and period
	Exports  map[string]string // the tables' xlsx, by table
}

// reportChart is what the charts are drawn from: amounts in 万元 as the
// report writes them (the script turns them into numbers).
type reportChart struct {
	Months      []string `json:"months"`
	AmountWan   []string `json:"amount_wan"`
	PersonTimes []int64  `json:"person_times"`
	Regions     []string `json:"regions"`
	RegionWan   []string `json:"region_wan"`
}

// reportRequest is the report's query with the page's defaults filled in:
// the user's region, January of this year to this month, 低保.
func (s *Server) reportRequest(r *http.Request) *http.Request {
	q := r.URL.Query()
	u, _ := userFrom(r)
	now := s.today().Month()
	y, _ := now.YM()
	for k, def := range map[string]string{"region": u.RegionShort(), "from": minzheng.NewMonth(y, 1).String(), "to": now.String(), "program": "dibao"} {
		if _, ok := q[k]; !ok {
			q.Set(k, def)
		}
		q.Set(k, strings.TrimSpace(q.Get(k)))
	}
	r2 := r.Clone(r.Context())
	r2.URL.RawQuery = q.Encode()
	return r2
}

func (s *Server) reportsPage(w http.ResponseWriter, r *http.Request) error {
	u, _ := userFrom(r)
	if err := auth.Require(u.Actor(), auth.PermReportRead); err != nil {
		return err
	}
	r2 := s.reportRequest(r)
	v := reportView{Query: r2.URL.Query(), Programs: moneyPrograms()}
	p := page{Title: "统计报表", Menu: "reports", Data: &v}
	code, from, to, program, err := paymentReportQuery(r2)
	var rep report.Payments
	if err == nil {
		rep, err = s.db.PaymentReport(r2.Context(), code, from, to, program)
	}
	if err != nil {
		e, ok := formError(err)
		if !ok {
			return err
		}
		p.Err = e
		s.render(w, r, "reports", p)
		return nil
	}
	v.Rep = &rep
	names := s.regionNames(r)
	v.Where = names.path(rep.Region)
	v.Program = program
	if pr, ok := policy.ProgramByCode(program); ok {
		v.Program = pr.Name
	}
	repCode := region.Code(rep.Region)
	lvl := repCode.Level()
	if lvl < region.LevelVillage {
		v.SubTitle = (lvl + 1).Chinese()
		v.Drill = lvl+1 < region.LevelVillage
	} else {
		v.SubTitle = lvl.Chinese()
	}
	short := shortOf(repCode)
	link := func(reg string) string {
		q := url.Values{"region": {reg}, "from": {from.String()}, "to": {to.String()}, "program": {program}}
		return q.Encode()
	}
	v.Exports = map[string]string{}
	for _, table := range []string{"month", "region"} {
		v.Exports[table] = "/staff/reports/export?table=" + table + "&" + link(short)
	}
	if user := region.Code(u.Region); repCode != user && lvl > 0 {
		up := repCode.Ancestor(lvl - 1)
		if user.Contains(up) {
			v.Up = "/staff/reports?" + link(shortOf(up))
		}
	}
	v.Changes = "/staff/params/changes?" + url.Values{"region": {short}, "from": {from.First().String()}, "to": {minDate(to.Last(), s.today()).String()}}.Encode()
	v.Chart = reportChart{Months: []string{}, AmountWan: []string{}, PersonTimes: []int64{}, Regions: []string{}, RegionWan: []string{}}
	for _, m := range rep.ByMonth {
		v.Chart.Months = append(v.Chart.Months, m.Month.String())
		v.Chart.AmountWan = append(v.Chart.AmountWan, m.AmountWan)
		v.Chart.PersonTimes = append(v.Chart.PersonTimes, m.PersonTimes)
	}
	for _, g := range rep.ByRegion {
		v.Chart.Regions = append(v.Chart.Regions, g.Name)
		v.Chart.RegionWan = append(v.Chart.RegionWan, g.AmountWan)
	}
	p.Title = "统计报表 · " + v.Where
	s.render(w, r, "reports", p)
	return nil
}

func minDate(a, b minzheng.Date) minzheng.Date {
	if a < b {
		return a
	}
	return b
}

// reportExport writes one of the report's tables — by month (table=month)
// or by sub-region (table=region) — as a workbook, with the totals last.
func (s *Server) reportExport(w http.ResponseWriter, r *http.Request) error {
	r2 := s.reportRequest(r)
	code, from, to, program, err := paymentReportQuery(r2)
	if err != nil {
		return err
	}
	table := r.URL.Query().Get("table")
	if table != "month" && table != "region" {
		return minzheng.Invalid("table", "导出的表应为 month（按月）或 region（按区划）")
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = xlsx.FormatXLSX
	}
	if format != xlsx.FormatXLSX && format != xlsx.FormatCSV {
		return minzheng.Invalid("format", "格式应为 xlsx 或 csv")
	}
	rep, err := s.db.PaymentReport(r2.Context(), code, from, to, program)
	if err != nil {
		return err
	}
	name := programName(program)
	where := s.regionNames(r).name(rep.Region)
	figures := func(f report.Figures) []string {
		return []string{strconv.FormatInt(f.Lines, 10), strconv.FormatInt(f.PersonTimes, 10), strconv.FormatInt(f.Households, 10),
			strconv.FormatInt(f.Persons, 10), f.AmountFen.Yuan(), f.AmountFen.Wan()}
	}
	cols := []string{"发放笔数", "人次", "户数", "人数", "金额（元）", "金额（万元）"}
	var header []string
	var rows [][]string
	sheet := "按月"
	if table == "month" {
		header = append([]string{"月份"}, cols...)
		for _, m := range rep.ByMonth {
			rows = append(rows, append([]string{m.Month.String()}, figures(m.Figures)...))
		}
		rows = append(rows, append([]string{"合计"}, figures(rep.Figures)...))
	} else {
		sheet = "按区划"
		header = append([]string{"区划代码", "名称"}, cols...)
		for _, g := range rep.ByRegion {
			rows = append(rows, append([]string{shortOf(region.Code(g.Region)), g.Name}, figures(g.Figures)...))
		}
		rows = append(rows, append([]string{"", "合计"}, figures(rep.Figures)...))
	}
	file := fmt.Sprintf("统计报表-%s-%s-%s至%s-%s.%s", where, name, from, to, sheet, format)
	w.Header().Set("Content-Disposition", attachment(file))
	w.Header().Set("Content-Type", contentType(format))
	w.Header().Set("Cache-Control", "no-store")
	xw, err := xlsx.NewWriter(w, format, name+sheet, header)
	if err != nil {
		return err
	}
	for _, row := range rows {
		if err := xw.Write(row); err != nil {
			xw.Close()
			return err
		}
	}
	xw.AddSheet("说明", [][]string{{"项目", "内容"}, {"区划", s.regionNames(r).path(rep.Region)}, {"期间", from.String() + " 至 " + to.String()},
		{"救助项目", name}, {"报告用语", rep.Sentence}, {"累计用语", rep.SentenceHouseholds},
		{"口径", "已审核名册的发放明细及已登记的先行救助，减去银行退回失败的（失败后重发成功的计入）；户数、人数在期间内各计一次，人次为各月发放人数之和"}})
	return xw.Close()
}

func programName(code string) string {
	if p, ok := policy.ProgramByCode(code); ok {
		return p.Name
	}
	return code
}

func init() {
	funcs["payrollState"] = func(s string) string {
		if n, ok := sqldb.PayrollStates[s]; ok {
			return n
		}
		return s
	}
	funcs["paymentStatus"] = func(s string) string {
		if n, ok := sqldb.PaymentStatuses[s]; ok {
			return n
		}
		return s
	}
	funcs["paymentKind"] = func(k string) string {
		if n, ok := payment.KindNames[k]; ok {
			return n
		}
		return k
	}
	funcs["holderName"] = func(k string) string {
		if n, ok := sqldb.CustodyHolders[k]; ok {
			return n
		}
		return k
	}
	funcs["enrolmentStatus"] = func(s string) string {
		if n, ok := map[string]string{"active": "享受中", "phasing_out": "渐退中", "stopped": "已停止"}[s]; ok {
			return n
		}
		return s
	}
	funcs["ledgerKind"] = func(k string) string {
		if n, ok := map[string]string{"payment": "发放", "returned": "银行退回", "recovery": "追缴", "fine": "罚款", "repayment": "退回", "waiver": "核销"}[k]; ok {
			return n
		}
		return k
	}
	funcs["wan"] = func(f minzheng.Fen) string { return f.Wan() }
	funcs["derefDate"] = func(d *minzheng.Date) minzheng.Date {
		if d == nil {
			return 0
		}
		return *d
	}
	funcs["shortCode"] = func(code string) string { return shortOf(region.Code(code)) }
}
