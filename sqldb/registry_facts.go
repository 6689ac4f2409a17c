package sqldb

import (
	"context"
	"fmt"
	"strconv"

	"minzheng"
	"minzheng/audit"
	"minzheng/auth"
	"minzheng/registry"
)

// FactKinds are the tables of a household's economic facts, with their
// Chinese names.
var FactKinds = map[string]string{"incomes": "收入", "assets": "财产", "expenses": "刚性支出"}

// Fact is one economic fact of a household: exactly one of the three is set.
type Fact struct {
	Income  *registry.Income
	Asset   *registry.Asset
	Expense *registry.Expense
}

func (f Fact) kind() string {
	switch {
	case f.Income != nil:
		return "incomes"
	case f.Asset != nil:
		return "assets"
	}
	return "expenses"
}

func (f Fact) person() int64 {
	switch {
	case f.Income != nil:
		return f.Income.PersonID
	case f.Asset != nil:
		return f.Asset.PersonID
	}
	return f.Expense.PersonID
}

func (f Fact) describe() string {
	switch {
	case f.Income != nil:
		return fmt.Sprintf("%s %s 元/%s", registry.IncomeKinds.Name(f.Income.Kind), f.Income.Amount.Yuan(), map[string]string{"month": "月", "year": "年"}[f.Income.Period])
	case f.Asset != nil:
		return fmt.Sprintf("%s %s 元", registry.AssetKinds.Name(f.Asset.Kind), f.Asset.Value.Yuan())
	}
	return fmt.Sprintf("%s %s 元", registry.ExpenseKinds.Name(f.Expense.Kind), f.Expense.Amount.Yuan())
}

// CheckFact validates a fact for household entry on day today.
func CheckFact(f Fact, today minzheng.Date) (Fact, error) {
	var err error
	switch {
	case f.Income != nil:
		var xs []registry.Income
		xs, err = registry.CheckIncomes([]registry.Income{*f.Income}, today, today, "")
		if err == nil {
			f.Income = &xs[0]
		}
	case f.Asset != nil:
		var xs []registry.Asset
		xs, err = registry.CheckAssets([]registry.Asset{*f.Asset}, today, today, "")
		if err == nil {
			f.Asset = &xs[0]
		}
	case f.Expense != nil:
		var xs []registry.Expense
		xs, err = registry.CheckExpenses([]registry.Expense{*f.Expense}, today, today, "")
		if err == nil {
			f.Expense = &xs[0]
		}
	default:
		err = minzheng.Invalid("", "没有要登记的内容")
	}
	return f, err
}

// AddFact records a new economic fact of household hid, audited.
func (db *DB) AddFact(ctx context.Context, hid int64, f Fact) (int64, error) {
	a, err := requireHouseholds(ctx, auth.PermHouseholdWrite)
	if err != nil {
		return 0, err
	}
	reg, err := db.householdScope(ctx, hid, "登记收入财产：")
	if err != nil {
		return 0, err
	}
	if f, err = CheckFact(f, db.today()); err != nil {
		return 0, err
	}
	var id int64
	err = db.InTx(ctx, func(tx *Tx) error {
		if err := tx.checkFactPerson(ctx, hid, f.person()); err != nil {
			return err
		}
		var err error
		if id, err = tx.insertFact(ctx, a, hid, f); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.Event{Action: "household.fact_add", Entity: "household", EntityID: strconv.FormatInt(hid, 10),
			Region: string(reg), Summary: fmt.Sprintf("第 %d 户登记%s：%s", hid, FactKinds[f.kind()], f.describe())})
	})
	return id, err
}

// checkFactPerson refuses a fact tied to someone who is not a current
// member of the household.
func (tx *Tx) checkFactPerson(ctx context.Context, hid, pid int64) error {
	if pid == 0 {
		return nil
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM persons WHERE id = ? AND household_id = ?`, pid, hid).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return minzheng.Invalid("person_id", "成员 %d 不在本户", pid)
	}
	return nil
}

func (tx *Tx) insertFact(ctx context.Context, a minzheng.Actor, hid int64, f Fact) (int64, error) {
	now := At(tx.db.now())
	var person any
	if p := f.person(); p != 0 {
		person = p
	}
	var id int64
	var err error
	switch {
	case f.Income != nil:
		x := f.Income
		err = tx.QueryRow(ctx, `INSERT INTO incomes (household_id, person_id, kind, amount, period, source, note, valid_from,
			valid_to, recorded_at, recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			hid, person, x.Kind, int64(x.Amount), x.Period, x.Source, x.Note, x.ValidFrom, nullDate(x.ValidTo), now, a.Username).Scan(&id)
	case f.Asset != nil:
		x := f.Asset
		err = tx.QueryRow(ctx, `INSERT INTO assets (household_id, person_id, kind, value, description, valid_from, valid_to,
			recorded_at, recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			hid, person, x.Kind, int64(x.Value), x.Description, x.ValidFrom, nullDate(x.ValidTo), now, a.Username).Scan(&id)
	default:
		x := f.Expense
		err = tx.QueryRow(ctx, `INSERT INTO expenses (household_id, person_id, kind, amount, note, valid_from, valid_to,
			recorded_at, recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			hid, person, x.Kind, int64(x.Amount), x.Note, x.ValidFrom, nullDate(x.ValidTo), now, a.Username).Scan(&id)
	}
	if err != nil {
		return 0, fmt.Errorf("sqldb: insert %s: %w", f.kind(), err)
	}
	return id, nil
}

// EndFact ends fact fid (of the table kind) of household hid from day to:
// it no longer applies from that day. A correction of a wrong record is
// CorrectFact; both keep what was recorded before.
func (db *DB) EndFact(ctx context.Context, hid int64, kind string, fid int64, to minzheng.Date) error {
	a, err := requireHouseholds(ctx, auth.PermHouseholdWrite)
	if err != nil {
		return err
	}
	if _, ok := FactKinds[kind]; !ok {
		return minzheng.NotFound("该类记录")
	}
	reg, err := db.householdScope(ctx, hid, "修改收入财产：")
	if err != nil {
		return err
	}
	if to.IsZero() {
		return minzheng.Invalid("valid_to", "请填写截止日期（从该日起不再计入）")
	}
	if to > db.today() {
		return minzheng.Invalid("valid_to", "截止日期 %s 不能晚于今天", to)
	}
	return db.InTx(ctx, func(tx *Tx) error {
		var from minzheng.Date
		var old *string
		if err := tx.QueryRow(ctx, `SELECT valid_from, valid_to FROM `+kind+` WHERE id = ? AND household_id = ? AND superseded_at IS NULL`,
			fid, hid).Scan(&from, &old); err != nil {
			return notFound(err, "该记录")
		}
		if old != nil {
			return &minzheng.Error{Code: minzheng.CodeConflict, Message: "该记录已于 " + *old + " 截止"}
		}
		if to <= from {
			return minzheng.Invalid("valid_to", "截止日期 %s 应晚于起始日期 %s", to, from)
		}
		now := At(db.now())
		// Copy the row with its end, and supersede the open one: the record
		// of what was known before stays.
		if _, err := tx.Exec(ctx, `INSERT INTO `+kind+` (`+factColumns[kind]+`, valid_from, valid_to, recorded_at, recorded_by)
			SELECT `+factColumns[kind]+`, valid_from, ?, ?, ? FROM `+kind+` WHERE id = ?`, to, now, a.Username, fid); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE `+kind+` SET superseded_at = ? WHERE id = ?`, now, fid); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.Event{Action: "household.fact_end", Entity: "household", EntityID: strconv.FormatInt(hid, 10),
			Region: string(reg), Summary: fmt.Sprintf("第 %d 户的一条%s自 %s 起不再计入", hid, FactKinds[kind], to)})
	})
}

// factColumns are each fact table's own columns, for copying a row.
var factColumns = map[string]string{
	"incomes":  "household_id, person_id, kind, amount, period, source, note",
	"assets":   "household_id, person_id, kind, value, description",
	"expenses": "household_id, person_id, kind, amount, note",
}

// CorrectFact replaces a wrongly recorded fact with f: the old row is
// superseded (kept, marked as replaced), the new one recorded.
func (db *DB) CorrectFact(ctx context.Context, hid int64, fid int64, f Fact) (int64, error) {
	a, err := requireHouseholds(ctx, auth.PermHouseholdWrite)
	if err != nil {
		return 0, err
	}
	reg, err := db.householdScope(ctx, hid, "更正收入财产：")
	if err != nil {
		return 0, err
	}
	if f, err = CheckFact(f, db.today()); err != nil {
		return 0, err
	}
	kind := f.kind()
	var id int64
	err = db.InTx(ctx, func(tx *Tx) error {
		res, err := tx.Exec(ctx, `UPDATE `+kind+` SET superseded_at = ? WHERE id = ? AND household_id = ? AND superseded_at IS NULL`,
			At(db.now()), fid, hid)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return minzheng.NotFound("该记录")
		}
		if err := tx.checkFactPerson(ctx, hid, f.person()); err != nil {
			return err
		}
		if id, err = tx.insertFact(ctx, a, hid, f); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.Event{Action: "household.fact_correct", Entity: "household", EntityID: strconv.FormatInt(hid, 10),
			Region: string(reg), Summary: fmt.Sprintf("第 %d 户更正一条%s为：%s", hid, FactKinds[kind], f.describe())})
	})
	return id, err
}

// AddSupporter records a legal supporter of person pid, audited.
func (db *DB) AddSupporter(ctx context.Context, pid int64, s registry.Supporter) (int64, error) {
	a, err := requireHouseholds(ctx, auth.PermHouseholdWrite)
	if err != nil {
		return 0, err
	}
	held, err := db.personHousehold(ctx, pid, "登记赡养义务人：")
	if err != nil {
		return 0, err
	}
	hid, idn, reg := held.hid, held.id, held.region
	xs, err := registry.CheckSupporters([]registry.Supporter{s}, db.today(), db.today(), "")
	if err != nil {
		return 0, err
	}
	s = xs[0]
	var id int64
	err = db.InTx(ctx, func(tx *Tx) error {
		if err := tx.insertPersonFacts(ctx, a, pid, []registry.Supporter{s}, nil); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT MAX(id) FROM supporters WHERE person_id = ?`, pid).Scan(&id); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.Event{Action: "household.fact_add", Entity: "household", EntityID: strconv.FormatInt(hid, 10), Region: reg,
			Summary: fmt.Sprintf("为成员 %s 登记赡养/抚养/扶养义务人 %s（%s）", idn.Masked(), s.Name, registry.Relations.Name(s.Relation)),
			After:   map[string]any{"name": s.Name, "id_number": s.IDNumber, "relation": s.Relation}})
	})
	return id, err
}

// EndSupporter records that supporter sid of person pid no longer applies
// from day to (died, the relation ended …), keeping the record.
func (db *DB) EndSupporter(ctx context.Context, pid, sid int64, to minzheng.Date) error {
	a, err := requireHouseholds(ctx, auth.PermHouseholdWrite)
	if err != nil {
		return err
	}
	held, err := db.personHousehold(ctx, pid, "修改赡养义务人：")
	if err != nil {
		return err
	}
	hid, reg := held.hid, held.region
	if to.IsZero() || to > db.today() {
		return minzheng.Invalid("valid_to", "请填写不晚于今天的截止日期")
	}
	return db.InTx(ctx, func(tx *Tx) error {
		var from minzheng.Date
		var name string
		if err := tx.QueryRow(ctx, `SELECT valid_from, name FROM supporters WHERE id = ? AND person_id = ? AND superseded_at IS NULL AND valid_to IS NULL`,
			sid, pid).Scan(&from, &name); err != nil {
			return notFound(err, "该义务人记录")
		}
		if to <= from {
			return minzheng.Invalid("valid_to", "截止日期 %s 应晚于起始日期 %s", to, from)
		}
		now := At(db.now())
		cols := "person_id, name, id_number, relation, birth_date, dibao, tekun, disability_category, disability_level, monthly_income, imprisoned, incapacitated"
		if _, err := tx.Exec(ctx, `INSERT INTO supporters (`+cols+`, valid_from, valid_to, recorded_at, recorded_by)
			SELECT `+cols+`, valid_from, ?, ?, ? FROM supporters WHERE id = ?`, to, now, a.Username, sid); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE supporters SET superseded_at = ? WHERE id = ?`, now, sid); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.Event{Action: "household.fact_end", Entity: "household", EntityID: strconv.FormatInt(hid, 10), Region: reg,
			Summary: fmt.Sprintf("义务人 %s 自 %s 起不再计入", name, to)})
	})
}

// AddParentStatus records a parent's status for child pid from a date (a
// later status of the same parent replaces it from its own date on).
func (db *DB) AddParentStatus(ctx context.Context, pid int64, p registry.ParentStatus) (int64, error) {
	a, err := requireHouseholds(ctx, auth.PermHouseholdWrite)
	if err != nil {
		return 0, err
	}
	held, err := db.personHousehold(ctx, pid, "登记父母情况：")
	if err != nil {
		return 0, err
	}
	hid, idn, reg := held.hid, held.id, held.region
	if err := registry.CheckParentStatuses([]registry.ParentStatus{p}, db.today(), ""); err != nil {
		return 0, err
	}
	var id int64
	err = db.InTx(ctx, func(tx *Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO parent_statuses (person_id, parent, status, since, recorded_at, recorded_by)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, pid, p.Parent, p.Status, p.Since, At(db.now()), a.Username).Scan(&id); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.Event{Action: "household.fact_add", Entity: "household", EntityID: strconv.FormatInt(hid, 10), Region: reg,
			Summary: fmt.Sprintf("登记成员 %s 的%s情况：%s，自 %s 起", idn.Masked(), registry.Parents.Name(p.Parent),
				registry.ParentStatuses.Name(p.Status), p.Since)})
	})
	return id, err
}
