package web

import (
	"net/http"

	"minzheng"
	"minzheng/region"
	"minzheng/sqldb"
)

// paymentRoutes are the money operations (资金发放).
func (s *Server) paymentRoutes() []apiRoute {
	tag := "资金发放"
	return []apiRoute{
		{Method: "POST", Path: "/payrolls", Summary: "生成（或重新生成）一个县、一个月份、一个项目的发放名册；同一县、月份和项目只有一份，再次提交返回同一份", Tag: tag,
			Body: "NewPayroll", Response: "Payroll", Status: http.StatusCreated, handle: s.apiGeneratePayroll},
		{Method: "GET", Path: "/payrolls", Summary: "发放名册列表（本辖区）", Tag: tag,
			Query: []apiParam{{"region", "string", "区划代码", false}, {"program", "string", "项目", false}, {"month", "string", "月份 YYYY-MM", false},
				{"state", "string", "draft、approved、exported、reconciled", false}}, Response: "PayrollList", handle: s.apiPayrolls},
		{Method: "GET", Path: "/payrolls/{id}", Summary: "一份发放名册及其控制总数", Tag: tag, Response: "Payroll", handle: s.apiPayroll},
		{Method: "GET", Path: "/payrolls/{id}/lines", Summary: "发放名册的明细（账号、身份证号脱敏）", Tag: tag,
			Query: append([]apiParam{{"status", "string", "due（待发放）、paid（已发放）、failed（发放失败）", false}}, pageParams...), Response: "PaymentList", handle: s.apiPayrollLines},
		{Method: "GET", Path: "/payrolls/{id}/diff", Summary: "与上月名册相比：新增、停发、金额变动、补发和重发", Tag: tag, Response: "PayrollDiff", handle: s.apiPayrollDiff},
		{Method: "POST", Path: "/payrolls/{id}/approve", Summary: "审核发放名册（生成人不能审核自己生成的名册）；审核后冻结", Tag: tag, Response: "Payroll", handle: s.apiApprovePayroll},
		{Method: "GET", Path: "/enrolments/{id}/ledger", Summary: "一项待遇的台账：应发、已发、银行退回、追缴、罚款、退回和核销，以及余额", Tag: tag, Response: "Ledger", handle: s.apiLedger},
		{Method: "POST", Path: "/enrolments/{id}/holds", Summary: "暂停发放一项待遇（自本月或以后某月起，写明理由）", Tag: tag, Body: "HoldInput", Response: "Hold",
			Status: http.StatusCreated, handle: s.apiHold},
		{Method: "POST", Path: "/holds/{id}/release", Summary: "恢复发放：back_pay 为 true 时暂停的月份在下期名册中补发", Tag: tag, Body: "HoldRelease", Response: "Hold", handle: s.apiReleaseHold},
		{Method: "GET", Path: "/recoveries", Summary: "追缴列表（本辖区）", Tag: tag,
			Query: []apiParam{{"region", "string", "区划代码", false}, {"status", "string", "open（追缴中）或 settled（已结清）", false}}, Response: "RecoveryList", handle: s.apiRecoveries},
		{Method: "GET", Path: "/recoveries/{id}", Summary: "一笔追缴：所追缴的发放明细、退回和核销记录、尚欠余额", Tag: tag, Response: "Recovery", handle: s.apiRecovery},
		{Method: "GET", Path: "/card_custody", Summary: "卡折代管登记（本辖区当前的）；without_agreement=true 只列须有书面协议而没有的（《低保办法》第26条）", Tag: tag,
			Query: []apiParam{{"region", "string", "区划代码", false}, {"without_agreement", "boolean", "只看缺少协议的", false}}, Response: "CustodyList", handle: s.apiCustodies},
		{Method: "POST", Path: "/card_custody", Summary: "登记谁代管某户的银行卡（存折）", Tag: tag, Body: "CustodyInput", Response: "Custody", Status: http.StatusCreated, handle: s.apiAddCustody},
		{Method: "POST", Path: "/card_custody/{id}/agreement", Summary: "登记已签订的代管协议", Tag: tag, Body: "CustodyAgreement", Response: "Custody", handle: s.apiCustodyAgreement},
		{Method: "POST", Path: "/card_custody/{id}/end", Summary: "银行卡（存折）交还本人，结束代管", Tag: tag, Body: "KinEnd", Response: "Custody", handle: s.apiEndCustody},
		{Method: "POST", Path: "/recoveries/{id}/entries", Summary: "登记追缴款退回或核销（不超过尚欠余额；核销须写明理由）", Tag: tag, Body: "RecoveryEntryInput", Response: "Recovery",
			Status: http.StatusCreated, handle: s.apiAddRecoveryEntry},
	}
}

type newPayrollJSON struct {
	Region  string `json:"region"`
	Month   string `json:"month"`
	Program string `json:"program"`
}

func (s *Server) apiGeneratePayroll(r *http.Request) (any, error) {
	var in newPayrollJSON
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	code, level, err := region.Parse(in.Region)
	if err != nil {
		return nil, minzheng.Invalid("region", "区划代码“%s”格式不对，应为 6 位县级代码", in.Region)
	}
	month, err := minzheng.ParseMonth(in.Month)
	if err != nil {
		return nil, minzheng.Invalid("month", "月份“%s”格式不对，应为 YYYY-MM", in.Month)
	}
	if in.Program == "" {
		return nil, minzheng.Invalid("program", "请给出项目，如 dibao")
	}
	p, created, err := s.db.GeneratePayroll(r.Context(), code, level, month, in.Program)
	if err != nil {
		return nil, err
	}
	if !created {
		return withStatus{http.StatusOK, p}, nil
	}
	return p, nil
}

func (s *Server) apiPayrolls(r *http.Request) (any, error) {
	q := r.URL.Query()
	reg, err := region.ParseScope(q.Get("region"))
	if err != nil {
		return nil, minzheng.Invalid("region", "区划代码“%s”格式不对", q.Get("region"))
	}
	f := sqldb.PayrollFilter{Region: reg, Program: q.Get("program"), State: q.Get("state")}
	if m := q.Get("month"); m != "" {
		if f.Month, err = minzheng.ParseMonth(m); err != nil {
			return nil, minzheng.Invalid("month", "月份“%s”格式不对，应为 YYYY-MM", m)
		}
	}
	list, err := s.db.Payrolls(r.Context(), f)
	if err != nil {
		return nil, err
	}
	return listJSON{Items: list, Total: len(list)}, nil
}

func (s *Server) apiPayroll(r *http.Request) (any, error) {
	id, err := pathInt(r, "id", "发放名册")
	if err != nil {
		return nil, err
	}
	return s.db.Payroll(r.Context(), id)
}

func (s *Server) apiPayrollLines(r *http.Request) (any, error) {
	id, err := pathInt(r, "id", "发放名册")
	if err != nil {
		return nil, err
	}
	page, per, err := paging(r)
	if err != nil {
		return nil, err
	}
	status := r.URL.Query().Get("status")
	if _, ok := sqldb.PaymentStatuses[status]; status != "" && !ok {
		return nil, minzheng.Invalid("status", "发放状态“%s”不存在，应为 due、paid 或 failed", status)
	}
	lines, total, err := s.db.PayrollLines(r.Context(), id, status, page, per)
	if err != nil {
		return nil, err
	}
	return listJSON{Items: lines, Total: total}, nil
}

func (s *Server) apiPayrollDiff(r *http.Request) (any, error) {
	id, err := pathInt(r, "id", "发放名册")
	if err != nil {
		return nil, err
	}
	return s.db.PayrollDiff(r.Context(), id)
}

func (s *Server) apiApprovePayroll(r *http.Request) (any, error) {
	id, err := pathInt(r, "id", "发放名册")
	if err != nil {
		return nil, err
	}
	return s.db.ApprovePayroll(r.Context(), id)
}

func (s *Server) apiCustodies(r *http.Request) (any, error) {
	q := r.URL.Query()
	reg, err := region.ParseScope(q.Get("region"))
	if err != nil {
		return nil, minzheng.Invalid("region", "区划代码“%s”格式不对", q.Get("region"))
	}
	list, err := s.db.Custodies(r.Context(), reg, q.Get("without_agreement") == "true")
	if err != nil {
		return nil, err
	}
	return listJSON{Items: list, Total: len(list)}, nil
}

func (s *Server) apiAddCustody(r *http.Request) (any, error) {
	var in sqldb.CustodyInput
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	return s.db.AddCustody(r.Context(), in)
}

func (s *Server) apiCustodyAgreement(r *http.Request) (any, error) {
	id, err := pathInt(r, "id", "代管记录")
	if err != nil {
		return nil, err
	}
	var in struct {
		Agreement   string        `json:"agreement"`
		AgreementOn minzheng.Date `json:"agreement_on"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	return s.db.CustodyAgreement(r.Context(), id, in.Agreement, in.AgreementOn)
}

func (s *Server) apiEndCustody(r *http.Request) (any, error) {
	id, err := pathInt(r, "id", "代管记录")
	if err != nil {
		return nil, err
	}
	var in struct {
		ValidTo minzheng.Date `json:"valid_to"`
	}
	if r.ContentLength != 0 {
		if err := decodeJSON(r, &in); err != nil {
			return nil, err
		}
	}
	return s.db.EndCustody(r.Context(), id, in.ValidTo)
}

func (s *Server) apiHold(r *http.Request) (any, error) {
	id, err := pathInt(r, "id", "待遇")
	if err != nil {
		return nil, err
	}
	var in struct {
		From   string `json:"from"`
		Reason string `json:"reason"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	var from minzheng.Month
	if in.From != "" {
		if from, err = minzheng.ParseMonth(in.From); err != nil {
			return nil, minzheng.Invalid("from", "月份“%s”格式不对，应为 YYYY-MM", in.From)
		}
	}
	return s.db.HoldPayments(r.Context(), id, from, in.Reason)
}

func (s *Server) apiReleaseHold(r *http.Request) (any, error) {
	id, err := pathInt(r, "id", "暂停记录")
	if err != nil {
		return nil, err
	}
	var in struct {
		BackPay bool `json:"back_pay"`
	}
	if r.ContentLength != 0 {
		if err := decodeJSON(r, &in); err != nil {
			return nil, err
		}
	}
	return s.db.ReleaseHold(r.Context(), id, in.BackPay)
}

func (s *Server) apiLedger(r *http.Request) (any, error) {
	id, err := pathInt(r, "id", "待遇")
	if err != nil {
		return nil, err
	}
	return s.db.EnrolmentLedger(r.Context(), id)
}

func (s *Server) apiRecoveries(r *http.Request) (any, error) {
	q := r.URL.Query()
	reg, err := region.ParseScope(q.Get("region"))
	if err != nil {
		return nil, minzheng.Invalid("region", "区划代码“%s”格式不对", q.Get("region"))
	}
	list, err := s.db.Recoveries(r.Context(), reg, q.Get("status"))
	if err != nil {
		return nil, err
	}
	return listJSON{Items: list, Total: len(list)}, nil
}

func (s *Server) apiRecovery(r *http.Request) (any, error) {
	id, err := pathInt(r, "id", "追缴")
	if err != nil {
		return nil, err
	}
	return s.db.Recovery(r.Context(), id)
}

func (s *Server) apiAddRecoveryEntry(r *http.Request) (any, error) {
	id, err := pathInt(r, "id", "追缴")
	if err != nil {
		return nil, err
	}
	var in sqldb.RecoveryEntryInput
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	return s.db.AddRecoveryEntry(r.Context(), id, in)
}

func init() {
	schemas["NewPayroll"] = object(obj{"region": str("县（区）6 位代码"), "month": str("发放月份 YYYY-MM"), "program": str("项目，如 dibao")},
		"region", "month", "program")
	schemas["Payroll"] = object(obj{"id": integer("编号"), "region": str("县（区）12 位代码"), "month": str("发放月份"), "program": str("项目"),
		"program_name": str("项目名称"), "state": str("draft（待审核）、approved（已审核，冻结）、exported（已导出银行文件）、reconciled（已对账）"),
		"lines": integer("行数"), "persons": integer("人数"), "households": integer("户数"), "amount_fen": integer("金额（分）"),
		"generated_at": str("生成时间"), "generated_by": str("生成人"), "approved_at": nullable(str("审核时间")), "approved_by": str("审核人"),
		"exported_at": nullable(str("导出时间")), "reconciled_at": nullable(str("对账时间"))},
		"id", "region", "month", "program", "state", "lines", "persons", "households", "amount_fen")
	schemas["PayrollList"] = list("Payroll")
	schemas["Payment"] = object(obj{"id": integer("编号"), "payroll_id": integer("名册"), "enrolment_id": integer("待遇"), "household_id": integer("户号"),
		"subject": str("对象（脱敏）"), "region": str("村（居）"), "program": str("项目"), "pay_month": str("发放月份"), "benefit_month": str("所属月份"),
		"kind":       str("regular（当月）、back_pay（补发）、retry（重发）、once（一次性）、phase_out（渐退）、advance（先行救助）"),
		"amount_fen": integer("金额（分）"), "persons": integer("人数"), "payee": str("收款人"), "bank_name": str("开户行"),
		"bank_account": str("账号（脱敏）"), "retry_of": nullable(integer("重发的原失败行")), "status": str("due（待发放；是否可发以名册的审核状态为准）、paid、failed"),
		"bank_reason": str("银行退回原因")})
	schemas["PaymentList"] = list("Payment")
	change := object(obj{"enrolment_id": integer("待遇"), "household_id": integer("户号"), "subject": str("对象（脱敏）"), "region": str("村（居）"),
		"payee": str("收款人"), "before_fen": integer("上月金额"), "after_fen": integer("本月金额")})
	entry := object(obj{"id": integer("编号"), "kind": str("repayment（退回）或 waiver（核销）"), "amount_fen": integer("金额（分）"), "on": str("日期"),
		"note": str("说明"), "by": str("登记人")})
	schemas["RecoveryEntryInput"] = object(obj{"kind": str("repayment（退回）或 waiver（核销）"), "amount_fen": integer("金额（分）"), "on": str("日期，默认今天"),
		"note": str("说明；核销须写明理由")}, "kind", "amount_fen")
	schemas["Recovery"] = object(obj{"id": integer("编号"), "enrolment_id": integer("待遇"), "household_id": integer("户号"), "region": str("村（居）"),
		"program": str("项目"), "reason": str("death、undue、fraud"), "reason_name": str("原因"), "note": str("说明"), "case_id": nullable(integer("核查案件")),
		"amount_fen": integer("应追缴（分）"), "fine_fen": integer("罚款（分）"), "repaid_fen": integer("已退回（分）"), "waived_fen": integer("已核销（分）"),
		"balance_fen": integer("尚欠（分）"), "status": str("open 或 settled"), "opened_at": str("启动时间"), "opened_by": str("启动人"),
		"payments": arrayOf(ref("Payment")), "entries": arrayOf(entry)})
	schemas["RecoveryList"] = list("Recovery")
	schemas["HoldInput"] = object(obj{"from": str("自哪个月起暂停（YYYY-MM，默认本月）"), "reason": str("理由")}, "reason")
	schemas["HoldRelease"] = object(obj{"back_pay": obj{"type": "boolean", "description": "暂停的月份是否补发"}})
	schemas["Hold"] = object(obj{"id": integer("编号"), "enrolment_id": integer("待遇"), "from": str("起始月份"), "to": nullable(str("最后暂停的月份")),
		"reason": str("理由"), "back_pay": obj{"type": "boolean", "description": "解除时是否补发"}, "created_by": str("暂停人"), "released_by": str("解除人")})
	schemas["CustodyInput"] = object(obj{"household_id": integer("户号"), "holder_kind": str("family、village_committee、staff、institution、other"),
		"holder_name": str("代管人（单位）"), "reason": str("代管原因"), "agreement": str("书面代管协议编号或说明"), "agreement_on": str("协议签订日期"),
		"valid_from": str("代管起始日期")}, "household_id", "holder_kind", "holder_name")
	schemas["Custody"] = obj{"allOf": []any{ref("CustodyInput"), object(obj{"id": integer("编号"), "region": str("村（居）"), "valid_to": nullable(str("结束日期")),
		"created_by": str("登记人"), "agreement_missing": obj{"type": "boolean", "description": "须有书面协议而没有"}})}}
	schemas["CustodyList"] = list("Custody")
	schemas["CustodyAgreement"] = object(obj{"agreement": str("协议编号或说明"), "agreement_on": str("签订日期")}, "agreement", "agreement_on")
	schemas["Ledger"] = object(obj{"enrolment": ref("Enrolment"), "entries": arrayOf(object(obj{"month": str("月份"), "kind": str("payment、returned、recovery、fine、repayment、waiver"),
		"text": str("摘要"), "amount_fen": integer("金额（分）"), "payment_id": integer("发放明细"), "recovery_id": integer("追缴")})),
		"due_fen": integer("已审核应发"), "paid_fen": integer("银行已发"), "in_bank_fen": integer("待银行发放"), "returned_fen": integer("银行退回"),
		"recover_fen": integer("应追缴"), "fine_fen": integer("罚款"), "repaid_fen": integer("已退回"), "waived_fen": integer("已核销"),
		"owed_fen": integer("尚欠"), "net_paid_fen": integer("实得：已发减已退回")})
	schemas["PayrollDiff"] = object(obj{"new": arrayOf(change), "stopped": arrayOf(change), "changed": arrayOf(change),
		"back_pay": arrayOf(obj{"type": "object", "description": "补发、重发和一次性发放的行"})})
}
