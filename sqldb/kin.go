package sqldb

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"minzheng"
	"minzheng/audit"
	"minzheng/auth"
	"minzheng/region"
	"minzheng/registry"
)

func init() {
	audit.Register("kin.add", "近亲属备案")
	audit.Register("kin.end", "结束近亲属备案")
}

// KinEntry is one registered relative (近亲属备案).
type KinEntry struct {
	ID            int64         `json:"id"`
	Region        string        `json:"region"`    // where the staff member or cadre serves (12 digits)
	IDNumber      string        `json:"id_number"` // the relative's; masked when shown
	Name          string        `json:"name"`
	Relation      string        `json:"relation"`   // the relative's relation to the staff member: spouse, child, parent …
	StaffName     string        `json:"staff_name"` // the assistance staff member or cadre
	StaffRole     string        `json:"staff_role"` // assistance_staff or village_cadre
	StaffUsername string        `json:"staff_username,omitempty"`
	ValidFrom     minzheng.Date `json:"valid_from"`
	ValidTo       minzheng.Date `json:"valid_to"`
	RecordedBy    string        `json:"recorded_by"`
}

// KinStaffRoles are who the register is about.
var KinStaffRoles = map[string]string{"assistance_staff": "社会救助经办人员", "village_cadre": "村（居）委会成员"}

// AddKin registers a relative, for a county officer within the region.
func (db *DB) AddKin(ctx context.Context, k KinEntry) (KinEntry, error) {
	a, err := actor(ctx)
	if err != nil {
		return k, err
	}
	if r := auth.Role(a.Role); !a.IsSystem() && r != auth.RoleCountyOfficer && r != auth.RoleTownshipOfficer {
		if a.IsAnonymous() {
			return k, auth.Require(a, auth.PermCaseAct)
		}
		return k, &minzheng.Error{Code: minzheng.CodeForbidden, Message: "近亲属备案由乡镇（街道）或县级民政部门登记，" + r.Chinese() + "不能登记"}
	}
	if err := auth.Require(a, auth.PermCaseAct); err != nil {
		return k, err
	}
	id, err := registry.ParseIDNumber(strings.TrimSpace(k.IDNumber), db.today(), "id_number")
	if err != nil {
		return k, err
	}
	k.IDNumber = string(id)
	if k.Name = strings.TrimSpace(k.Name); k.Name == "" {
		return k, minzheng.Invalid("name", "请填写近亲属姓名")
	}
	if !registry.Relations.Has(k.Relation) {
		return k, minzheng.Invalid("relation", "关系“%s”不对，应为 %s 之一", k.Relation, registry.Relations.Codes())
	}
	if k.StaffName = strings.TrimSpace(k.StaffName); k.StaffName == "" {
		return k, minzheng.Invalid("staff_name", "请填写经办人员或村（居）干部的姓名")
	}
	if KinStaffRoles[k.StaffRole] == "" {
		return k, minzheng.Invalid("staff_role", "身份应为 assistance_staff（社会救助经办人员）或 village_cadre（村居委会成员）")
	}
	if k.ValidFrom.IsZero() {
		k.ValidFrom = db.today()
	}
	if k.ValidFrom > db.today() {
		return k, minzheng.Invalid("valid_from", "备案日期 %s 不能晚于今天", k.ValidFrom)
	}
	if k.StaffUsername = strings.TrimSpace(k.StaffUsername); k.StaffUsername != "" {
		// The officer must be an account, or the register could never make
		// him step aside (第11条).
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM users WHERE username = ?`, k.StaffUsername).Scan(&n); err != nil {
			return k, fmt.Errorf("sqldb: add kin: %w", err)
		}
		if n == 0 {
			return k, minzheng.Invalid("staff_username", "系统中没有用户名为“%s”的工作人员；村（居）干部没有账户的，此项留空", k.StaffUsername)
		}
	}
	code, _, err := region.Parse(k.Region)
	if err != nil {
		return k, minzheng.Invalid("region", "请填写所在区划代码")
	}
	k.Region = string(code)
	if err := db.CheckScope(ctx, "在辖区外登记近亲属备案", "kin", "", code); err != nil {
		return k, err
	}
	k.RecordedBy = a.Username
	err = db.InTx(ctx, func(tx *Tx) error {
		var dup int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM kin_register WHERE id_number = ? AND staff_name = ? AND staff_role = ? AND region_code = ?
			AND (valid_to IS NULL OR valid_to > ?)`, k.IDNumber, k.StaffName, k.StaffRole, k.Region, db.today()).Scan(&dup); err != nil {
			return err
		}
		if dup > 0 {
			return &minzheng.Error{Code: minzheng.CodeConflict, Message: fmt.Sprintf("%s 与 %s 的近亲属关系已有有效备案，不能重复登记", k.Name, k.StaffName)}
		}
		if err := tx.QueryRow(ctx, `INSERT INTO kin_register (region_code, id_number, name, relation, staff_name, staff_role, staff_username,
			valid_from, recorded_at, recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			k.Region, k.IDNumber, k.Name, k.Relation, k.StaffName, k.StaffRole, k.StaffUsername, k.ValidFrom, At(db.now()), a.Username).Scan(&k.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.Event{Action: "kin.add", Entity: "kin", EntityID: strconv.FormatInt(k.ID, 10), Region: k.Region,
			Summary: fmt.Sprintf("%s（%s）的%s %s 备案", k.StaffName, KinStaffRoles[k.StaffRole], registry.Relations.Name(k.Relation), k.Name),
			After:   map[string]any{"id_number": k.IDNumber, "staff_name": k.StaffName}})
	})
	if err != nil {
		if _, ok := minzheng.AsError(err); ok {
			return k, err
		}
		return k, fmt.Errorf("sqldb: add kin: %w", err)
	}
	return k, nil
}

// EndKin ends an entry from a day.
func (db *DB) EndKin(ctx context.Context, id int64, on minzheng.Date) (KinEntry, error) {
	a, err := requireHouseholds(ctx, auth.PermCaseAct)
	if err != nil {
		return KinEntry{}, err
	}
	k, err := db.kin(ctx, id)
	if err != nil {
		return k, err
	}
	if err := db.CheckScope(ctx, "结束辖区外的近亲属备案", "kin", strconv.FormatInt(id, 10), region.Code(k.Region)); err != nil {
		return k, err
	}
	if auth.Role(a.Role) != auth.RoleCountyOfficer && auth.Role(a.Role) != auth.RoleTownshipOfficer {
		return k, &minzheng.Error{Code: minzheng.CodeForbidden, Message: "近亲属备案由乡镇（街道）或县级民政部门办理"}
	}
	if !k.ValidTo.IsZero() {
		return k, &minzheng.Error{Code: minzheng.CodeConflict, Message: "该备案已于 " + k.ValidTo.String() + " 结束"}
	}
	if on.IsZero() {
		on = db.today()
	}
	if on < k.ValidFrom {
		return k, minzheng.Invalid("valid_to", "结束日期不能早于备案日期 %s", k.ValidFrom)
	}
	err = db.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE kin_register SET valid_to = ? WHERE id = ?`, on, id); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.Event{Action: "kin.end", Entity: "kin", EntityID: strconv.FormatInt(id, 10), Region: k.Region,
			Summary: fmt.Sprintf("结束 %s 的近亲属备案（%s 起）", k.Name, on)})
	})
	if err != nil {
		return k, fmt.Errorf("sqldb: end kin: %w", err)
	}
	k.ValidTo = on
	return k, nil
}

const kinColumns = `id, region_code, id_number, name, relation, staff_name, staff_role, staff_username, valid_from, valid_to, recorded_by`

func scanKin(sc interface{ Scan(...any) error }) (KinEntry, error) {
	var k KinEntry
	err := sc.Scan(&k.ID, &k.Region, &k.IDNumber, &k.Name, &k.Relation, &k.StaffName, &k.StaffRole, &k.StaffUsername, &k.ValidFrom, &k.ValidTo, &k.RecordedBy)
	return k, err
}

func (db *DB) kin(ctx context.Context, id int64) (KinEntry, error) {
	k, err := scanKin(db.QueryRow(ctx, `SELECT `+kinColumns+` FROM kin_register WHERE id = ?`, id))
	if err != nil {
		return k, notFound(err, fmt.Sprintf("备案 %d", id))
	}
	return k, nil
}

// KinList lists the entries of a region (narrowed to the actor's); with
// current, only those in force today.
func (db *DB) KinList(ctx context.Context, scope region.Code, current bool) ([]KinEntry, error) {
	a, err := requireHouseholds(ctx, auth.PermCaseRead)
	if err != nil {
		return nil, err
	}
	scope, err = region.Narrow(region.ActorRegion(a), scope)
	if err != nil {
		return nil, db.Deny(ctx, "查看辖区外的近亲属备案", "kin", "", scope)
	}
	cond, args := InRegion("region_code", scope)
	if current {
		cond += " AND (valid_to IS NULL OR valid_to > ?)"
		args = append(args, db.today())
	}
	rows, err := db.Query(ctx, `SELECT `+kinColumns+` FROM kin_register WHERE `+cond+` ORDER BY region_code, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("sqldb: kin list: %w", err)
	}
	defer rows.Close()
	out := []KinEntry{}
	for rows.Next() {
		k, err := scanKin(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// kinOfHousehold is the staff the household's members are registered
// relatives of, on day (in the write transaction that accepts the case).
func (tx *Tx) kinOfHousehold(ctx context.Context, householdID int64, day minzheng.Date) (bool, []string, error) {
	rows, err := tx.Query(ctx, `SELECT k.staff_username FROM kin_register k
		JOIN persons p ON p.id_number = k.id_number
		JOIN memberships m ON m.person_id = p.id AND m.household_id = ? AND m.valid_from <= ? AND (m.valid_to IS NULL OR m.valid_to > ?) AND m.superseded_at IS NULL
		WHERE k.valid_from <= ? AND (k.valid_to IS NULL OR k.valid_to > ?)`, householdID, day, day, day, day)
	if err != nil {
		return false, nil, err
	}
	defer rows.Close()
	found := false
	staff := []string{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return false, nil, err
		}
		found = true
		if s != "" {
			staff = append(staff, s)
		}
	}
	return found, staff, rows.Err()
}
