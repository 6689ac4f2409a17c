package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"minzheng"
	"minzheng/audit"
	"minzheng/auth"
	"minzheng/region"
	"minzheng/registry"
)

func init() {
	audit.Register("household.create", "建立家庭档案")
	audit.Register("household.update", "修改家庭信息")
	audit.Register("household.member_add", "增加家庭成员")
	audit.Register("household.member_end", "家庭成员迁出")
	audit.Register("person.update", "修改成员信息")
	audit.Register("household.fact_add", "登记收入/财产/支出")
	audit.Register("household.fact_end", "收入/财产/支出截止")
	audit.Register("household.fact_correct", "更正收入/财产/支出")
	audit.Register("household.import", "导入家庭档案")
	audit.Register("household.export", "导出家庭档案")
	audit.Register("id_number.reveal", "查看完整身份证号")
}

// today is the civil date of the store's clock.
func (db *DB) today() minzheng.Date { return minzheng.DateOf(db.clock.Now()) }

// reverse reverses an ID number, so that a search by its last digits is a
// prefix search an index serves.
func reverse(s string) string {
	b := []byte(s)
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return string(b)
}

// nullDate stores the zero date as NULL.
func nullDate(d minzheng.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullInt(n int) any {
	if n == 0 {
		return nil
	}
	return n
}

// villageArea checks that code is a village that exists and answers the
// area its households default to.
func (db *DB) villageArea(ctx context.Context, code region.Code) (string, error) {
	r, err := db.Region(ctx, code, region.LevelVillage)
	if err != nil {
		if minzheng.ErrorCode(err) == minzheng.CodeNotFound {
			return "", minzheng.Invalid("region", "村（居）区划代码 %s 不存在", code)
		}
		return "", err
	}
	return r.Effective.Area, nil
}

// requireHouseholds checks the permission and returns the actor.
func requireHouseholds(ctx context.Context, p auth.Permission) (minzheng.Actor, error) {
	a, err := actor(ctx)
	if err != nil {
		return a, err
	}
	return a, auth.Require(a, p)
}

// CreateHousehold stores a new household with its members and facts, as of
// h.ValidFrom, audited. A member whose ID number is already in another
// active household is a conflict naming that household.
func (db *DB) CreateHousehold(ctx context.Context, h registry.CheckedHousehold) (int64, error) {
	a, err := requireHouseholds(ctx, auth.PermHouseholdWrite)
	if err != nil {
		return 0, err
	}
	if err := db.CheckScope(ctx, "在辖区外建立家庭档案", "household", "", h.RegionCode); err != nil {
		return 0, err
	}
	area, err := db.villageArea(ctx, h.RegionCode)
	if err != nil {
		return 0, err
	}
	if h.Area == "" {
		h.Area = area
	}
	if h.Area == "" {
		return 0, minzheng.Invalid("area", "该村（居）未设置城乡属性，请填写 area（urban 或 rural）")
	}
	var id int64
	err = db.InTx(ctx, func(tx *Tx) error {
		var err error
		id, err = tx.insertHousehold(ctx, a, h)
		if err != nil {
			return err
		}
		return tx.Audit(ctx, audit.Event{Action: "household.create", Entity: "household", EntityID: strconv.FormatInt(id, 10),
			Region: string(h.RegionCode), Summary: fmt.Sprintf("建立家庭档案：户主 %s，%d 人，自 %s 起", headName(h), len(h.Members), h.ValidFrom),
			After: householdValues(h)})
	})
	if err != nil {
		return 0, err
	}
	return id, nil
}

func headName(h registry.CheckedHousehold) string {
	for _, m := range h.Members {
		if m.Relation == "head" {
			return m.Name
		}
	}
	return ""
}

// householdValues are what the audit log keeps of a new household (masked
// by audit.Values).
func householdValues(h registry.CheckedHousehold) map[string]any {
	members := make([]any, len(h.Members))
	for i, m := range h.Members {
		members[i] = map[string]any{"name": m.Name, "id_number": string(h.IDs[i]), "relation": m.Relation}
	}
	return map[string]any{"region": string(h.RegionCode), "area": h.Area, "address": h.Address, "members": members,
		"valid_from": h.ValidFrom.String()}
}

// insertHousehold writes a checked household in tx; the import uses it too.
func (tx *Tx) insertHousehold(ctx context.Context, a minzheng.Actor, h registry.CheckedHousehold) (int64, error) {
	now := At(tx.db.now())
	head := headName(h)
	var id int64
	if err := tx.QueryRow(ctx, `INSERT INTO households (region_code, area, address, status, head_name, members, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		string(h.RegionCode), h.Area, h.Address, h.Status, head, len(h.Members), now, now).Scan(&id); err != nil {
		return 0, fmt.Errorf("sqldb: insert household: %w", err)
	}
	bank := registry.Bank{}
	if h.Bank != nil {
		bank = *h.Bank
	}
	if _, err := tx.Exec(ctx, `INSERT INTO household_versions (household_id, valid_from, recorded_at, recorded_by,
		region_code, area, address, status, bank_name, bank_account, bank_holder) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, h.ValidFrom, now, a.Username, string(h.RegionCode), h.Area, h.Address, h.Status, bank.Name, bank.Account, bank.Holder); err != nil {
		return 0, fmt.Errorf("sqldb: insert household version: %w", err)
	}
	for i, m := range h.Members {
		pid, err := tx.upsertPerson(ctx, a, id, h.RegionCode, h.IDs[i], m, h.ValidFrom)
		if err != nil {
			if e, ok := minzheng.AsError(err); ok && e.Field == "id_number" {
				// Name the member, as validation errors do.
				return 0, &minzheng.Error{Code: e.Code, Field: fmt.Sprintf("members[%d].id_number", i), Message: e.Message}
			}
			return 0, err
		}
		if err := tx.insertFacts(ctx, a, id, pid, m.Incomes, m.Assets, m.Expenses); err != nil {
			return 0, err
		}
		if err := tx.insertPersonFacts(ctx, a, pid, m.Supporters, m.ParentStatuses); err != nil {
			return 0, err
		}
	}
	if err := tx.insertFacts(ctx, a, id, 0, h.Incomes, h.Assets, h.Expenses); err != nil {
		return 0, err
	}
	return id, nil
}

// upsertPerson adds a member to household hid: a new person, or one the
// registry already knows who is in no active household now. It writes the
// person's version and the membership.
func (tx *Tx) upsertPerson(ctx context.Context, a minzheng.Actor, hid int64, reg region.Code, id registry.IDNumber,
	m registry.NewMember, from minzheng.Date) (int64, error) {
	now := At(tx.db.now())
	var pid int64
	// Most persons are new: insert, and look the person up only when the ID
	// number is already known (the insert then does nothing).
	err := tx.QueryRow(ctx, `INSERT INTO persons (id_number, id_rev, name, sex, birth_date, household_id, relation, region_code,
		disability_category, disability_level, death_date, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id_number) DO NOTHING RETURNING id`,
		string(id), reverse(string(id)), m.Name, id.Sex(), id.Birth(), hid, m.Relation, string(reg),
		disabilityCategory(m.Disability), disabilityLevel(m.Disability), nullDate(m.DeathDate), now, now).Scan(&pid)
	facts := m.PersonFacts
	if errors.Is(err, sql.ErrNoRows) {
		// A person the registry knows, in no household now, rejoins one:
		// not from before they left their last one, and keeping what is
		// known of them (a move does not erase a disability); what the
		// caller gives is laid over it.
		var cur sql.NullInt64
		if err := tx.QueryRow(ctx, `SELECT id, household_id FROM persons WHERE id_number = ?`, string(id)).Scan(&pid, &cur); err != nil {
			return 0, fmt.Errorf("sqldb: person: %w", err)
		}
		if cur.Valid {
			return 0, tx.db.memberConflict(ctx, tx, id, cur.Int64)
		}
		var left *minzheng.Date
		if err := tx.QueryRow(ctx, `SELECT MAX(valid_to) FROM memberships WHERE person_id = ? AND superseded_at IS NULL`, pid).Scan(&left); err != nil {
			return 0, fmt.Errorf("sqldb: person's memberships: %w", err)
		}
		if left != nil && from < *left {
			return 0, minzheng.Invalid("valid_from", "%s 自 %s 起才离开原来的家庭，入户日期不能更早", m.Name, *left)
		}
		vs, err := tx.personVersions(ctx, pid)
		if err != nil {
			return 0, err
		}
		if n := len(vs); n > 0 {
			last := vs[n-1]
			if from < last.validFrom {
				return 0, minzheng.Invalid("valid_from", "%s 自 %s 起已有记录，入户日期不能更早", m.Name, last.validFrom)
			}
			facts = overlay(last.facts, m.PersonFacts)
		}
		if _, err := tx.Exec(ctx, `UPDATE persons SET name = ?, household_id = ?, relation = ?, region_code = ?,
			disability_category = ?, disability_level = ?, death_date = ?, updated_at = ? WHERE id = ?`,
			facts.Name, hid, m.Relation, string(reg), disabilityCategory(facts.Disability), disabilityLevel(facts.Disability),
			nullDate(facts.DeathDate), now, pid); err != nil {
			return 0, fmt.Errorf("sqldb: update person: %w", err)
		}
	} else if err != nil {
		return 0, fmt.Errorf("sqldb: insert person: %w", err)
	}
	if err := tx.insertPersonVersion(ctx, a, pid, from, facts); err != nil {
		return 0, err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO memberships (household_id, person_id, relation, valid_from, recorded_at, recorded_by)
		VALUES (?, ?, ?, ?, ?, ?)`, hid, pid, m.Relation, from, now, a.Username); err != nil {
		if isUnique(err) {
			return 0, tx.db.memberConflict(ctx, tx, id, 0)
		}
		return 0, fmt.Errorf("sqldb: insert membership: %w", err)
	}
	return pid, nil
}

// overlay is what is known of a person with what a caller gives on top:
// every field given (not empty) replaces the known one.
func overlay(known, given registry.PersonFacts) registry.PersonFacts {
	out := known
	if given.Name != "" {
		out.Name = given.Name
	}
	if given.Phone != "" {
		out.Phone = given.Phone
	}
	if given.HukouRegion != "" {
		out.HukouRegion = given.HukouRegion
	}
	if given.Disability != nil {
		out.Disability = given.Disability
	}
	if given.SeriousIllness != "" {
		out.SeriousIllness = given.SeriousIllness
	}
	if given.SelfCare != nil {
		out.SelfCare = given.SelfCare
	}
	if given.Schooling != "" {
		out.Schooling = given.Schooling
	}
	if given.Employment != "" {
		out.Employment = given.Employment
	}
	if given.Marital != "" {
		out.Marital = given.Marital
	}
	if !given.DeathDate.IsZero() {
		out.DeathDate = given.DeathDate
	}
	return out
}

// memberConflict is the 409 for an ID number already in an active
// household, naming that household — with its head and village only when
// the actor may see them, so the answer does not tell a stranger who lives
// where.
func (db *DB) memberConflict(ctx context.Context, tx *Tx, id registry.IDNumber, hid int64) error {
	var head, reg string
	if hid == 0 {
		_ = tx.QueryRow(ctx, `SELECT household_id FROM persons WHERE id_number = ?`, string(id)).Scan(&hid)
	}
	_ = tx.QueryRow(ctx, `SELECT head_name, region_code FROM households WHERE id = ?`, hid).Scan(&head, &reg)
	where := fmt.Sprintf("第 %d 户（户主 %s，区划 %s）", hid, head, reg)
	if a, err := actor(ctx); err != nil || !region.ActorRegion(a).Contains(region.Code(reg)) {
		where = fmt.Sprintf("您辖区外的第 %d 户", hid)
	}
	return &minzheng.Error{Code: minzheng.CodeConflict, Field: "id_number",
		Message: fmt.Sprintf("身份证号 %s 已在%s中：一人只能属于一个在册家庭，请先办理迁出", id.Masked(), where)}
}

func disabilityCategory(d *registry.Disability) any {
	if d == nil {
		return nil
	}
	return d.Category
}

func disabilityLevel(d *registry.Disability) any {
	if d == nil {
		return nil
	}
	return d.Level
}

func (tx *Tx) insertPersonVersion(ctx context.Context, a minzheng.Actor, pid int64, from minzheng.Date, p registry.PersonFacts) error {
	selfCare := ""
	if p.SelfCare != nil {
		b, _ := json.Marshal(p.SelfCare)
		selfCare = string(b)
	}
	cert := ""
	if p.Disability != nil {
		cert = p.Disability.Certificate
	}
	if _, err := tx.Exec(ctx, `INSERT INTO person_versions (person_id, valid_from, recorded_at, recorded_by, name, phone,
		hukou_region, disability_category, disability_level, disability_cert, serious_illness, self_care, schooling,
		employment, marital, death_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		pid, from, At(tx.db.now()), a.Username, p.Name, p.Phone, p.HukouRegion, disabilityCategory(p.Disability),
		disabilityLevel(p.Disability), cert, p.SeriousIllness, selfCare, p.Schooling, p.Employment, p.Marital,
		nullDate(p.DeathDate)); err != nil {
		return fmt.Errorf("sqldb: insert person version: %w", err)
	}
	return nil
}

// insertFacts writes incomes, assets and expenses of household hid (and of
// person pid when not 0), through the one insert of each (insertFact).
func (tx *Tx) insertFacts(ctx context.Context, a minzheng.Actor, hid, pid int64, incomes []registry.Income, assets []registry.Asset, expenses []registry.Expense) error {
	for i := range incomes {
		x := incomes[i]
		x.PersonID = pid
		if _, err := tx.insertFact(ctx, a, hid, Fact{Income: &x}); err != nil {
			return err
		}
	}
	for i := range assets {
		x := assets[i]
		x.PersonID = pid
		if _, err := tx.insertFact(ctx, a, hid, Fact{Asset: &x}); err != nil {
			return err
		}
	}
	for i := range expenses {
		x := expenses[i]
		x.PersonID = pid
		if _, err := tx.insertFact(ctx, a, hid, Fact{Expense: &x}); err != nil {
			return err
		}
	}
	return nil
}

// insertPersonFacts writes a person's supporters and parents' statuses.
func (tx *Tx) insertPersonFacts(ctx context.Context, a minzheng.Actor, pid int64, sups []registry.Supporter, ps []registry.ParentStatus) error {
	now := At(tx.db.now())
	for _, s := range sups {
		if _, err := tx.Exec(ctx, `INSERT INTO supporters (person_id, name, id_number, relation, birth_date, dibao, tekun,
			disability_category, disability_level, monthly_income, imprisoned, incapacitated, valid_from, valid_to, recorded_at, recorded_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			pid, s.Name, s.IDNumber, s.Relation, nullDate(s.Birth), s.Dibao, s.Tekun, disabilityCategory(s.Disability),
			disabilityLevel(s.Disability), int64(s.MonthlyIncome), s.Imprisoned, s.Incapacitated, s.ValidFrom, nullDate(s.ValidTo),
			now, a.Username); err != nil {
			return fmt.Errorf("sqldb: insert supporter: %w", err)
		}
	}
	for _, p := range ps {
		if _, err := tx.Exec(ctx, `INSERT INTO parent_statuses (person_id, parent, status, since, recorded_at, recorded_by)
			VALUES (?, ?, ?, ?, ?, ?)`, pid, p.Parent, p.Status, p.Since, now, a.Username); err != nil {
			return fmt.Errorf("sqldb: insert parent status: %w", err)
		}
	}
	return nil
}
