package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"

	"minzheng"
	"minzheng/audit"
	"minzheng/auth"
	"minzheng/region"
	"minzheng/registry"
)

// A change from day D rewrites the versions that apply from D on: the one
// that covered D is followed by a new version at D, and every later version
// gets the same change (each superseded and written again), so a change
// recorded late does not undo later ones or get undone by them.

type householdVersion struct {
	id        int64
	validFrom minzheng.Date
	facts     registry.HouseholdFacts
}

// householdVersions reads the current (not superseded) versions in valid
// order, in tx.
func (tx *Tx) householdVersions(ctx context.Context, hid int64) ([]householdVersion, error) {
	rows, err := tx.Query(ctx, `SELECT id, valid_from, region_code, area, address, status, bank_name, bank_account, bank_holder
		FROM household_versions WHERE household_id = ? AND superseded_at IS NULL ORDER BY valid_from, id`, hid)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []householdVersion
	for rows.Next() {
		var v householdVersion
		var b registry.Bank
		if err := rows.Scan(&v.id, &v.validFrom, &v.facts.Region, &v.facts.Area, &v.facts.Address, &v.facts.Status,
			&b.Name, &b.Account, &b.Holder); err != nil {
			return nil, err
		}
		if b != (registry.Bank{}) {
			v.facts.Bank = &b
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// cover finds the index of the version that applies on d (-1 if none).
func cover[T any](vs []T, from func(T) minzheng.Date, d minzheng.Date) int {
	at := -1
	for i, v := range vs {
		if from(v) <= d {
			at = i
		}
	}
	return at
}

// UpdateHousehold applies a change to household hid from c.ValidFrom on,
// audited with the values before and after.
func (db *DB) UpdateHousehold(ctx context.Context, hid int64, c registry.HouseholdChange) error {
	a, err := requireHouseholds(ctx, auth.PermHouseholdWrite)
	if err != nil {
		return err
	}
	if _, err := db.householdScope(ctx, hid, "修改"); err != nil {
		return err
	}
	if err := c.Check(db.today()); err != nil {
		return err
	}
	if c.Region.Set {
		if err := db.CheckScope(ctx, "把家庭迁到辖区外", "household", strconv.FormatInt(hid, 10), region.Code(c.Region.V)); err != nil {
			return err
		}
		if _, err := db.villageArea(ctx, region.Code(c.Region.V)); err != nil {
			return err
		}
	}
	return db.InTx(ctx, func(tx *Tx) error {
		vs, err := tx.householdVersions(ctx, hid)
		if err != nil {
			return err
		}
		at := cover(vs, func(v householdVersion) minzheng.Date { return v.validFrom }, c.ValidFrom)
		if at < 0 {
			return minzheng.Invalid("valid_from", "生效日期 %s 早于该户建档日期 %s", c.ValidFrom, vs[0].validFrom)
		}
		before := vs[len(vs)-1].facts
		if before.Status == registry.StatusClosed && c.Status.Set {
			// Closing ended the memberships; undoing that is a new record.
			return minzheng.Invalid("status", "该户已注销，状态不能再改；如家庭仍在，请重新建立家庭档案")
		}
		now := At(db.now())
		write := func(from minzheng.Date, f registry.HouseholdFacts) error {
			b := registry.Bank{}
			if f.Bank != nil {
				b = *f.Bank
			}
			_, err := tx.Exec(ctx, `INSERT INTO household_versions (household_id, valid_from, recorded_at, recorded_by,
				region_code, area, address, status, bank_name, bank_account, bank_holder) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				hid, from, now, a.Username, f.Region, f.Area, f.Address, f.Status, b.Name, b.Account, b.Holder)
			return err
		}
		supersede := func(id int64) error {
			_, err := tx.Exec(ctx, `UPDATE household_versions SET superseded_at = ? WHERE id = ?`, now, id)
			return err
		}
		base := vs[at].facts
		var stops registry.HouseholdStops
		after := before
		for i := at; i < len(vs); i++ {
			v := vs[i]
			f := v.facts
			from := v.validFrom
			if i == at {
				c.Apply(&f)
				from = c.ValidFrom
				if v.validFrom == c.ValidFrom {
					if err := supersede(v.id); err != nil {
						return err
					}
				}
			} else {
				// A later version keeps what was changed in it since.
				c.ApplyLater(&f, base, &stops)
				if reflect.DeepEqual(f, v.facts) {
					continue
				}
				if err := supersede(v.id); err != nil {
					return err
				}
			}
			if err := write(from, f); err != nil {
				return err
			}
			if i == len(vs)-1 {
				after = f
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE households SET region_code = ?, area = ?, address = ?, status = ?, updated_at = ? WHERE id = ?`,
			after.Region, after.Area, after.Address, after.Status, now, hid); err != nil {
			return err
		}
		if after.Region != before.Region {
			if _, err := tx.Exec(ctx, `UPDATE persons SET region_code = ? WHERE household_id = ?`, after.Region, hid); err != nil {
				return err
			}
		}
		if c.Status.Set && c.Status.V == registry.StatusClosed {
			// A closed household has no members from that day on.
			if err := tx.endMemberships(ctx, a, hid, 0, c.ValidFrom); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, audit.Event{Action: "household.update", Entity: "household", EntityID: strconv.FormatInt(hid, 10),
			Region: after.Region, Summary: fmt.Sprintf("修改第 %d 户的家庭信息，自 %s 起", hid, c.ValidFrom),
			Before: householdFactValues(before), After: householdFactValues(after)})
	})
}

func householdFactValues(f registry.HouseholdFacts) map[string]any {
	m := map[string]any{"region": f.Region, "area": f.Area, "address": f.Address, "status": f.Status}
	if f.Bank != nil {
		m["bank_name"], m["bank_account"], m["bank_holder"] = f.Bank.Name, f.Bank.Account, f.Bank.Holder
	}
	return m
}

// endMemberships ends, from day d, the open memberships of household hid
// (only person pid's when pid is not 0), and clears the persons' current
// household.
func (tx *Tx) endMemberships(ctx context.Context, a minzheng.Actor, hid, pid int64, d minzheng.Date) error {
	now := At(tx.db.now())
	q := `SELECT id, person_id, relation, valid_from FROM memberships WHERE household_id = ? AND valid_to IS NULL AND superseded_at IS NULL`
	args := []any{hid}
	if pid != 0 {
		q += ` AND person_id = ?`
		args = append(args, pid)
	}
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return err
	}
	type m struct {
		id, pid  int64
		relation string
		from     minzheng.Date
	}
	var ms []m
	for rows.Next() {
		var x m
		if err := rows.Scan(&x.id, &x.pid, &x.relation, &x.from); err != nil {
			rows.Close()
			return err
		}
		ms = append(ms, x)
	}
	rows.Close()
	if pid != 0 && len(ms) == 0 {
		return minzheng.NotFound("该成员在本户的在册记录")
	}
	for _, x := range ms {
		if d < x.from {
			return minzheng.Invalid("valid_to", "迁出日期 %s 早于入户日期 %s", d, x.from)
		}
		if _, err := tx.Exec(ctx, `UPDATE memberships SET superseded_at = ? WHERE id = ?`, now, x.id); err != nil {
			return err
		}
		if d > x.from {
			if _, err := tx.Exec(ctx, `INSERT INTO memberships (household_id, person_id, relation, valid_from, valid_to, recorded_at, recorded_by)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, hid, x.pid, x.relation, x.from, d, now, a.Username); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE persons SET household_id = NULL, relation = NULL, updated_at = ? WHERE id = ?`, now, x.pid); err != nil {
			return err
		}
	}
	_, err = tx.Exec(ctx, `UPDATE households SET members = (SELECT COUNT(*) FROM persons WHERE household_id = ?),
		head_name = COALESCE((SELECT name FROM persons WHERE household_id = ? AND relation = 'head'), ''), updated_at = ? WHERE id = ?`,
		hid, hid, now, hid)
	return err
}

type personVersion struct {
	id        int64
	validFrom minzheng.Date
	facts     registry.PersonFacts
}

func (tx *Tx) personVersions(ctx context.Context, pid int64) ([]personVersion, error) {
	rows, err := tx.Query(ctx, `SELECT id, valid_from, name, phone, hukou_region, disability_category, disability_level,
		disability_cert, serious_illness, self_care, schooling, employment, marital, death_date
		FROM person_versions WHERE person_id = ? AND superseded_at IS NULL ORDER BY valid_from, id`, pid)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []personVersion
	for rows.Next() {
		var v personVersion
		var cat sql.NullString
		var level sql.NullInt64
		var cert, selfCare string
		p := &v.facts
		if err := rows.Scan(&v.id, &v.validFrom, &p.Name, &p.Phone, &p.HukouRegion, &cat, &level, &cert, &p.SeriousIllness,
			&selfCare, &p.Schooling, &p.Employment, &p.Marital, &p.DeathDate); err != nil {
			return nil, err
		}
		if cat.Valid {
			p.Disability = &registry.Disability{Category: cat.String, Level: int(level.Int64), Certificate: cert}
		}
		if selfCare != "" {
			p.SelfCare = &registry.SelfCare{}
			if err := json.Unmarshal([]byte(selfCare), p.SelfCare); err != nil {
				return nil, err
			}
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// personHold is where a person is seen from: their household (current,
// or the last one they were in) and its region.
type personHold struct {
	hid    int64
	region string
	id     registry.IDNumber
}

// personHousehold finds a person's current household and checks scope on
// it; a person in no household is seen through the last one they were in.
func (db *DB) personHousehold(ctx context.Context, pid int64, what string) (personHold, error) {
	var hid sql.NullInt64
	var idn string
	if err := db.QueryRow(ctx, `SELECT household_id, id_number FROM persons WHERE id = ?`, pid).Scan(&hid, &idn); err != nil {
		return personHold{}, notFound(err, "该成员")
	}
	h := hid.Int64
	if !hid.Valid {
		if err := db.QueryRow(ctx, `SELECT household_id FROM memberships WHERE person_id = ? ORDER BY valid_from DESC, id DESC LIMIT 1`, pid).Scan(&h); err != nil {
			return personHold{}, notFound(err, "该成员所在的家庭")
		}
	}
	reg, err := db.householdScope(ctx, h, what)
	if err != nil {
		return personHold{}, err
	}
	return personHold{hid: h, region: string(reg), id: registry.IDNumber(idn)}, nil
}

// UpdatePerson applies a change to person pid's facts from c.ValidFrom on.
func (db *DB) UpdatePerson(ctx context.Context, pid int64, c registry.PersonChange) error {
	a, err := requireHouseholds(ctx, auth.PermHouseholdWrite)
	if err != nil {
		return err
	}
	held, err := db.personHousehold(ctx, pid, "修改成员信息：")
	if err != nil {
		return err
	}
	hid, idn, reg := held.hid, held.id, held.region
	cur, err := db.personFacts(ctx, pid, db.today())
	if err != nil {
		return err
	}
	if err := c.Check(cur, idn.Birth(), db.today()); err != nil {
		return err
	}
	// A household edits its member's story only from the day the member
	// joined it: earlier days belong to the household they were in then.
	var joined minzheng.Date
	if err := db.QueryRow(ctx, `SELECT MAX(valid_from) FROM memberships WHERE person_id = ? AND household_id = ? AND superseded_at IS NULL`,
		pid, hid).Scan(&joined); err != nil {
		return fmt.Errorf("sqldb: membership: %w", err)
	}
	if c.ValidFrom < joined {
		return minzheng.Invalid("valid_from", "生效日期 %s 早于该成员加入本户的日期 %s", c.ValidFrom, joined)
	}
	return db.InTx(ctx, func(tx *Tx) error {
		vs, err := tx.personVersions(ctx, pid)
		if err != nil {
			return err
		}
		at := cover(vs, func(v personVersion) minzheng.Date { return v.validFrom }, c.ValidFrom)
		if at < 0 {
			return minzheng.Invalid("valid_from", "生效日期 %s 早于该成员最早的记录 %s", c.ValidFrom, vs[0].validFrom)
		}
		now := At(db.now())
		before := vs[len(vs)-1].facts
		base := vs[at].facts
		var stops registry.PersonStops
		after := before
		for i := at; i < len(vs); i++ {
			v := vs[i]
			f := v.facts
			from := v.validFrom
			if i == at {
				c.Apply(&f)
				from = c.ValidFrom
			} else {
				// A later version keeps what was changed in it since.
				c.ApplyLater(&f, base, &stops)
				if reflect.DeepEqual(f, v.facts) {
					continue
				}
			}
			if i > at || v.validFrom == c.ValidFrom {
				if _, err := tx.Exec(ctx, `UPDATE person_versions SET superseded_at = ? WHERE id = ?`, now, v.id); err != nil {
					return err
				}
			}
			if err := tx.insertPersonVersion(ctx, a, pid, from, f); err != nil {
				return err
			}
			if i == len(vs)-1 {
				after = f
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE persons SET name = ?, disability_category = ?, disability_level = ?, death_date = ?,
			updated_at = ? WHERE id = ?`, after.Name, disabilityCategory(after.Disability), disabilityLevel(after.Disability),
			nullDate(after.DeathDate), now, pid); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE households SET head_name = COALESCE((SELECT name FROM persons WHERE household_id = ? AND relation = 'head'), head_name),
			updated_at = ? WHERE id = ?`, hid, now, hid); err != nil {
			return err
		}
		if before.DeathDate.IsZero() && !after.DeathDate.IsZero() {
			// DESIGN.md §8: the one automatic stop, and the household's review.
			if err := tx.onDeath(ctx, db, a, hid, reg, string(idn), after.DeathDate); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, audit.Event{Action: "person.update", Entity: "household", EntityID: strconv.FormatInt(hid, 10),
			Region: reg, Summary: fmt.Sprintf("修改成员 %s（%s）的信息，自 %s 起", after.Name, idn.Masked(), c.ValidFrom),
			Before: personValues(before), After: personValues(after)})
	})
}

func personValues(p registry.PersonFacts) map[string]any {
	m := map[string]any{"name": p.Name, "phone": p.Phone, "hukou_region": p.HukouRegion, "serious_illness": p.SeriousIllness,
		"schooling": p.Schooling, "employment": p.Employment, "marital": p.Marital, "death_date": p.DeathDate.String()}
	if p.Disability != nil {
		m["disability"] = fmt.Sprintf("%s %d 级", registry.DisabilityCategories.Name(p.Disability.Category), p.Disability.Level)
	}
	if p.SelfCare != nil {
		m["self_care"] = registry.SelfCareLevels.Name(p.SelfCare.Level())
	}
	return m
}

// AddMember adds a person to household hid from validFrom.
func (db *DB) AddMember(ctx context.Context, hid int64, m registry.NewMember, id registry.IDNumber, validFrom minzheng.Date) (int64, error) {
	a, err := requireHouseholds(ctx, auth.PermHouseholdWrite)
	if err != nil {
		return 0, err
	}
	reg, err := db.householdScope(ctx, hid, "增加成员到")
	if err != nil {
		return 0, err
	}
	if validFrom.IsZero() {
		validFrom = db.today()
	}
	var pid int64
	err = db.InTx(ctx, func(tx *Tx) error {
		var n int
		var status string
		if err := tx.QueryRow(ctx, `SELECT members, status FROM households WHERE id = ?`, hid).Scan(&n, &status); err != nil {
			return err
		}
		if status == registry.StatusClosed {
			return &minzheng.Error{Code: minzheng.CodeConflict, Message: "该户已注销，不能增加成员"}
		}
		if n >= registry.MaxMembers {
			return minzheng.Invalid("members", "一户最多 %d 位成员", registry.MaxMembers)
		}
		var created minzheng.Date
		if err := tx.QueryRow(ctx, `SELECT MIN(valid_from) FROM household_versions WHERE household_id = ? AND superseded_at IS NULL`, hid).Scan(&created); err != nil {
			return err
		}
		if validFrom < created {
			return minzheng.Invalid("valid_from", "入户日期 %s 早于该户建档的日期 %s", validFrom, created)
		}
		if m.Relation == "head" {
			var heads int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM persons WHERE household_id = ? AND relation = 'head'`, hid).Scan(&heads); err != nil {
				return err
			}
			if heads > 0 {
				return minzheng.Invalid("relation", "该户已有户主；更换户主请先修改原户主的关系")
			}
		}
		if pid, err = tx.upsertPerson(ctx, a, hid, reg, id, m, validFrom); err != nil {
			return err
		}
		if err := tx.insertFacts(ctx, a, hid, pid, m.Incomes, m.Assets, m.Expenses); err != nil {
			return err
		}
		if err := tx.insertPersonFacts(ctx, a, pid, m.Supporters, m.ParentStatuses); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE households SET members = members + 1,
			head_name = CASE WHEN ? = 'head' THEN ? ELSE head_name END, updated_at = ? WHERE id = ?`,
			m.Relation, m.Name, At(db.now()), hid); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.Event{Action: "household.member_add", Entity: "household", EntityID: strconv.FormatInt(hid, 10),
			Region: string(reg), Summary: fmt.Sprintf("第 %d 户增加成员 %s（%s），自 %s 起", hid, m.Name, registry.Relations.Name(m.Relation), validFrom),
			After: map[string]any{"name": m.Name, "id_number": string(id), "relation": m.Relation}})
	})
	return pid, err
}

// EndMember ends person pid's membership of household hid from day d (the
// first day they are no longer a member), or, when relation is not empty,
// changes their relation to the head from d.
func (db *DB) EndMember(ctx context.Context, hid, pid int64, d minzheng.Date, relation, reason string) error {
	a, err := requireHouseholds(ctx, auth.PermHouseholdWrite)
	if err != nil {
		return err
	}
	reg, err := db.householdScope(ctx, hid, "修改成员：")
	if err != nil {
		return err
	}
	if d.IsZero() {
		d = db.today()
	}
	if d > db.today() {
		return minzheng.Invalid("valid_from", "日期 %s 不能晚于今天", d)
	}
	if relation != "" && !registry.Relations.Has(relation) {
		return minzheng.Invalid("relation", "与户主关系“%s”不对，应为 %s 之一", relation, registry.Relations.Codes())
	}
	err = db.InTx(ctx, func(tx *Tx) error {
		var name, cur string
		if err := tx.QueryRow(ctx, `SELECT name, COALESCE(relation, '') FROM persons WHERE id = ? AND household_id = ?`, pid, hid).Scan(&name, &cur); err != nil {
			return notFound(err, "该成员在本户的在册记录")
		}
		if relation != "" && relation == cur {
			return errNoChange // the relation is already that: nothing to record
		}
		if relation == "head" && cur != "head" {
			var head string
			err := tx.QueryRow(ctx, `SELECT name FROM persons WHERE household_id = ? AND relation = 'head'`, hid).Scan(&head)
			if err == nil {
				return minzheng.Invalid("relation", "该户已有户主（%s）；请先把原户主改为其他关系，再设新户主", head)
			}
		}
		if relation == "" && cur == "head" {
			var others int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM persons WHERE household_id = ? AND id <> ?`, hid, pid).Scan(&others); err != nil {
				return err
			}
			if others > 0 {
				return minzheng.Invalid("person_id", "户主不能直接迁出：请先把另一位成员设为户主")
			}
		}
		if err := tx.endMemberships(ctx, a, hid, pid, d); err != nil {
			return err
		}
		summary := fmt.Sprintf("成员 %s 自 %s 起不再是第 %d 户成员", name, d, hid)
		if reason != "" {
			summary += "（" + reason + "）"
		}
		if relation != "" {
			now := At(db.now())
			if _, err := tx.Exec(ctx, `INSERT INTO memberships (household_id, person_id, relation, valid_from, recorded_at, recorded_by)
				VALUES (?, ?, ?, ?, ?, ?)`, hid, pid, relation, d, now, a.Username); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE persons SET household_id = ?, relation = ?, updated_at = ? WHERE id = ?`, hid, relation, now, pid); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE households SET members = (SELECT COUNT(*) FROM persons WHERE household_id = ?),
				head_name = COALESCE((SELECT name FROM persons WHERE household_id = ? AND relation = 'head'), ''), updated_at = ? WHERE id = ?`,
				hid, hid, now, hid); err != nil {
				return err
			}
			summary = fmt.Sprintf("成员 %s 与户主关系自 %s 起改为%s", name, d, registry.Relations.Name(relation))
		}
		action := "household.member_end"
		if relation != "" {
			action = "person.update"
		}
		return tx.Audit(ctx, audit.Event{Action: action, Entity: "household", EntityID: strconv.FormatInt(hid, 10),
			Region: string(reg), Summary: summary, Before: map[string]any{"relation": cur}, After: map[string]any{"relation": relation}})
	})
	if errors.Is(err, errNoChange) {
		return nil
	}
	return err
}

// RevealIDNumber returns person pid's whole ID number to an actor whose role
// may see it, and records that it was shown.
func (db *DB) RevealIDNumber(ctx context.Context, pid int64) (registry.IDNumber, error) {
	a, err := actor(ctx)
	if err != nil {
		return "", err
	}
	if err := auth.Require(a, auth.PermIDReveal); err != nil {
		return "", err
	}
	held, err := db.personHousehold(ctx, pid, "查看完整身份证号：")
	if err != nil {
		return "", err
	}
	hid, idn, reg := held.hid, held.id, held.region
	if err := db.AuditAlone(ctx, audit.Event{Action: "id_number.reveal", Entity: "household", EntityID: strconv.FormatInt(hid, 10),
		Region: reg, Summary: fmt.Sprintf("查看了第 %d 户成员 %s 的完整身份证号", hid, idn.Masked())}); err != nil {
		return "", err
	}
	return idn, nil
}

// PersonHouseholdID is the household a person is in now (or was last in),
// scope-checked.
func (db *DB) PersonHouseholdID(ctx context.Context, pid int64) (int64, error) {
	if _, err := requireHouseholds(ctx, auth.PermHouseholdRead); err != nil {
		return 0, err
	}
	held, err := db.personHousehold(ctx, pid, "查看")
	return held.hid, err
}

// HouseholdHistory is the household's timeline: every audited change to it,
// newest first, for those who may read the household (not only those who
// may read the whole log).
func (db *DB) HouseholdHistory(ctx context.Context, hid int64, page, perPage int) ([]audit.Entry, int, error) {
	if _, err := requireHouseholds(ctx, auth.PermHouseholdRead); err != nil {
		return nil, 0, err
	}
	if _, err := db.householdScope(ctx, hid, "查看变更记录："); err != nil {
		return nil, 0, err
	}
	// Changes only: refused attempts and showings of ID numbers are in the
	// operation log, for those who supervise, not in the household's story.
	return db.AuditEntries(ctx, AuditFilter{Entity: "household", EntityID: strconv.FormatInt(hid, 10), Page: page, PerPage: perPage,
		ExcludeActions: []string{"scope.denied", "id_number.reveal"}})
}

// HouseholdRecorded says when and by whom a household was first recorded,
// and from which day: the start of its timeline, also for households that
// came in by an import (recorded in the log as one entry for the file).
func (db *DB) HouseholdRecorded(ctx context.Context, hid int64) (at Instant, by string, from minzheng.Date, err error) {
	if _, err = db.householdScope(ctx, hid, "查看"); err != nil {
		return at, "", 0, err
	}
	err = db.QueryRow(ctx, `SELECT recorded_at, recorded_by, valid_from FROM household_versions WHERE household_id = ?
		ORDER BY recorded_at, id LIMIT 1`, hid).Scan(&at, &by, &from)
	return at, by, from, notFound(err, "该户的建档记录")
}
