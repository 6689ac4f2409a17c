package web

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

type obj = map[string]any

func str(desc string) obj  { return obj{"type": "string", "description": desc} }
func integer(d string) obj { return obj{"type": "integer", "description": d} }
func ref(name string) obj  { return obj{"$ref": "#/components/schemas/" + name} }
func arrayOf(item obj) obj { return obj{"type": "array", "items": item} }
func nullable(o obj) obj   { o["nullable"] = true; return o }
func object(props obj, required ...string) obj {
	o := obj{"type": "object", "properties": props}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}
func list(item string) obj {
	return object(obj{"items": arrayOf(ref(item)), "total": integer("符合条件的总数")}, "items", "total")
}

// schemas are the bodies the API reads and answers.
var schemas = obj{
	"Error": object(obj{"error": object(obj{
		"code":    obj{"type": "string", "enum": []string{"invalid", "unauthorized", "forbidden", "not_found", "conflict", "too_large", "too_many_requests", "internal"}},
		"message": str("中文说明"),
		"field":   str("出错的字段（如有）"),
	}, "code", "message")}, "error"),
	"Login": object(obj{"username": str("用户名"), "password": str("密码")}, "username", "password"),
	"Token": object(obj{"token": str("接口令牌，放在 Authorization: Bearer … 中；24 小时有效")}, "token"),
	"Me":    obj{"allOf": []any{ref("User"), object(obj{"permissions": arrayOf(str("权限"))})}},
	"Region": object(obj{
		"code":   str("12 位区划代码"),
		"name":   str("名称"),
		"level":  obj{"type": "string", "enum": []string{"province", "city", "county", "township", "village"}},
		"parent": nullable(str("上级的 12 位代码；省为 null")),
		"path":   arrayOf(str("自省而下的名称")),
	}, "code", "name", "level", "parent", "path"),
	"RegionArray": arrayOf(ref("Region")),
	"RegionList":  list("Region"),
	"Attributes": object(obj{
		"area":           nullable(obj{"type": "string", "enum": []string{"urban", "rural"}}),
		"hardship_class": nullable(obj{"type": "integer", "minimum": 1, "maximum": 6}),
	}),
	"RegionAttributesInput": ref("Attributes"),
	"RegionAttributes": object(obj{
		"code": str("12 位区划代码"), "level": str("级别"),
		"own": ref("Attributes"), "effective": ref("Attributes"),
		"area_from": str("城乡属性来自：self（本级设置）、上级名称，或 name（按村居名称推定）"),
	}, "code", "level", "own", "effective"),
	"Workdays": object(obj{
		"date":        str("推算出的日期 YYYY-MM-DD（add 时）"),
		"workdays":    integer("工作日数（to 时）"),
		"provisional": obj{"type": "boolean", "description": "结果落在尚未录入节假日安排的年份，仅按周末推算"},
	}),
	"Day": object(obj{"date": str("YYYY-MM-DD"), "name": str("节日名称")}, "date", "name"),
	"CalendarYear": object(obj{
		"year": integer("年份"), "source": str("来源（通知文号）"), "builtin": obj{"type": "boolean"},
		"holidays": arrayOf(ref("Day")), "workdays": arrayOf(ref("Day")),
	}, "year", "source", "holidays", "workdays"),
	"CalendarYearInput": object(obj{
		"source": str("国务院办公厅放假通知的文号"), "holidays": arrayOf(ref("Day")), "workdays": arrayOf(ref("Day")),
	}, "source", "holidays"),
	"CalendarYearList": object(obj{"items": arrayOf(object(obj{
		"year": integer("年份"), "source": str("来源"), "holidays": integer("放假天数"), "workdays": integer("调休上班天数"),
	})), "total": integer("年数")}, "items", "total"),
	"User": object(obj{
		"id": integer("编号"), "username": str("用户名"), "display_name": str("姓名"),
		"role":      obj{"type": "string", "enum": []string{"village_clerk", "township_officer", "county_officer", "city_officer", "province_officer", "auditor", "admin"}},
		"role_name": str("角色名称"), "region": str("12 位区划代码；全国为空"), "region_level": str("区划级别"),
		"active": obj{"type": "boolean"}, "locked_until": nullable(str("锁定至（UTC）")),
		"created_at": str("创建时间（UTC）"), "updated_at": str("修改时间（UTC）"),
	}, "id", "username", "role", "region", "active"),
	"UserList": list("User"),
	"UserInput": object(obj{
		"username": str("用户名：3–32 位小写字母、数字或 _ . -"), "display_name": str("姓名"),
		"role": str("角色"), "region": str("区划代码（2/4/6/9/12 位），须与角色的级别一致；全国留空"),
		"password": str("密码：至少 10 个字符，含字母、数字、符号中的两种"),
	}, "username", "role", "password"),
	"UserPatch": object(obj{
		"display_name": str("姓名"), "role": str("角色"), "region": str("区划代码"),
		"active": obj{"type": "boolean"}, "password": str("新密码"),
	}),
	"AuditEntry": object(obj{
		"seq": integer("序号（连续）"), "at": str("时间（UTC）"), "actor": str("操作人"),
		"action": str("操作"), "action_name": str("操作名称"), "entity": str("对象类型"), "entity_id": str("对象编号"),
		"region": str("区划代码"), "summary": str("摘要"),
		"before": nullable(obj{"type": "object", "description": "修改前（已脱敏）"}),
		"after":  nullable(obj{"type": "object", "description": "修改后（已脱敏）"}),
		"hash":   str("本条的 SHA-256"),
	}, "seq", "at", "actor", "action", "summary", "hash"),
	"AuditList": list("AuditEntry"),
	"Job": object(obj{
		"id": integer("编号"), "kind": str("种类"), "title": str("名称"),
		"status": obj{"type": "string", "enum": []string{"queued", "running", "done", "failed"}},
		"region": str("区划"), "done": integer("已完成"), "total": integer("总数"), "percent": integer("百分比"),
		"message": str("进度说明"), "error": str("失败原因"), "result": nullable(obj{"type": "object"}),
		"created_by": str("发起人"), "created_at": str("发起时间"), "started_at": nullable(str("开始时间")), "finished_at": nullable(str("结束时间")),
	}, "id", "kind", "status", "percent"),
	"JobList":  list("Job"),
	"OpenAPI":  obj{"type": "object", "description": "OpenAPI 3 文档"},
	"Created":  object(obj{"id": integer("新记录的编号")}, "id"),
	"Revealed": object(obj{"id_number": str("完整的身份证号（此次查看已记入操作日志）")}, "id_number"),
	"Disability": object(obj{"category": obj{"type": "string", "enum": []string{"visual", "hearing", "speech", "limb", "intellectual", "mental", "multiple"}},
		"level": obj{"type": "integer", "minimum": 1, "maximum": 4}, "certificate": str("残疾证号")}, "category", "level"),
	"SelfCare": object(obj{"assessed_on": str("评估日期"), "unable": arrayOf(obj{"type": "string", "enum": []string{"eating", "dressing", "bed_transfer", "toileting", "walking", "bathing"}})}),
	"Bank":     object(obj{"name": str("开户银行"), "account": str("账号（显示时脱敏）"), "holder": str("户名")}),
	"Income": object(obj{"person_id": integer("成员编号；不填为家庭整体"), "kind": str("收入类别（GLOSSARY 的 income kind）"),
		"amount": integer("金额（分）"), "period": obj{"type": "string", "enum": []string{"month", "year"}},
		"source":     obj{"type": "string", "enum": []string{"declared", "verified", "compared"}},
		"valid_from": str("起始日期"), "valid_to": nullable(str("截止日期（不含）")), "note": str("备注")}, "kind", "amount"),
	"Asset": object(obj{"person_id": integer("成员编号"), "kind": str("财产类别"), "value": integer("价值（分）"),
		"description": str("说明"), "valid_from": str("起始日期"), "valid_to": nullable(str("截止日期"))}, "kind", "value"),
	"Expense": object(obj{"person_id": integer("成员编号"), "kind": obj{"type": "string", "enum": []string{"medical", "education", "job_cost", "other"}},
		"amount": integer("金额（分）"), "valid_from": str("起始日期"), "valid_to": nullable(str("截止日期")), "note": str("备注")}, "kind", "amount"),
	"Fact":    obj{"oneOf": []any{ref("Income"), ref("Asset"), ref("Expense")}, "description": "按路径中的 incomes / assets / expenses"},
	"FactEnd": object(obj{"valid_to": str("从该日起不再计入")}, "valid_to"),
	"PersonFacts": object(obj{"name": str("姓名"), "phone": str("电话"), "hukou_region": str("户籍地区划代码"),
		"disability": nullable(ref("Disability")), "serious_illness": str("重病名称"), "self_care": nullable(ref("SelfCare")),
		"schooling": str("就学阶段"), "employment": str("就业状况"), "marital": str("婚姻状况"), "death_date": nullable(str("死亡日期"))}),
	"NewMember": obj{"allOf": []any{ref("PersonFacts"), object(obj{"id_number": str("身份证号（18 位，或 15 位旧号）"),
		"relation": str("与户主关系"), "valid_from": str("入户日期（增加成员时）"), "incomes": arrayOf(ref("Income")),
		"assets": arrayOf(ref("Asset")), "expenses": arrayOf(ref("Expense")), "supporters": arrayOf(obj{"type": "object"}),
		"parent_statuses": arrayOf(obj{"type": "object"})}, "id_number", "relation")}},
	"NewHousehold": object(obj{"region": str("村（居）12 位区划代码"), "area": str("urban 或 rural；不填按村居属性"),
		"address": str("地址"), "bank": ref("Bank"), "valid_from": str("建档生效日期，默认今天"),
		"members": arrayOf(ref("NewMember")), "incomes": arrayOf(ref("Income")), "assets": arrayOf(ref("Asset")),
		"expenses": arrayOf(ref("Expense"))}, "region", "members"),
	"HouseholdChange": object(obj{"valid_from": str("自哪天起"), "region": str("迁往的村（居）"), "area": str("城乡"),
		"address": str("地址"), "status": str("active、pending 或 closed"), "bank": nullable(ref("Bank"))}),
	"PersonChange": obj{"allOf": []any{ref("PersonFacts"), object(obj{"valid_from": str("自哪天起")})}},
	"MemberChange": object(obj{"left_on": str("迁出日期（当日起不再是成员）"), "reason": str("原因"),
		"relation": str("新的与户主关系"), "valid_from": str("关系变更生效日期")}),
	"Member": obj{"allOf": []any{ref("PersonFacts"), object(obj{"person_id": integer("成员编号"), "id_number": str("身份证号（脱敏）"),
		"sex": str("male 或 female"), "birth_date": str("出生日期"), "relation": str("与户主关系"), "member_since": str("入户日期"),
		"incomes": arrayOf(ref("Income")), "assets": arrayOf(ref("Asset")), "expenses": arrayOf(ref("Expense")),
		"supporters": arrayOf(obj{"type": "object"}), "parent_statuses": arrayOf(obj{"type": "object"})})}},
	"Household": object(obj{"id": integer("编号"), "as_of": str("所示情况的日期"), "region": str("村（居）代码"),
		"region_path": arrayOf(str("区划名称")), "area": str("城乡"), "address": str("地址"), "status": str("状态"),
		"bank": nullable(ref("Bank")), "members": arrayOf(ref("Member")), "incomes": arrayOf(ref("Income")),
		"assets": arrayOf(ref("Asset")), "expenses": arrayOf(ref("Expense"))}, "id", "as_of", "region", "members"),
	"HouseholdRow": object(obj{"id": integer("编号"), "region": str("村（居）代码"), "region_path": arrayOf(str("区划名称")),
		"area": str("城乡"), "address": str("地址"), "status": str("状态"), "head_name": str("户主姓名"), "members": integer("人数"),
		"updated_at": str("最后修改")}),
	"HouseholdList": list("HouseholdRow"),
	"Supporter": object(obj{"name": str("姓名"), "id_number": str("身份证号（可不填）"), "relation": str("义务人是该成员的什么人（child、spouse、parent …）"),
		"birth_date": str("出生日期"), "dibao": obj{"type": "boolean", "description": "享受低保"}, "tekun": obj{"type": "boolean", "description": "特困人员"},
		"disability": nullable(ref("Disability")), "monthly_income": integer("月收入（分）"), "imprisoned": obj{"type": "boolean", "description": "服刑在押"},
		"incapacitated": obj{"type": "boolean", "description": "无民事行为能力或宣告失踪"}, "valid_from": str("起始日期"), "valid_to": nullable(str("截止日期"))}, "name", "relation"),
	"ParentStatus": object(obj{"parent": obj{"type": "string", "enum": []string{"father", "mother"}},
		"status": obj{"type": "string", "enum": []string{"normal", "dead", "missing", "severely_disabled", "seriously_ill", "imprisoned", "detained", "lost_contact"}},
		"since":  str("该状况开始的日期")}, "parent", "status", "since"),
}

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

var pathParamDesc = map[string]obj{
	"code":      str("区划代码：2、4、6、9 或 12 位数字"),
	"id":        integer("编号"),
	"year":      integer("四位年份"),
	"person":    integer("成员编号"),
	"kind":      obj{"type": "string", "enum": []string{"incomes", "assets", "expenses"}},
	"fact":      integer("记录编号"),
	"supporter": integer("义务人记录编号"),
	"action":    str("操作代码（各流程的操作见 CaseAction 的 x-flows）"),
	"doc":       integer("材料编号"),
}

var errorStatuses = map[int]string{
	400: "输入有误（invalid）", 401: "未登录或令牌无效（unauthorized）", 403: "无权或超出辖区（forbidden）",
	404: "不存在（not_found）", 409: "冲突（conflict）", 413: "请求太大（too_large）", 500: "内部错误（internal）",
}

// openAPI builds the document from the route table.
func (s *Server) openAPI() obj {
	paths := obj{}
	for _, rt := range s.api {
		p := apiPrefix + rt.Path
		item, _ := paths[p].(obj)
		if item == nil {
			item = obj{}
			paths[p] = item
		}
		var params []any
		for _, m := range pathParam.FindAllStringSubmatch(rt.Path, -1) {
			params = append(params, obj{"name": m[1], "in": "path", "required": true, "schema": pathParamDesc[m[1]]})
		}
		for _, q := range rt.Query {
			params = append(params, obj{"name": q.Name, "in": "query", "required": q.Required, "description": q.Desc, "schema": obj{"type": q.Type}})
		}
		status := rt.Status
		if status == 0 {
			status = http.StatusOK
		}
		ok := obj{"description": "成功"}
		switch {
		case rt.raw != nil:
			ok["content"] = obj{
				"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": obj{"schema": obj{"type": "string", "format": "binary"}},
				"text/csv": obj{"schema": obj{"type": "string", "format": "binary"}},
			}
		case rt.Response != "":
			ok["content"] = obj{"application/json": obj{"schema": ref(rt.Response)}}
		}
		responses := obj{strconv.Itoa(status): ok}
		if rt.limit != nil {
			responses["429"] = obj{"description": "请求过于频繁（too_many_requests），见 Retry-After", "content": obj{"application/json": obj{"schema": ref("Error")}}}
		}
		for code, desc := range errorStatuses {
			if rt.Public && (code == 401 || code == 403) && rt.Path != "/login" {
				continue
			}
			responses[strconv.Itoa(code)] = obj{"description": desc, "content": obj{"application/json": obj{"schema": ref("Error")}}}
		}
		op := obj{
			"summary":     rt.Summary,
			"tags":        []string{rt.Tag},
			"operationId": operationID(rt),
			"responses":   responses,
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		switch {
		case rt.Body == "Upload":
			op["requestBody"] = obj{"required": true, "content": obj{"multipart/form-data": obj{"schema": object(obj{
				"file":       obj{"type": "string", "format": "binary", "description": "上传的文件：家庭档案导入为 Excel（.xlsx）或 CSV；案件材料为 PDF、JPG 或 PNG"},
				"valid_only": obj{"type": "boolean", "description": "（导入）有错误行时只写入正确的家庭（默认：有任何错误则全部不写入）"},
			}, "file")}}}
		case rt.Body != "":
			op["requestBody"] = obj{"required": true, "content": obj{"application/json": obj{"schema": ref(rt.Body)}}}
		}
		if rt.Public {
			op["security"] = []any{}
		}
		item[strings.ToLower(rt.Method)] = op
	}
	return obj{
		"openapi": "3.0.3",
		"info": obj{
			"title":       "minzheng 民政社会救助接口",
			"version":     s.version,
			"description": "错误统一为 {\"error\":{\"code\",\"message\",\"field\"}}；编号为整数；区划代码可用 2/4/6/9/12 位，返回 12 位；列表为 {\"items\":[…],\"total\":N}，page 从 1 开始。",
		},
		"servers":    []any{obj{"url": "/"}},
		"paths":      paths,
		"security":   []any{obj{"bearer": []string{}}},
		"components": obj{"schemas": schemas, "securitySchemes": obj{"bearer": obj{"type": "http", "scheme": "bearer"}}},
	}
}

func operationID(rt apiRoute) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(rt.Method))
	for _, part := range strings.Split(rt.Path, "/") {
		part = strings.Trim(part, "{}")
		part = strings.ReplaceAll(part, ".", "_")
		if part == "" {
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

func (s *Server) apiOpenAPI(r *http.Request) (any, error) { return s.openAPI(), nil }
