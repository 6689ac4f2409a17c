package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"minzheng"
	"minzheng/xlsx"
)

// upload posts a file as the form field "file", with the CSRF token read
// from the page at from.
func (b *browser) upload(t *testing.T, from, path, name string, content []byte) pageResp {
	t.Helper()
	tok := b.csrf(t, from)
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if err := mw.WriteField("csrf", tok); err != nil {
		t.Fatal(err)
	}
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(content)
	mw.Close()
	req, err := http.NewRequest("POST", b.f.ts.URL+path, &buf)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.send(t, req)
}

var payrollLocation = regexp.MustCompile(`^/staff/payrolls/(\d+)$`)

// generatePayroll submits the 生成发放名册 form and follows the job until
// it is done; it answers the payroll's id.
func generatePayroll(t *testing.T, b *browser, month string) int64 {
	t.Helper()
	p := b.submit(t, "/staff/payrolls", "/staff/payrolls", url.Values{"region": {"370614"}, "month": {month}, "program": {"dibao"}})
	loc := p.Header.Get("Location")
	if p.Status != http.StatusSeeOther || !strings.HasPrefix(loc, "/staff/payrolls/generate/") {
		t.Fatalf("generate %s: %d %q\n%s", month, p.Status, loc, p.Body)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		p = b.get(t, loc)
		if p.Status != http.StatusOK || !strings.Contains(p.Body, `id="payroll-wait"`) {
			break
		}
		// htmx asks for the fragment while waiting.
		if frag := b.get(t, loc, "HX-Request", "true"); frag.Status != http.StatusOK ||
			(!strings.Contains(frag.Body, `id="payroll-wait"`) && frag.Header.Get("HX-Redirect") == "") {
			t.Fatalf("the waiting fragment: %d %v %s", frag.Status, frag.Header, frag.Body)
		}
		if time.Now().After(deadline) {
			t.Fatalf("generation of %s did not finish", month)
		}
		time.Sleep(30 * time.Millisecond)
	}
	m := payrollLocation.FindStringSubmatch(p.Header.Get("Location"))
	if p.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("the finished generation of %s: %d %q\n%s", month, p.Status, p.Header.Get("Location"), p.Body)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

func TestPayrollPages(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		recipients := paymentSetup(t, f, 300, minzheng.NewMonth(2024, time.January))
		maker, checker := f.browser(t), f.browser(t)
		maker.login(t, "penglai")
		checker.login(t, "checker")

		p := maker.get(t, "/staff/payrolls")
		for _, want := range []string{"<title>发放名册 · 民政社会救助</title>", "生成发放名册", `name="region" value="370614"`, `href="/staff/payrolls"`, `href="/staff/reports"`} {
			if !strings.Contains(p.Body, want) {
				t.Errorf("the payrolls page lacks %q", want)
			}
		}
		// Bad input: refused with the reason beside its field, the input kept.
		for _, c := range []struct {
			form  url.Values
			field string
			want  string
		}{
			{url.Values{"region": {"370614107"}, "month": {"2024-01"}, "program": {"dibao"}}, "region", "6 位县级区划代码"},
			{url.Values{"region": {"370614"}, "month": {"2024-13"}, "program": {"dibao"}}, "month", "YYYY-MM"},
			{url.Values{"region": {"370614"}, "month": {"2099-01"}, "program": {"dibao"}}, "month", "太远"},
			{url.Values{"region": {"370614"}, "month": {"2024-01"}, "program": {"free_electricity"}}, "program", "救助项目"},
		} {
			p = maker.submit(t, "/staff/payrolls", "/staff/payrolls", c.form)
			if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, `<span class="field-error">`) || !strings.Contains(p.Body, c.want) ||
				!strings.Contains(p.Body, `value="`+c.form.Get("region")+`"`) {
				t.Errorf("%v: %d, want 400 with %q beside %s", c.form, p.Status, c.want, c.field)
			}
		}
		// Outside the county: refused.
		p = maker.submit(t, "/staff/payrolls", "/staff/payrolls", url.Values{"region": {"320402"}, "month": {"2024-01"}, "program": {"dibao"}})
		if p.Status != http.StatusForbidden {
			t.Errorf("a payroll of 天宁 from 蓬莱: %d", p.Status)
		}

		// January, generated from the page through its background job.
		id := generatePayroll(t, maker, "2024-01")
		path := idPath("/staff/payrolls/", id)
		p = maker.get(t, path)
		for _, want := range []string{"已生成 2024-01", "待审核", fmt.Sprintf(`id="total-lines">%d<`, recipients), fmt.Sprintf(`id="total-households">%d<`, recipients),
			fmt.Sprintf("<h3>新增（%d）</h3>", recipients), "山东省烟台市蓬莱区", "这份名册是您生成的", "****", "/ledger"} {
			if !strings.Contains(p.Body, want) {
				t.Errorf("the payroll page (maker) lacks %q", want)
			}
		}
		if strings.Contains(p.Body, `id="approve"`) {
			t.Error("the maker is offered the approval")
		}
		if strings.Contains(p.Body, "导入回盘") {
			t.Error("a draft offers the bank files")
		}
		// The maker is refused all the same.
		if p = maker.submit(t, path, path+"/approve", url.Values{}); p.Status != http.StatusForbidden || !strings.Contains(p.Body, "生成与审核分离") {
			t.Fatalf("the maker approves: %d", p.Status)
		}
		// Another county sees nothing of it.
		tn := f.browser(t)
		tn.login(t, "tianning")
		if p = tn.get(t, path); p.Status != http.StatusForbidden {
			t.Errorf("天宁 reads 蓬莱's payroll: %d", p.Status)
		}
		// Generating it again: the same payroll.
		if again := generatePayroll(t, maker, "2024-01"); again != id {
			t.Errorf("generated again: %d, want %d", again, id)
		}
		// February waits for January's approval: the job fails and says why,
		// the form keeps its input.
		p = maker.submit(t, "/staff/payrolls", "/staff/payrolls", url.Values{"region": {"370614"}, "month": {"2024-02"}, "program": {"dibao"}})
		loc := p.Header.Get("Location")
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(30 * time.Millisecond) {
			p = maker.get(t, loc)
			if !strings.Contains(p.Body, `id="payroll-wait"`) || time.Now().After(deadline) {
				break
			}
		}
		if p.Status != http.StatusConflict || !strings.Contains(p.Body, "名册未生成") || !strings.Contains(p.Body, "2024-01 的发放名册尚未审核") ||
			!strings.Contains(p.Body, `value="2024-02"`) {
			t.Errorf("February before January's approval: %d\n%s", p.Status, p.Body)
		}

		// The checker approves from the page.
		p = checker.get(t, path)
		if !strings.Contains(p.Body, `id="approve"`) {
			t.Fatal("the checker is not offered the approval")
		}
		p = checker.submit(t, path, path+"/approve", url.Values{})
		if p.Status != http.StatusSeeOther || p.Header.Get("Location") != path {
			t.Fatalf("approve: %d %s", p.Status, p.Body)
		}
		p = checker.get(t, path)
		for _, want := range []string{"已审核通过", `id="payroll-state">已审核<`, "penglai_checker", "导出 Excel", "导入回盘"} {
			if !strings.Contains(p.Body, want) {
				t.Errorf("the approved payroll lacks %q", want)
			}
		}
		if strings.Contains(p.Body, `id="approve"`) {
			t.Error("an approved payroll is offered the approval again")
		}
		if p = checker.submit(t, path, path+"/approve", url.Values{}); p.Status != http.StatusConflict || !strings.Contains(p.Body, "已冻结") {
			t.Errorf("approved twice: %d", p.Status)
		}
		p = maker.get(t, "/staff/payrolls?month=2024-01&state=approved")
		if !strings.Contains(p.Body, idPath(`href="/staff/payrolls/`, id)) || !strings.Contains(p.Body, "蓬莱区") || !strings.Contains(p.Body, "penglai_checker") {
			t.Error("the list lacks the approved payroll")
		}
		if p = maker.get(t, "/staff/payrolls?state=draft"); strings.Contains(p.Body, idPath(`href="/staff/payrolls/`, id)) {
			t.Error("the draft filter lists an approved payroll")
		}

		// The bank file, downloaded from the page (a form: the export is audited).
		p = checker.submit(t, path, path+"/bank_file", url.Values{"format": {"csv"}})
		if p.Status != http.StatusOK || !strings.HasPrefix(p.Header.Get("Content-Type"), "text/csv") || p.Header.Get("X-Control-Lines") != strconv.Itoa(recipients) {
			t.Fatalf("bank file: %d %v", p.Status, p.Header)
		}
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(p.Body, "\xef\xbb\xbf"))).ReadAll()
		if err != nil || len(recs) != recipients+1 || recs[0][0] != "发放编号" {
			t.Fatalf("bank file: %d rows, %v", len(recs), err)
		}
		// The return: one failed, one with a wrong amount, the rest paid.
		var ret strings.Builder
		ret.WriteString("发放编号,金额（元）,结果,原因\r\n")
		for i, r := range recs[1:] {
			switch i {
			case 0:
				fmt.Fprintf(&ret, "%s,%s,失败,账户已销户\r\n", r[0], r[4])
			case 1:
				fmt.Fprintf(&ret, "%s,1.00,成功,\r\n", r[0])
			default:
				fmt.Fprintf(&ret, "%s,%s,成功,\r\n", r[0], r[4])
			}
		}
		p = checker.upload(t, path, path+"/returns", "回盘.csv", []byte(ret.String()))
		for _, want := range []string{"回盘结果：回盘.csv", "回盘金额与名册不符", "还有 1 笔等待银行回盘", `id="unanswered"`, "尚未回盘的明细", fmt.Sprintf(`<td class="num">%d</td>`, recipients-2)} {
			if !strings.Contains(p.Body, want) {
				t.Errorf("the return's report lacks %q", want)
			}
		}
		if p.Status != http.StatusOK {
			t.Errorf("return: %d", p.Status)
		}
		p = checker.upload(t, path, path+"/returns", "回盘.csv", []byte(ret.String()))
		if !strings.Contains(p.Body, "此前已导入") {
			t.Error("the same return again is not recognised")
		}
		p = checker.upload(t, path, path+"/returns", "坏.csv", []byte("发放编号,金额（元）\r\n1,1.00\r\n"))
		if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, "回盘文件缺少") {
			t.Errorf("an unreadable return: %d", p.Status)
		}
		if p = checker.get(t, path+"?status=failed"); !strings.Contains(p.Body, "账户已销户") || !strings.Contains(p.Body, "共 1 行") {
			t.Error("the failed line is not listed with the bank's reason")
		}

		// February to October, made and approved through the API.
		payMonths(t, f, "dibao", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06", "2024-07", "2024-08", "2024-09", "2024-10")

		// The report, as the checker sees it.
		_, v := f.do(t, "GET", "/api/v1/reports/payments?region=370614&from=2024-01&to=2024-10&program=dibao", f.apiLogin(t, "checker"), nil)
		rep := jobj(t, v)
		sentence := rep["sentence"].(string)
		if !strings.HasPrefix(sentence, "1-10月,发放城乡低保金") || !strings.HasSuffix(sentence, "万元") {
			t.Fatalf("sentence %q", sentence)
		}
		p = checker.get(t, "/staff/reports?region=370614&from=2024-01&to=2024-10&program=dibao")
		for _, want := range []string{sentence, rep["sentence_households"].(string), `id="by-region"`, "按乡镇", "大辛店镇", `href="/staff/reports?region=370614107&amp;from=2024-01&amp;to=2024-10&amp;program=dibao"`,
			`id="report-chart"`, "/static/echarts.min.js", "/staff/reports/export?table=month&amp;from=2024-01&amp;program=dibao&amp;region=370614&amp;to=2024-10", "/staff/reports/export?table=region&amp;from=2024-01&amp;program=dibao&amp;region=370614&amp;to=2024-10", "/staff/params/changes?", "2024-10",
			rep["amount_wan"].(string)} {
			if !strings.Contains(p.Body, want) {
				t.Errorf("the report page lacks %q", want)
			}
		}
		// The charts' figures, as JSON the script reads.
		m := regexp.MustCompile(`(?s)<script type="application/json" id="report-chart">(.*?)</script>`).FindStringSubmatch(p.Body)
		if m == nil {
			t.Fatal("no chart data")
		}
		var chart struct {
			Months      []string `json:"months"`
			AmountWan   []string `json:"amount_wan"`
			PersonTimes []int64  `json:"person_times"`
			Regions     []string `json:"regions"`
			RegionWan   []string `json:"region_wan"`
		}
		if err := json.Unmarshal([]byte(m[1]), &chart); err != nil || len(chart.Months) != 10 || chart.Months[0] != "2024-01" || len(chart.AmountWan) != 10 ||
			len(chart.Regions) == 0 || len(chart.Regions) != len(chart.RegionWan) {
			t.Fatalf("chart data %s: %v", m[1], err)
		}
		// Drilling down to the township: its villages.
		p = checker.get(t, "/staff/reports?region=370614107&from=2024-01&to=2024-10&program=dibao")
		if p.Status != http.StatusOK || !strings.Contains(p.Body, "按村") || !strings.Contains(p.Body, "查看上一级") {
			t.Errorf("the township's report: %d", p.Status)
		}
		// The defaults: the user's region, January to this month.
		p = checker.get(t, "/staff/reports")
		if p.Status != http.StatusOK || !strings.Contains(p.Body, `value="2025-01"`) || !strings.Contains(p.Body, `value="2025-09"`) || !strings.Contains(p.Body, "1-9月,发放城乡低保金") {
			t.Errorf("the default report: %d", p.Status)
		}
		// Bad periods: beside their fields.
		p = checker.get(t, "/staff/reports?region=370614&from=2024-10&to=2024-01&program=dibao")
		if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, `<span class="field-error">截止月份`) {
			t.Errorf("a backwards period: %d", p.Status)
		}
		if p = tn.get(t, "/staff/reports?region=370614&from=2024-01&to=2024-10&program=dibao"); p.Status != http.StatusForbidden {
			t.Errorf("天宁 reads 蓬莱's report: %d", p.Status)
		}

		// The tables as workbooks.
		for table, want := range map[string]string{"region": "大辛店镇", "month": "2024-10"} {
			p = checker.get(t, "/staff/reports/export?table="+table+"&region=370614&from=2024-01&to=2024-10&program=dibao")
			if p.Status != http.StatusOK || !strings.HasPrefix(p.Body, "PK") || !strings.Contains(p.Header.Get("Content-Disposition"), ".xlsx") {
				t.Fatalf("export %s: %d %v", table, p.Status, p.Header)
			}
			file := filepath.Join(t.TempDir(), "report.xlsx")
			if err := os.WriteFile(file, []byte(p.Body), 0o600); err != nil {
				t.Fatal(err)
			}
			rd, err := xlsx.Open(file)
			if err != nil {
				t.Fatal(err)
			}
			var rows [][]string
			for {
				rec, err := rd.Next()
				if err != nil {
					break
				}
				rows = append(rows, rec)
			}
			rd.Close()
			h := rd.Header()
			last := rows[len(rows)-1]
			if h[len(h)-1] != "金额（万元）" || last[len(last)-1] != rep["amount_wan"].(string) || !strings.Contains(fmt.Sprint(rows), want) {
				t.Errorf("export %s: header %v, rows %v", table, h, rows)
			}
		}
		if p = checker.get(t, "/staff/reports/export?table=nosuch&region=370614&from=2024-01&to=2024-10&program=dibao"); p.Status != http.StatusBadRequest {
			t.Errorf("an unknown table: %d", p.Status)
		}
	})
}

func TestRecoveryPages(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		paymentSetup(t, f, 300, minzheng.NewMonth(2024, time.January))
		sys := minzheng.WithActor(context.Background(), minzheng.System("test"))
		var enrolment, amount, pid int64
		err := f.db.QueryRow(sys, `SELECT e.id, e.amount_fen, p.id FROM enrolments e JOIN persons p ON p.id_number = e.subject
			WHERE e.program = 'elderly_longevity' AND e.amount_fen > 0 ORDER BY e.id LIMIT 1`).Scan(&enrolment, &amount, &pid)
		if err != nil {
			t.Skipf("no 高龄津贴 recipient: %v", err)
		}
		payMonths(t, f, "elderly_longevity", "2024-01", "2024-02", "2024-03")
		if status, v := f.do(t, "PATCH", fmt.Sprintf("/api/v1/persons/%d", pid), f.apiLogin(t, "dxd"), map[string]any{"death_date": "2024-01-15"}); status != http.StatusOK {
			t.Fatalf("record the death: %d %v", status, v)
		}
		b := f.browser(t)
		b.login(t, "checker")
		p := b.get(t, "/staff/recoveries")
		m := regexp.MustCompile(`href="/staff/recoveries/(\d+)"`).FindStringSubmatch(p.Body)
		if p.Status != http.StatusOK || m == nil || !strings.Contains(p.Body, "对象死亡后多发") || !strings.Contains(p.Body, minzheng.Fen(2*amount).Yuan()) {
			t.Fatalf("recoveries: %d\n%s", p.Status, p.Body)
		}
		path := "/staff/recoveries/" + m[1]
		p = b.get(t, path)
		if p.Status != http.StatusOK || !strings.Contains(p.Body, "登记退回或核销") || !strings.Contains(p.Body, "所追缴的发放") {
			t.Fatalf("recovery: %d", p.Status)
		}
		for _, c := range []struct {
			form   url.Values
			status int
			want   string
		}{
			{url.Values{"kind": {"repayment"}, "amount": {"一百"}}, http.StatusBadRequest, `<span class="field-error">金额`},
			{url.Values{"kind": {"waiver"}, "amount": {"1.00"}}, http.StatusBadRequest, `<span class="field-error">核销须写明理由`},
			{url.Values{"kind": {"repayment"}, "amount": {minzheng.Fen(3 * amount).Yuan()}}, http.StatusConflict, "超过尚欠"},
		} {
			p = b.submit(t, path, path+"/entries", c.form)
			if p.Status != c.status || !strings.Contains(p.Body, c.want) || !strings.Contains(p.Body, `value="`+c.form.Get("amount")+`"`) {
				t.Errorf("%v: %d, want %d with %q", c.form, p.Status, c.status, c.want)
			}
		}
		p = b.submit(t, path, path+"/entries", url.Values{"kind": {"repayment"}, "amount": {minzheng.Fen(amount).Yuan()}, "note": {"家属退回"}})
		if p.Status != http.StatusSeeOther {
			t.Fatalf("repayment: %d %s", p.Status, p.Body)
		}
		p = b.get(t, path)
		if !strings.Contains(p.Body, "已登记退回 "+minzheng.Fen(amount).Yuan()) || !strings.Contains(p.Body, `id="balance"><strong>`+minzheng.Fen(amount).Yuan()) || !strings.Contains(p.Body, "家属退回") {
			t.Errorf("after the repayment:\n%s", p.Body)
		}
		// The ledger of the enrolment.
		p = b.get(t, fmt.Sprintf("/staff/enrolments/%d/ledger", enrolment))
		for _, want := range []string{"待遇台账", "高龄", "追缴：对象死亡后多发", "退回追缴款", minzheng.Fen(3 * amount).Yuan(), "尚欠"} {
			if !strings.Contains(p.Body, want) {
				t.Errorf("the ledger lacks %q", want)
			}
		}
		tn := f.browser(t)
		tn.login(t, "tianning")
		if p = tn.get(t, path); p.Status != http.StatusForbidden {
			t.Errorf("天宁 reads 蓬莱's recovery: %d", p.Status)
		}
		if p = tn.get(t, fmt.Sprintf("/staff/enrolments/%d/ledger", enrolment)); p.Status != http.StatusForbidden {
			t.Errorf("天宁 reads 蓬莱's ledger: %d", p.Status)
		}
	})
}

func TestCardCustodyPage(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		policySetup(t, f, 30)
		sys := minzheng.WithActor(context.Background(), minzheng.System("test"))
		var hid int64
		if err := f.db.QueryRow(sys, `SELECT id FROM households WHERE region_code LIKE '370614107%' ORDER BY id LIMIT 1`).Scan(&hid); err != nil {
			t.Fatal(err)
		}
		b := f.browser(t)
		b.login(t, "dxd")
		p := b.get(t, "/staff/card_custody")
		if p.Status != http.StatusOK || !strings.Contains(p.Body, "登记代管") || !strings.Contains(p.Body, "村（居）委会") {
			t.Fatalf("custody page: %d", p.Status)
		}
		// Bad input keeps what was typed.
		p = b.submit(t, "/staff/card_custody", "/staff/card_custody", url.Values{"household_id": {idStr(hid)}, "holder_kind": {"staff"}, "holder_name": {""}, "reason": {"户主年老"}})
		if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, `<span class="field-error">请填写代管人`) || !strings.Contains(p.Body, `value="户主年老"`) {
			t.Errorf("no holder: %d", p.Status)
		}
		p = b.submit(t, "/staff/card_custody", "/staff/card_custody", url.Values{"household_id": {"99999999"}, "holder_kind": {"family"}, "holder_name": {"张三"}})
		if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, "请核对户号") {
			t.Errorf("an unknown household: %d", p.Status)
		}
		// A village committee holds the card without an agreement.
		p = b.submit(t, "/staff/card_custody", "/staff/card_custody", url.Values{"household_id": {idStr(hid)}, "holder_kind": {"village_committee"},
			"holder_name": {"某村村委会"}, "reason": {"户主年老"}})
		if p.Status != http.StatusSeeOther {
			t.Fatalf("add: %d %s", p.Status, p.Body)
		}
		p = b.get(t, "/staff/card_custody?missing=1")
		if !strings.Contains(p.Body, "尚无书面代管协议") || !strings.Contains(p.Body, "某村村委会") || !strings.Contains(p.Body, "缺少书面协议") ||
			!strings.Contains(p.Body, idPath(`href="/staff/households/`, hid)) {
			t.Fatalf("the list without agreement:\n%s", p.Body)
		}
		m := regexp.MustCompile(`action="/staff/card_custody/(\d+)/agreement"`).FindStringSubmatch(p.Body)
		if m == nil {
			t.Fatal("no agreement form")
		}
		// The county sees it too; 天宁 does not.
		pl := f.browser(t)
		pl.login(t, "penglai")
		if p = pl.get(t, "/staff/card_custody?missing=1"); !strings.Contains(p.Body, "某村村委会") {
			t.Error("the county does not see the township's holding")
		}
		tn := f.browser(t)
		tn.login(t, "tianning")
		if p = tn.get(t, "/staff/card_custody?missing=1"); strings.Contains(p.Body, "某村村委会") {
			t.Error("天宁 sees 蓬莱's holding")
		}
		if p = tn.submit(t, "/staff/card_custody", "/staff/card_custody/"+m[1]+"/end", url.Values{}); p.Status != http.StatusForbidden {
			t.Errorf("天宁 ends 蓬莱's holding: %d", p.Status)
		}
		// The agreement: no longer missing.
		p = b.submit(t, "/staff/card_custody", "/staff/card_custody/"+m[1]+"/agreement", url.Values{"agreement": {"代管协议 2025-017 号"}, "agreement_on": {"2025-09-01"}})
		if p.Status != http.StatusSeeOther {
			t.Fatalf("agreement: %d %s", p.Status, p.Body)
		}
		if p = b.get(t, "/staff/card_custody?missing=1"); strings.Contains(p.Body, "某村村委会") {
			t.Error("the holding with an agreement is still listed as lacking one")
		}
		if p = b.get(t, "/staff/card_custody"); !strings.Contains(p.Body, "代管协议 2025-017 号（2025-09-01 签订）") {
			t.Error("the agreement is not shown")
		}
		// Ended: off the list.
		if p = b.submit(t, "/staff/card_custody", "/staff/card_custody/"+m[1]+"/end", url.Values{}); p.Status != http.StatusSeeOther {
			t.Fatalf("end: %d", p.Status)
		}
		if p = b.get(t, "/staff/card_custody"); strings.Contains(p.Body, "某村村委会") {
			t.Error("an ended holding is still listed")
		}
		if p = b.submit(t, "/staff/card_custody", "/staff/card_custody/"+m[1]+"/end", url.Values{}); p.Status != http.StatusConflict {
			t.Errorf("ended twice: %d", p.Status)
		}
	})
}

// TestEChartsVendored: the chart library is served from the program, with
// its licence, and the pages fetch nothing from elsewhere.
func TestEChartsVendored(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		b := f.browser(t)
		for _, path := range []string{"/static/echarts.min.js", "/static/echarts.LICENSE"} {
			if p := b.get(t, path); p.Status != http.StatusOK || len(p.Body) < 1000 {
				t.Errorf("%s: %d, %d bytes", path, p.Status, len(p.Body))
			}
		}
		b.login(t, "penglai")
		p := b.get(t, "/staff/reports")
		if p.Status != http.StatusOK || strings.Contains(p.Body, "cdn") || strings.Contains(p.Body, "http://") || strings.Contains(p.Body, "https://") {
			t.Errorf("the report page: %d", p.Status)
		}
	})
}

// TestBankTemplatesPage: an administrator sets a bank's layout from the
// page; a layout without the line number is refused next to the field, the
// input kept; a county officer reads the layouts.
func TestBankTemplatesPage(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		b := f.browser(t)
		b.login(t, "admin")
		p := b.submit(t, "/staff/bank_templates", "/staff/bank_templates", url.Values{"bank": {"农村商业银行"}, "columns": {"户名=payee\n账号=account"}})
		if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, "发放编号") || !strings.Contains(p.Body, "户名=payee") {
			t.Fatalf("a layout without the line number: %d", p.Status)
		}
		p = b.submit(t, "/staff/bank_templates", "/staff/bank_templates", url.Values{"bank": {"农村商业银行"}, "columns": {"流水号=line\r\n户名=payee\r\n账号=account\r\n金额=amount"}})
		if p.Status != http.StatusOK || !strings.Contains(p.Body, "已保存农村商业银行的发放文件格式") {
			t.Fatalf("set: %d %s", p.Status, p.Body)
		}
		c := f.browser(t)
		c.login(t, "penglai")
		if p = c.get(t, "/staff/bank_templates"); p.Status != http.StatusOK || !strings.Contains(p.Body, "流水号") || strings.Contains(p.Body, `action="/staff/bank_templates"`) == false {
			t.Fatalf("the county's view: %d", p.Status)
		}
		d := f.browser(t)
		d.login(t, "dxd")
		if p = d.get(t, "/staff/bank_templates"); p.Status != http.StatusOK || strings.Contains(p.Body, `action="/staff/bank_templates"`) {
			t.Fatalf("a township reads the layouts and has no form: %d", p.Status)
		}
	})
}
