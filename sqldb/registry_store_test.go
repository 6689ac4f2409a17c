package sqldb_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"minzheng"
	"minzheng/region"
	"minzheng/registry"
	"minzheng/sqldb"
	"minzheng/sqldb/sqltest"
)

// The registry store's tests: what is written is read back exactly, as it
// applied on any day, and nothing half-written stays behind.

func regDate(y int, m time.Month, d int) minzheng.Date { return minzheng.NewDate(y, m, d) }

// regAt is 09:00 in China on day d, the instant the clock is set to.
func regAt(d minzheng.Date) time.Time {
	y, m, dd := d.YMD()
	return time.Date(y, m, dd, 9, 0, 0, 0, minzheng.China)
}

// The persons of the tests, each with a sequence number of its own so that
// the last four digits differ.
var (
	regHead    = registry.NewIDNumber("370614", regDate(1970, 5, 10), 149)  // 张三, ends in X
	regSpouse  = registry.NewIDNumber("370614", regDate(1972, 8, 20), 222)  // 李四
	regChild   = registry.NewIDNumber("370614", regDate(2010, 3, 3), 333)   // 张小明
	regSon     = registry.NewIDNumber("370614", regDate(1990, 7, 7), 555)   // 张大明, a supporter outside
	regOther   = registry.NewIDNumber("370614", regDate(1965, 1, 15), 445)  // 张三丰
	regWang    = registry.NewIDNumber("370614", regDate(1958, 11, 30), 667) // 王五
	regZhao    = registry.NewIDNumber("370614", regDate(1960, 2, 29), 778)  // 赵六
	regNewHead = registry.NewIDNumber("370614", regDate(1980, 1, 1), 889)   // 钱七
)

// regWorld is one test database with its clock and the actors the tests use.
type regWorld struct {
	db                              *sqldb.DB
	clk                             *minzheng.FixedClock
	dxd, cljz, penglai, clerk       context.Context
	admin, auditor                  context.Context
	village1, village2, cljzVillage string
}

// regEach runs fn on both engines with a fresh database whose clock starts
// at start.
func regEach(t *testing.T, start minzheng.Date, fn func(t *testing.T, w *regWorld)) {
	t.Helper()
	clk := minzheng.NewFixedClock(regAt(start))
	sqltest.Each(t, sqltest.Options{Clock: clk}, func(t *testing.T, db *sqldb.DB) {
		clk.Set(regAt(start))
		w := &regWorld{db: db, clk: clk, village1: "370614107201", village2: "370614107202", cljzVillage: "370614108201"}
		// The villages are real: the first two of 大辛店镇 and the first of 村里集镇.
		for _, c := range []struct{ township, want string }{{"370614107000", w.village1}, {"370614108000", w.cljzVillage}} {
			vs, err := db.RegionChildren(sys(), region.Code(c.township), region.LevelTownship)
			if err != nil || len(vs) < 2 || string(vs[0].Code) != c.want {
				t.Fatalf("villages of %s: %v %v", c.township, vs, err)
			}
		}
		as := func(name, role, reg string) context.Context {
			return minzheng.WithActor(context.Background(), newUser(t, db, sys(), name, role, reg).Actor())
		}
		w.dxd = as("dxd_township", "township_officer", "370614107")
		w.cljz = as("cljz_township", "township_officer", "370614108")
		w.penglai = as("penglai_county", "county_officer", "370614")
		w.clerk = as("dxd_clerk", "village_clerk", w.village1)
		w.admin = as("admin", "admin", "")
		w.auditor = as("auditor", "auditor", "")
		fn(t, w)
	})
}

func (w *regWorld) setDay(d minzheng.Date) { w.clk.Set(regAt(d)) }

func (w *regWorld) today() minzheng.Date { return minzheng.DateOf(w.clk.Now()) }

// create checks and stores a household, failing the test on an error.
func (w *regWorld) create(t *testing.T, ctx context.Context, h registry.NewHousehold) int64 {
	t.Helper()
	c, err := h.Check(w.today())
	if err != nil {
		t.Fatalf("check: %v", err)
	}
	id, err := w.db.CreateHousehold(ctx, c)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	return id
}

// tryCreate checks and stores a household and returns the store's error.
func (w *regWorld) tryCreate(t *testing.T, ctx context.Context, h registry.NewHousehold) (int64, error) {
	t.Helper()
	c, err := h.Check(w.today())
	if err != nil {
		t.Fatalf("check: %v", err)
	}
	return w.db.CreateHousehold(ctx, c)
}

func (w *regWorld) read(t *testing.T, ctx context.Context, id int64, asOf minzheng.Date) registry.Household {
	t.Helper()
	h, err := w.db.Household(ctx, id, asOf)
	if err != nil {
		t.Fatalf("household %d as of %s: %v", id, asOf, err)
	}
	return h
}

// count counts rows of a table (with an optional condition), beside the
// stores.
func (w *regWorld) count(t *testing.T, table, where string, args ...any) int {
	t.Helper()
	q := "SELECT COUNT(*) FROM " + table
	if where != "" {
		q += " WHERE " + where
	}
	var n int
	if err := w.db.QueryRow(sys(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// tables are every table a household writes to.
var regTables = []string{"households", "household_versions", "persons", "person_versions", "memberships",
	"incomes", "assets", "expenses", "supporters", "parent_statuses", "audit_log"}

func (w *regWorld) counts(t *testing.T) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, tb := range regTables {
		out[tb] = w.count(t, tb, "")
	}
	return out
}

// wantErr asserts an error's code, field and exact message ("" message:
// any).
func regWantErr(t *testing.T, err error, code, field, msg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %s %s %s", code, field, msg)
	}
	e, ok := minzheng.AsError(err)
	if !ok {
		t.Fatalf("error %v is not a minzheng.Error", err)
	}
	if e.Code != code || e.Field != field || (msg != "" && e.Message != msg) {
		t.Errorf("error\n got %s %q %q\nwant %s %q %q", e.Code, e.Field, e.Message, code, field, msg)
	}
}

func member(id registry.IDNumber, name, relation string) registry.NewMember {
	return registry.NewMember{IDNumber: string(id), Relation: relation, PersonFacts: registry.PersonFacts{Name: name}}
}

// family is 张三's household in 辛店一村.
func family() registry.NewHousehold {
	return registry.NewHousehold{Region: "370614107201", Address: "大辛店镇辛店一村12号",
		Members: []registry.NewMember{member(regHead, "张三", "head"), member(regSpouse, "李四", "spouse"), member(regChild, "张小明", "child")}}
}

func TestRegistryCreateReadBack(t *testing.T) {
	regEach(t, regDate(2025, 9, 26), func(t *testing.T, w *regWorld) {
		h := family()
		h.Area = "" // from the village: 辛店一村村委会 is rural
		h.ValidFrom = regDate(2025, 1, 1)
		h.Bank = &registry.Bank{Name: "蓬莱农商银行", Account: "6228480012345678", Holder: "张三"}
		head := &h.Members[0]
		head.Phone = "13800001111"
		head.HukouRegion = "370614"
		head.Disability = &registry.Disability{Category: "limb", Level: 2, Certificate: "37061419700510111142"}
		head.SelfCare = &registry.SelfCare{AssessedOn: regDate(2025, 8, 1), Unable: []string{"walking", "bathing"}}
		head.Employment = "farming"
		head.Marital = "married"
		head.Incomes = []registry.Income{{Kind: "wage", Amount: 200000, Note: "农闲打零工"}}
		head.Supporters = []registry.Supporter{{Name: "张大明", IDNumber: string(regSon), Relation: "child", MonthlyIncome: 450000}}
		spouse := &h.Members[1]
		spouse.SeriousIllness = "尿毒症"
		spouse.Assets = []registry.Asset{{Kind: "vehicle", Value: 5000000, Description: "三轮车"}}
		child := &h.Members[2]
		child.Schooling = "compulsory"
		child.Expenses = []registry.Expense{{Kind: "education", Amount: 300000}}
		child.ParentStatuses = []registry.ParentStatus{{Parent: "mother", Status: "seriously_ill", Since: regDate(2025, 3, 1)},
			{Parent: "father", Status: "normal", Since: regDate(2010, 3, 3)}}
		h.Incomes = []registry.Income{{Kind: "grassland_subsidy", Amount: 120000, Period: "year", Source: "verified"}}
		h.Assets = []registry.Asset{{Kind: "deposit", Value: 3000000}}
		h.Expenses = []registry.Expense{{Kind: "medical", Amount: 800000, ValidFrom: regDate(2025, 2, 1), ValidTo: regDate(2025, 8, 1), Note: "住院"}}

		id := w.create(t, w.dxd, h)

		got := w.read(t, w.dxd, id, 0)
		if len(got.Members) != 3 || len(got.Members[0].Incomes) != 1 || len(got.Members[0].Supporters) != 1 ||
			len(got.Members[1].Assets) != 1 || len(got.Members[2].Expenses) != 1 || len(got.Members[2].ParentStatuses) != 2 ||
			len(got.Incomes) != 1 || len(got.Assets) != 1 {
			t.Fatalf("shape of the household read back: %s", regJSON(got))
		}
		pid := func(i int) int64 { return got.Members[i].PersonID }
		from := regDate(2025, 1, 1)
		want := registry.Household{
			ID: id, AsOf: regDate(2025, 9, 26),
			HouseholdFacts: registry.HouseholdFacts{Region: "370614107201", Area: "rural", Address: "大辛店镇辛店一村12号", Status: "active",
				Bank: &registry.Bank{Name: "蓬莱农商银行", Account: "6228480012345678", Holder: "张三"}},
			Members: []registry.Member{
				{PersonID: pid(0), IDNumber: regHead, Sex: "male", Birth: regDate(1970, 5, 10), Relation: "head", Since: from,
					PersonFacts: registry.PersonFacts{Name: "张三", Phone: "13800001111", HukouRegion: "370614000000",
						Disability: &registry.Disability{Category: "limb", Level: 2, Certificate: "37061419700510111142"},
						SelfCare:   &registry.SelfCare{AssessedOn: regDate(2025, 8, 1), Unable: []string{"walking", "bathing"}},
						Employment: "farming", Marital: "married"},
					Incomes: []registry.Income{{ID: got.Members[0].Incomes[0].ID, PersonID: pid(0), Kind: "wage", Amount: 200000, Period: "month",
						Source: "declared", ValidFrom: from, Note: "农闲打零工"}},
					Assets: []registry.Asset{}, Expenses: []registry.Expense{},
					Supporters: []registry.Supporter{{ID: got.Members[0].Supporters[0].ID, Name: "张大明", IDNumber: string(regSon), Relation: "child",
						Birth: regDate(1990, 7, 7), MonthlyIncome: 450000, ValidFrom: from}},
					ParentStatuses: []registry.ParentStatus{}},
				{PersonID: pid(1), IDNumber: regSpouse, Sex: "female", Birth: regDate(1972, 8, 20), Relation: "spouse", Since: from,
					PersonFacts: registry.PersonFacts{Name: "李四", SeriousIllness: "尿毒症"},
					Incomes:     []registry.Income{},
					Assets: []registry.Asset{{ID: got.Members[1].Assets[0].ID, PersonID: pid(1), Kind: "vehicle", Value: 5000000,
						Description: "三轮车", ValidFrom: from}},
					Expenses: []registry.Expense{}, Supporters: []registry.Supporter{}, ParentStatuses: []registry.ParentStatus{}},
				{PersonID: pid(2), IDNumber: regChild, Sex: "male", Birth: regDate(2010, 3, 3), Relation: "child", Since: from,
					PersonFacts: registry.PersonFacts{Name: "张小明", Schooling: "compulsory"},
					Incomes:     []registry.Income{}, Assets: []registry.Asset{},
					Expenses:   []registry.Expense{{ID: got.Members[2].Expenses[0].ID, PersonID: pid(2), Kind: "education", Amount: 300000, ValidFrom: from}},
					Supporters: []registry.Supporter{},
					ParentStatuses: []registry.ParentStatus{
						{ID: got.Members[2].ParentStatuses[0].ID, Parent: "father", Status: "normal", Since: regDate(2010, 3, 3)},
						{ID: got.Members[2].ParentStatuses[1].ID, Parent: "mother", Status: "seriously_ill", Since: regDate(2025, 3, 1)}}},
			},
			Incomes: []registry.Income{{ID: got.Incomes[0].ID, Kind: "grassland_subsidy", Amount: 120000, Period: "year", Source: "verified", ValidFrom: from}},
			Assets:  []registry.Asset{{ID: got.Assets[0].ID, Kind: "deposit", Value: 3000000, ValidFrom: from}},
			// The medical expense ran from February to August: not today.
			Expenses: []registry.Expense{},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("household read back\n got %s\nwant %s", regJSON(got), regJSON(want))
		}
		for _, x := range []int64{pid(0), pid(1), pid(2), got.Members[0].Incomes[0].ID, got.Incomes[0].ID, got.Assets[0].ID,
			got.Members[0].Supporters[0].ID, got.Members[2].ParentStatuses[0].ID} {
			if x <= 0 {
				t.Errorf("an id is %d", x)
			}
		}
		if pid(0) == pid(1) || pid(1) == pid(2) || pid(0) == pid(2) {
			t.Errorf("person ids %d %d %d", pid(0), pid(1), pid(2))
		}

		// In March the expense applied.
		march := w.read(t, w.dxd, id, regDate(2025, 3, 1))
		wantExp := []registry.Expense{{ID: march.Expenses[0].ID, Kind: "medical", Amount: 800000, ValidFrom: regDate(2025, 2, 1), ValidTo: regDate(2025, 8, 1), Note: "住院"}}
		if !reflect.DeepEqual(march.Expenses, wantExp) || march.AsOf != regDate(2025, 3, 1) {
			t.Errorf("expenses as of 2025-03-01: %s", regJSON(march.Expenses))
		}
		// The day the expense ended it no longer applies.
		if aug := w.read(t, w.dxd, id, regDate(2025, 8, 1)); len(aug.Expenses) != 0 {
			t.Errorf("expenses as of 2025-08-01 (its end): %s", regJSON(aug.Expenses))
		}
		// On the first day the mother's illness had not begun: only the father's status.
		before := w.read(t, w.dxd, id, regDate(2025, 1, 1))
		if ps := before.Members[2].ParentStatuses; len(ps) != 1 || ps[0].Parent != "father" {
			t.Errorf("parent statuses on 2025-01-01: %s", regJSON(ps))
		}
		// Before the record began there is nothing to show.
		_, err := w.db.Household(w.dxd, id, regDate(2024, 12, 31))
		regWantErr(t, err, "not_found", "", fmt.Sprintf("第 %d 户在 2024-12-31 尚未建档", id))
		_, err = w.db.Household(w.dxd, id+1000, 0)
		regWantErr(t, err, "not_found", "", fmt.Sprintf("第 %d 户不存在", id+1000))

		// The current-state rows agree.
		var sex, birth, rel, hid string
		if err := w.db.QueryRow(sys(), `SELECT sex, birth_date, relation, household_id FROM persons WHERE id_number = ?`, string(regSpouse)).
			Scan(&sex, &birth, &rel, &hid); err != nil || sex != "female" || birth != "1972-08-20" || rel != "spouse" || hid != fmt.Sprint(id) {
			t.Errorf("person row: %s %s %s %s %v", sex, birth, rel, hid, err)
		}
		rows, total, err := w.db.Households(w.dxd, sqldb.HouseholdFilter{Region: "370614107000"})
		if err != nil || total != 1 || len(rows) != 1 || rows[0].ID != id || rows[0].HeadName != "张三" || rows[0].Members != 3 ||
			rows[0].Area != "rural" || rows[0].Status != "active" || rows[0].Region != "370614107201" || rows[0].Address != "大辛店镇辛店一村12号" {
			t.Errorf("list: %+v %d %v", rows, total, err)
		}

		// One audit entry, with the ID numbers masked.
		es, n, err := w.db.HouseholdHistory(w.dxd, id, 1, 50)
		if err != nil || n != 1 || es[0].Action != "household.create" || es[0].Actor != "dxd_township" ||
			es[0].Summary != "建立家庭档案：户主 张三，3 人，自 2025-01-01 起" {
			t.Fatalf("history: %d %v %+v", n, err, es)
		}
		for _, x := range []registry.IDNumber{regHead, regSpouse, regChild} {
			if strings.Contains(es[0].After, string(x)) || !strings.Contains(es[0].After, x.Masked()) {
				t.Errorf("audit values show %s unmasked or not at all: %s", x.Masked(), es[0].After)
			}
		}
	})
}

func regJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// regSummary is one line per household state, for comparing what applied
// on a day.
func regSummary(h registry.Household) string {
	var b strings.Builder
	fmt.Fprintf(&b, "地址=%s 状态=%s", h.Address, h.Status)
	if h.Bank != nil {
		fmt.Fprintf(&b, " 银行=%s", h.Bank.Account)
	}
	for _, m := range h.Members {
		fmt.Fprintf(&b, " | %s(%s)", m.Name, m.Relation)
		if m.Disability != nil {
			fmt.Fprintf(&b, " 残疾=%s%d", m.Disability.Category, m.Disability.Level)
		}
		if m.Employment != "" {
			fmt.Fprintf(&b, " 就业=%s", m.Employment)
		}
		for _, x := range m.Incomes {
			fmt.Fprintf(&b, " 收入=%s:%d:%s~%s", x.Kind, x.Amount, x.ValidFrom, x.ValidTo)
		}
	}
	for _, x := range h.Incomes {
		fmt.Fprintf(&b, " | 户收入=%s:%d", x.Kind, x.Amount)
	}
	return b.String()
}

// TestRegistryAsOf: changes from dates, recorded on later days, and the
// household as it applied on each day — including a change recorded late
// that reaches back before a later change (the propagation rule).
func TestRegistryAsOf(t *testing.T) {
	var (
		d1  = regDate(2024, 3, 1)  // created
		d15 = regDate(2024, 3, 15) // disability, recorded late (on d5)
		d2  = regDate(2024, 4, 1)  // address and employment change
		d3  = regDate(2024, 5, 1)  // pension begins
		d4  = regDate(2024, 6, 1)  // pension ends
		d5  = regDate(2024, 6, 10) // the late records
	)
	regEach(t, d1, func(t *testing.T, w *regWorld) {
		h := family()
		h.Members = h.Members[:2]
		h.Members[0].Employment = "farming"
		h.Members[0].Incomes = []registry.Income{{Kind: "wage", Amount: 200000}}
		id := w.create(t, w.dxd, h)
		cur := w.read(t, w.dxd, id, 0)
		headPID, spousePID := cur.Members[0].PersonID, cur.Members[1].PersonID

		w.setDay(d2)
		if err := w.db.UpdateHousehold(w.dxd, id, registry.HouseholdChange{Address: registry.Set("辛店一村15号")}); err != nil {
			t.Fatalf("address: %v", err)
		}
		if err := w.db.UpdatePerson(w.dxd, headPID, registry.PersonChange{Employment: registry.Set("unemployed")}); err != nil {
			t.Fatalf("employment: %v", err)
		}

		w.setDay(d3)
		fid, err := w.db.AddFact(w.dxd, id, sqldb.Fact{Income: &registry.Income{PersonID: spousePID, Kind: "pension", Amount: 150000}})
		if err != nil {
			t.Fatalf("add income: %v", err)
		}

		w.setDay(d4)
		if err := w.db.EndFact(w.dxd, id, "incomes", fid, d4); err != nil {
			t.Fatalf("end income: %v", err)
		}

		w.setDay(d5)
		if err := w.db.UpdatePerson(w.dxd, headPID, registry.PersonChange{ValidFrom: d15,
			Disability: registry.Set(&registry.Disability{Category: "limb", Level: 2})}); err != nil {
			t.Fatalf("disability from %s: %v", d15, err)
		}
		if err := w.db.UpdateHousehold(w.dxd, id, registry.HouseholdChange{ValidFrom: d15,
			Bank: registry.Set(&registry.Bank{Name: "蓬莱农商银行", Account: "6228480012345678", Holder: "张三"})}); err != nil {
			t.Fatalf("bank from %s: %v", d15, err)
		}

		const (
			a0 = "地址=大辛店镇辛店一村12号 状态=active"
			a1 = "地址=辛店一村15号 状态=active"
			bk = " 银行=6228480012345678"
		)
		cases := []struct {
			name string
			day  minzheng.Date
			want string
		}{
			{"建档当天", d1, a0 + " | 张三(head) 就业=farming 收入=wage:200000:2024-03-01~ | 李四(spouse)"},
			{"建档后补录残疾之前", regDate(2024, 3, 14), a0 + " | 张三(head) 就业=farming 收入=wage:200000:2024-03-01~ | 李四(spouse)"},
			{"补录的残疾起始日", d15, a0 + bk + " | 张三(head) 残疾=limb2 就业=farming 收入=wage:200000:2024-03-01~ | 李四(spouse)"},
			{"改地址前一天", regDate(2024, 3, 31), a0 + bk + " | 张三(head) 残疾=limb2 就业=farming 收入=wage:200000:2024-03-01~ | 李四(spouse)"},
			// The late change reaches into the version from d2: the new
			// address and employment stay, the disability and bank are there.
			{"改地址当天带上补录的残疾", d2, a1 + bk + " | 张三(head) 残疾=limb2 就业=unemployed 收入=wage:200000:2024-03-01~ | 李四(spouse)"},
			{"养老金开始", d3, a1 + bk + " | 张三(head) 残疾=limb2 就业=unemployed 收入=wage:200000:2024-03-01~ | 李四(spouse) 收入=pension:150000:2024-05-01~2024-06-01"},
			{"养老金最后一天", regDate(2024, 5, 31), a1 + bk + " | 张三(head) 残疾=limb2 就业=unemployed 收入=wage:200000:2024-03-01~ | 李四(spouse) 收入=pension:150000:2024-05-01~2024-06-01"},
			{"养老金截止日", d4, a1 + bk + " | 张三(head) 残疾=limb2 就业=unemployed 收入=wage:200000:2024-03-01~ | 李四(spouse)"},
			{"今天", 0, a1 + bk + " | 张三(head) 残疾=limb2 就业=unemployed 收入=wage:200000:2024-03-01~ | 李四(spouse)"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				got := w.read(t, w.penglai, id, c.day)
				if s := regSummary(got); s != c.want {
					t.Errorf("as of %s\n got %s\nwant %s", c.day, s, c.want)
				}
				if want := c.day; !want.IsZero() && got.AsOf != want {
					t.Errorf("as_of %s, want %s", got.AsOf, want)
				}
			})
		}
		if _, err := w.db.Household(w.dxd, id, regDate(2024, 2, 29)); minzheng.ErrorCode(err) != "not_found" {
			t.Errorf("as of the day before: %v, want not_found", err)
		}

		// Nothing recorded is lost: the late changes superseded the
		// versions from d2 and wrote them again; the ended income's open
		// row is superseded by its closed copy.
		counts := []struct {
			table       string
			all, supers int
		}{
			{"person_versions", 5, 1},    // 张三: d1, d2 (superseded), d15, d2 again; 李四: d1
			{"household_versions", 4, 1}, // d1, d2 (superseded), d15, d2 again
			{"incomes", 3, 1},            // wage; pension open (superseded), pension closed
			{"memberships", 2, 0},
		}
		for _, c := range counts {
			if n := w.count(t, c.table, ""); n != c.all {
				t.Errorf("%s: %d rows, want %d", c.table, n, c.all)
			}
			if n := w.count(t, c.table, "superseded_at IS NOT NULL"); n != c.supers {
				t.Errorf("%s: %d superseded rows, want %d", c.table, n, c.supers)
			}
		}
		// The superseded version from d2 is the one recorded on d2, without
		// the disability: what was known then.
		var cat *string
		var emp string
		if err := w.db.QueryRow(sys(), `SELECT disability_category, employment FROM person_versions WHERE person_id = ? AND superseded_at IS NOT NULL`, headPID).
			Scan(&cat, &emp); err != nil || cat != nil || emp != "unemployed" {
			t.Errorf("superseded version: %v %q %v", cat, emp, err)
		}

		// The history: every change, newest first, with who made it.
		es, n, err := w.db.HouseholdHistory(w.dxd, id, 1, 50)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range es {
			got = append(got, e.Action+"@"+minzheng.DateOf(e.At).String()+"/"+e.Actor)
		}
		want := []string{"household.update@2024-06-10/dxd_township", "person.update@2024-06-10/dxd_township",
			"household.fact_end@2024-06-01/dxd_township", "household.fact_add@2024-05-01/dxd_township",
			"person.update@2024-04-01/dxd_township", "household.update@2024-04-01/dxd_township", "household.create@2024-03-01/dxd_township"}
		if n != len(want) || strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("history (%d)\n got %v\nwant %v", n, got, want)
		}
		if es[1].Summary != "修改成员 张三（"+regHead.Masked()+"）的信息，自 2024-03-15 起" {
			t.Errorf("summary %q", es[1].Summary)
		}

		// A change from before the record began is refused.
		err = w.db.UpdateHousehold(w.dxd, id, registry.HouseholdChange{ValidFrom: regDate(2024, 2, 1), Address: registry.Set("x")})
		regWantErr(t, err, "invalid", "valid_from", "生效日期 2024-02-01 早于该户建档日期 2024-03-01")
		err = w.db.UpdatePerson(w.dxd, headPID, registry.PersonChange{ValidFrom: regDate(2024, 2, 1), Employment: registry.Set("farming")})
		regWantErr(t, err, "invalid", "valid_from", "生效日期 2024-02-01 早于该成员加入本户的日期 2024-03-01")
	})
}

// TestRegistryMembers: a person leaves and joins another household; one
// person is in one active household at most; closing a household ends
// its memberships.
func TestRegistryMembers(t *testing.T) {
	regEach(t, regDate(2025, 9, 1), func(t *testing.T, w *regWorld) {
		a := w.create(t, w.dxd, family())
		cur := w.read(t, w.dxd, a, 0)
		childPID := cur.Members[2].PersonID
		if cur.Members[2].Name != "张小明" {
			t.Fatalf("members %s", regSummary(cur))
		}

		conflict := fmt.Sprintf("身份证号 %s 已在第 %d 户（户主 张三，区划 370614107201）中：一人只能属于一个在册家庭，请先办理迁出", regChild.Masked(), a)
		t.Run("第三位成员已在另一户，什么都不留下", func(t *testing.T) {
			before := w.counts(t)
			h := registry.NewHousehold{Region: w.village2, Members: []registry.NewMember{member(regWang, "王五", "head"),
				member(regZhao, "赵六", "spouse"), member(regChild, "张小明", "grandchild")}}
			h.Members[0].Incomes = []registry.Income{{Kind: "wage", Amount: 1000}}
			h.Members[1].Supporters = []registry.Supporter{{Name: "赵七", Relation: "sibling"}}
			h.Incomes = []registry.Income{{Kind: "other", Amount: 5}}
			_, err := w.tryCreate(t, w.dxd, h)
			regWantErr(t, err, "conflict", "members[2].id_number", conflict)
			if after := w.counts(t); !reflect.DeepEqual(after, before) {
				t.Errorf("rows before %v\n      after %v", before, after)
			}
			if n := w.count(t, "persons", "id_number = ?", string(regWang)); n != 0 {
				t.Errorf("王五 was stored")
			}
		})

		b := w.create(t, w.dxd, registry.NewHousehold{Region: w.village2, Members: []registry.NewMember{member(regWang, "王五", "head"), member(regZhao, "赵六", "spouse")}})

		t.Run("加入另一户被拒", func(t *testing.T) {
			before := w.counts(t)
			_, err := w.db.AddMember(w.dxd, b, member(regChild, "张小明", "grandchild"), regChild, w.today())
			regWantErr(t, err, "conflict", "id_number", conflict)
			if after := w.counts(t); !reflect.DeepEqual(after, before) {
				t.Errorf("rows before %v\n      after %v", before, after)
			}
		})

		t.Run("户主不能直接迁出", func(t *testing.T) {
			err := w.db.EndMember(w.dxd, a, cur.Members[0].PersonID, 0, "", "")
			regWantErr(t, err, "invalid", "person_id", "户主不能直接迁出：请先把另一位成员设为户主")
		})
		t.Run("不在本户的人", func(t *testing.T) {
			err := w.db.EndMember(w.dxd, b, childPID, 0, "", "")
			regWantErr(t, err, "not_found", "", "该成员在本户的在册记录不存在")
		})

		w.setDay(regDate(2025, 9, 10))
		if err := w.db.EndMember(w.dxd, a, childPID, regDate(2025, 9, 10), "", "外出务工"); err != nil {
			t.Fatalf("end member: %v", err)
		}
		t.Run("迁出", func(t *testing.T) {
			if s := regSummary(w.read(t, w.dxd, a, regDate(2025, 9, 9))); s != "地址=大辛店镇辛店一村12号 状态=active | 张三(head) | 李四(spouse) | 张小明(child)" {
				t.Errorf("the day before: %s", s)
			}
			if s := regSummary(w.read(t, w.dxd, a, regDate(2025, 9, 10))); s != "地址=大辛店镇辛店一村12号 状态=active | 张三(head) | 李四(spouse)" {
				t.Errorf("the day he left: %s", s)
			}
			rows, _, err := w.db.Households(w.dxd, sqldb.HouseholdFilter{Region: "370614107000", Q: "张小明"})
			if err != nil || len(rows) != 0 {
				t.Errorf("search for him after he left: %+v %v", rows, err)
			}
			rows, _, _ = w.db.Households(w.dxd, sqldb.HouseholdFilter{Region: "370614107000"})
			for _, r := range rows {
				if r.ID == a && r.Members != 2 {
					t.Errorf("household %d lists %d members", a, r.Members)
				}
			}
			if n := w.count(t, "persons", "id = ? AND household_id IS NULL", childPID); n != 1 {
				t.Errorf("he still has a household")
			}
			es, _, _ := w.db.HouseholdHistory(w.dxd, a, 1, 1)
			if es[0].Action != "household.member_end" || es[0].Summary != fmt.Sprintf("成员 张小明 自 2025-09-10 起不再是第 %d 户成员（外出务工）", a) {
				t.Errorf("history %+v", es[0])
			}
		})

		t.Run("迁入另一户", func(t *testing.T) {
			pid, err := w.db.AddMember(w.dxd, b, member(regChild, "张小明", "grandchild"), regChild, regDate(2025, 9, 10))
			if err != nil || pid != childPID {
				t.Fatalf("add member: %d %v, want the same person %d", pid, err, childPID)
			}
			got := w.read(t, w.dxd, b, 0)
			if s := regSummary(got); s != "地址= 状态=active | 王五(head) | 赵六(spouse) | 张小明(grandchild)" {
				t.Errorf("new household: %s", s)
			}
			if m := got.Members[2]; m.Since != regDate(2025, 9, 10) || m.IDNumber != regChild {
				t.Errorf("member since %s %s", m.Since, m.IDNumber)
			}
			// The old household's past still has him.
			if s := regSummary(w.read(t, w.dxd, a, regDate(2025, 9, 9))); !strings.Contains(s, "张小明(child)") {
				t.Errorf("old household's past: %s", s)
			}
			rows, _, err := w.db.Households(w.dxd, sqldb.HouseholdFilter{Region: "370614107000", Q: "张小明"})
			if err != nil || len(rows) != 1 || rows[0].ID != b {
				t.Errorf("search for him now: %+v %v", rows, err)
			}
			// Now it is the old household that may not take him back.
			_, err = w.db.AddMember(w.dxd, a, member(regChild, "张小明", "child"), regChild, w.today())
			regWantErr(t, err, "conflict", "id_number",
				fmt.Sprintf("身份证号 %s 已在第 %d 户（户主 王五，区划 370614107202）中：一人只能属于一个在册家庭，请先办理迁出", regChild.Masked(), b))
		})

		t.Run("已有户主时不能再加户主", func(t *testing.T) {
			_, err := w.db.AddMember(w.dxd, a, member(regNewHead, "钱七", "head"), regNewHead, w.today())
			regWantErr(t, err, "invalid", "relation", "该户已有户主；更换户主请先修改原户主的关系")
		})

		w.setDay(regDate(2025, 9, 20))
		if err := w.db.UpdateHousehold(w.dxd, a, registry.HouseholdChange{Status: registry.Set("closed")}); err != nil {
			t.Fatalf("close: %v", err)
		}
		t.Run("注销的户没有成员", func(t *testing.T) {
			if s := regSummary(w.read(t, w.dxd, a, regDate(2025, 9, 19))); s != "地址=大辛店镇辛店一村12号 状态=active | 张三(head) | 李四(spouse)" {
				t.Errorf("the day before closing: %s", s)
			}
			if s := regSummary(w.read(t, w.dxd, a, 0)); s != "地址=大辛店镇辛店一村12号 状态=closed" {
				t.Errorf("closed: %s", s)
			}
			if n := w.count(t, "persons", "household_id = ?", a); n != 0 {
				t.Errorf("%d persons still in the closed household", n)
			}
			if n := w.count(t, "memberships", "household_id = ? AND valid_to IS NULL AND superseded_at IS NULL", a); n != 0 {
				t.Errorf("%d open memberships of the closed household", n)
			}
			rows, _, _ := w.db.Households(w.dxd, sqldb.HouseholdFilter{Region: "370614107000", Status: "closed"})
			if len(rows) != 1 || rows[0].ID != a || rows[0].Members != 0 || rows[0].HeadName != "" {
				t.Errorf("closed household in the list: %+v", rows)
			}
			_, err := w.db.AddMember(w.dxd, a, member(regNewHead, "钱七", "other"), regNewHead, w.today())
			regWantErr(t, err, "conflict", "", "该户已注销，不能增加成员")
			// Its former members may now form a new household.
			c := w.create(t, w.dxd, registry.NewHousehold{Region: w.village1, Members: []registry.NewMember{member(regHead, "张三", "head"), member(regSpouse, "李四", "spouse")}})
			if s := regSummary(w.read(t, w.dxd, c, 0)); s != "地址= 状态=active | 张三(head) | 李四(spouse)" {
				t.Errorf("new household of the former members: %s", s)
			}
		})
	})
}

// TestRegistryHeadChange: a household has one head. Changing the head is
// two steps: the old head's relation first, then the new one's.
func TestRegistryHeadChange(t *testing.T) {
	regEach(t, regDate(2025, 9, 1), func(t *testing.T, w *regWorld) {
		a := w.create(t, w.dxd, family())
		cur := w.read(t, w.dxd, a, 0)
		headPID, spousePID := cur.Members[0].PersonID, cur.Members[1].PersonID
		w.setDay(regDate(2025, 9, 5))

		t.Run("已有户主时把配偶改为户主被拒", func(t *testing.T) {
			before := w.counts(t)
			err := w.db.EndMember(w.dxd, a, spousePID, 0, "head", "")
			regWantErr(t, err, "invalid", "relation", "")
			if after := w.counts(t); !reflect.DeepEqual(after, before) {
				t.Errorf("rows before %v\n      after %v", before, after)
			}
		})

		t.Run("先改原户主再设新户主", func(t *testing.T) {
			if err := w.db.EndMember(w.dxd, a, headPID, 0, "spouse", ""); err != nil {
				t.Fatalf("old head to spouse: %v", err)
			}
			if err := w.db.EndMember(w.dxd, a, spousePID, 0, "head", ""); err != nil {
				t.Fatalf("spouse to head: %v", err)
			}
			got := w.read(t, w.dxd, a, 0)
			heads := 0
			for _, m := range got.Members {
				if m.Relation == "head" {
					heads++
				}
			}
			if heads != 1 || got.Head() == nil || got.Head().Name != "李四" {
				t.Errorf("after the change: %s", regSummary(got))
			}
			if s := regSummary(w.read(t, w.dxd, a, regDate(2025, 9, 4))); s != "地址=大辛店镇辛店一村12号 状态=active | 张三(head) | 李四(spouse) | 张小明(child)" {
				t.Errorf("the day before: %s", s)
			}
			rows, _, err := w.db.Households(w.dxd, sqldb.HouseholdFilter{Region: "370614107000"})
			if err != nil || len(rows) != 1 || rows[0].HeadName != "李四" || rows[0].Members != 3 {
				t.Errorf("list: %+v %v", rows, err)
			}
		})
	})
}

func TestRegistryCorrectFact(t *testing.T) {
	regEach(t, regDate(2025, 9, 1), func(t *testing.T, w *regWorld) {
		h := family()
		h.ValidFrom = regDate(2025, 1, 1)
		id := w.create(t, w.dxd, h)
		headPID := w.read(t, w.dxd, id, 0).Members[0].PersonID

		fid, err := w.db.AddFact(w.dxd, id, sqldb.Fact{Income: &registry.Income{PersonID: headPID, Kind: "wage", Amount: 250000, ValidFrom: regDate(2025, 2, 1)}})
		if err != nil {
			t.Fatal(err)
		}
		nid, err := w.db.CorrectFact(w.dxd, id, fid, sqldb.Fact{Income: &registry.Income{PersonID: headPID, Kind: "wage", Amount: 205000, ValidFrom: regDate(2025, 2, 1), Note: "按工资条更正"}})
		if err != nil || nid == fid {
			t.Fatalf("correct: %d %v", nid, err)
		}
		got := w.read(t, w.dxd, id, regDate(2025, 3, 1))
		want := []registry.Income{{ID: nid, PersonID: headPID, Kind: "wage", Amount: 205000, Period: "month", Source: "declared", ValidFrom: regDate(2025, 2, 1), Note: "按工资条更正"}}
		if !reflect.DeepEqual(got.Members[0].Incomes, want) {
			t.Errorf("incomes after correction %s", regJSON(got.Members[0].Incomes))
		}
		if n := w.count(t, "incomes", ""); n != 2 {
			t.Errorf("%d income rows, want 2", n)
		}
		var amount int64
		if err := w.db.QueryRow(sys(), `SELECT amount FROM incomes WHERE id = ? AND superseded_at IS NOT NULL`, fid).Scan(&amount); err != nil || amount != 250000 {
			t.Errorf("the corrected row: %d %v, want kept with 250000", amount, err)
		}
		// The superseded row cannot be corrected or ended again.
		_, err = w.db.CorrectFact(w.dxd, id, fid, sqldb.Fact{Income: &registry.Income{Kind: "wage", Amount: 1}})
		regWantErr(t, err, "not_found", "", "该记录不存在")
		err = w.db.EndFact(w.dxd, id, "incomes", fid, w.today())
		regWantErr(t, err, "not_found", "", "该记录不存在")
		// A fact is ended once, and after it began.
		err = w.db.EndFact(w.dxd, id, "incomes", nid, regDate(2025, 2, 1))
		regWantErr(t, err, "invalid", "valid_to", "截止日期 2025-02-01 应晚于起始日期 2025-02-01")
		if err := w.db.EndFact(w.dxd, id, "incomes", nid, regDate(2025, 8, 1)); err != nil {
			t.Fatal(err)
		}
		err = w.db.EndFact(w.dxd, id, "incomes", nid, regDate(2025, 8, 2))
		regWantErr(t, err, "not_found", "", "该记录不存在")
		// A fact tied to someone not in the household is refused.
		_, err = w.db.AddFact(w.dxd, id, sqldb.Fact{Income: &registry.Income{PersonID: headPID + 1000, Kind: "wage", Amount: 1}})
		regWantErr(t, err, "invalid", "person_id", fmt.Sprintf("成员 %d 不在本户", headPID+1000))
		// Negative amounts never reach the table.
		_, err = w.db.AddFact(w.dxd, id, sqldb.Fact{Asset: &registry.Asset{Kind: "deposit", Value: -1}})
		regWantErr(t, err, "invalid", "value", "财产价值不能为负数")

		es, _, _ := w.db.HouseholdHistory(w.dxd, id, 1, 50)
		var acts []string
		for _, e := range es {
			acts = append(acts, e.Action)
		}
		if strings.Join(acts, " ") != "household.fact_end household.fact_correct household.fact_add household.create" {
			t.Errorf("history %v", acts)
		}
		if es[1].Summary != fmt.Sprintf("第 %d 户更正一条收入为：工资性收入 2050.00 元/月", id) {
			t.Errorf("summary %q", es[1].Summary)
		}
	})
}

// TestRegistrySearch: by name, name prefix, the last digits of an ID
// number or the whole number, within the region asked for.
func TestRegistrySearch(t *testing.T) {
	regEach(t, regDate(2025, 9, 1), func(t *testing.T, w *regWorld) {
		a := w.create(t, w.dxd, family()) // 张三 李四 张小明, 辛店一村
		h := registry.NewHousehold{Region: w.village2, Members: []registry.NewMember{member(regOther, "张三丰", "head")}}
		h.Members[0].Disability = &registry.Disability{Category: "visual", Level: 1}
		b := w.create(t, w.dxd, h)
		c := w.create(t, w.cljz, registry.NewHousehold{Region: w.cljzVillage, Area: "urban",
			Members: []registry.NewMember{member(regWang, "王五", "head"), member(regZhao, "赵六", "spouse")}})

		const (
			penglai = "370614000000"
			dxd     = "370614107000"
			cljz    = "370614108000"
		)
		lower := strings.ToLower
		cases := []struct {
			name   string
			region region.Code
			q      string
			area   string
			dis    bool
			want   []int64
		}{
			{"全区不筛选", penglai, "", "", false, []int64{c, b, a}},
			{"全国不筛选", region.Country, "", "", false, []int64{c, b, a}},
			{"大辛店镇", dxd, "", "", false, []int64{b, a}},
			{"村里集镇", cljz, "", "", false, []int64{c}},
			{"一个村", region.Code(w.village2), "", "", false, []int64{b}},
			{"天宁区没有", "320402000000", "", "", false, nil},
			{"姓名精确", penglai, "李四", "", false, []int64{a}},
			{"姓名开头", penglai, "张三", "", false, []int64{b, a}},
			{"姓氏开头", penglai, "张", "", false, []int64{b, a}},
			{"姓名精确三字", penglai, "张三丰", "", false, []int64{b}},
			{"姓名前后空格", penglai, " 赵六 ", "", false, []int64{c}},
			{"姓名不在", penglai, "孙", "", false, nil},
			{"姓名在辖区外", dxd, "王五", "", false, nil},
			{"姓名在辖区内", cljz, "王五", "", false, []int64{c}},
			{"身份证后4位", penglai, regSpouse.Suffix(4), "", false, []int64{a}},
			{"身份证后4位小写x", penglai, lower(regHead.Suffix(4)), "", false, []int64{a}},
			{"身份证后6位", penglai, regWang.Suffix(6), "", false, []int64{c}},
			{"身份证后6位在辖区外", dxd, regWang.Suffix(6), "", false, nil},
			{"身份证后8位", penglai, regOther.Suffix(8), "", false, []int64{b}},
			{"完整身份证号", penglai, string(regZhao), "", false, []int64{c}},
			{"完整身份证号小写x", penglai, lower(string(regHead)), "", false, []int64{a}},
			{"完整身份证号在辖区外", dxd, string(regZhao), "", false, nil},
			{"完整身份证号不存在", penglai, string(regNewHead), "", false, nil},
			{"城市", penglai, "", "urban", false, []int64{c}},
			{"农村", penglai, "", "rural", false, []int64{b, a}},
			{"有残疾人", penglai, "", "", true, []int64{b}},
			{"姓名加城乡", penglai, "张", "urban", false, nil},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				rows, total, err := w.db.Households(w.auditor, sqldb.HouseholdFilter{Region: tc.region, Q: tc.q, Area: tc.area, Disability: tc.dis})
				if err != nil {
					t.Fatalf("households: %v", err)
				}
				var ids []int64
				for _, r := range rows {
					ids = append(ids, r.ID)
				}
				if !reflect.DeepEqual(ids, tc.want) || total != len(tc.want) {
					t.Errorf("ids %v (total %d), want %v", ids, total, tc.want)
				}
			})
		}
		t.Run("号码太短", func(t *testing.T) {
			_, _, err := w.db.Households(w.auditor, sqldb.HouseholdFilter{Region: penglai, Q: "123"})
			regWantErr(t, err, "invalid", "q", "按身份证号查找请至少输入后 4 位")
		})
		t.Run("分页", func(t *testing.T) {
			rows, total, err := w.db.Households(w.auditor, sqldb.HouseholdFilter{Region: penglai, Page: 2, PerPage: 2})
			if err != nil || total != 3 || len(rows) != 1 || rows[0].ID != a {
				t.Errorf("page 2: %+v %d %v", rows, total, err)
			}
		})
		t.Run("改名后按新名找到", func(t *testing.T) {
			pid := w.read(t, w.dxd, b, 0).Members[0].PersonID
			if err := w.db.UpdatePerson(w.dxd, pid, registry.PersonChange{Name: registry.Set("孙三丰")}); err != nil {
				t.Fatal(err)
			}
			rows, _, _ := w.db.Households(w.auditor, sqldb.HouseholdFilter{Region: penglai, Q: "孙"})
			if len(rows) != 1 || rows[0].ID != b || rows[0].HeadName != "孙三丰" {
				t.Errorf("by the new name: %+v", rows)
			}
			rows, _, _ = w.db.Households(w.auditor, sqldb.HouseholdFilter{Region: penglai, Q: "张三丰"})
			if len(rows) != 0 {
				t.Errorf("by the old name: %+v", rows)
			}
		})
	})
}

// TestRegistryStoreScope: the stores refuse, and audit, an actor reaching
// outside its region, and refuse roles without the permission.
func TestRegistryStoreScope(t *testing.T) {
	regEach(t, regDate(2025, 9, 1), func(t *testing.T, w *regWorld) {
		c := w.create(t, w.cljz, registry.NewHousehold{Region: w.cljzVillage, Members: []registry.NewMember{member(regWang, "王五", "head")}})
		wangPID := w.read(t, w.cljz, c, 0).Members[0].PersonID
		denied := func() int { return w.count(t, "audit_log", "action = 'scope.denied'") }

		cases := []struct {
			name  string
			ctx   context.Context
			do    func(ctx context.Context) error
			code  string
			audit bool // a scope.denied entry is written
		}{
			{"乡镇在别的乡镇建档", w.dxd, func(ctx context.Context) error {
				_, err := w.tryCreate(t, ctx, registry.NewHousehold{Region: w.cljzVillage, Members: []registry.NewMember{member(regNewHead, "钱七", "head")}})
				return err
			}, "forbidden", true},
			{"乡镇看别的乡镇的户", w.dxd, func(ctx context.Context) error { _, err := w.db.Household(ctx, c, 0); return err }, "forbidden", true},
			{"乡镇看别的乡镇的历史", w.dxd, func(ctx context.Context) error { _, _, err := w.db.HouseholdHistory(ctx, c, 1, 10); return err }, "forbidden", true},
			{"乡镇改别的乡镇的户", w.dxd, func(ctx context.Context) error {
				return w.db.UpdateHousehold(ctx, c, registry.HouseholdChange{Address: registry.Set("x")})
			}, "forbidden", true},
			{"乡镇改别的乡镇的人", w.dxd, func(ctx context.Context) error {
				return w.db.UpdatePerson(ctx, wangPID, registry.PersonChange{Employment: registry.Set("farming")})
			}, "forbidden", true},
			{"乡镇给别的乡镇加人", w.dxd, func(ctx context.Context) error {
				_, err := w.db.AddMember(ctx, c, member(regNewHead, "钱七", "other"), regNewHead, 0)
				return err
			}, "forbidden", true},
			{"乡镇给别的乡镇登记收入", w.dxd, func(ctx context.Context) error {
				_, err := w.db.AddFact(ctx, c, sqldb.Fact{Income: &registry.Income{Kind: "wage", Amount: 1}})
				return err
			}, "forbidden", true},
			{"乡镇看别的乡镇的完整身份证号", w.dxd, func(ctx context.Context) error { _, err := w.db.RevealIDNumber(ctx, wangPID); return err }, "forbidden", true},
			{"乡镇让别的乡镇的人迁出", w.dxd, func(ctx context.Context) error {
				return w.db.EndMember(ctx, c, wangPID, 0, "", "")
			}, "forbidden", true},
			{"乡镇把本镇的户迁到别的乡镇", w.cljz, func(ctx context.Context) error {
				return w.db.UpdateHousehold(ctx, c, registry.HouseholdChange{Region: registry.Set("370614107201")})
			}, "forbidden", true},
			{"协理员在邻村建档", w.clerk, func(ctx context.Context) error {
				_, err := w.tryCreate(t, ctx, registry.NewHousehold{Region: w.village2, Members: []registry.NewMember{member(regNewHead, "钱七", "head")}})
				return err
			}, "forbidden", true},
			{"管理员看户", w.admin, func(ctx context.Context) error { _, err := w.db.Household(ctx, c, 0); return err }, "forbidden", false},
			{"管理员列表", w.admin, func(ctx context.Context) error {
				_, _, err := w.db.Households(ctx, sqldb.HouseholdFilter{})
				return err
			}, "forbidden", false},
			{"审计员建档", w.auditor, func(ctx context.Context) error {
				_, err := w.tryCreate(t, ctx, registry.NewHousehold{Region: w.village1, Members: []registry.NewMember{member(regNewHead, "钱七", "head")}})
				return err
			}, "forbidden", false},
			{"审计员改户", w.auditor, func(ctx context.Context) error {
				return w.db.UpdateHousehold(ctx, c, registry.HouseholdChange{Address: registry.Set("x")})
			}, "forbidden", false},
			{"协理员看完整身份证号", w.clerk, func(ctx context.Context) error { _, err := w.db.RevealIDNumber(ctx, wangPID); return err }, "forbidden", false},
			{"没有操作人", context.Background(), func(ctx context.Context) error { _, err := w.db.Household(ctx, c, 0); return err }, "unauthorized", false},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				before, rows := denied(), w.count(t, "households", "")
				err := tc.do(tc.ctx)
				if minzheng.ErrorCode(err) != tc.code {
					t.Errorf("error %v, want %s", err, tc.code)
				}
				want := before
				if tc.audit {
					want++
				}
				if n := denied(); n != want {
					t.Errorf("scope.denied entries %d → %d, want %d", before, n, want)
				}
				if n := w.count(t, "households", ""); n != rows {
					t.Errorf("households %d → %d", rows, n)
				}
			})
		}
		if s := regSummary(w.read(t, w.cljz, c, 0)); s != "地址= 状态=active | 王五(head)" {
			t.Errorf("after the refusals: %s", s)
		}

		t.Run("乡镇看本镇的完整身份证号", func(t *testing.T) {
			before := w.count(t, "audit_log", "action = 'id_number.reveal'")
			idn, err := w.db.RevealIDNumber(w.cljz, wangPID)
			if err != nil || idn != regWang {
				t.Fatalf("reveal: %q %v", idn, err)
			}
			if n := w.count(t, "audit_log", "action = 'id_number.reveal'"); n != before+1 {
				t.Errorf("reveal entries %d → %d", before, n)
			}
			var summary, actor string
			if err := w.db.QueryRow(sys(), `SELECT summary, actor FROM audit_log WHERE action = 'id_number.reveal' ORDER BY seq DESC LIMIT 1`).Scan(&summary, &actor); err != nil ||
				summary != fmt.Sprintf("查看了第 %d 户成员 %s 的完整身份证号", c, regWang.Masked()) || actor != "cljz_township" {
				t.Errorf("entry %q by %q %v", summary, actor, err)
			}
		})
		t.Run("审计员可以看", func(t *testing.T) {
			if _, err := w.db.Household(w.auditor, c, 0); err != nil {
				t.Errorf("auditor read: %v", err)
			}
		})
	})
}

// TestRegistryConcurrentSamePerson: households created at the same time
// with the same new person: one wins, the others get the 409 naming the
// winner — not a 500 from the unique index.
func TestRegistryConcurrentSamePerson(t *testing.T) {
	regEach(t, regDate(2025, 9, 1), func(t *testing.T, w *regWorld) {
		const n = 8
		checked := make([]registry.CheckedHousehold, n)
		for i := range checked {
			head := registry.NewIDNumber("370614", regDate(1960+i, 1, 1), 101+2*i)
			c, err := registry.NewHousehold{Region: w.village1, Members: []registry.NewMember{
				member(head, "户主"+strings.Repeat("甲", i+1), "head"), member(regNewHead, "钱七", "other")}}.Check(w.today())
			if err != nil {
				t.Fatal(err)
			}
			checked[i] = c
		}
		type outcome struct {
			id  int64
			err error
		}
		out := make(chan outcome, n)
		start := make(chan struct{})
		for i := 0; i < n; i++ {
			go func(c registry.CheckedHousehold) {
				<-start
				id, err := w.db.CreateHousehold(w.dxd, c)
				out <- outcome{id, err}
			}(checked[i])
		}
		close(start)
		var won []int64
		var errs []error
		for i := 0; i < n; i++ {
			o := <-out
			if o.err == nil {
				won = append(won, o.id)
			} else {
				errs = append(errs, o.err)
			}
		}
		if len(won) != 1 {
			t.Fatalf("%d households created with the same person, want 1 (errors %v)", len(won), errs)
		}
		var head string
		_ = w.db.QueryRow(sys(), `SELECT head_name FROM households WHERE id = ?`, won[0]).Scan(&head)
		want := fmt.Sprintf("身份证号 %s 已在第 %d 户（户主 %s，区划 370614107201）中：一人只能属于一个在册家庭，请先办理迁出", regNewHead.Masked(), won[0], head)
		for _, err := range errs {
			e, ok := minzheng.AsError(err)
			if !ok || e.Code != "conflict" || e.Field != "members[1].id_number" || e.Message != want {
				t.Errorf("loser's error %v, want conflict: %s", err, want)
			}
		}
		if c := w.count(t, "households", ""); c != 1 {
			t.Errorf("%d households stored", c)
		}
		if c := w.count(t, "persons", ""); c != 2 {
			t.Errorf("%d persons stored, want 2", c)
		}
	})
}

// TestRegistryMove: a household moved to another village of the township
// from a date is found there, and was where it was before.
func TestRegistryMove(t *testing.T) {
	regEach(t, regDate(2025, 9, 1), func(t *testing.T, w *regWorld) {
		id := w.create(t, w.dxd, family())
		w.setDay(regDate(2025, 9, 10))
		if err := w.db.UpdateHousehold(w.dxd, id, registry.HouseholdChange{Region: registry.Set(w.village2), Address: registry.Set("辛店二村3号")}); err != nil {
			t.Fatal(err)
		}
		if h := w.read(t, w.dxd, id, regDate(2025, 9, 9)); h.Region != w.village1 || h.Address != "大辛店镇辛店一村12号" {
			t.Errorf("before the move: %s %s", h.Region, h.Address)
		}
		if h := w.read(t, w.dxd, id, 0); h.Region != w.village2 || h.Address != "辛店二村3号" {
			t.Errorf("after the move: %s %s", h.Region, h.Address)
		}
		for _, c := range []struct {
			reg  string
			q    string
			want int
		}{{w.village2, "", 1}, {w.village1, "", 0}, {w.village2, "李四", 1}, {w.village1, "李四", 0}, {w.village2, regChild.Suffix(4), 1}, {w.village1, regChild.Suffix(4), 0}} {
			_, total, err := w.db.Households(w.dxd, sqldb.HouseholdFilter{Region: region.Code(c.reg), Q: c.q})
			if err != nil || total != c.want {
				t.Errorf("region %s q %q: %d %v, want %d", c.reg, c.q, total, err, c.want)
			}
		}
		// Moving to a village that does not exist is refused.
		err := w.db.UpdateHousehold(w.dxd, id, registry.HouseholdChange{Region: registry.Set("370614107999")})
		regWantErr(t, err, "invalid", "region", "村（居）区划代码 370614107999 不存在")
	})
}

// TestRegistryMemberCap: a household of 30 takes no 31st member.
func TestRegistryMemberCap(t *testing.T) {
	regEach(t, regDate(2025, 9, 1), func(t *testing.T, w *regWorld) {
		h := registry.NewHousehold{Region: w.village1}
		for i := 0; i < registry.MaxMembers; i++ {
			rel := "other"
			if i == 0 {
				rel = "head"
			}
			h.Members = append(h.Members, member(registry.NewIDNumber("370614", regDate(1940+i, 3, 1+i%28), 101+2*i), "成员", rel))
		}
		id := w.create(t, w.dxd, h)
		before := w.counts(t)
		_, err := w.db.AddMember(w.dxd, id, member(regNewHead, "钱七", "other"), regNewHead, 0)
		regWantErr(t, err, "invalid", "members", "一户最多 30 位成员")
		if after := w.counts(t); !reflect.DeepEqual(after, before) {
			t.Errorf("rows before %v\n      after %v", before, after)
		}
	})
}
