package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"minzheng"
	"minzheng/audit"
	"minzheng/auth"
	"minzheng/region"
)

func init() {
	audit.Register("user.create", "新建用户")
	audit.Register("user.update", "修改用户")
	audit.Register("user.password", "修改密码")
	audit.Register("user.locked", "账户锁定")
	audit.Register("login", "登录")
	audit.Register("login.failed", "登录失败")
	audit.Register("logout", "退出登录")
	audit.Register("scope.denied", "越权访问被拒绝")
	audit.Register("demo.setup", "创建演示数据")
}

const userColumns = `id, username, display_name, role, region_code, region_level, active, locked_until, created_at, updated_at`

func scanUser(row interface{ Scan(...any) error }, extra ...any) (auth.User, error) {
	var u auth.User
	var role, reg string
	var level int
	var locked, created, updated Instant
	dest := append([]any{&u.ID, &u.Username, &u.DisplayName, &role, &reg, &level, &u.Active, &locked, &created, &updated}, extra...)
	if err := row.Scan(dest...); err != nil {
		return u, err
	}
	u.Role, u.Region, u.RegionLevel = auth.Role(role), region.Code(reg), region.Level(level)
	u.LockedUntil, u.CreatedAt, u.UpdatedAt = locked.Time, created.Time, updated.Time
	return u, nil
}

func userMap(u auth.User) map[string]any {
	return map[string]any{"username": u.Username, "display_name": u.DisplayName, "role": string(u.Role),
		"region": string(u.Region), "region_level": u.RegionLevel.String(), "active": u.Active}
}

// User returns an account in the actor's scope.
func (db *DB) User(ctx context.Context, id int64) (auth.User, error) {
	a, err := actor(ctx)
	if err != nil {
		return auth.User{}, err
	}
	if err := auth.Require(a, auth.PermUserRead); err != nil && a.UserID != id {
		return auth.User{}, err
	}
	u, err := scanUser(db.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	if err != nil {
		return u, notFound(err, "用户")
	}
	if err := db.CheckScope(ctx, "查看用户 "+u.Username, "user", strconv.FormatInt(id, 10), u.Region); err != nil {
		return auth.User{}, err
	}
	return u, nil
}

// UserFilter selects accounts for the users page.
type UserFilter struct {
	Region  region.Code // narrowed by the caller
	Role    string
	Q       string // part of the username or name
	Page    int
	PerPage int
}

// Users lists the accounts inside f.Region.
func (db *DB) Users(ctx context.Context, f UserFilter) ([]auth.User, int, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, 0, err
	}
	if err := auth.Require(a, auth.PermUserRead); err != nil {
		return nil, 0, err
	}
	cond, args := InRegion("region_code", f.Region)
	where := []string{cond}
	if f.Role != "" {
		where = append(where, "role = ?")
		args = append(args, f.Role)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		// Usernames are lower case; names are matched as typed.
		where = append(where, `(username LIKE ? ESCAPE '\' OR display_name LIKE ? ESCAPE '\')`)
		args = append(args, "%"+likeEscape(strings.ToLower(q))+"%", "%"+likeEscape(q)+"%")
	}
	w := " WHERE " + strings.Join(where, " AND ")
	var total int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM users`+w, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("sqldb: users: %w", err)
	}
	limit, offset := paging(f.Page, f.PerPage)
	rows, err := db.Query(ctx, `SELECT `+userColumns+` FROM users`+w+` ORDER BY region_code, username LIMIT ? OFFSET ?`,
		append(args, limit, offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("sqldb: users: %w", err)
	}
	defer rows.Close()
	var out []auth.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("sqldb: users: %w", err)
		}
		out = append(out, u)
	}
	return out, total, rows.Err()
}

// CreateUser creates an account from checked input; hash is the password's
// hash (computed before, outside the transaction, since it is slow).
func (db *DB) CreateUser(ctx context.Context, in auth.Checked, hash string) (auth.User, error) {
	a, err := actor(ctx)
	if err != nil {
		return auth.User{}, err
	}
	if err := auth.Require(a, auth.PermUserManage); err != nil {
		return auth.User{}, err
	}
	if err := db.CheckScope(ctx, "在辖区外新建用户", "user", in.Username, in.Region); err != nil {
		return auth.User{}, err
	}
	if in.RegionLevel != 0 {
		if _, err := db.Region(ctx, in.Region, in.RegionLevel); err != nil {
			if minzheng.ErrorCode(err) == minzheng.CodeNotFound {
				return auth.User{}, minzheng.Invalid("region", "区划代码 %s 不存在", region.Short(in.Region, in.RegionLevel))
			}
			return auth.User{}, err
		}
	}
	now := db.now()
	var u auth.User
	err = db.InTx(ctx, func(tx *Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM users WHERE username = ?`, in.Username).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return &minzheng.Error{Code: minzheng.CodeConflict, Field: "username", Message: "用户名 " + in.Username + " 已被使用"}
		}
		row := tx.QueryRow(ctx, `INSERT INTO users (username, display_name, role, region_code, region_level, password_hash, active, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING `+userColumns,
			in.Username, in.DisplayName, string(in.Role), string(in.Region), int(in.RegionLevel), hash, true, At(now), At(now))
		var err error
		if u, err = scanUser(row); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.Event{Action: "user.create", Entity: "user", EntityID: strconv.FormatInt(u.ID, 10),
			Region: string(u.Region), Summary: fmt.Sprintf("新建用户 %s（%s，%s）", u.Username, u.DisplayName, u.Role.Chinese()),
			After: userMap(u)})
	})
	if err != nil {
		if isUnique(err) {
			return auth.User{}, &minzheng.Error{Code: minzheng.CodeConflict, Field: "username", Message: "用户名 " + in.Username + " 已被使用"}
		}
		return auth.User{}, fmt.Errorf("sqldb: create user: %w", err)
	}
	return u, nil
}

// UpdateUser changes an account's name, role, region and whether it is
// active, and its password when hash is not empty. Both the account's old
// and new region must be in the actor's scope.
func (db *DB) UpdateUser(ctx context.Context, id int64, in auth.Checked, hash string) (auth.User, error) {
	a, err := actor(ctx)
	if err != nil {
		return auth.User{}, err
	}
	before, err := db.User(ctx, id)
	if err != nil {
		return auth.User{}, err
	}
	if err := auth.Require(a, auth.PermUserManage); err != nil {
		return auth.User{}, err
	}
	if err := db.CheckScope(ctx, "把用户移到辖区外", "user", strconv.FormatInt(id, 10), in.Region); err != nil {
		return auth.User{}, err
	}
	if in.Username != before.Username {
		return auth.User{}, minzheng.Invalid("username", "用户名创建后不能修改")
	}
	if a.UserID == id && (!in.Active || in.Role != before.Role) {
		return auth.User{}, minzheng.Invalid("active", "不能停用自己的账户或修改自己的角色")
	}
	if in.RegionLevel != 0 {
		if _, err := db.Region(ctx, in.Region, in.RegionLevel); err != nil {
			if minzheng.ErrorCode(err) == minzheng.CodeNotFound {
				return auth.User{}, minzheng.Invalid("region", "区划代码 %s 不存在", region.Short(in.Region, in.RegionLevel))
			}
			return auth.User{}, err
		}
	}
	now := db.now()
	var u auth.User
	err = db.InTx(ctx, func(tx *Tx) error {
		// The values before are read again in the transaction that
		// replaces them (and locked on PostgreSQL), so the audit entry's
		// "before" is what was really there.
		lock := ""
		if db.dialect == Postgres {
			lock = " FOR UPDATE"
		}
		cur, err := scanUser(tx.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`+lock, id))
		if err != nil {
			return notFound(err, "用户")
		}
		if hash == "" && in.DisplayName == cur.DisplayName && in.Role == cur.Role && in.Region == cur.Region &&
			in.RegionLevel == cur.RegionLevel && in.Active == cur.Active {
			u = cur
			return errNoChange // nothing to change, nothing to record
		}
		row := tx.QueryRow(ctx, `UPDATE users SET display_name = ?, role = ?, region_code = ?, region_level = ?, active = ?, updated_at = ?
			WHERE id = ? RETURNING `+userColumns, in.DisplayName, string(in.Role), string(in.Region), int(in.RegionLevel), in.Active, At(now), id)
		if u, err = scanUser(row); err != nil {
			return notFound(err, "用户")
		}
		summary := fmt.Sprintf("修改用户 %s", u.Username)
		if hash != "" {
			if _, err := tx.Exec(ctx, `UPDATE users SET password_hash = ?, locked_until = NULL WHERE id = ?`, hash, id); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `DELETE FROM login_failures WHERE user_id = ?`, id); err != nil {
				return err
			}
			summary += "，重设密码"
		}
		if !u.Active || u.Role != cur.Role || u.Region != cur.Region || hash != "" {
			// A changed role, region or password, or a stopped account,
			// ends the account's open sessions.
			if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, id); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, audit.Event{Action: "user.update", Entity: "user", EntityID: strconv.FormatInt(id, 10),
			Region: string(u.Region), Summary: summary, Before: userMap(cur), After: userMap(u)})
	})
	if err != nil && !errors.Is(err, errNoChange) {
		return auth.User{}, fmt.Errorf("sqldb: update user: %w", err)
	}
	return u, nil
}

// ChangeOwnPassword sets the signed-in user's password after checking the
// current one, and ends the user's other sessions and tokens (all but the
// one whose token is keep).
func (db *DB) ChangeOwnPassword(ctx context.Context, current, hash, keep string) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if a.UserID == 0 {
		return minzheng.ErrForbidden
	}
	var old string
	if err := db.QueryRow(ctx, `SELECT password_hash FROM users WHERE id = ?`, a.UserID).Scan(&old); err != nil {
		return notFound(err, "用户")
	}
	if ok, err := auth.CheckPassword(old, current); err != nil || !ok {
		return minzheng.Invalid("current", "当前密码不正确")
	}
	return db.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?`, hash, At(db.now()), a.UserID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?`, a.UserID, auth.TokenHash(keep)); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.Event{Action: "user.password", Entity: "user", EntityID: strconv.FormatInt(a.UserID, 10),
			Region: a.Region, Summary: "用户 " + a.Username + " 修改了自己的密码，其他登录已失效"})
	})
}

// CountUsers counts all accounts; serve uses it to say that a new
// database has none yet.
func (db *DB) CountUsers(ctx context.Context) (int, error) {
	if _, err := actor(ctx); err != nil {
		return 0, err
	}

	var n int
	err := db.QueryRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	return n, err
}

// The sign-in store (auth.Store).

// UserForLogin returns the account and its password hash.
func (db *DB) UserForLogin(ctx context.Context, username string) (auth.User, string, error) {
	if _, err := actor(ctx); err != nil {
		return auth.User{}, "", err
	}

	var hash string
	u, err := scanUser(db.QueryRow(ctx, `SELECT `+userColumns+`, password_hash FROM users WHERE username = ?`,
		strings.TrimSpace(username)), &hash)
	if err != nil {
		return u, "", notFound(err, "用户")
	}
	return u, hash, nil
}

// LoginFailures counts failed sign-ins since.
func (db *DB) LoginFailures(ctx context.Context, userID int64, since time.Time) (int, error) {
	if _, err := actor(ctx); err != nil {
		return 0, err
	}

	var n int
	err := db.QueryRow(ctx, `SELECT COUNT(*) FROM login_failures WHERE user_id = ? AND at >= ?`, userID, At(since)).Scan(&n)
	return n, err
}

// LoginFailed records a failed sign-in and, when lockUntil is set, locks
// the account; both audited.
func (db *DB) LoginFailed(ctx context.Context, u auth.User, lockUntil time.Time) error {
	if _, err := actor(ctx); err != nil {
		return err
	}

	return db.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO login_failures (user_id, at) VALUES (?, ?)`, u.ID, At(db.now())); err != nil {
			return err
		}
		id := strconv.FormatInt(u.ID, 10)
		if err := tx.auditAs(ctx, minzheng.Anonymous, audit.Event{Action: "login.failed", Entity: "user", EntityID: id,
			Region: string(u.Region), Summary: "用户 " + u.Username + " 登录失败（密码错误）"}); err != nil {
			return err
		}
		if lockUntil.IsZero() {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET locked_until = ? WHERE id = ?`, At(lockUntil), u.ID); err != nil {
			return err
		}
		return tx.auditAs(ctx, minzheng.System("auth"), audit.Event{Action: "user.locked", Entity: "user", EntityID: id,
			Region: string(u.Region), Summary: fmt.Sprintf("用户 %s 15 分钟内连续 %d 次登录失败，锁定至 %s", u.Username,
				auth.MaxFailures, lockUntil.In(minzheng.China).Format("15:04"))})
	})
}

// OpenSession stores a session or API token and clears the failures.
func (db *DB) OpenSession(ctx context.Context, u auth.User, kind, tokenHash string, expires time.Time) error {
	if _, err := actor(ctx); err != nil {
		return err
	}

	return db.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO sessions (token_hash, user_id, kind, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
			tokenHash, u.ID, kind, At(db.now()), At(expires)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM login_failures WHERE user_id = ?`, u.ID); err != nil {
			return err
		}
		// Expired sessions of this account go at the same time.
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = ? AND expires_at < ?`, u.ID, At(db.now())); err != nil {
			return err
		}
		how := "网页登录"
		if kind == auth.KindAPI {
			how = "接口登录（令牌）"
		}
		return tx.auditAs(ctx, u.Actor(), audit.Event{Action: "login", Entity: "user", EntityID: strconv.FormatInt(u.ID, 10),
			Region: string(u.Region), Summary: "用户 " + u.Username + " " + how})
	})
}

// IsDemo reports whether the database was made by `minzheng demo`.
func (db *DB) IsDemo(ctx context.Context) (bool, error) {
	if _, err := actor(ctx); err != nil {
		return false, err
	}

	v, _, err := db.Setting(ctx, "demo")
	return v == "true", err
}

// SessionUser returns the active account a session or API token belongs
// to, or an unauthorized error when the token is unknown or expired.
func (db *DB) SessionUser(ctx context.Context, kind, token string) (auth.User, error) {
	if _, err := actor(ctx); err != nil {
		return auth.User{}, err
	}

	var expires Instant
	u, err := scanUser(db.QueryRow(ctx, `SELECT u.id, u.username, u.display_name, u.role, u.region_code, u.region_level, u.active,
		u.locked_until, u.created_at, u.updated_at, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = ? AND s.kind = ?`, auth.TokenHash(token), kind), &expires)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && (!u.Active || !db.now().Before(expires.Time))) {
		return auth.User{}, &minzheng.Error{Code: minzheng.CodeUnauthorized, Message: "登录已过期，请重新登录"}
	}
	if err != nil {
		return auth.User{}, fmt.Errorf("sqldb: session: %w", err)
	}
	return u, nil
}

// CloseSession ends a session or API token (sign-out), audited.
func (db *DB) CloseSession(ctx context.Context, token string) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	return db.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, auth.TokenHash(token)); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.Event{Action: "logout", Entity: "user", EntityID: strconv.FormatInt(a.UserID, 10),
			Region: a.Region, Summary: "用户 " + a.Username + " 退出登录"})
	})
}

// MarkDemo marks the database as made by `minzheng demo`, which allows the
// demo password in it.
func (db *DB) MarkDemo(ctx context.Context) error {
	return db.InTx(ctx, func(tx *Tx) error {
		if err := tx.setSetting(ctx, "demo", "true"); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.Event{Action: "demo.setup", Entity: "settings", EntityID: "demo",
			Summary: "标记为演示数据库：演示账户可用演示密码登录"})
	})
}
