package web

import (
	"net/http"
	"strconv"
	"strings"

	"minzheng"
	"minzheng/audit"
	"minzheng/auth"
	"minzheng/region"
	"minzheng/registry"
	"minzheng/sqldb"
)

// The registry's API routes; routeAPI adds them to the table.
func (s *Server) householdRoutes() []apiRoute {
	tag := "家庭档案"
	filters := append([]apiParam{{"region", "string", "区划代码，限定范围", false},
		{"q", "string", "姓名（或开头几个字）、身份证号后几位或完整身份证号", false},
		{"area", "string", "urban 或 rural", false}, {"status", "string", "active、pending 或 closed", false},
		{"disability", "boolean", "只看有持证残疾人的家庭", false}}, pageParams...)
	return []apiRoute{
		{Method: "POST", Path: "/households", Summary: "建立家庭档案", Tag: tag, Body: "NewHousehold", Response: "Created", Status: http.StatusCreated, handle: s.apiCreateHousehold},
		{Method: "GET", Path: "/households", Summary: "家庭档案列表（本辖区）", Tag: tag, Query: filters, Response: "HouseholdList", handle: s.apiHouseholds},
		{Method: "GET", Path: "/households/template", Summary: "下载家庭档案导入模板", Tag: tag,
			Query: []apiParam{{"format", "string", "xlsx（默认）或 csv", false}}, raw: func(w http.ResponseWriter, r *http.Request) error {
				a, _ := minzheng.ActorFrom(r.Context())
				if err := auth.Require(a, auth.PermHouseholdRead); err != nil {
					return err
				}
				return s.writeTemplate(w, r.URL.Query().Get("format"))
			}},
		{Method: "GET", Path: "/households/export", Summary: "按筛选条件导出家庭档案（每人一行；身份证号按角色脱敏）", Tag: tag,
			Query: append(filters, apiParam{"format", "string", "xlsx（默认）或 csv", false}), raw: s.writeExport},
		{Method: "POST", Path: "/households/import", Summary: "导入家庭档案（后台任务；结果含逐行错误报告）", Tag: tag, Body: "Upload", Response: "Job", Status: http.StatusAccepted,
			raw: func(w http.ResponseWriter, r *http.Request) error {
				j, err := s.startImport(w, r)
				if err != nil {
					return err
				}
				writeJSON(w, http.StatusAccepted, toJobJSON(j))
				return nil
			}},
		{Method: "GET", Path: "/households/{id}", Summary: "一户及其成员和收入财产；as_of 为某日的情况", Tag: tag,
			Query: []apiParam{{"as_of", "string", "日期 YYYY-MM-DD：返回该日适用的情况", false}}, Response: "Household", handle: s.apiHousehold},
		{Method: "PATCH", Path: "/households/{id}", Summary: "修改家庭信息（自 valid_from 起）", Tag: tag, Body: "HouseholdChange", Response: "Household", handle: s.apiUpdateHousehold},
		{Method: "GET", Path: "/households/{id}/history", Summary: "该户的变更记录（谁、何时、自何日起）", Tag: tag, Query: pageParams, Response: "AuditList", handle: s.apiHouseholdHistory},
		{Method: "POST", Path: "/households/{id}/members", Summary: "增加家庭成员", Tag: tag, Body: "NewMember", Response: "Created", Status: http.StatusCreated, handle: s.apiAddMember},
		{Method: "PATCH", Path: "/households/{id}/members/{person}", Summary: "成员迁出（left_on）或改变与户主关系（relation）", Tag: tag, Body: "MemberChange", Response: "Household", handle: s.apiChangeMember},
		{Method: "PATCH", Path: "/persons/{person}", Summary: "修改成员信息（自 valid_from 起）", Tag: tag, Body: "PersonChange", Response: "Household", handle: s.apiUpdatePerson},
		{Method: "POST", Path: "/persons/{person}/supporters", Summary: "登记赡养/抚养/扶养义务人", Tag: tag, Body: "Supporter", Response: "Created", Status: http.StatusCreated, handle: s.apiAddSupporter},
		{Method: "POST", Path: "/persons/{person}/supporters/{supporter}/end", Summary: "义务人自某日起不再计入", Tag: tag, Body: "FactEnd", Response: "Household", handle: s.apiEndSupporter},
		{Method: "POST", Path: "/persons/{person}/parent_statuses", Summary: "登记儿童父母的状况（自某日起）", Tag: tag, Body: "ParentStatus", Response: "Created", Status: http.StatusCreated, handle: s.apiAddParentStatus},
		{Method: "POST", Path: "/persons/{person}/reveal", Summary: "查看完整身份证号（记入操作日志）", Tag: tag, Response: "Revealed", handle: s.apiReveal},
		{Method: "POST", Path: "/households/{id}/{kind}", Summary: "登记收入（incomes）、财产（assets）或刚性支出（expenses）", Tag: tag, Body: "Fact", Response: "Created", Status: http.StatusCreated, handle: s.apiAddFact},
		{Method: "PUT", Path: "/households/{id}/{kind}/{fact}", Summary: "更正一条登记错误的收入、财产或支出（原记录保留为已更正）", Tag: tag, Body: "Fact", Response: "Created", handle: s.apiCorrectFact},
		{Method: "POST", Path: "/households/{id}/{kind}/{fact}/end", Summary: "收入、财产或支出自某日起不再计入", Tag: tag, Body: "FactEnd", Response: "Household", handle: s.apiEndFact},
	}
}

// today is the business date now.
func (s *Server) today() minzheng.Date { return minzheng.DateOf(s.clock.Now()) }

func pathInt(r *http.Request, name, what string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id < 1 {
		return 0, minzheng.Invalid(name, "%s编号 %q 不对，应为正整数", what, r.PathValue(name))
	}
	return id, nil
}

type createdJSON struct {
	ID int64 `json:"id"`
}

func (s *Server) apiCreateHousehold(r *http.Request) (any, error) {
	var in registry.NewHousehold
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	id, err := s.createHousehold(r, in)
	if err != nil {
		return nil, err
	}
	return createdJSON{id}, nil
}

// createHousehold checks and stores a new household.
func (s *Server) createHousehold(r *http.Request, in registry.NewHousehold) (int64, error) {
	a, err := minzheng.ActorFrom(r.Context())
	if err != nil {
		return 0, err
	}
	if err := auth.Require(a, auth.PermHouseholdWrite); err != nil {
		return 0, err
	}
	c, err := in.Check(s.today())
	if err != nil {
		return 0, err
	}
	return s.db.CreateHousehold(r.Context(), c)
}

// householdJSON is a household as the API and pages show it: ID numbers
// and bank accounts masked, the region's path named.
type householdJSON struct {
	registry.Household
	RegionPath []string `json:"region_path"`
}

// masked copies h with every ID number and account masked.
func masked(h registry.Household) registry.Household {
	out := h
	out.Members = make([]registry.Member, len(h.Members))
	for i, m := range h.Members {
		m.IDNumber = registry.IDNumber(m.IDNumber.Masked())
		sups := make([]registry.Supporter, len(m.Supporters))
		for j, sp := range m.Supporters {
			if sp.IDNumber != "" {
				sp.IDNumber = minzheng.MaskID(sp.IDNumber)
			}
			sups[j] = sp
		}
		m.Supporters = sups
		if m.Disability != nil && m.Disability.Certificate != "" {
			d := *m.Disability
			d.Certificate = minzheng.MaskID(d.Certificate)
			m.Disability = &d
		}
		out.Members[i] = m
	}
	if h.Bank != nil {
		b := *h.Bank
		b.Account = minzheng.MaskAccount(b.Account)
		out.Bank = &b
	}
	return out
}

func (s *Server) householdView(r *http.Request, id int64, asOf minzheng.Date) (householdJSON, error) {
	h, err := s.db.Household(r.Context(), id, asOf)
	if err != nil {
		return householdJSON{}, err
	}
	v := householdJSON{Household: masked(h)}
	if reg, err := s.db.Region(r.Context(), region.Code(h.Region), region.LevelVillage); err == nil {
		v.RegionPath = reg.Path
	}
	return v, nil
}

func (s *Server) apiHousehold(r *http.Request) (any, error) {
	id, err := pathInt(r, "id", "家庭")
	if err != nil {
		return nil, err
	}
	var asOf minzheng.Date
	if v := r.URL.Query().Get("as_of"); v != "" {
		if asOf, err = minzheng.ParseDate(v); err != nil {
			return nil, minzheng.Invalid("as_of", "%s", err.Error())
		}
	}
	return s.householdView(r, id, asOf)
}

type householdRowJSON struct {
	ID         int64    `json:"id"`
	Region     string   `json:"region"`
	RegionPath []string `json:"region_path"`
	Area       string   `json:"area"`
	Address    string   `json:"address"`
	Status     string   `json:"status"`
	HeadName   string   `json:"head_name"`
	Members    int      `json:"members"`
	UpdatedAt  *string  `json:"updated_at"`
}

// householdFilter reads the list's filters from the query string.
func (s *Server) householdFilter(r *http.Request) (sqldb.HouseholdFilter, error) {
	q := r.URL.Query()
	reg, err := s.narrow(r, q.Get("region"))
	if err != nil {
		return sqldb.HouseholdFilter{}, err
	}
	p, pp, err := paging(r)
	if err != nil {
		return sqldb.HouseholdFilter{}, err
	}
	f := sqldb.HouseholdFilter{Region: reg, Q: q.Get("q"), Area: q.Get("area"), Status: q.Get("status"), Page: p, PerPage: pp}
	switch q.Get("disability") {
	case "", "false", "0":
	case "true", "1", "on":
		f.Disability = true
	default:
		return f, minzheng.Invalid("disability", "disability 应为 true 或 false")
	}
	return f, nil
}

// regionPaths names the villages of a page of households in one query.
func (s *Server) regionPaths(r *http.Request, codes []region.Code) map[region.Code][]string {
	out := map[region.Code][]string{}
	for _, c := range codes {
		if _, ok := out[c]; ok {
			continue
		}
		if reg, err := s.db.Region(r.Context(), c, region.LevelVillage); err == nil {
			out[c] = reg.Path
		}
	}
	return out
}

func (s *Server) apiHouseholds(r *http.Request) (any, error) {
	f, err := s.householdFilter(r)
	if err != nil {
		return nil, err
	}
	rows, total, err := s.db.Households(r.Context(), f)
	if err != nil {
		return nil, err
	}
	codes := make([]region.Code, len(rows))
	for i, h := range rows {
		codes[i] = h.Region
	}
	paths := s.regionPaths(r, codes)
	items := make([]householdRowJSON, len(rows))
	for i, h := range rows {
		items[i] = householdRowJSON{ID: h.ID, Region: string(h.Region), RegionPath: paths[h.Region], Area: h.Area, Address: h.Address,
			Status: h.Status, HeadName: h.HeadName, Members: h.Members, UpdatedAt: utc(h.UpdatedAt.Time)}
	}
	return listJSON{Items: items, Total: total}, nil
}

func (s *Server) apiUpdateHousehold(r *http.Request) (any, error) {
	id, err := pathInt(r, "id", "家庭")
	if err != nil {
		return nil, err
	}
	var c registry.HouseholdChange
	if err := decodeJSON(r, &c); err != nil {
		return nil, err
	}
	if err := s.db.UpdateHousehold(r.Context(), id, c); err != nil {
		return nil, err
	}
	return s.householdView(r, id, 0)
}

// memberInput is a new member with the day they join.
type memberInput struct {
	registry.NewMember
	ValidFrom minzheng.Date `json:"valid_from"`
}

func (s *Server) apiAddMember(r *http.Request) (any, error) {
	id, err := pathInt(r, "id", "家庭")
	if err != nil {
		return nil, err
	}
	var in memberInput
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	pid, err := s.addMember(r, id, in)
	if err != nil {
		return nil, err
	}
	return createdJSON{pid}, nil
}

func (s *Server) addMember(r *http.Request, hid int64, in memberInput) (int64, error) {
	a, err := minzheng.ActorFrom(r.Context())
	if err != nil {
		return 0, err
	}
	if err := auth.Require(a, auth.PermHouseholdWrite); err != nil {
		return 0, err
	}
	from := in.ValidFrom
	if from.IsZero() {
		from = s.today()
	}
	m, idn, err := registry.CheckMember(in.NewMember, from, s.today())
	if err != nil {
		return 0, err
	}
	return s.db.AddMember(r.Context(), hid, m, idn, from)
}

// memberChange ends a membership (left_on, the first day no longer a
// member) or changes the relation to the head from valid_from.
type memberChange struct {
	LeftOn    minzheng.Date `json:"left_on"`
	Reason    string        `json:"reason"`
	Relation  string        `json:"relation"`
	ValidFrom minzheng.Date `json:"valid_from"`
}

func (s *Server) apiChangeMember(r *http.Request) (any, error) {
	hid, err := pathInt(r, "id", "家庭")
	if err != nil {
		return nil, err
	}
	pid, err := pathInt(r, "person", "成员")
	if err != nil {
		return nil, err
	}
	var in memberChange
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	switch {
	case in.Relation != "" && !in.LeftOn.IsZero():
		return nil, minzheng.Invalid("relation", "迁出（left_on）和改变关系（relation）请分开办理")
	case in.Relation != "":
		err = s.db.EndMember(r.Context(), hid, pid, in.ValidFrom, in.Relation, "")
	case !in.LeftOn.IsZero():
		err = s.db.EndMember(r.Context(), hid, pid, in.LeftOn, "", strings.TrimSpace(in.Reason))
	default:
		return nil, minzheng.Invalid("left_on", "请填写迁出日期 left_on，或新的与户主关系 relation")
	}
	if e, ok := minzheng.AsError(err); ok && (e.Field == "valid_from" || e.Field == "valid_to") {
		// The store's names for the dates are this request's left_on or
		// valid_from.
		f := "valid_from"
		if in.Relation == "" {
			f = "left_on"
		}
		err = &minzheng.Error{Code: e.Code, Field: f, Message: e.Message}
	}
	if err != nil {
		return nil, err
	}
	return s.householdView(r, hid, 0)
}

func (s *Server) apiUpdatePerson(r *http.Request) (any, error) {
	pid, err := pathInt(r, "person", "成员")
	if err != nil {
		return nil, err
	}
	var c registry.PersonChange
	if err := decodeJSON(r, &c); err != nil {
		return nil, err
	}
	if err := s.db.UpdatePerson(r.Context(), pid, c); err != nil {
		return nil, err
	}
	hid, err := s.db.PersonHouseholdID(r.Context(), pid)
	if err != nil {
		return nil, err
	}
	return s.householdView(r, hid, 0)
}

func (s *Server) apiReveal(r *http.Request) (any, error) {
	pid, err := pathInt(r, "person", "成员")
	if err != nil {
		return nil, err
	}
	idn, err := s.db.RevealIDNumber(r.Context(), pid)
	if err != nil {
		return nil, err
	}
	return map[string]string{"id_number": string(idn)}, nil
}

// factInput is one income, asset or expense, whichever the path's kind says.
func decodeFact(r *http.Request) (sqldb.Fact, error) {
	var f sqldb.Fact
	var err error
	switch r.PathValue("kind") {
	case "incomes":
		f.Income = &registry.Income{}
		err = decodeJSON(r, f.Income)
	case "assets":
		f.Asset = &registry.Asset{}
		err = decodeJSON(r, f.Asset)
	case "expenses":
		f.Expense = &registry.Expense{}
		err = decodeJSON(r, f.Expense)
	default:
		return f, &minzheng.Error{Code: minzheng.CodeNotFound, Message: "没有这类记录：" + r.PathValue("kind") + "（应为 incomes、assets 或 expenses）"}
	}
	return f, err
}

func (s *Server) apiAddFact(r *http.Request) (any, error) {
	hid, err := pathInt(r, "id", "家庭")
	if err != nil {
		return nil, err
	}
	f, err := decodeFact(r)
	if err != nil {
		return nil, err
	}
	id, err := s.db.AddFact(r.Context(), hid, f)
	if err != nil {
		return nil, err
	}
	return createdJSON{id}, nil
}

func (s *Server) apiCorrectFact(r *http.Request) (any, error) {
	hid, err := pathInt(r, "id", "家庭")
	if err != nil {
		return nil, err
	}
	fid, err := pathInt(r, "fact", "记录")
	if err != nil {
		return nil, err
	}
	f, err := decodeFact(r)
	if err != nil {
		return nil, err
	}
	id, err := s.db.CorrectFact(r.Context(), hid, fid, f)
	if err != nil {
		return nil, err
	}
	return createdJSON{id}, nil
}

func (s *Server) apiEndFact(r *http.Request) (any, error) {
	hid, err := pathInt(r, "id", "家庭")
	if err != nil {
		return nil, err
	}
	fid, err := pathInt(r, "fact", "记录")
	if err != nil {
		return nil, err
	}
	if _, ok := sqldb.FactKinds[r.PathValue("kind")]; !ok {
		return nil, &minzheng.Error{Code: minzheng.CodeNotFound, Message: "没有这类记录：" + r.PathValue("kind")}
	}
	var in struct {
		ValidTo minzheng.Date `json:"valid_to"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	if err := s.db.EndFact(r.Context(), hid, r.PathValue("kind"), fid, in.ValidTo); err != nil {
		return nil, err
	}
	return s.householdView(r, hid, 0)
}

func (s *Server) apiHouseholdHistory(r *http.Request) (any, error) {
	hid, err := pathInt(r, "id", "家庭")
	if err != nil {
		return nil, err
	}
	p, pp, err := paging(r)
	if err != nil {
		return nil, err
	}
	es, total, err := s.db.HouseholdHistory(r.Context(), hid, p, pp)
	if err != nil {
		return nil, err
	}
	items := make([]auditJSON, len(es))
	for i, e := range es {
		items[i] = toAuditJSON(e)
	}
	return listJSON{Items: items, Total: total}, nil
}

func toAuditJSON(e audit.Entry) auditJSON {
	return auditJSON{Seq: e.Seq, At: utc(e.At), Actor: e.Actor, Action: e.Action, ActionName: audit.ActionName(e.Action),
		Entity: e.Entity, EntityID: e.EntityID, Region: e.Region, Summary: e.Summary,
		Before: rawOrNull(e.Before), After: rawOrNull(e.After), Hash: e.Hash}
}

func (s *Server) apiAddSupporter(r *http.Request) (any, error) {
	pid, err := pathInt(r, "person", "成员")
	if err != nil {
		return nil, err
	}
	var in registry.Supporter
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	id, err := s.db.AddSupporter(r.Context(), pid, in)
	if err != nil {
		return nil, err
	}
	return createdJSON{id}, nil
}

func (s *Server) apiEndSupporter(r *http.Request) (any, error) {
	pid, err := pathInt(r, "person", "成员")
	if err != nil {
		return nil, err
	}
	sid, err := pathInt(r, "supporter", "义务人")
	if err != nil {
		return nil, err
	}
	var in struct {
		ValidTo minzheng.Date `json:"valid_to"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	if err := s.db.EndSupporter(r.Context(), pid, sid, in.ValidTo); err != nil {
		return nil, err
	}
	hid, err := s.db.PersonHouseholdID(r.Context(), pid)
	if err != nil {
		return nil, err
	}
	return s.householdView(r, hid, 0)
}

func (s *Server) apiAddParentStatus(r *http.Request) (any, error) {
	pid, err := pathInt(r, "person", "成员")
	if err != nil {
		return nil, err
	}
	var in registry.ParentStatus
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	id, err := s.db.AddParentStatus(r.Context(), pid, in)
	if err != nil {
		return nil, err
	}
	return createdJSON{id}, nil
}
