package web

import (
	"context"
	"net/http"

	"minzheng"
	"minzheng/policy"
	"minzheng/region"
)

// policyRoutes are the rules engine's operations: one decision, and a
// what-if over the registry.
func (s *Server) policyRoutes() []apiRoute {
	tag := "政策测算"
	return []apiRoute{
		{Method: "GET", Path: "/programs", Summary: "救助项目列表", Tag: tag, Response: "ProgramArray", handle: s.apiPrograms},
		{Method: "POST", Path: "/eval", Summary: "测算一户（或一人）某项目的资格和金额，附理由和依据", Tag: tag, Body: "EvalRequest", Response: "Decision", handle: s.apiEval},
		{Method: "POST", Path: "/simulate", Summary: "改革方案测算：对辖区家庭档案比较现行标准和改革参数下的低保结果", Tag: tag, Body: "SimulateRequest", Response: "Simulation", handle: s.apiSimulate},
	}
}

func (s *Server) apiPrograms(r *http.Request) (any, error) {
	return policy.Programs(), nil
}

// apiEval answers one request with the parameters of the database.
func (s *Server) apiEval(r *http.Request) (any, error) {
	var req policy.Request
	if err := decodeJSON(r, &req); err != nil {
		return nil, err
	}
	return s.evaluate(r, req)
}

func (s *Server) evaluate(r *http.Request, req policy.Request) (policy.Decision, error) {
	book, err := s.db.ParamBook(r.Context())
	if err != nil {
		return policy.Decision{}, err
	}
	return policy.Evaluate(req, book)
}

// simulateRequest is the body of POST /simulate.
type simulateRequest struct {
	Program string        `json:"program"`
	Region  string        `json:"region"`
	Date    minzheng.Date `json:"date"`
	Sets    []string      `json:"sets"`
	Sample  *int          `json:"sample"`
}

func (s *Server) apiSimulate(r *http.Request) (any, error) {
	var in simulateRequest
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	return s.simulate(r, in)
}

// simulate loads the region's households as of the date (today when not
// given) and runs the reform against the baseline.
func (s *Server) simulate(r *http.Request, in simulateRequest) (*policy.Simulation, error) {
	return s.simulateFor(r.Context(), in, nil)
}

// simulateFor is simulate for the actor of ctx (a request's, or a job's:
// the clerk who started it); loaded is called between reading and
// computing, for a job's progress.
func (s *Server) simulateFor(ctx context.Context, in simulateRequest, loaded func()) (*policy.Simulation, error) {
	if in.Program != "" && in.Program != "dibao" {
		return nil, minzheng.Invalid("program", "改革测算目前支持低保（dibao）")
	}
	scope, err := region.ParseScope(in.Region)
	if err != nil {
		return nil, minzheng.Invalid("region", "区划代码“%s”格式不对", in.Region)
	}
	sets, err := policy.ParseSets(in.Sets)
	if err != nil {
		return nil, err
	}
	sample := 10
	if in.Sample != nil {
		sample = *in.Sample
	}
	if sample < 0 || sample > 100 {
		return nil, minzheng.Invalid("sample", "样本户数应在 0 到 100 之间")
	}
	day := in.Date
	if day.IsZero() {
		day = minzheng.DateOf(s.clock.Now())
	}
	book, err := s.db.ParamBook(ctx)
	if err != nil {
		return nil, err
	}
	cols, err := s.db.PolicyColumns(ctx, scope, day)
	if err != nil {
		return nil, err
	}
	if loaded != nil {
		loaded()
	}
	sim, err := policy.Simulate(cols, book, sets, string(scope), sample)
	if err != nil {
		return nil, err
	}
	return sim, nil
}

// The rules engine's schemas, added to the document's table.
func init() {
	fen := func(d string) obj { return obj{"type": "integer", "format": "int64", "description": d + "（分）"} }
	member := object(obj{
		"id_number":        str("身份证号（18 位；人员项目以此确定对象、计算年龄）"),
		"birth_date":       str("出生日期 YYYY-MM-DD（无身份证号时）"),
		"relation":         str("与户主关系：head、spouse、child、parent …"),
		"disability":       object(obj{"category": str("visual、hearing、speech、limb、intellectual、mental、multiple"), "level": integer("1（最重）至 4")}),
		"serious_illness":  obj{"type": "boolean", "description": "患重特大疾病"},
		"schooling":        str("none、preschool、compulsory、high_school、vocational、higher"),
		"self_care_failed": arrayOf(str("不能自理的项目：eating、dressing、bed_transfer、toileting、walking、bathing")),
		"long_term_care":   obj{"type": "boolean", "description": "需长期照护（护理补贴）"},
		"incomes":          arrayOf(object(obj{"kind": str("收入类别"), "monthly_fen": fen("月收入")}, "kind", "monthly_fen")),
		"expenses":         arrayOf(object(obj{"kind": str("medical、education、job_cost、other"), "yearly_fen": fen("年支出"), "reimbursed_fen": fen("已报销")}, "kind", "yearly_fen")),
		"supporters": arrayOf(object(obj{"relation": str("与本人关系"), "able": obj{"type": "boolean", "description": "有无履行义务能力；不填则按事实认定"},
			"age": integer("年龄"), "status": str("normal、tekun、dibao、severely_disabled、incapacitated、missing、imprisoned"), "monthly_income_fen": fen("月收入")})),
		"parents":  arrayOf(object(obj{"parent": str("father 或 mother"), "status": str("父母状况"), "since": str("起始日期"), "term_months": integer("服刑或强制隔离戒毒期限（月）")}, "status")),
		"benefits": arrayOf(object(obj{"program": str("已享受的项目"), "monthly_fen": fen("月金额")}, "program")),
	})
	schemas["EvalRequest"] = object(obj{
		"program": str("项目代码：dibao、dibao_edge、tekun、linshi、orphan …"),
		"date":    str("测算日期 YYYY-MM-DD"),
		"region":  str("所在区划代码（2/4/6/9/12 位）"),
		"subject": str("人员项目的对象身份证号"),
		"options": object(obj{"kind": str("临时救助：emergency 或 expenditure"), "amount_requested_fen": fen("申请金额"), "support": str("特困：dispersed 或 centralized")}),
		"household": object(obj{
			"area":     str("urban 或 rural"),
			"members":  arrayOf(member),
			"assets":   object(obj{"deposits_fen": fen("金融资产"), "vehicles": integer("机动车辆数"), "houses": integer("房屋套数")}),
			"benefits": arrayOf(object(obj{"program": str("家庭已享受的项目")})),
		}, "members"),
	}, "program", "date", "region", "household")
	schemas["Decision"] = object(obj{
		"program":    str("项目代码"),
		"date":       str("测算日期"),
		"region":     str("12 位区划代码"),
		"subject":    str("对象身份证号（脱敏）"),
		"eligible":   nullable(obj{"type": "boolean", "description": "是否符合；缺少信息时为 null"}),
		"amount_fen": fen("金额"), "period": str("month 或 once"),
		"amount_kwh":    integer("免费电量（千瓦时/月）"),
		"authority":     str("临时救助审批权限：township、county、special_review"),
		"support":       str("特困供养方式"),
		"single_person": obj{"type": "boolean", "description": "单人保"},
		"covered":       arrayOf(str("单人保纳入的成员（脱敏）")),
		"missing":       arrayOf(str("缺少的信息（字段路径）")),
		"reasons": arrayOf(object(obj{"text": str("理由"), "values": obj{"type": "object", "description": "所用数值"},
			"citation": str("依据（条款或文件）")}, "text", "citation")),
		"params_used": arrayOf(object(obj{"name": str("参数名"), "title": str("中文名"), "value": obj{"description": "取值"},
			"formula": str("公式（如有）"), "region": str("设定该值的区划（12 位；全国为 000000000000）"),
			"effective_from": str("生效日期"), "source": str("文件"), "demo": obj{"type": "boolean", "description": "演示数据"}})),
		"demo": obj{"type": "boolean", "description": "所用标准含演示数据"},
	}, "program", "date", "region", "eligible", "amount_fen", "period", "reasons", "params_used")
	schemas["ProgramArray"] = arrayOf(object(obj{"code": str("代码"), "name": str("名称"), "person": obj{"type": "boolean", "description": "以个人为对象"}, "period": str("month 或 once")}))
	schemas["SimulateRequest"] = object(obj{
		"program": str("dibao（默认）"),
		"region":  str("测算范围的区划代码"),
		"date":    str("测算日期，默认今天"),
		"sets":    arrayOf(str("改革参数：名称=值@区划，如 dibao.standard.rural=85000@370614")),
		"sample":  integer("列出的受影响家庭数，默认 10，最多 100"),
	}, "region", "sets")
	count := object(obj{"households": integer("户数"), "persons": integer("人数")})
	diff := object(obj{
		"households": integer("参与测算的户数"), "entered": count, "left": count, "up": count, "down": count,
		"baseline_eligible": count, "reform_eligible": count,
		"baseline_monthly_fen": fen("现行月支出"), "reform_monthly_fen": fen("改革后月支出"),
		"monthly_change_fen": fen("月支出变化"), "yearly_change_fen": fen("年支出变化"),
		"missing_households": integer("缺少信息无法测算的户数"),
	})
	schemas["Simulation"] = object(obj{
		"program": str("项目"), "region": str("范围"), "date": str("日期"), "sets": arrayOf(str("改革参数")),
		"total":     diff,
		"townships": arrayOf(obj{"allOf": []any{diff, object(obj{"township": str("乡镇 12 位代码")})}}),
		"sample": arrayOf(object(obj{"household_id": integer("家庭编号"), "village": str("村居"), "change": str("entered、left、up、down"),
			"before": ref("Decision"), "after": ref("Decision")})),
	})
}
