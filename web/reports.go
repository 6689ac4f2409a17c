package web

import (
	"net/http"

	"minzheng"
	"minzheng/policy"
	"minzheng/region"
)

// reportRoutes are the statistics reports (统计报表).
func (s *Server) reportRoutes() []apiRoute {
	tag := "统计报表"
	return []apiRoute{
		{Method: "GET", Path: "/reports/payments", Summary: "资金发放统计：户数、人数（期间内各计一次）、人次、金额（万元），按月、按下级区划，以及报告用语（如“1-10月,发放城乡低保金7620人次702.44万元”）", Tag: tag,
			Query: []apiParam{{"region", "string", "区划代码", false}, {"from", "string", "起始月份 YYYY-MM", true}, {"to", "string", "截止月份 YYYY-MM", true},
				{"program", "string", "项目，如 dibao", true}}, Response: "PaymentReport", handle: s.apiPaymentReport},
	}
}

// paymentReportQuery reads a report's region, period and programme.
func paymentReportQuery(r *http.Request) (code region.Code, from, to minzheng.Month, program string, err error) {
	q := r.URL.Query()
	if code, err = region.ParseScope(q.Get("region")); err != nil {
		return "", 0, 0, "", minzheng.Invalid("region", "区划代码“%s”格式不对", q.Get("region"))
	}
	for _, p := range []struct {
		name string
		into *minzheng.Month
	}{{"from", &from}, {"to", &to}} {
		v := q.Get(p.name)
		if v == "" {
			return "", 0, 0, "", minzheng.Invalid(p.name, "请给出%s月份（YYYY-MM）", map[string]string{"from": "起始", "to": "截止"}[p.name])
		}
		if *p.into, err = minzheng.ParseMonth(v); err != nil {
			return "", 0, 0, "", minzheng.Invalid(p.name, "月份“%s”格式不对，应为 YYYY-MM", v)
		}
	}
	if program = q.Get("program"); program == "" {
		return "", 0, 0, "", minzheng.Invalid("program", "请给出项目，如 dibao")
	}
	if _, ok := policy.ProgramByCode(program); !ok {
		return "", 0, 0, "", minzheng.Invalid("program", "项目“%s”不存在", program)
	}
	return code, from, to, program, nil
}

func (s *Server) apiPaymentReport(r *http.Request) (any, error) {
	code, from, to, program, err := paymentReportQuery(r)
	if err != nil {
		return nil, err
	}
	return s.db.PaymentReport(r.Context(), code, from, to, program)
}

func init() {
	figures := obj{"lines": integer("发放笔数"), "person_times": integer("人次：各月发放人数之和"), "households": integer("户数（期间内各计一次）"),
		"persons": integer("人数（期间内各计一次）"), "amount_fen": integer("金额（分）"), "amount_wan": str("金额（万元，两位小数）")}
	with := func(extra obj) obj {
		o := obj{}
		for k, v := range figures {
			o[k] = v
		}
		for k, v := range extra {
			o[k] = v
		}
		return object(o)
	}
	schemas["PaymentReport"] = with(obj{"region": str("区划"), "from": str("起始月份"), "to": str("截止月份"), "program": str("项目"),
		"sentence": str("报告用语，如“1-10月,发放城乡低保金7620人次702.44万元”"), "sentence_households": str("累计用语，如“累计向城乡低保1394户1787人发放低保金1767.41万元”"),
		"by_month": arrayOf(with(obj{"month": str("月份")})), "by_region": arrayOf(with(obj{"region": str("下级区划"), "name": str("名称")}))})
}
