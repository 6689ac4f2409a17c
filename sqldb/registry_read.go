package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"minzheng"
	"minzheng/auth"
	"minzheng/region"
	"minzheng/registry"
)

// householdScope reads a household's current region and refuses, audited,
// an actor outside it.
func (db *DB) householdScope(ctx context.Context, id int64, what string) (region.Code, error) {
	var reg string
	if err := db.QueryRow(ctx, `SELECT region_code FROM households WHERE id = ?`, id).Scan(&reg); err != nil {
		return "", notFound(err, fmt.Sprintf("第 %d 户", id))
	}
	if err := db.CheckScope(ctx, what+"第 "+strconv.FormatInt(id, 10)+" 户", "household", strconv.FormatInt(id, 10), region.Code(reg)); err != nil {
		return "", err
	}
	return region.Code(reg), nil
}

// valid is the SQL condition for a fact that applies on day d (one ? for d,
// twice) and has not been superseded.
const valid = ` valid_from <= ? AND (valid_to IS NULL OR valid_to > ?) AND superseded_at IS NULL`

// Household returns household id as it applied on asOf (today when zero),
// with its members and their facts. ID numbers are whole in the result;
// the web layer masks them.
func (db *DB) Household(ctx context.Context, id int64, asOf minzheng.Date) (registry.Household, error) {
	if _, err := requireHouseholds(ctx, auth.PermHouseholdRead); err != nil {
		return registry.Household{}, err
	}
	if _, err := db.householdScope(ctx, id, "查看"); err != nil {
		return registry.Household{}, err
	}
	if asOf.IsZero() {
		asOf = db.today()
	}
	h := registry.Household{ID: id, AsOf: asOf}
	var bank registry.Bank
	err := db.QueryRow(ctx, `SELECT region_code, area, address, status, bank_name, bank_account, bank_holder
		FROM household_versions WHERE household_id = ? AND valid_from <= ? AND superseded_at IS NULL
		ORDER BY valid_from DESC, id DESC LIMIT 1`, id, asOf).
		Scan(&h.Region, &h.Area, &h.Address, &h.Status, &bank.Name, &bank.Account, &bank.Holder)
	if err == sql.ErrNoRows {
		return h, &minzheng.Error{Code: minzheng.CodeNotFound, Message: fmt.Sprintf("第 %d 户在 %s 尚未建档", id, asOf)}
	}
	if err != nil {
		return h, fmt.Errorf("sqldb: household version: %w", err)
	}
	if bank != (registry.Bank{}) {
		h.Bank = &bank
	}
	rows, err := db.Query(ctx, `SELECT m.person_id, m.relation, m.valid_from, p.id_number
		FROM memberships m JOIN persons p ON p.id = m.person_id
		WHERE m.household_id = ? AND m.valid_from <= ? AND (m.valid_to IS NULL OR m.valid_to > ?) AND m.superseded_at IS NULL
		ORDER BY CASE m.relation WHEN 'head' THEN 0 ELSE 1 END, p.birth_date, m.person_id`, id, asOf, asOf)
	if err != nil {
		return h, fmt.Errorf("sqldb: members: %w", err)
	}
	for rows.Next() {
		var m registry.Member
		var idn string
		if err := rows.Scan(&m.PersonID, &m.Relation, &m.Since, &idn); err != nil {
			rows.Close()
			return h, fmt.Errorf("sqldb: members: %w", err)
		}
		m.IDNumber = registry.IDNumber(idn)
		m.Sex, m.Birth = m.IDNumber.Sex(), m.IDNumber.Birth()
		h.Members = append(h.Members, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return h, err
	}
	byPerson := map[int64]*registry.Member{}
	for i := range h.Members {
		m := &h.Members[i]
		byPerson[m.PersonID] = m
		if m.PersonFacts, err = db.personFacts(ctx, m.PersonID, asOf); err != nil {
			return h, err
		}
		m.Incomes, m.Assets, m.Expenses = []registry.Income{}, []registry.Asset{}, []registry.Expense{}
		if m.Supporters, err = db.supporters(ctx, m.PersonID, asOf); err != nil {
			return h, err
		}
		if m.ParentStatuses, err = db.parentStatuses(ctx, m.PersonID, asOf); err != nil {
			return h, err
		}
	}
	h.Incomes, h.Assets, h.Expenses = []registry.Income{}, []registry.Asset{}, []registry.Expense{}
	if err := db.readFacts(ctx, id, asOf, &h, byPerson); err != nil {
		return h, err
	}
	if h.Members == nil {
		h.Members = []registry.Member{}
	}
	return h, nil
}

// personFacts reads the person's version that applied on d.
func (db *DB) personFacts(ctx context.Context, pid int64, d minzheng.Date) (registry.PersonFacts, error) {
	var p registry.PersonFacts
	var cat sql.NullString
	var level sql.NullInt64
	var cert, selfCare string
	err := db.QueryRow(ctx, `SELECT name, phone, hukou_region, disability_category, disability_level, disability_cert,
		serious_illness, self_care, schooling, employment, marital, death_date
		FROM person_versions WHERE person_id = ? AND valid_from <= ? AND superseded_at IS NULL
		ORDER BY valid_from DESC, id DESC LIMIT 1`, pid, d).
		Scan(&p.Name, &p.Phone, &p.HukouRegion, &cat, &level, &cert, &p.SeriousIllness, &selfCare,
			&p.Schooling, &p.Employment, &p.Marital, &p.DeathDate)
	if err != nil {
		return p, fmt.Errorf("sqldb: person %d version: %w", pid, err)
	}
	if cat.Valid {
		p.Disability = &registry.Disability{Category: cat.String, Level: int(level.Int64), Certificate: cert}
	}
	if selfCare != "" {
		p.SelfCare = &registry.SelfCare{}
		if err := json.Unmarshal([]byte(selfCare), p.SelfCare); err != nil {
			return p, fmt.Errorf("sqldb: person %d self-care: %w", pid, err)
		}
	}
	return p, nil
}

func (db *DB) supporters(ctx context.Context, pid int64, d minzheng.Date) ([]registry.Supporter, error) {
	rows, err := db.Query(ctx, `SELECT id, name, id_number, relation, birth_date, dibao, tekun, disability_category,
		disability_level, monthly_income, imprisoned, incapacitated, valid_from, valid_to
		FROM supporters WHERE person_id = ? AND`+valid+` ORDER BY id`, pid, d, d)
	if err != nil {
		return nil, fmt.Errorf("sqldb: supporters: %w", err)
	}
	defer rows.Close()
	out := []registry.Supporter{}
	for rows.Next() {
		var s registry.Supporter
		var cat sql.NullString
		var level sql.NullInt64
		var income int64
		if err := rows.Scan(&s.ID, &s.Name, &s.IDNumber, &s.Relation, &s.Birth, &s.Dibao, &s.Tekun, &cat, &level, &income,
			&s.Imprisoned, &s.Incapacitated, &s.ValidFrom, &s.ValidTo); err != nil {
			return nil, fmt.Errorf("sqldb: supporters: %w", err)
		}
		s.MonthlyIncome = minzheng.Fen(income)
		if cat.Valid {
			s.Disability = &registry.Disability{Category: cat.String, Level: int(level.Int64)}
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// parentStatuses reads, for each parent, the latest status that began on
// or before d.
func (db *DB) parentStatuses(ctx context.Context, pid int64, d minzheng.Date) ([]registry.ParentStatus, error) {
	rows, err := db.Query(ctx, `SELECT id, parent, status, since FROM parent_statuses
		WHERE person_id = ? AND since <= ? AND superseded_at IS NULL ORDER BY parent, since DESC, id DESC`, pid, d)
	if err != nil {
		return nil, fmt.Errorf("sqldb: parent statuses: %w", err)
	}
	defer rows.Close()
	out := []registry.ParentStatus{}
	for rows.Next() {
		var p registry.ParentStatus
		if err := rows.Scan(&p.ID, &p.Parent, &p.Status, &p.Since); err != nil {
			return nil, fmt.Errorf("sqldb: parent statuses: %w", err)
		}
		if len(out) > 0 && out[len(out)-1].Parent == p.Parent {
			continue // an older status of the same parent
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// readFacts reads the incomes, assets and expenses of household id on d,
// giving each to its member (byPerson) or to the household.
func (db *DB) readFacts(ctx context.Context, id int64, d minzheng.Date, h *registry.Household, byPerson map[int64]*registry.Member) error {
	rows, err := db.Query(ctx, `SELECT id, person_id, kind, amount, period, source, note, valid_from, valid_to
		FROM incomes WHERE household_id = ? AND`+valid+` ORDER BY id`, id, d, d)
	if err != nil {
		return fmt.Errorf("sqldb: incomes: %w", err)
	}
	for rows.Next() {
		var x registry.Income
		var pid sql.NullInt64
		var amount int64
		if err := rows.Scan(&x.ID, &pid, &x.Kind, &amount, &x.Period, &x.Source, &x.Note, &x.ValidFrom, &x.ValidTo); err != nil {
			rows.Close()
			return fmt.Errorf("sqldb: incomes: %w", err)
		}
		x.Amount, x.PersonID = minzheng.Fen(amount), pid.Int64
		if m := byPerson[x.PersonID]; m != nil {
			m.Incomes = append(m.Incomes, x)
		} else if x.PersonID == 0 {
			h.Incomes = append(h.Incomes, x)
		} // else: a person's who is no longer a member that day

	}
	rows.Close()
	rows, err = db.Query(ctx, `SELECT id, person_id, kind, value, description, valid_from, valid_to
		FROM assets WHERE household_id = ? AND`+valid+` ORDER BY id`, id, d, d)
	if err != nil {
		return fmt.Errorf("sqldb: assets: %w", err)
	}
	for rows.Next() {
		var x registry.Asset
		var pid sql.NullInt64
		var value int64
		if err := rows.Scan(&x.ID, &pid, &x.Kind, &value, &x.Description, &x.ValidFrom, &x.ValidTo); err != nil {
			rows.Close()
			return fmt.Errorf("sqldb: assets: %w", err)
		}
		x.Value, x.PersonID = minzheng.Fen(value), pid.Int64
		if m := byPerson[x.PersonID]; m != nil {
			m.Assets = append(m.Assets, x)
		} else if x.PersonID == 0 {
			h.Assets = append(h.Assets, x)
		} // else: a person's who is no longer a member that day

	}
	rows.Close()
	rows, err = db.Query(ctx, `SELECT id, person_id, kind, amount, note, valid_from, valid_to
		FROM expenses WHERE household_id = ? AND`+valid+` ORDER BY id`, id, d, d)
	if err != nil {
		return fmt.Errorf("sqldb: expenses: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var x registry.Expense
		var pid sql.NullInt64
		var amount int64
		if err := rows.Scan(&x.ID, &pid, &x.Kind, &amount, &x.Note, &x.ValidFrom, &x.ValidTo); err != nil {
			return fmt.Errorf("sqldb: expenses: %w", err)
		}
		x.Amount, x.PersonID = minzheng.Fen(amount), pid.Int64
		if m := byPerson[x.PersonID]; m != nil {
			m.Expenses = append(m.Expenses, x)
		} else if x.PersonID == 0 {
			h.Expenses = append(h.Expenses, x)
		} // else: a person's who is no longer a member that day

	}
	return rows.Err()
}

// HouseholdFilter selects households for the list, search and export.
type HouseholdFilter struct {
	Region     region.Code // narrowed by the caller
	Q          string      // a name (or its beginning), or the last digits of an ID number, or a whole ID number
	Area       string
	Status     string
	Disability bool // households with a member holding a disability certificate
	Page       int
	PerPage    int
}

// HouseholdRow is one line of the household list.
type HouseholdRow struct {
	ID        int64
	Region    region.Code
	Area      string
	Address   string
	Status    string
	HeadName  string
	Members   int
	UpdatedAt Instant
}

// householdWhere builds the list's condition.
func householdWhere(f HouseholdFilter) (string, []any, error) {
	cond, args := InRegion("h.region_code", f.Region)
	where := []string{cond}
	if f.Area != "" {
		if !registry.Areas.Has(f.Area) {
			return "", nil, minzheng.Invalid("area", "城乡属性应为 urban 或 rural")
		}
		where = append(where, "h.area = ?")
		args = append(args, f.Area)
	}
	if f.Status != "" {
		if !registry.Statuses.Has(f.Status) {
			return "", nil, minzheng.Invalid("status", "状态应为 %s 之一", registry.Statuses.Codes())
		}
		where = append(where, "h.status = ?")
		args = append(args, f.Status)
	}
	if f.Disability {
		where = append(where, "EXISTS (SELECT 1 FROM persons d WHERE d.household_id = h.id AND d.disability_category IS NOT NULL)")
	}
	q := strings.TrimSpace(f.Q)
	if len(q) == 15 && idSearch.MatchString(q) {
		// An old 15-digit number is stored upgraded to 18 digits.
		if id, err := registry.ParseIDNumber(q, 0, "q"); err == nil {
			q = string(id)
		}
	}
	if q != "" {
		pcond, pargs := InRegion("p.region_code", f.Region)
		switch {
		case idSearch.MatchString(q) && len(q) == 18:
			where = append(where, "h.id IN (SELECT p.household_id FROM persons p WHERE p.id_number = ? AND "+pcond+")")
			args = append(append(args, strings.ToUpper(q)), pargs...)
		case idSearch.MatchString(q):
			if len(q) < 4 {
				return "", nil, minzheng.Invalid("q", "按身份证号查找请至少输入后 4 位")
			}
			rev := reverse(strings.ToUpper(q))
			where = append(where, "h.id IN (SELECT p.household_id FROM persons p WHERE p.id_rev >= ? AND p.id_rev < ? AND "+pcond+")")
			args = append(append(args, rev, successor(rev)), pargs...)
		default:
			if len([]rune(q)) > 40 {
				return "", nil, minzheng.Invalid("q", "姓名太长")
			}
			// A name or its beginning: a byte range on the index.
			where = append(where, "h.id IN (SELECT p.household_id FROM persons p WHERE p.name >= ? AND p.name < ? AND "+pcond+")")
			args = append(append(args, q, q+"\U0010FFFF"), pargs...)
		}
	}
	return " WHERE " + strings.Join(where, " AND "), args, nil
}

// successor is the smallest string after every string starting with s.
func successor(s string) string { return s[:len(s)-1] + string(s[len(s)-1]+1) }

// Households lists households in the filter's region, newest first.
func (db *DB) Households(ctx context.Context, f HouseholdFilter) ([]HouseholdRow, int, error) {
	if _, err := requireHouseholds(ctx, auth.PermHouseholdRead); err != nil {
		return nil, 0, err
	}
	w, args, err := householdWhere(f)
	if err != nil {
		return nil, 0, err
	}
	var total int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM households h`+w, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("sqldb: households: %w", err)
	}
	limit, offset := paging(f.Page, f.PerPage)
	rows, err := db.Query(ctx, `SELECT h.id, h.region_code, h.area, h.address, h.status, h.head_name, h.members, h.updated_at
		FROM households h`+w+` ORDER BY h.id DESC LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("sqldb: households: %w", err)
	}
	defer rows.Close()
	var out []HouseholdRow
	for rows.Next() {
		var r HouseholdRow
		var reg string
		if err := rows.Scan(&r.ID, &reg, &r.Area, &r.Address, &r.Status, &r.HeadName, &r.Members, &r.UpdatedAt); err != nil {
			return nil, 0, fmt.Errorf("sqldb: households: %w", err)
		}
		r.Region = region.Code(reg)
		out = append(out, r)
	}
	return out, total, rows.Err()
}

// idSearch is what an ID-number search looks like: digits, perhaps ending
// in X.
var idSearch = regexp.MustCompile(`^[0-9]+[Xx]?$`)
