package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"minzheng"
	"minzheng/auth"
	"minzheng/region"
	"minzheng/registry"
)

// The household registry's API (issue 3), over HTTP on both engines: the
// Contract, scope, permissions, bad input, history and masking.

func rgDate(y int, m time.Month, d int) minzheng.Date { return minzheng.NewDate(y, m, d) }

// The test data's ID numbers. 张三's is the Contract's masked example
// (370614********123X).
var (
	rgHead    = registry.NewIDNumber("370614", rgDate(1980, 1, 1), 123)   // 张三, male
	rgSpouse  = registry.NewIDNumber("370614", rgDate(1982, 4, 5), 224)   // 李四, female
	rgChild   = registry.NewIDNumber("370614", rgDate(2012, 9, 1), 346)   // 张小红, female
	rgSon     = registry.NewIDNumber("370614", rgDate(1999, 7, 7), 555)   // 张大明, a supporter outside
	rgWang    = registry.NewIDNumber("370614", rgDate(1955, 3, 3), 457)   // 王五, 村里集镇
	rgZhao    = registry.NewIDNumber("370614", rgDate(1957, 7, 17), 568)  // 赵六, 村里集镇
	rgQian    = registry.NewIDNumber("370614", rgDate(1990, 10, 10), 679) // 钱七, joins later
	rgOuyang  = registry.NewIDNumber("370614", rgDate(1966, 6, 6), 781)   // 欧阳春雷, 大辛店镇 (scope tests)
	rgSima    = registry.NewIDNumber("370614", rgDate(1968, 8, 8), 892)   // 司马秋月, 大辛店镇 (scope tests)
	rgAllIDs  = []registry.IDNumber{rgHead, rgSpouse, rgChild, rgSon, rgWang, rgZhao, rgQian, rgOuyang, rgSima}
	rgBadHead = string(rgHead[:17]) + "0" // 张三's number with a wrong check digit
)

// rgEnv is a fixture with the registry tests' extra account (a township
// officer of 村里集镇), its villages and tokens, and a record of every
// answer body for the masking check.
type rgEnv struct {
	f                 *fixture
	tok               map[string]string
	dxdV1, dxdV2, clV string // 辛店一村, 辛店二村, the first village of 村里集镇
	bodies            []rgBody
}

type rgBody struct {
	what   string
	raw    []byte
	reveal bool
}

func rgSetup(t *testing.T, f *fixture) *rgEnv {
	t.Helper()
	sys := minzheng.WithActor(context.Background(), minzheng.System("test"))
	e := &rgEnv{f: f, tok: map[string]string{}}
	vs, err := f.db.RegionChildren(sys, "370614107000", region.LevelTownship)
	if err != nil || len(vs) < 2 {
		t.Fatalf("villages of 大辛店镇: %v %v", vs, err)
	}
	e.dxdV1, e.dxdV2 = string(vs[0].Code), string(vs[1].Code)
	vs, err = f.db.RegionChildren(sys, "370614108000", region.LevelTownship)
	if err != nil || len(vs) == 0 {
		t.Fatalf("villages of 村里集镇: %v %v", vs, err)
	}
	e.clV = string(vs[0].Code)
	if e.dxdV1 != "370614107201" || e.dxdV1 != f.village || e.clV != "370614108201" {
		t.Fatalf("villages %s %s %s (clerk's %s)", e.dxdV1, e.dxdV2, e.clV, f.village)
	}
	// The 村里集镇 township officer.
	in := auth.UserInput{Username: "cljz_township", DisplayName: "村里集镇民政办", Role: "township_officer", Region: "370614108", Password: password, Active: true}
	c, err := in.Validate(true, false)
	if err != nil {
		t.Fatal(err)
	}
	hash, err := auth.TestHasher.Hash(c.Password)
	if err != nil {
		t.Fatal(err)
	}
	u, err := f.db.CreateUser(sys, c, hash)
	if err != nil {
		t.Fatalf("create cljz_township: %v", err)
	}
	f.users["cljz"] = u
	e.login(t)
	return e
}

// login signs the named accounts (all the tests use when none is named)
// in again: tokens last a day, so after the clock moves, sign in again.
// Sign-ins are limited to twenty a minute per address: name only those
// needed.
func (e *rgEnv) login(t *testing.T, names ...string) {
	t.Helper()
	if len(names) == 0 {
		names = []string{"dxd", "cljz", "penglai", "clerk", "auditor", "admin"}
	}
	for _, name := range names {
		e.tok[name] = e.f.apiLogin(t, name)
	}
}

// day moves the clock to 09:00 on day d and signs the named accounts in
// again.
func (e *rgEnv) day(t *testing.T, d minzheng.Date, names ...string) {
	t.Helper()
	y, m, dd := d.YMD()
	e.f.clk.Set(time.Date(y, m, dd, 9, 0, 0, 0, minzheng.China))
	e.login(t, names...)
}

// call sends an API request as the named account ("" for none), records
// the answer's body, and decodes it.
func (e *rgEnv) call(t *testing.T, method, path, who string, body any) (int, any) {
	t.Helper()
	status, raw := e.f.doRaw(t, method, path, e.tok[who], body)
	e.bodies = append(e.bodies, rgBody{what: method + " " + path + " as " + who, raw: raw, reveal: strings.HasSuffix(path, "/reveal") && status == http.StatusOK})
	if len(strings.TrimSpace(string(raw))) == 0 {
		return status, nil
	}
	var v any
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("%s %s: status %d, not JSON: %s", method, path, status, raw)
	}
	return status, v
}

// idLike finds anything shaped like an ID number standing alone.
var rgIDLike = regexp.MustCompile(`(?:^|[^0-9A-Za-z])([0-9]{17}[0-9Xx])(?:[^0-9A-Za-z]|$)`)

// checkMasked asserts that no recorded answer but a reveal holds a whole ID
// number of the test data, or anything shaped like one.
func (e *rgEnv) checkMasked(t *testing.T) {
	t.Helper()
	for _, b := range e.bodies {
		if b.reveal {
			continue
		}
		s := string(b.raw)
		for _, id := range rgAllIDs {
			if strings.Contains(strings.ToUpper(s), string(id)) {
				t.Errorf("%s: the answer shows %s whole: %s", b.what, id.Masked(), s)
			}
		}
		if strings.Contains(s, rgBadHead) {
			t.Errorf("%s: the answer shows a wrong number whole: %s", b.what, s)
		}
		if m := rgIDLike.FindStringSubmatch(s); m != nil {
			t.Errorf("%s: the answer holds an ID-shaped number %s…: %s", b.what, m[1][:6], s)
		}
	}
}

func rgMember(name string, id registry.IDNumber, relation string) map[string]any {
	return map[string]any{"name": name, "id_number": string(id), "relation": relation}
}

// family is the Contract's household in 辛店一村.
func (e *rgEnv) family() map[string]any {
	return map[string]any{"region": e.dxdV1, "area": "rural", "address": "大辛店镇辛店一村12号",
		"members": []any{rgMember("张三", rgHead, "head"), rgMember("李四", rgSpouse, "spouse"), rgMember("张小红", rgChild, "child")}}
}

// create posts a household and returns its id, asserting 201 {"id":N}.
func (e *rgEnv) create(t *testing.T, who string, body any) int64 {
	t.Helper()
	status, v := e.call(t, "POST", "/api/v1/households", who, body)
	if status != http.StatusCreated {
		t.Fatalf("create as %s: %d %v", who, status, v)
	}
	m := jobj(t, v)
	if len(m) != 1 {
		t.Errorf("created answer %v, want only id", m)
	}
	id := int64(jnum(t, m["id"]))
	if id <= 0 {
		t.Fatalf("id %d", id)
	}
	return id
}

func (e *rgEnv) get(t *testing.T, who string, id int64, query string) map[string]any {
	t.Helper()
	path := idPath("/api/v1/households/", id)
	if query != "" {
		path += "?" + query
	}
	status, v := e.call(t, "GET", path, who, nil)
	if status != http.StatusOK {
		t.Fatalf("GET %s as %s: %d %v", path, who, status, v)
	}
	return jobj(t, v)
}

// members is the members of a household answer.
func rgMembers(t *testing.T, h map[string]any) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, m := range jarr(t, h["members"]) {
		out = append(out, jobj(t, m))
	}
	return out
}

func (e *rgEnv) count(t *testing.T, table, where string, args ...any) int {
	t.Helper()
	q := "SELECT COUNT(*) FROM " + table
	if where != "" {
		q += " WHERE " + where
	}
	var n int
	if err := e.f.db.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func (e *rgEnv) regionPath(t *testing.T, code string) string {
	t.Helper()
	r, err := e.f.db.Region(minzheng.WithActor(context.Background(), minzheng.System("test")), region.Code(code), region.LevelVillage)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(r.Path)
	return string(b)
}

func TestHouseholdContract(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		e := rgSetup(t, f)
		defer e.checkMasked(t)
		if p := e.regionPath(t, e.dxdV1); p != `["山东省","烟台市","蓬莱区","大辛店镇","辛店一村村委会"]` {
			t.Fatalf("region path %s", p)
		}

		body := e.family()
		body["bank"] = map[string]any{"name": "蓬莱农商银行", "account": "6228480012345678", "holder": "张三"}
		ms := body["members"].([]any)
		head := ms[0].(map[string]any)
		head["phone"] = "13800001111"
		head["disability"] = map[string]any{"category": "limb", "level": 2, "certificate": string(rgHead) + "42"}
		head["incomes"] = []any{map[string]any{"kind": "wage", "amount": 200000}}
		head["supporters"] = []any{map[string]any{"name": "张大明", "id_number": string(rgSon), "relation": "child", "monthly_income": 450000}}
		ms[2].(map[string]any)["schooling"] = "compulsory"
		body["incomes"] = []any{map[string]any{"kind": "grassland_subsidy", "amount": 120000, "period": "year"}}

		var id int64
		t.Run("建档返回201和编号", func(t *testing.T) {
			status, raw := f.doRaw(t, "POST", "/api/v1/households", e.tok["dxd"], body)
			e.bodies = append(e.bodies, rgBody{what: "POST /api/v1/households", raw: raw})
			if status != http.StatusCreated {
				t.Fatalf("status %d %s", status, raw)
			}
			if !regexp.MustCompile(`^\{"id":[1-9][0-9]*\}\n?$`).Match(raw) {
				t.Fatalf("answer %s, want {\"id\":N} only", raw)
			}
			var v struct{ ID int64 }
			_ = json.Unmarshal(raw, &v)
			id = v.ID
		})
		if id == 0 {
			t.FailNow()
		}

		t.Run("读取一户，身份证号和账号脱敏", func(t *testing.T) {
			h := e.get(t, "dxd", id, "")
			ms := rgMembers(t, h)
			if len(ms) != 3 {
				t.Fatalf("members %v", ms)
			}
			p := func(i int) int { return jnum(t, ms[i]["person_id"]) }
			inc := jnum(t, jobj(t, jarr(t, ms[0]["incomes"])[0])["id"])
			sup := jnum(t, jobj(t, jarr(t, ms[0]["supporters"])[0])["id"])
			hinc := jnum(t, jobj(t, jarr(t, h["incomes"])[0])["id"])
			want := fmt.Sprintf(`{"id":%d,"as_of":"2025-09-26","region":"370614107201","area":"rural","address":"大辛店镇辛店一村12号","status":"active",
				"bank":{"name":"蓬莱农商银行","account":"************5678","holder":"张三"},
				"region_path":["山东省","烟台市","蓬莱区","大辛店镇","辛店一村村委会"],
				"members":[
				 {"person_id":%d,"id_number":"370614********123X","sex":"male","birth_date":"1980-01-01","relation":"head","member_since":"2025-09-26",
				  "name":"张三","phone":"13800001111","disability":{"category":"limb","level":2,"certificate":"370614**********3X42"},"self_care":null,"death_date":null,
				  "incomes":[{"id":%d,"person_id":%d,"kind":"wage","amount":200000,"period":"month","source":"declared","valid_from":"2025-09-26","valid_to":null}],
				  "assets":[],"expenses":[],
				  "supporters":[{"id":%d,"name":"张大明","id_number":"%s","relation":"child","birth_date":"1999-07-07","dibao":false,"tekun":false,"disability":null,
				    "monthly_income":450000,"imprisoned":false,"incapacitated":false,"valid_from":"2025-09-26","valid_to":null}],
				  "parent_statuses":[]},
				 {"person_id":%d,"id_number":"%s","sex":"female","birth_date":"1982-04-05","relation":"spouse","member_since":"2025-09-26",
				  "name":"李四","disability":null,"self_care":null,"death_date":null,"incomes":[],"assets":[],"expenses":[],"supporters":[],"parent_statuses":[]},
				 {"person_id":%d,"id_number":"%s","sex":"female","birth_date":"2012-09-01","relation":"child","member_since":"2025-09-26",
				  "name":"张小红","schooling":"compulsory","disability":null,"self_care":null,"death_date":null,"incomes":[],"assets":[],"expenses":[],"supporters":[],"parent_statuses":[]}],
				"incomes":[{"id":%d,"kind":"grassland_subsidy","amount":120000,"period":"year","source":"declared","valid_from":"2025-09-26","valid_to":null}],
				"assets":[],"expenses":[]}`,
				id, p(0), inc, p(0), sup, rgSon.Masked(), p(1), rgSpouse.Masked(), p(2), rgChild.Masked(), hinc)
			sameJSON(t, h, want)
		})

		t.Run("校验位错误", func(t *testing.T) {
			before := e.count(t, "households", "")
			b := e.family()
			b["members"].([]any)[1].(map[string]any)["id_number"] = string(rgSpouse[:17]) + "0"
			if rgSpouse[17] == '0' {
				t.Fatal("pick another wrong digit")
			}
			status, v := e.call(t, "POST", "/api/v1/households", "dxd", b)
			msg := wantError(t, status, v, 400, "invalid", "members[1].id_number")
			if want := "第 2 位成员（李四）：身份证号 " + minzheng.MaskID(string(rgSpouse[:17])+"0") + " 的校验位不对，请核对号码"; msg != want {
				t.Errorf("message %q\nwant %q", msg, want)
			}
			if n := e.count(t, "households", ""); n != before {
				t.Errorf("households %d → %d", before, n)
			}
		})

		t.Run("身份证号已在另一户", func(t *testing.T) {
			before := e.count(t, "households", "")
			persons := e.count(t, "persons", "")
			status, v := e.call(t, "POST", "/api/v1/households", "penglai", map[string]any{"region": e.clV,
				"members": []any{rgMember("王五", rgWang, "head"), rgMember("赵六", rgZhao, "spouse"), rgMember("李四", rgSpouse, "other")}})
			// The conflict names the member (the third) and the household.
			msg := wantError(t, status, v, 409, "conflict", "members[2].id_number")
			if want := fmt.Sprintf("身份证号 %s 已在第 %d 户（户主 张三，区划 370614107201）中：一人只能属于一个在册家庭，请先办理迁出", rgSpouse.Masked(), id); msg != want {
				t.Errorf("message %q\nwant %q", msg, want)
			}
			if n, p := e.count(t, "households", ""), e.count(t, "persons", ""); n != before || p != persons {
				t.Errorf("households %d → %d, persons %d → %d", before, n, persons, p)
			}
		})

		t.Run("列表", func(t *testing.T) {
			id2 := e.create(t, "dxd", map[string]any{"region": e.dxdV2, "members": []any{rgMember("张大明", rgSon, "head")}})
			id3 := e.create(t, "penglai", map[string]any{"region": e.clV, "members": []any{rgMember("王五", rgWang, "head")}})
			item := fmt.Sprintf(`{"id":%d,"region":"370614107201","region_path":["山东省","烟台市","蓬莱区","大辛店镇","辛店一村村委会"],"area":"rural",
				"address":"大辛店镇辛店一村12号","status":"active","head_name":"张三","members":3,"updated_at":"2025-09-26T01:00:00Z"}`, id)
			cases := []struct {
				name, query string
				want        string
			}{
				{"按区划和姓名", "region=370614107201&q=" + url.QueryEscape("张三") + "&page=1", `{"items":[` + item + `],"total":1}`},
				{"姓名开头", "region=370614107&q=" + url.QueryEscape("张"), fmt.Sprintf(`{"items":[%s,%s],"total":2}`, rgRow(e, id2, e.dxdV2, "", "张大明", 1), item)},
				{"身份证后4位", "q=" + rgHead.Suffix(4), `{"items":[` + item + `],"total":1}`},
				{"身份证后4位小写", "q=" + strings.ToLower(rgHead.Suffix(4)), `{"items":[` + item + `],"total":1}`},
				{"身份证后6位", "q=" + rgSpouse.Suffix(6), `{"items":[` + item + `],"total":1}`},
				{"完整身份证号", "q=" + string(rgChild), `{"items":[` + item + `],"total":1}`},
				{"县看全区", "region=370614", fmt.Sprintf(`{"items":[%s,%s,%s],"total":3}`, rgRow(e, id3, e.clV, "", "王五", 1), rgRow(e, id2, e.dxdV2, "", "张大明", 1), item)},
				{"第二页", "region=370614&per_page=2&page=2", `{"items":[` + item + `],"total":3}`},
				{"超出页数", "region=370614&page=9", `{"items":[],"total":3}`},
				{"十二位区划", "region=370614108000", fmt.Sprintf(`{"items":[%s],"total":1}`, rgRow(e, id3, e.clV, "", "王五", 1))},
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					status, v := e.call(t, "GET", "/api/v1/households?"+c.query, "penglai", nil)
					if status != http.StatusOK {
						t.Fatalf("status %d %v", status, v)
					}
					sameJSON(t, v, c.want)
				})
			}
			for _, c := range []struct{ name, query, field string }{
				{"号码太短", "q=123", "q"}, {"页码为0", "page=0", "page"}, {"区划格式不对", "region=3706x", "region"},
				{"城乡属性不对", "area=town", "area"}, {"状态不对", "status=gone", "status"}, {"每页太多", "per_page=501", "per_page"},
			} {
				t.Run(c.name, func(t *testing.T) {
					status, v := e.call(t, "GET", "/api/v1/households?"+c.query, "penglai", nil)
					wantError(t, status, v, 400, "invalid", c.field)
				})
			}
		})
	})
}

// rgRow is a list item's JSON for a household created today without an
// address.
func rgRow(e *rgEnv, id int64, village, address, head string, members int) string {
	r, _ := e.f.db.Region(minzheng.WithActor(context.Background(), minzheng.System("test")), region.Code(village), region.LevelVillage)
	p, _ := json.Marshal(r.Path)
	a, _ := json.Marshal(address)
	return fmt.Sprintf(`{"id":%d,"region":"%s","region_path":%s,"area":"rural","address":%s,"status":"active","head_name":"%s","members":%d,"updated_at":"2025-09-26T01:00:00Z"}`,
		id, village, p, a, head, members)
}

// TestHouseholdAsOf: the household as it applied on a day, through HTTP.
func TestHouseholdAsOf(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		e := rgSetup(t, f)
		defer e.checkMasked(t)
		b := e.family()
		b["valid_from"] = "2024-03-01"
		b["members"].([]any)[1].(map[string]any)["incomes"] = []any{map[string]any{"kind": "wage", "amount": 180000}}
		id := e.create(t, "dxd", b)
		h := e.get(t, "dxd", id, "")
		spouse := jnum(t, rgMembers(t, h)[1]["person_id"])
		income := jnum(t, jobj(t, jarr(t, rgMembers(t, h)[1]["incomes"])[0])["id"])

		patch := func(path string, body any) {
			t.Helper()
			status, v := e.call(t, "PATCH", path, "dxd", body)
			if status != http.StatusOK {
				t.Fatalf("PATCH %s: %d %v", path, status, v)
			}
		}
		patch(idPath("/api/v1/households/", id), map[string]any{"valid_from": "2024-06-01", "address": "辛店一村15号"})
		patch(fmt.Sprintf("/api/v1/persons/%d", spouse), map[string]any{"valid_from": "2024-06-01", "employment": "unemployed"})
		// Recorded now, applying from April: it must reach into June's version.
		patch(fmt.Sprintf("/api/v1/persons/%d", spouse), map[string]any{"valid_from": "2024-04-01", "disability": map[string]any{"category": "hearing", "level": 3}})
		status, v := e.call(t, "POST", fmt.Sprintf("/api/v1/households/%d/incomes/%d/end", id, income), "dxd", map[string]any{"valid_to": "2024-09-01"})
		if status != http.StatusOK {
			t.Fatalf("end income: %d %v", status, v)
		}

		type state struct {
			address, employment, disability string
			incomes                         int
		}
		cases := []struct {
			name, day string
			want      state
		}{
			{"建档当天", "2024-03-01", state{"大辛店镇辛店一村12号", "", "", 1}},
			{"补录残疾前一天", "2024-03-31", state{"大辛店镇辛店一村12号", "", "", 1}},
			{"补录残疾当天", "2024-04-01", state{"大辛店镇辛店一村12号", "", "hearing3", 1}},
			{"改地址前一天", "2024-05-31", state{"大辛店镇辛店一村12号", "", "hearing3", 1}},
			{"改地址当天", "2024-06-01", state{"辛店一村15号", "unemployed", "hearing3", 1}},
			{"收入最后一天", "2024-08-31", state{"辛店一村15号", "unemployed", "hearing3", 1}},
			{"收入截止", "2024-09-01", state{"辛店一村15号", "unemployed", "hearing3", 0}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				h := e.get(t, "dxd", id, "as_of="+c.day)
				if h["as_of"] != c.day {
					t.Errorf("as_of %v", h["as_of"])
				}
				m := rgMembers(t, h)[1]
				got := state{address: fmt.Sprint(h["address"]), incomes: len(jarr(t, m["incomes"]))}
				if s, ok := m["employment"].(string); ok {
					got.employment = s
				}
				if d, ok := m["disability"].(map[string]any); ok {
					got.disability = fmt.Sprint(d["category"], d["level"])
				}
				if got != c.want {
					t.Errorf("as of %s: %+v, want %+v", c.day, got, c.want)
				}
			})
		}
		t.Run("建档之前", func(t *testing.T) {
			status, v := e.call(t, "GET", idPath("/api/v1/households/", id)+"?as_of=2024-02-29", "dxd", nil)
			msg := wantError(t, status, v, 404, "not_found", "")
			if msg != fmt.Sprintf("第 %d 户在 2024-02-29 尚未建档", id) {
				t.Errorf("message %q", msg)
			}
		})
		for _, c := range []struct{ name, asOf, msg string }{
			{"日期不存在", "2024-02-30", `日期 "2024-02-30" 不存在`},
			{"月份13", "2024-13-01", `日期 "2024-13-01" 格式不对，应为 YYYY-MM-DD`},
			{"不是日期", "yesterday", `日期 "yesterday" 格式不对，应为 YYYY-MM-DD`},
		} {
			t.Run(c.name, func(t *testing.T) {
				status, v := e.call(t, "GET", idPath("/api/v1/households/", id)+"?as_of="+c.asOf, "dxd", nil)
				if msg := wantError(t, status, v, 400, "invalid", "as_of"); msg != c.msg {
					t.Errorf("message %q, want %q", msg, c.msg)
				}
			})
		}
	})
}

// rgScopeData is a household of each township: 大辛店镇's (by dxd) and
// 村里集镇's (by cljz), with a person and an income each.
type rgScopeData struct {
	dxd, cl             int64
	dxdPerson, clPerson int
	dxdFact, clFact     int
}

func (e *rgEnv) scopeData(t *testing.T) rgScopeData {
	t.Helper()
	var d rgScopeData
	b := map[string]any{"region": e.dxdV2, "address": "大辛店镇测试路88号",
		"members": []any{rgMember("欧阳春雷", rgOuyang, "head"), rgMember("司马秋月", rgSima, "spouse")},
		"incomes": []any{map[string]any{"kind": "heroism", "amount": 777700}}}
	d.dxd = e.create(t, "dxd", b)
	h := e.get(t, "dxd", d.dxd, "")
	d.dxdPerson = jnum(t, rgMembers(t, h)[0]["person_id"])
	d.dxdFact = jnum(t, jobj(t, jarr(t, h["incomes"])[0])["id"])
	d.cl = e.create(t, "cljz", map[string]any{"region": e.clV, "members": []any{rgMember("王五", rgWang, "head"), rgMember("赵六", rgZhao, "spouse")},
		"incomes": []any{map[string]any{"kind": "wage", "amount": 100000}}})
	h = e.get(t, "cljz", d.cl, "")
	d.clPerson = jnum(t, rgMembers(t, h)[0]["person_id"])
	d.clFact = jnum(t, jobj(t, jarr(t, h["incomes"])[0])["id"])
	return d
}

// rgRoutes are the registry's routes in the server's table: those under
// /households and /persons.
func rgRoutes(f *fixture) []apiRoute {
	var out []apiRoute
	for _, rt := range f.srv.api {
		if rt.Path == "/households" || strings.HasPrefix(rt.Path, "/households/") || strings.HasPrefix(rt.Path, "/persons/") || rt.Path == "/persons" {
			out = append(out, rt)
		}
	}
	return out
}

var rgParam = regexp.MustCompile(`\{[a-z_]+\}`)

// rgFill puts a household's ids into a route's path parameters; a
// parameter the test does not know fails it, so that a new route gets its
// case here.
func rgFill(t *testing.T, path string, hid int64, person, fact int) string {
	t.Helper()
	return rgParam.ReplaceAllStringFunc(path, func(p string) string {
		switch p {
		case "{id}":
			return fmt.Sprint(hid)
		case "{person}":
			return fmt.Sprint(person)
		case "{kind}":
			return "incomes"
		case "{fact}", "{supporter}":
			return fmt.Sprint(fact)
		}
		t.Fatalf("route %s: unknown path parameter %s: add it to rgFill", path, p)
		return ""
	})
}

// rgWriteBody is a valid body for each writing route, so that only scope
// can refuse it.
func rgWriteBody(method, path string) any {
	switch method + " " + path {
	case "PATCH /households/{id}":
		return map[string]any{"address": "越权修改的地址"}
	case "POST /households/{id}/members":
		return rgMember("钱七", rgQian, "other")
	case "PATCH /households/{id}/members/{person}":
		return map[string]any{"left_on": "2025-09-26", "reason": "越权"}
	case "PATCH /persons/{person}":
		return map[string]any{"employment": "farming"}
	case "POST /households/{id}/{kind}", "PUT /households/{id}/{kind}/{fact}":
		return map[string]any{"kind": "wage", "amount": 100}
	case "POST /households/{id}/{kind}/{fact}/end", "POST /persons/{person}/supporters/{supporter}/end":
		return map[string]any{"valid_to": "2025-09-26"}
	case "POST /persons/{person}/supporters":
		return map[string]any{"name": "越权登记", "relation": "child"}
	case "POST /persons/{person}/parent_statuses":
		return map[string]any{"parent": "father", "status": "imprisoned", "since": "2025-01-01"}
	}
	if method == "GET" {
		return nil
	}
	return map[string]any{}
}

func TestHouseholdScopeAPI(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		e := rgSetup(t, f)
		defer e.checkMasked(t)
		d := e.scopeData(t)
		auditor := e.tok["auditor"]
		before := e.get(t, "cljz", d.cl, "")

		// denied asserts that do is refused with 403 and leaves one more
		// scope.denied entry by dxd_township, about the target region.
		denied := func(t *testing.T, actor, target, entity, entityID string, do func() (int, any)) {
			t.Helper()
			n := len(auditOf(t, f, auditor, "action=scope.denied&actor="+actor))
			status, v := do()
			wantError(t, status, v, 403, "forbidden", "")
			es := auditOf(t, f, auditor, "action=scope.denied&actor="+actor)
			if len(es) != n+1 {
				t.Fatalf("scope.denied entries of %s: %d → %d, want one more", actor, n, len(es))
			}
			after, _ := es[0]["after"].(map[string]any)
			if after["target_region"] != target || es[0]["entity"] != entity || es[0]["entity_id"] != entityID {
				t.Errorf("entry %v, want target %s, %s %s", es[0], target, entity, entityID)
			}
		}

		t.Run("大辛店镇读写村里集镇的户", func(t *testing.T) {
			routes := 0
			for _, rt := range rgRoutes(f) {
				if !strings.Contains(rt.Path, "{id}") && !strings.Contains(rt.Path, "{person}") {
					continue
				}
				routes++
				path := "/api/v1" + rgFill(t, rt.Path, d.cl, d.clPerson, d.clFact)
				t.Run(rt.Method+" "+rt.Path, func(t *testing.T) {
					denied(t, "dxd_township", e.clV, "household", fmt.Sprint(d.cl), func() (int, any) {
						return e.call(t, rt.Method, path, "dxd", rgWriteBody(rt.Method, rt.Path))
					})
				})
			}
			if routes < 10 {
				t.Errorf("only %d routes with a household or person in the path", routes)
			}
			// Nothing changed, nothing added.
			sameJSON(t, e.get(t, "cljz", d.cl, ""), string(mustJSON(t, before)))
			if n := e.count(t, "persons", "id_number = ?", string(rgQian)); n != 0 {
				t.Errorf("钱七 was stored")
			}
			if n := e.count(t, "audit_log", "actor = 'dxd_township' AND action <> 'scope.denied' AND action <> 'login'"); n != 1 {
				t.Errorf("dxd_township has %d entries besides refusals and sign-ins, want 1 (its own household)", n)
			}
		})

		t.Run("列表筛选村里集镇被拒", func(t *testing.T) {
			denied(t, "dxd_township", "370614108000", "request", "/api/v1/households", func() (int, any) {
				return e.call(t, "GET", "/api/v1/households?region=370614108", "dxd", nil)
			})
		})

		t.Run("列表筛选蓬莱区收窄到大辛店镇", func(t *testing.T) {
			for _, q := range []string{"region=370614", "region=37", "", "region=370614107"} {
				status, v := e.call(t, "GET", "/api/v1/households?"+q, "dxd", nil)
				if status != http.StatusOK {
					t.Fatalf("%s: %d %v", q, status, v)
				}
				items, total := jitems(t, v)
				if total != 1 || len(items) != 1 || jnum(t, items[0]["id"]) != int(d.dxd) || items[0]["region"] != e.dxdV2 {
					t.Errorf("%s: %v (total %d), want only household %d", q, items, total, d.dxd)
				}
			}
			// Searching for 村里集镇's people from 大辛店镇 finds nothing.
			for _, q := range []string{"王五", rgWang.Suffix(4), string(rgZhao)} {
				status, v := e.call(t, "GET", "/api/v1/households?region=370614&q="+url.QueryEscape(q), "dxd", nil)
				if _, total := jitems(t, v); status != http.StatusOK || total != 0 {
					t.Errorf("q=%s: %d %v", q, status, v)
				}
			}
		})

		// Every read and list route of the registry, as cljz_township,
		// against 大辛店镇's household: 403, or answers without it. New read
		// routes are in the table and so in this test.
		t.Run("村里集镇读遍所有接口看不到大辛店镇", func(t *testing.T) {
			markers := []string{"欧阳春雷", "司马秋月", "大辛店镇测试路88号", "777700", "7777.00", rgOuyang.Suffix(4), rgSima.Suffix(4), e.dxdV2}
			cljz := e.tok["cljz"]
			seen := 0
			for _, rt := range rgRoutes(f) {
				if rt.Method != "GET" {
					continue
				}
				seen++
				path := "/api/v1" + rgFill(t, rt.Path, d.dxd, d.dxdPerson, d.dxdFact)
				hasParams := path != "/api/v1"+rt.Path
				queries := []string{""}
				for _, p := range rt.Query {
					switch p.Name {
					case "region":
						queries = append(queries, "region=370614107", "region=370614107202", "region=370614", "region=37")
					case "q":
						queries = append(queries, "q="+url.QueryEscape("欧阳春雷"), "q="+url.QueryEscape("司马"), "q="+rgOuyang.Suffix(4), "q="+rgSima.Suffix(6), "q="+string(rgOuyang))
					case "as_of":
						queries = append(queries, "as_of=2025-09-26")
					}
				}
				for _, p := range rt.Query {
					if p.Name == "format" { // a file: ask for the text one, to read it
						for i := range queries {
							queries[i] = strings.TrimPrefix(queries[i]+"&format=csv", "&")
						}
					}
				}
				for _, q := range queries {
					u := path
					if q != "" {
						u += "?" + q
					}
					resp := f.request(t, "GET", u, cljz, nil, nil)
					raw, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					body := string(raw)
					t.Logf("GET %s → %d %s", u, resp.StatusCode, resp.Header.Get("Content-Type"))
					switch {
					case resp.StatusCode == http.StatusForbidden:
						var v struct{ Error struct{ Code string } }
						if json.Unmarshal(raw, &v) != nil || v.Error.Code != "forbidden" {
							t.Errorf("GET %s: 403 %s", u, body)
						}
					case hasParams:
						t.Errorf("GET %s: %d, want 403: %s", u, resp.StatusCode, body)
					case strings.Contains(q, "region=370614107"):
						t.Errorf("GET %s: %d, want 403 for a region wholly outside: %s", u, resp.StatusCode, body)
					case resp.StatusCode != http.StatusOK:
						t.Errorf("GET %s: %d %s", u, resp.StatusCode, body)
					default:
						for _, m := range markers {
							if strings.Contains(body, m) {
								t.Errorf("GET %s shows 大辛店镇's %q: %s", u, m, body)
							}
						}
						if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
							var l struct {
								Items []struct {
									ID     int64
									Region string
								}
							}
							_ = json.Unmarshal(raw, &l)
							for _, it := range l.Items {
								if it.ID == d.dxd || strings.HasPrefix(it.Region, "370614107") {
									t.Errorf("GET %s lists 大辛店镇's household %d", u, it.ID)
								}
							}
						}
					}
				}
			}
			if seen < 3 {
				t.Errorf("only %d GET routes of the registry in the table", seen)
			}
		})
	})
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestHouseholdPermissions(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		e := rgSetup(t, f)
		defer e.checkMasked(t)
		id := e.create(t, "dxd", e.family())
		h := e.get(t, "dxd", id, "")
		headPID := jnum(t, rgMembers(t, h)[0]["person_id"])

		t.Run("管理员不能看家庭档案", func(t *testing.T) {
			status, v := e.call(t, "GET", "/api/v1/households", "admin", nil)
			if msg := wantError(t, status, v, 403, "forbidden", ""); msg != "您的角色（系统管理员）无权查看家庭档案" {
				t.Errorf("message %q", msg)
			}
			status, v = e.call(t, "GET", idPath("/api/v1/households/", id), "admin", nil)
			wantError(t, status, v, 403, "forbidden", "")
			status, v = e.call(t, "GET", idPath("/api/v1/households/", id)+"/history", "admin", nil)
			wantError(t, status, v, 403, "forbidden", "")
			status, v = e.call(t, "POST", "/api/v1/households", "admin", map[string]any{"region": e.dxdV2, "members": []any{rgMember("钱七", rgQian, "head")}})
			wantError(t, status, v, 403, "forbidden", "")
		})
		t.Run("没有登录", func(t *testing.T) {
			status, v := e.call(t, "GET", "/api/v1/households", "", nil)
			wantError(t, status, v, 401, "unauthorized", "")
		})

		t.Run("协理员只在本村建档", func(t *testing.T) {
			cid := e.create(t, "clerk", map[string]any{"region": e.dxdV1, "members": []any{rgMember("钱七", rgQian, "head")}})
			if got := e.get(t, "clerk", cid, ""); got["region"] != e.dxdV1 {
				t.Errorf("clerk's household %v", got)
			}
			n := e.count(t, "households", "")
			deniedBefore := e.count(t, "audit_log", "action = 'scope.denied' AND actor = 'dxd_clerk'")
			status, v := e.call(t, "POST", "/api/v1/households", "clerk", map[string]any{"region": e.dxdV2, "members": []any{rgMember("张大明", rgSon, "head")}})
			wantError(t, status, v, 403, "forbidden", "")
			if e.count(t, "households", "") != n || e.count(t, "audit_log", "action = 'scope.denied' AND actor = 'dxd_clerk'") != deniedBefore+1 {
				t.Errorf("refused create: households %d → %d, or not audited", n, e.count(t, "households", ""))
			}
		})

		t.Run("审计员能看不能改", func(t *testing.T) {
			if got := e.get(t, "auditor", id, ""); jnum(t, got["id"]) != int(id) {
				t.Errorf("auditor read %v", got)
			}
			status, v := e.call(t, "GET", "/api/v1/households", "auditor", nil)
			if _, total := jitems(t, v); status != http.StatusOK || total < 1 {
				t.Errorf("auditor list: %d %v", status, v)
			}
			n := e.count(t, "households", "")
			writes := []struct{ method, path string }{
				{"POST", "/api/v1/households"},
				{"PATCH", idPath("/api/v1/households/", id)},
				{"PATCH", fmt.Sprintf("/api/v1/persons/%d", headPID)},
				{"POST", idPath("/api/v1/households/", id) + "/members"},
				{"POST", idPath("/api/v1/households/", id) + "/incomes"},
			}
			bodies := []any{map[string]any{"region": e.dxdV2, "members": []any{rgMember("张大明", rgSon, "head")}}, map[string]any{"address": "x"},
				map[string]any{"employment": "farming"}, rgMember("张大明", rgSon, "other"), map[string]any{"kind": "wage", "amount": 1}}
			for i, w := range writes {
				status, v := e.call(t, w.method, w.path, "auditor", bodies[i])
				if msg := wantError(t, status, v, 403, "forbidden", ""); msg != "您的角色（审计监督）无权登记和修改家庭档案" {
					t.Errorf("%s %s: message %q", w.method, w.path, msg)
				}
			}
			if e.count(t, "households", "") != n || e.count(t, "audit_log", "actor = 'auditor' AND action LIKE 'household.%'") != 0 {
				t.Errorf("the auditor changed something")
			}
		})

		t.Run("乡镇查看完整身份证号并记录", func(t *testing.T) {
			before := auditOf(t, f, e.tok["auditor"], "action=id_number.reveal")
			status, v := e.call(t, "POST", fmt.Sprintf("/api/v1/persons/%d/reveal", headPID), "dxd", nil)
			if status != http.StatusOK {
				t.Fatalf("reveal: %d %v", status, v)
			}
			sameJSON(t, v, fmt.Sprintf(`{"id_number":"%s"}`, rgHead))
			es := auditOf(t, f, e.tok["auditor"], "action=id_number.reveal")
			if len(es) != len(before)+1 {
				t.Fatalf("reveal entries %d → %d", len(before), len(es))
			}
			en := es[0]
			if en["actor"] != "dxd_township" || en["entity"] != "household" || en["entity_id"] != fmt.Sprint(id) || en["region"] != e.dxdV1 ||
				en["summary"] != fmt.Sprintf("查看了第 %d 户成员 370614********123X 的完整身份证号", id) || en["action_name"] != "查看完整身份证号" {
				t.Errorf("entry %v", en)
			}
			if b := mustJSON(t, en); strings.Contains(string(b), string(rgHead)) {
				t.Errorf("the entry shows the number whole: %s", b)
			}
		})
		t.Run("协理员不能查看完整身份证号", func(t *testing.T) {
			n := e.count(t, "audit_log", "action = 'id_number.reveal'")
			status, v := e.call(t, "POST", fmt.Sprintf("/api/v1/persons/%d/reveal", headPID), "clerk", nil)
			if msg := wantError(t, status, v, 403, "forbidden", ""); msg != "您的角色（村(居)协理员）无权查看完整身份证号" {
				t.Errorf("message %q", msg)
			}
			if e.count(t, "audit_log", "action = 'id_number.reveal'") != n {
				t.Errorf("a refused reveal was recorded as a reveal")
			}
		})
		t.Run("不存在的人", func(t *testing.T) {
			status, v := e.call(t, "POST", "/api/v1/persons/99999/reveal", "dxd", nil)
			wantError(t, status, v, 404, "not_found", "")
		})
	})
}

// TestHouseholdBadInput: each bad request is a 400 naming the field, and
// writes nothing.
func TestHouseholdBadInput(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		e := rgSetup(t, f)
		defer e.checkMasked(t)
		id := e.create(t, "dxd", e.family())
		h := e.get(t, "dxd", id, "")
		headPID := jnum(t, rgMembers(t, h)[0]["person_id"])
		childPath := fmt.Sprintf("/api/v1/households/%d/members/%d", id, jnum(t, rgMembers(t, h)[2]["person_id"]))

		with := func(change func(b map[string]any)) map[string]any {
			b := e.family()
			b["members"] = []any{rgMember("钱七", rgQian, "head"), rgMember("张大明", rgSon, "child")}
			b["region"] = e.dxdV2
			change(b)
			return b
		}
		mem := func(b map[string]any, i int) map[string]any { return b["members"].([]any)[i].(map[string]any) }
		many := func(b map[string]any) {
			ms := b["members"].([]any)
			for i := len(ms); i < 31; i++ {
				ms = append(ms, rgMember("成员", registry.NewIDNumber("370614", rgDate(1950+i, 1, 1), 100+i), "other"))
			}
			b["members"] = ms
		}
		cases := []struct {
			name  string
			body  any
			field string // the exact field; several allowed, separated by |
			msg   string // a part of the message
		}{
			{"生效日期不存在", with(func(b map[string]any) { b["valid_from"] = "2025-02-30" }), "valid_from", `2025-02-30`},
			{"生效日期月份13", with(func(b map[string]any) { b["valid_from"] = "2025-13-01" }), "valid_from", `2025-13-01`},
			{"成员死亡日期不存在", with(func(b map[string]any) { mem(b, 1)["death_date"] = "2024-06-31" }), "members[1].death_date|members.death_date", `2024-06-31`},
			{"收入起始日期不存在", with(func(b map[string]any) {
				b["incomes"] = []any{map[string]any{"kind": "wage", "amount": 1, "valid_from": "2025-04-31"}}
			}), "incomes[0].valid_from|incomes.valid_from", `2025-04-31`},
			{"身份证出生日期不存在", with(func(b map[string]any) { mem(b, 1)["id_number"] = rgWithCheck("37061419900230555") }),
				"members[1].id_number", "第 2 位成员（张大明）"},
			{"生效日期晚于今天", with(func(b map[string]any) { b["valid_from"] = "2025-09-27" }), "valid_from", "不能晚于今天"},
			{"家庭收入为负", with(func(b map[string]any) { b["incomes"] = []any{map[string]any{"kind": "business", "amount": -100}} }), "incomes[0].amount", "收入金额不能为负数"},
			{"成员收入为负", with(func(b map[string]any) { mem(b, 1)["incomes"] = []any{map[string]any{"kind": "wage", "amount": -1}} }),
				"members[1].incomes[0].amount", "第 2 位成员（张大明）：收入金额不能为负数"},
			{"财产为负", with(func(b map[string]any) { b["assets"] = []any{map[string]any{"kind": "deposit", "value": -1}} }), "assets[0].value", "财产价值不能为负数"},
			{"支出为负", with(func(b map[string]any) { b["expenses"] = []any{map[string]any{"kind": "medical", "amount": -1}} }), "expenses[0].amount", "支出金额不能为负数"},
			{"31位成员", with(many), "members", "一户最多 30 位成员，现有 31 位"},
			{"与户主关系不认识", with(func(b map[string]any) { mem(b, 1)["relation"] = "nephew" }), "members[1].relation", "第 2 位成员（张大明）：与户主关系“nephew”不对"},
			{"两位户主", with(func(b map[string]any) { mem(b, 1)["relation"] = "head" }), "members", "现有 2 位"},
			{"同户身份证号重复", with(func(b map[string]any) { mem(b, 1)["id_number"] = string(rgQian) }), "members[1].id_number", "与第 1 位成员相同"},
			{"残疾等级不对", with(func(b map[string]any) { mem(b, 0)["disability"] = map[string]any{"category": "limb", "level": 5} }), "members[0].disability.level", "残疾等级应为 1 到 4 级"},
			{"收入类别不认识", with(func(b map[string]any) { b["incomes"] = []any{map[string]any{"kind": "lottery", "amount": 1}} }), "incomes[0].kind", "收入类别“lottery”不对"},
			{"截止早于起始", with(func(b map[string]any) {
				b["incomes"] = []any{map[string]any{"kind": "wage", "amount": 1, "valid_from": "2025-03-01", "valid_to": "2025-01-01"}}
			}), "incomes[0].valid_to", "截止日期 2025-01-01 应晚于起始日期 2025-03-01"},
			{"区划不是村", with(func(b map[string]any) { b["region"] = "370614107" }), "region", "是乡镇级"},
			{"村不存在", with(func(b map[string]any) { b["region"] = "370614107999" }), "region", "村（居）区划代码 370614107999 不存在"},
			{"JSON格式不对", `{"region":"370614107202","members":[`, "", "请求内容不是有效的 JSON"},
			{"不是对象", `[1,2]`, "", "请求内容应为 JSON 对象"},
			{"空请求", ``, "", "请求内容为空"},
			{"两个对象", `{"region":"370614107202"}{"region":"370614107202"}`, "", "请求内容只能是一个 JSON 对象"},
			{"未知字段", with(func(b map[string]any) { b["nickname"] = "x" }), "nickname", "未知字段 nickname"},
			{"成员的未知字段", with(func(b map[string]any) { mem(b, 0)["nick"] = "x" }), "members[0].nick|nick", "未知字段"},
			{"金额是字符串", with(func(b map[string]any) { b["incomes"] = []any{map[string]any{"kind": "wage", "amount": "100"}} }), "incomes[0].amount|incomes.amount", "类型不对"},
			{"金额有小数", with(func(b map[string]any) { b["incomes"] = []any{map[string]any{"kind": "wage", "amount": 1.5}} }), "incomes[0].amount|incomes.amount", "类型不对"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				before := e.counts(t)
				status, v := e.call(t, "POST", "/api/v1/households", "dxd", c.body)
				field := rgErrField(v)
				ok := false
				for _, w := range strings.Split(c.field, "|") {
					ok = ok || field == w
				}
				if !ok {
					t.Errorf("field %q, want %s (%v)", field, c.field, v)
				}
				msg := wantError(t, status, v, 400, "invalid", field)
				if !strings.Contains(msg, c.msg) {
					t.Errorf("message %q, want it to contain %q", msg, c.msg)
				}
				if after := e.counts(t); after != before {
					t.Errorf("rows before %s\n      after %s", before, after)
				}
			})
		}

		// Changes: the same, on the change routes.
		hp := idPath("/api/v1/households/", id)
		changes := []struct {
			name, method, path string
			body               any
			field, msg         string
		}{
			{"修改户没有内容", "PATCH", hp, map[string]any{}, "", "没有要修改的内容"},
			{"修改户日期不存在", "PATCH", hp, map[string]any{"valid_from": "2025-02-29", "address": "x"}, "valid_from", "2025-02-29"},
			{"修改户城乡属性不对", "PATCH", hp, map[string]any{"area": "town"}, "area", "城乡属性“town”不对"},
			{"修改户未知字段", "PATCH", hp, map[string]any{"colour": "red"}, "colour", "未知字段 colour"},
			{"修改人没有内容", "PATCH", fmt.Sprintf("/api/v1/persons/%d", headPID), map[string]any{}, "", "没有要修改的内容"},
			{"修改人残疾等级", "PATCH", fmt.Sprintf("/api/v1/persons/%d", headPID), map[string]any{"disability": map[string]any{"category": "limb", "level": 7}}, "disability.level", "残疾等级应为 1 到 4 级，现为 7"},
			{"修改人死亡日期晚于今天", "PATCH", fmt.Sprintf("/api/v1/persons/%d", headPID), map[string]any{"death_date": "2025-10-01"}, "death_date", "死亡日期 2025-10-01 不对"},
			{"登记收入为负", "POST", hp + "/incomes", map[string]any{"kind": "wage", "amount": -5}, "amount", "收入金额不能为负数"},
			{"登记财产为负", "POST", hp + "/assets", map[string]any{"kind": "house", "value": -5}, "value", "财产价值不能为负数"},
			{"登记收入类别不认识", "POST", hp + "/incomes", map[string]any{"kind": "gift", "amount": 5}, "kind", "收入类别“gift”不对"},
			{"登记收入日期不存在", "POST", hp + "/incomes", map[string]any{"kind": "wage", "amount": 5, "valid_from": "2025-06-31"}, "valid_from", "2025-06-31"},
			{"加成员关系不认识", "POST", hp + "/members", map[string]any{"name": "钱七", "id_number": string(rgQian), "relation": "friend"}, "relation", "与户主关系“friend”不对"},
			{"迁出没有日期", "PATCH", childPath, map[string]any{"reason": "外出"}, "left_on", "请填写迁出日期 left_on"},
			{"迁出和改关系一起", "PATCH", childPath, map[string]any{"left_on": "2025-09-26", "relation": "other"}, "relation", "请分开办理"},
			{"迁出日期不存在", "PATCH", childPath, map[string]any{"left_on": "2025-09-31"}, "left_on", "2025-09-31"},
			// The API's field is left_on: the error names it, not the store's names.
			{"迁出日期晚于今天", "PATCH", childPath, map[string]any{"left_on": "2025-09-27"}, "left_on", "2025-09-27 不能晚于今天"},
			{"迁出日期早于入户", "PATCH", childPath, map[string]any{"left_on": "2025-01-01"}, "left_on", "迁出日期 2025-01-01 早于入户日期 2025-09-26"},
			{"改关系不认识", "PATCH", childPath, map[string]any{"relation": "cousin"}, "relation", "与户主关系“cousin”不对"},
			{"加成员校验位错", "POST", hp + "/members", map[string]any{"name": "钱七", "id_number": string(rgQian[:17]) + "X", "relation": "other"}, "id_number", "校验位不对"},
			// Last: where it is not refused, it leaves two heads behind.
			{"已有户主时改为户主", "PATCH", childPath, map[string]any{"relation": "head"}, "relation", "户主"},
		}
		if rgQian[17] == 'X' {
			t.Fatal("pick another wrong check digit for 钱七")
		}
		for _, c := range changes {
			t.Run(c.name, func(t *testing.T) {
				before := e.counts(t)
				status, v := e.call(t, c.method, c.path, "dxd", c.body)
				msg := wantError(t, status, v, 400, "invalid", c.field)
				if !strings.Contains(msg, c.msg) {
					t.Errorf("message %q, want it to contain %q", msg, c.msg)
				}
				if after := e.counts(t); after != before {
					t.Errorf("rows before %s\n      after %s", before, after)
				}
			})
		}
	})
}

// counts is a fingerprint of every registry table and the audit log.
func (e *rgEnv) counts(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for _, tb := range []string{"households", "household_versions", "persons", "person_versions", "memberships", "incomes", "assets", "expenses", "supporters"} {
		fmt.Fprintf(&b, "%s=%d ", tb, e.count(t, tb, ""))
	}
	fmt.Fprintf(&b, "audit=%d", e.count(t, "audit_log", "action <> 'login'"))
	return b.String()
}

func rgErrField(v any) string {
	m, _ := v.(map[string]any)
	er, _ := m["error"].(map[string]any)
	s, _ := er["field"].(string)
	return s
}

// TestHouseholdHistoryAPI: the timeline of a household's changes, newest
// first, with who made them.
func TestHouseholdHistoryAPI(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		e := rgSetup(t, f)
		defer e.checkMasked(t)
		id := e.create(t, "dxd", e.family())
		h := e.get(t, "dxd", id, "")
		spouse := jnum(t, rgMembers(t, h)[1]["person_id"])
		child := jnum(t, rgMembers(t, h)[2]["person_id"])
		hp := idPath("/api/v1/households/", id)
		ok := func(status int, v any) {
			t.Helper()
			if status/100 != 2 {
				t.Fatalf("status %d %v", status, v)
			}
		}

		e.day(t, rgDate(2025, 9, 27), "dxd")
		ok(e.call(t, "PATCH", hp, "dxd", map[string]any{"address": "辛店一村15号"}))
		e.day(t, rgDate(2025, 9, 28), "dxd")
		ok(e.call(t, "PATCH", fmt.Sprintf("/api/v1/persons/%d", spouse), "dxd", map[string]any{"employment": "unemployed"}))
		e.day(t, rgDate(2025, 9, 29), "dxd")
		ok(e.call(t, "POST", hp+"/incomes", "dxd", map[string]any{"person_id": spouse, "kind": "pension", "amount": 150000}))
		e.day(t, rgDate(2025, 9, 30), "dxd", "penglai", "auditor", "cljz")
		ok(e.call(t, "PATCH", fmt.Sprintf("%s/members/%d", hp, child), "penglai", map[string]any{"left_on": "2025-09-30", "reason": "外出务工"}))

		want := fmt.Sprintf(`[
			{"at":"2025-09-30T01:00:00Z","actor":"penglai_county","action":"household.member_end","action_name":"家庭成员迁出","summary":"成员 张小红 自 2025-09-30 起不再是第 %[1]d 户成员（外出务工）"},
			{"at":"2025-09-29T01:00:00Z","actor":"dxd_township","action":"household.fact_add","action_name":"登记收入/财产/支出","summary":"第 %[1]d 户登记收入：养老金 1500.00 元/月"},
			{"at":"2025-09-28T01:00:00Z","actor":"dxd_township","action":"person.update","action_name":"修改成员信息","summary":"修改成员 李四（%[2]s）的信息，自 2025-09-28 起"},
			{"at":"2025-09-27T01:00:00Z","actor":"dxd_township","action":"household.update","action_name":"修改家庭信息","summary":"修改第 %[1]d 户的家庭信息，自 2025-09-27 起"},
			{"at":"2025-09-26T01:00:00Z","actor":"dxd_township","action":"household.create","action_name":"建立家庭档案","summary":"建立家庭档案：户主 张三，3 人，自 2025-09-26 起"}]`,
			id, rgSpouse.Masked())
		// history reads the timeline, keeping the fields a reader sees.
		history := func(t *testing.T, who, query string) ([]any, int) {
			t.Helper()
			status, v := e.call(t, "GET", hp+"/history"+query, who, nil)
			if status != http.StatusOK {
				t.Fatalf("history as %s: %d %v", who, status, v)
			}
			items, total := jitems(t, v)
			var out []any
			for _, it := range items {
				if it["entity"] != "household" || it["entity_id"] != fmt.Sprint(id) {
					t.Errorf("entry about %v %v", it["entity"], it["entity_id"])
				}
				out = append(out, map[string]any{"at": it["at"], "actor": it["actor"], "action": it["action"], "action_name": it["action_name"], "summary": it["summary"]})
			}
			return out, total
		}
		t.Run("最新的在前", func(t *testing.T) {
			items, total := history(t, "dxd", "")
			if total != 5 {
				t.Errorf("total %d, want 5", total)
			}
			sameJSON(t, items, want)
		})
		t.Run("审计员和县里也能看", func(t *testing.T) {
			for _, who := range []string{"auditor", "penglai"} {
				items, _ := history(t, who, "")
				sameJSON(t, items, want)
			}
		})
		t.Run("分页", func(t *testing.T) {
			items, total := history(t, "dxd", "?per_page=2&page=2")
			if total != 5 || len(items) != 2 || items[0].(map[string]any)["action"] != "person.update" {
				t.Errorf("page 2: %v (total %d)", items, total)
			}
		})
		t.Run("越权的尝试不是这户的变更", func(t *testing.T) {
			status, v := e.call(t, "GET", hp, "cljz", nil)
			wantError(t, status, v, 403, "forbidden", "")
			status, v = e.call(t, "PATCH", hp, "cljz", map[string]any{"address": "x"})
			wantError(t, status, v, 403, "forbidden", "")
			items, total := history(t, "dxd", "")
			if total != 5 {
				t.Errorf("total %d after refused attempts by another township, want still 5", total)
			}
			sameJSON(t, items, want)
		})
	})
}

// TestHouseholdMasking: every answer of the registry's endpoints, but the
// reveal's, holds no whole ID number — errors included.
func TestHouseholdMasking(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		e := rgSetup(t, f)
		b := e.family()
		b["members"].([]any)[0].(map[string]any)["supporters"] = []any{map[string]any{"name": "张大明", "id_number": string(rgSon), "relation": "child"}}
		b["members"].([]any)[0].(map[string]any)["disability"] = map[string]any{"category": "limb", "level": 1, "certificate": string(rgHead) + "11"}
		b["bank"] = map[string]any{"name": "蓬莱农商银行", "account": "6228480012345678901", "holder": "张三"}
		id := e.create(t, "dxd", b)
		h := e.get(t, "dxd", id, "")
		ms := rgMembers(t, h)
		head, child := jnum(t, ms[0]["person_id"]), jnum(t, ms[2]["person_id"])
		hp := idPath("/api/v1/households/", id)
		calls := []struct {
			method, path, who string
			body              any
		}{
			{"GET", hp, "dxd", nil},
			{"GET", hp + "?as_of=2025-09-26", "auditor", nil},
			{"GET", "/api/v1/households?q=" + string(rgHead), "dxd", nil},
			{"GET", "/api/v1/households?q=" + rgSpouse.Suffix(6), "penglai", nil},
			{"PATCH", hp, "dxd", map[string]any{"bank": map[string]any{"name": "蓬莱农商银行", "account": "6228480012345678902", "holder": "张三"}}},
			{"PATCH", fmt.Sprintf("/api/v1/persons/%d", head), "dxd", map[string]any{"phone": "13800001111"}},
			{"POST", hp + "/members", "dxd", rgMember("钱七", rgQian, "other")},
			{"POST", hp + "/members", "dxd", rgMember("王五", rgWang, "other")},
			{"POST", hp + "/incomes", "dxd", map[string]any{"kind": "wage", "amount": 1}},
			{"PATCH", fmt.Sprintf("%s/members/%d", hp, child), "dxd", map[string]any{"left_on": "2025-09-26"}},
			{"GET", hp + "/history", "dxd", nil},
			{"GET", "/api/v1/audit?per_page=500", "auditor", nil},
			// Errors that speak of a number.
			{"POST", "/api/v1/households", "dxd", map[string]any{"region": e.dxdV2, "members": []any{rgMember("张三", rgHead, "head")}}}, // 409
			{"POST", "/api/v1/households", "dxd", map[string]any{"region": e.dxdV2, "members": []any{rgMember("张三", registry.IDNumber(rgBadHead), "head")}}},
			{"POST", hp + "/members", "dxd", rgMember("张三", registry.IDNumber(rgBadHead), "other")},
			{"POST", hp + "/members", "dxd", map[string]any{"name": "张三", "id_number": string(rgHead), "relation": "other"}}, // 409
			{"POST", "/api/v1/households", "dxd", map[string]any{"region": e.dxdV2, "members": []any{rgMember("钱八", registry.NewIDNumber("370614", rgDate(2030, 10, 1), 1), "head")}}},
			{"GET", fmt.Sprintf("/api/v1/households/%d", id), "cljz", nil},
			{"POST", fmt.Sprintf("/api/v1/persons/%d/reveal", head), "dxd", nil},
		}
		for _, c := range calls {
			status, _ := e.call(t, c.method, c.path, c.who, c.body)
			if status >= 500 {
				t.Errorf("%s %s: %d", c.method, c.path, status)
			}
		}
		revealed := 0
		for _, b := range e.bodies {
			if b.reveal {
				revealed++
				if !strings.Contains(string(b.raw), string(rgHead)) {
					t.Errorf("the reveal answer %s lacks the number", b.raw)
				}
			}
		}
		if revealed != 1 {
			t.Errorf("%d reveal answers", revealed)
		}
		e.checkMasked(t)
	})
}

// rgWithCheck completes 17 digits with their GB 11643-1999 check
// character (weights 2^(17-i) mod 11), for numbers NewIDNumber cannot make
// (impossible birth dates).
func rgWithCheck(first17 string) string {
	sum := 0
	for i := 0; i < 17; i++ {
		w := 1
		for k := 0; k < 17-i; k++ {
			w = w * 2 % 11
		}
		sum += int(first17[i]-'0') * w
	}
	return first17 + string("10X98765432"[sum%11])
}
