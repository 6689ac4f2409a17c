package web

import (
	"fmt"
	"net/http"

	"minzheng"
	"minzheng/auth"
	"minzheng/casework"
	"minzheng/policy"
	"minzheng/region"
	"minzheng/sqldb"
)

// caseRoutes are the casework operations (业务办理).
func (s *Server) caseRoutes() []apiRoute {
	tag := "业务办理"
	return []apiRoute{
		{Method: "POST", Path: "/cases", Summary: "登记申请（状态 applied；受理后开始计算法定时限）", Tag: tag, Body: "NewCase", Response: "Case", Status: http.StatusCreated, handle: s.apiCreateCase},
		{Method: "GET", Path: "/cases", Summary: "案件列表（待办）：按办理期限排序", Tag: tag,
			Query: append([]apiParam{{"region", "string", "区划代码", false}, {"state", "string", "状态；不填为办理中的案件，all 为全部", false}, {"program", "string", "项目", false},
				{"overdue", "boolean", "只看已超期的", false}}, pageParams...), Response: "CaseList", handle: s.apiCases},
		{Method: "GET", Path: "/cases/{id}", Summary: "一个案件：状态、您可办理的操作、办理记录、期限和决定", Tag: tag, Response: "Case", handle: s.apiCase},
		{Method: "GET", Path: "/households/{id}/enrolments", Summary: "一户享受的待遇（纳入、免申即享）", Tag: tag, Response: "EnrolmentList", handle: s.apiEnrolments},
		{Method: "POST", Path: "/reviews/open", Summary: "为到期的低保、特困待遇启动定期核查（《低保办法》第31条）", Tag: tag, Body: "ReviewsOpen", Response: "ReviewsOpened", handle: s.apiOpenReviews},
		{Method: "GET", Path: "/kin_register", Summary: "近亲属备案列表（本辖区）", Tag: tag,
			Query: []apiParam{{"region", "string", "区划代码", false}, {"current", "boolean", "只看当前有效的", false}}, Response: "KinList", handle: s.apiKinList},
		{Method: "POST", Path: "/kin_register", Summary: "登记近亲属备案（社会救助经办人员、村居干部的近亲属）", Tag: tag, Body: "KinInput", Response: "Kin", Status: http.StatusCreated, handle: s.apiAddKin},
		{Method: "POST", Path: "/kin_register/{id}/end", Summary: "结束一条近亲属备案", Tag: tag, Body: "KinEnd", Response: "Kin", handle: s.apiEndKin},
		{Method: "POST", Path: "/cases/{id}/documents", Summary: "上传案件材料（扫描件：PDF、JPG、PNG，不超过 20 MB）", Tag: tag, Body: "Upload", Response: "CaseDocument",
			Status: http.StatusCreated, raw: s.apiAddDocument},
		{Method: "GET", Path: "/cases/{id}/documents", Summary: "案件材料列表", Tag: tag, Response: "CaseDocumentList", handle: s.apiDocuments},
		{Method: "GET", Path: "/cases/{id}/documents/{doc}", Summary: "下载一份案件材料（记入操作日志）", Tag: tag, Response: "File", raw: s.serveDocument},
		{Method: "GET", Path: "/spot_checks", Summary: "特困人员认定的县级抽查比例（《特困人员认定办法》第16条：不少于30%）", Tag: tag,
			Query: []apiParam{{"region", "string", "区划代码", false}, {"from", "string", "起始日期", false}, {"to", "string", "截止日期", false}}, Response: "SpotChecks", handle: s.apiSpotChecks},
		{Method: "GET", Path: "/notices", Summary: "公示和公布（无需登录）：本区划正在公示的申请和在保对象，只有姓名、家庭人口和金额", Tag: tag, Public: true,
			Query: []apiParam{{"region", "string", "区划代码（村、乡镇或县）", true}}, Response: "Notices", handle: s.apiNotices},
		{Method: "POST", Path: "/cases/{id}/actions/{action}", Summary: "办理一步（受理、核对、入户调查、公示、审批……）；Idempotency-Key 头使重复提交返回第一次的结果", Tag: tag,
			Body: "CaseAction", Response: "Case", handle: s.apiCaseAction},
	}
}

type newCaseJSON struct {
	Program     string `json:"program"`
	Kind        string `json:"kind"` // linshi: emergency or expenditure
	HouseholdID int64  `json:"household_id"`
	Subject     string `json:"subject"`
}

func (s *Server) apiCreateCase(r *http.Request) (any, error) {
	var in newCaseJSON
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	key := r.Header.Get("Idempotency-Key")
	if len(key) > 200 {
		return nil, minzheng.Invalid("Idempotency-Key", "Idempotency-Key 不能超过 200 个字符")
	}
	c, err := s.db.CreateCase(r.Context(), sqldb.NewCase{Program: in.Program, Variant: in.Kind, HouseholdID: in.HouseholdID, Subject: in.Subject, Key: key})
	if err != nil {
		return nil, err
	}
	return s.caseView(r, c)
}

func (s *Server) apiCase(r *http.Request) (any, error) {
	id, err := pathInt(r, "id", "案件")
	if err != nil {
		return nil, err
	}
	c, err := s.db.Case(r.Context(), id)
	if err != nil {
		return nil, err
	}
	return s.caseView(r, c)
}

func (s *Server) apiCaseAction(r *http.Request) (any, error) {
	id, err := pathInt(r, "id", "案件")
	if err != nil {
		return nil, err
	}
	in := casework.Input{}
	if r.ContentLength != 0 {
		if err := decodeJSON(r, &in); err != nil {
			return nil, err
		}
	}
	key := r.Header.Get("Idempotency-Key")
	if len(key) > 200 {
		return nil, minzheng.Invalid("Idempotency-Key", "Idempotency-Key 不能超过 200 个字符")
	}
	c, err := s.db.Act(r.Context(), id, casework.Action(r.PathValue("action")), in, key, s.calendar.Calendar())
	if err != nil {
		return nil, err
	}
	return s.caseView(r, c)
}

func (s *Server) apiCases(r *http.Request) (any, error) {
	q := r.URL.Query()
	reg, err := region.ParseScope(q.Get("region"))
	if err != nil {
		return nil, minzheng.Invalid("region", "区划代码“%s”格式不对", q.Get("region"))
	}
	page, per, err := paging(r)
	if err != nil {
		return nil, err
	}
	overdue := q.Get("overdue")
	if overdue != "" && overdue != "true" && overdue != "false" {
		return nil, minzheng.Invalid("overdue", "overdue 应为 true 或 false")
	}
	f := sqldb.CaseFilter{Region: reg, State: q.Get("state"), Program: q.Get("program"), Overdue: overdue == "true", Page: page, PerPage: per}
	list, total, err := s.db.Cases(r.Context(), f)
	if err != nil {
		return nil, err
	}
	items := make([]any, 0, len(list))
	for _, c := range list {
		v, err := s.caseView(r, c)
		if err != nil {
			return nil, err
		}
		items = append(items, v)
	}
	return listJSON{Items: items, Total: total}, nil
}

func (s *Server) apiKinList(r *http.Request) (any, error) {
	reg, err := region.ParseScope(r.URL.Query().Get("region"))
	if err != nil {
		return nil, minzheng.Invalid("region", "区划代码格式不对")
	}
	list, err := s.db.KinList(r.Context(), reg, r.URL.Query().Get("current") == "true")
	if err != nil {
		return nil, err
	}
	for i := range list {
		list[i] = kinView(r, list[i])
	}
	return listJSON{Items: list, Total: len(list)}, nil
}

func (s *Server) apiAddKin(r *http.Request) (any, error) {
	var in sqldb.KinEntry
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	k, err := s.db.AddKin(r.Context(), in)
	if err != nil {
		return nil, err
	}
	return kinView(r, k), nil
}

func (s *Server) apiEndKin(r *http.Request) (any, error) {
	id, err := pathInt(r, "id", "备案")
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
	k, err := s.db.EndKin(r.Context(), id, in.ValidTo)
	if err != nil {
		return nil, err
	}
	return kinView(r, k), nil
}

// kinView masks the relative's ID number: the register is a list, and a
// whole number is shown only through the registry's audited reveal.
func kinView(_ *http.Request, k sqldb.KinEntry) sqldb.KinEntry {
	k.IDNumber = minzheng.MaskID(k.IDNumber)
	return k
}

func (s *Server) apiEnrolments(r *http.Request) (any, error) {
	id, err := pathInt(r, "id", "家庭")
	if err != nil {
		return nil, err
	}
	list, err := s.db.Enrolments(r.Context(), id)
	if err != nil {
		return nil, err
	}
	return listJSON{Items: list, Total: len(list)}, nil
}

func (s *Server) apiOpenReviews(r *http.Request) (any, error) {
	var in struct {
		Region string        `json:"region"`
		Date   minzheng.Date `json:"date"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	reg, err := region.ParseScope(in.Region)
	if err != nil {
		return nil, minzheng.Invalid("region", "区划代码格式不对")
	}
	day := in.Date
	if day.IsZero() {
		day = minzheng.DateOf(s.clock.Now())
	}
	n, err := s.db.OpenDueReviews(r.Context(), reg, day)
	if err != nil {
		return nil, err
	}
	return map[string]any{"opened": n, "date": day}, nil
}

func (s *Server) apiSpotChecks(r *http.Request) (any, error) {
	q := r.URL.Query()
	reg, err := region.ParseScope(q.Get("region"))
	if err != nil {
		return nil, minzheng.Invalid("region", "区划代码格式不对")
	}
	var from, to minzheng.Date
	for _, p := range []struct {
		name string
		into *minzheng.Date
	}{{"from", &from}, {"to", &to}} {
		if v := q.Get(p.name); v != "" {
			if *p.into, err = minzheng.ParseDate(v); err != nil {
				return nil, minzheng.Invalid(p.name, "%s", err.Error())
			}
		}
	}
	reviewed, checked, err := s.db.SpotChecks(r.Context(), reg, from, to)
	if err != nil {
		return nil, err
	}
	share := "0.00"
	if reviewed > 0 {
		bp := (checked*10000 + reviewed/2) / reviewed
		share = fmt.Sprintf("%d.%02d", bp/100, bp%100)
	}
	return map[string]any{"reviewed": reviewed, "checked": checked, "share_percent": share, "meets_30_percent": reviewed == 0 || checked*10 >= reviewed*3}, nil
}

// apiNotices answers the public 公示 and 公布 of a region.
func (s *Server) apiNotices(r *http.Request) (any, error) {
	q := r.URL.Query().Get("region")
	if q == "" {
		return nil, minzheng.Invalid("region", "请指定区划（村、乡镇或县的代码）")
	}
	code, lvl, err := region.Parse(q)
	if err != nil {
		return nil, minzheng.Invalid("region", "区划代码“%s”格式不对，应为 6、9 或 12 位数字", q)
	}
	if code.Level() < region.LevelCounty {
		return nil, minzheng.Invalid("region", "公示按县、乡镇或村查看，请给出 6 位及以上的区划代码")
	}
	if _, err := s.db.Region(r.Context(), code, lvl); err != nil {
		return nil, err // 404: no such region
	}
	book, err := s.db.ParamBook(r.Context())
	if err != nil {
		return nil, err
	}
	settings, err := casework.SettingsFor(book, string(code), "dibao", minzheng.DateOf(s.clock.Now()))
	if err != nil {
		return nil, err
	}
	current, published, err := s.db.Notices(r.Context(), code, settings.NoticeDays)
	if err != nil {
		return nil, err
	}
	return map[string]any{"region": string(code), "notices": current, "publication": published}, nil
}

// caseJSON is a case as the API answers it.
type caseJSON struct {
	sqldb.CaseRecord
	StateName      string            `json:"state_name"`
	Subject        string            `json:"subject,omitempty"`
	AllowedActions []casework.Action `json:"allowed_actions"`
	WorkdaysLeft   *int              `json:"workdays_left"`
	TimeLeft       string            `json:"time_left,omitempty"`
}

// caseView adds what the user may do next and the time left.
func (s *Server) caseView(r *http.Request, c sqldb.CaseRecord) (caseJSON, error) {
	v := caseJSON{CaseRecord: c, StateName: casework.StateNames[c.State], AllowedActions: []casework.Action{}}
	if c.Subject != "" {
		v.Subject = minzheng.MaskID(c.Subject)
	}
	a, _ := minzheng.ActorFrom(r.Context())
	book, err := s.db.ParamBook(r.Context())
	if err != nil {
		return v, err
	}
	today := minzheng.DateOf(s.clock.Now())
	if f, ok := casework.FlowFor(c.Program, c.Variant); ok {
		settings, err := casework.SettingsFor(book, c.Region, c.Program, today)
		if err != nil {
			return v, err
		}
		// The table allows these in the state; the case's own facts
		// (suspended or not, extended once) narrow them.
		v.AllowedActions = []casework.Action{}
		var proposed *policy.Decision // read once, when a tier matters
		for _, act := range c.Narrow(f.Allowed(c.State, auth.Role(a.Role), settings.Decider())) {
			// A registered relative's officer, or a township where the
			// county must visit, would be refused (第11条, 第20条).
			if casework.KinCheck(c.KinFlag, c.KinStaff(), act, a) != nil {
				continue
			}
			if f.AuthorityTiers && (act == casework.Approve || act == casework.Reject) {
				if proposed == nil {
					// A household the rules cannot read today leaves the
					// action listed: taking it gives the reason.
					d, err := s.db.Proposed(r.Context(), c)
					if err != nil {
						d = policy.Decision{Authority: "unknown"}
					}
					proposed = &d
				}
				if proposed.Authority != "unknown" && !casework.MayDecide(f, c.Case, act, auth.Role(a.Role), *proposed) {
					continue
				}
			}
			v.AllowedActions = append(v.AllowedActions, act)
		}
	}
	if c.Deadline != 0 && !c.State.Final() {
		// A suspended clock stands where it stopped.
		on := today
		if c.SuspendedOn != 0 {
			on = c.SuspendedOn
		}
		n, prov, err := c.WorkdaysLeft(s.calendar.Calendar(), on)
		if err != nil {
			return v, err
		}
		v.WorkdaysLeft = &n
		v.TimeLeft = casework.TimeLeft(n)
		if c.SuspendedOn != 0 {
			v.TimeLeft = "计时已中止（自 " + c.SuspendedOn.String() + " 起），" + v.TimeLeft
		}
		v.Provisional = v.Provisional || prov
	}
	if c.DeadlineAt != nil && !c.State.Final() {
		// An hour limit (急难型 临时救助) is the one that bites first.
		hours := "救助时限" + casework.HoursLeft(*c.DeadlineAt, s.clock.Now())
		if v.TimeLeft != "" {
			hours += "；办结" + v.TimeLeft
		}
		v.TimeLeft = hours
	}
	return v, nil
}

// The casework schemas, added to the document's table; the states and
// actions of each flow are listed in CaseAction.
func init() {
	var programs []string
	actions := map[string]any{}
	for _, p := range casework.Programs() {
		programs = append(programs, p)
	}
	for _, f := range casework.AllFlows() {
		key := f.Program
		if f.Kind != "" {
			key += "/" + f.Kind
		}
		var as, ss []string
		for _, a := range f.Actions() {
			as = append(as, string(a))
		}
		for _, st := range f.States() {
			ss = append(ss, string(st)+" "+casework.StateNames[st])
		}
		actions[key] = obj{"actions": as, "states": ss}
	}
	schemas["NewCase"] = object(obj{
		"program":      obj{"type": "string", "enum": programs, "description": "救助项目"},
		"household_id": integer("申请家庭的户号"),
		"subject":      str("个人项目的申请人身份证号"),
		"kind":         str("类型：临时救助为 emergency（急难型）或 expenditure（支出型）；低保、特困的定期核查为 review、情况变化为 change；不填为申请"),
	}, "program", "household_id")
	schemas["CaseAction"] = obj{"type": "object", "description": "该操作所需的字段（如 investigators、signed、reason、opinion）；各流程的操作和状态见 x-flows",
		"additionalProperties": true, "x-flows": actions}
	event := object(obj{"seq": integer("序号"), "action": str("操作"), "from": str("原状态"), "to": str("新状态"),
		"actor": str("办理人"), "role": str("角色"), "at": str("时间"), "fields": obj{"type": "object"}})
	schemas["Case"] = object(obj{
		"id": integer("案件编号"), "program": str("项目"), "kind": str("application、review、change、exit"), "variant": str("临时救助类型"),
		"household_id": integer("户号"), "subject": str("申请人（脱敏）"), "region": str("村（居）12 位代码"),
		"state": str("状态"), "state_name": str("状态（中文）"), "allowed_actions": arrayOf(str("您现在可办理的操作")),
		"history": arrayOf(event), "accepted_on": str("受理日期"),
		"deadline":      nullable(str("法定办结日期（受理前为 null）")),
		"step_deadline": nullable(str("当前环节的期限")),
		"deadline_at":   nullable(str("按小时计的期限（急难型救助）")),
		"workdays_left": nullable(integer("剩余工作日（负数为已超期）")), "time_left": str("如：剩余 3 个工作日"),
		"provisional": obj{"type": "boolean", "description": "期限跨入尚未录入节假日安排的年份，仅按周末推算"},
		"extended":    obj{"type": "boolean", "description": "已延长办理时限"},
		"decision":    nullable(ref("Decision")), "version": integer("版本"),
	}, "id", "program", "state", "allowed_actions", "history", "deadline")
	schemas["CaseList"] = list("Case")
	schemas["SpotChecks"] = object(obj{"reviewed": integer("县级审核的件数"), "checked": integer("其中随机抽查的件数"),
		"share_percent": str("抽查比例（%，两位小数）"), "meets_30_percent": obj{"type": "boolean", "description": "是否达到30%"}})
	schemas["CaseDocument"] = object(obj{"id": integer("编号"), "case_id": integer("案件"), "filename": str("文件名"), "content_type": str("类型"),
		"size": integer("字节数"), "sha256": str("SHA-256"), "uploaded_at": str("上传时间"), "uploaded_by": str("上传人")})
	schemas["CaseDocumentList"] = list("CaseDocument")
	schemas["ReviewsOpen"] = object(obj{"region": str("区划代码"), "date": str("截至日期，默认今天")})
	schemas["ReviewsOpened"] = object(obj{"opened": integer("启动的核查件数"), "date": str("截至日期")})
	schemas["Enrolment"] = object(obj{"id": integer("编号"), "case_id": nullable(integer("案件")), "program": str("项目"), "household_id": integer("户号"),
		"subject": str("对象（脱敏）"), "region": str("村（居）"), "amount_fen": integer("金额（分）"), "amount_kwh": integer("免费电量"),
		"period": str("month 或 once"), "first_month": str("起始月份 YYYY-MM"), "next_review": str("下次定期核查日期"),
		"status": str("active 或 stopped"), "granted": str("decision（审批）或 auto_grant（免申即享）")})
	schemas["EnrolmentList"] = list("Enrolment")
	schemas["KinInput"] = object(obj{"region": str("经办人员或干部所在区划"), "id_number": str("近亲属身份证号"), "name": str("近亲属姓名"),
		"relation": str("与经办人员的关系：spouse、child、parent …"), "staff_name": str("经办人员或村居干部姓名"),
		"staff_role": str("assistance_staff 或 village_cadre"), "staff_username": str("经办人员的系统用户名（如有），据此回避"),
		"valid_from": str("备案日期")}, "region", "id_number", "name", "relation", "staff_name", "staff_role")
	schemas["Kin"] = obj{"allOf": []any{ref("KinInput"), object(obj{"id": integer("编号"), "valid_to": nullable(str("结束日期")), "recorded_by": str("登记人")})}}
	schemas["KinList"] = list("Kin")
	schemas["KinEnd"] = object(obj{"valid_to": str("结束日期，默认今天")})
	notice := object(obj{"program": str("项目"), "program_name": str("项目名称"), "village": str("村（居）"), "name": str("户主姓名"),
		"household_size": integer("家庭人口"), "amount_fen": integer("金额（分）"), "from": str("起始日期"), "until": str("公示截止日期")})
	schemas["Notices"] = object(obj{"region": str("区划"), "notices": arrayOf(notice), "publication": arrayOf(notice)}, "notices", "publication")
}
