package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"minzheng"
	"minzheng/audit"
	"minzheng/auth"
	"minzheng/region"
)

func init() {
	audit.Register("region.load", "载入行政区划")
	audit.Register("region.attributes", "修改区划属性")
}

// RegionsLoaded reports how many regions the database holds.
func (db *DB) RegionsLoaded(ctx context.Context) (int, error) {
	var n int
	err := db.QueryRow(ctx, `SELECT COUNT(*) FROM regions`).Scan(&n)
	return n, err
}

// LoadRegions fills an empty regions table from the embedded division data
// (only the given subtrees when only is not empty; tests load a few
// provinces). It is one transaction with one audit entry: either the whole
// tree is there or none of it. On a database that already has regions it
// does nothing and returns 0.
func (db *DB) LoadRegions(ctx context.Context, only []region.Code) (int, error) {
	if _, err := actor(ctx); err != nil {
		return 0, err
	}
	if n, err := db.RegionsLoaded(ctx); err != nil || n > 0 {
		return 0, err
	}
	var n int
	inTx := db.InTx
	if db.dialect == Postgres {
		inTx = db.inConnTx
	}
	err := inTx(ctx, func(tx *Tx) error {
		var err error
		if db.dialect == Postgres {
			n, err = tx.copyRegions(ctx, only)
		} else {
			n, err = tx.insertRegions(ctx, only)
		}
		if err != nil {
			return err
		}
		if want := totalRegions(); len(only) == 0 && n != want {
			return fmt.Errorf("sqldb: the embedded division data has %d regions, want %d", n, want)
		}
		return tx.Audit(ctx, audit.Event{
			Action: "region.load", Entity: "region", EntityID: "",
			Summary: fmt.Sprintf("载入全国统计用区划代码（2023年版）%d 条", n),
			After:   map[string]any{"count": n},
		})
	})
	if err != nil {
		return 0, fmt.Errorf("sqldb: load regions: %w", err)
	}
	return n, nil
}

func (tx *Tx) insertRegions(ctx context.Context, only []region.Code) (int, error) {
	st, err := tx.tx.(*sql.Tx).PrepareContext(ctx, `INSERT INTO regions (code, level, name, parent_code) VALUES (?, ?, ?, ?)`)
	if err != nil {
		return 0, err
	}
	defer st.Close()
	n := 0
	err = region.Divisions(only, func(r region.Region) error {
		var parent any
		if r.Parent != region.Country {
			parent = string(r.Parent)
		}
		n++
		_, err := st.ExecContext(ctx, string(r.Code), int(r.Level), r.Name, parent)
		return err
	})
	return n, err
}

// copyRegions loads through PostgreSQL's COPY, an order of magnitude faster
// than row inserts.
func (tx *Tx) copyRegions(ctx context.Context, only []region.Code) (int, error) {
	var rows [][]any
	err := region.Divisions(only, func(r region.Region) error {
		var parent any
		if r.Parent != region.Country {
			parent = string(r.Parent)
		}
		rows = append(rows, []any{string(r.Code), int16(r.Level), r.Name, parent})
		return nil
	})
	if err != nil {
		return 0, err
	}
	// COPY runs on the transaction's own connection, inside the transaction.
	var n int64
	err = tx.conn.Raw(func(dc any) error {
		c := dc.(*stdlib.Conn).Conn()
		var err error
		n, err = c.CopyFrom(ctx, pgx.Identifier{"regions"}, []string{"code", "level", "name", "parent_code"}, pgx.CopyFromRows(rows))
		return err
	})
	return int(n), err
}

// RegionRow is a region as the store answers it, with its path of names
// from the province down and its attributes (own and in effect).
type RegionRow struct {
	region.Region
	Path      []string
	Own       region.Attributes // set on this region itself
	Effective region.Attributes // in effect: own, else the nearest ancestor's, else the name's guess
	AreaFrom  string            // where Effective.Area came from: "self", an ancestor's name, or "name"
}

// Region returns one region by code and level, with its path.
func (db *DB) Region(ctx context.Context, c region.Code, l region.Level) (RegionRow, error) {
	if _, err := actor(ctx); err != nil {
		return RegionRow{}, err
	}

	var r RegionRow
	var parent sql.NullString
	err := db.QueryRow(ctx, `SELECT name, parent_code FROM regions WHERE code = ? AND level = ?`, string(c), int(l)).
		Scan(&r.Name, &parent)
	if err != nil {
		return r, notFound(err, "区划代码 "+region.Short(c, l)+" ")
	}
	r.Code, r.Level, r.Parent = c, l, region.Code(parent.String)
	if err := db.fillPaths(ctx, []*RegionRow{&r}); err != nil {
		return r, err
	}
	return r, nil
}

// RegionChildren lists the regions directly below (c, l), by code.
func (db *DB) RegionChildren(ctx context.Context, c region.Code, l region.Level) ([]RegionRow, error) {
	if _, err := db.Region(ctx, c, l); err != nil {
		return nil, err
	}
	rows, err := db.Query(ctx, `SELECT code, level, name FROM regions WHERE parent_code = ? AND level = ? ORDER BY code`,
		string(c), int(l)+1)
	if err != nil {
		return nil, fmt.Errorf("sqldb: region children: %w", err)
	}
	out, err := scanRegions(rows)
	if err != nil {
		return nil, err
	}
	return out, db.fillPaths(ctx, ptrs(out))
}

// Provinces lists the 31 provinces.
func (db *DB) Provinces(ctx context.Context) ([]RegionRow, error) {
	if _, err := actor(ctx); err != nil {
		return nil, err
	}

	rows, err := db.Query(ctx, `SELECT code, level, name FROM regions WHERE level = 1 ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("sqldb: provinces: %w", err)
	}
	out, err := scanRegions(rows)
	if err != nil {
		return nil, err
	}
	return out, db.fillPaths(ctx, ptrs(out))
}

// SearchRegions finds regions whose name contains q, inside scope, the
// higher levels first, at most limit of them, and counts all that match.
func (db *DB) SearchRegions(ctx context.Context, q string, scope region.Code, limit int) ([]RegionRow, int, error) {
	if _, err := actor(ctx); err != nil {
		return nil, 0, err
	}
	q = strings.TrimSpace(q)
	if q == "" {
		return nil, 0, minzheng.Invalid("q", "请输入要查找的地名")
	}
	if len([]rune(q)) > 30 {
		return nil, 0, minzheng.Invalid("q", "地名太长，请输入 30 个字以内")
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	cond, args := InRegion("code", scope)
	// Escape LIKE's wildcards: a search for "100%" means the text.
	pat := "%" + likeEscape(q) + "%"
	where := ` WHERE ` + cond + ` AND name LIKE ? ESCAPE '\'`
	args = append(args, pat)
	var total int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM regions`+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("sqldb: search regions: %w", err)
	}
	rows, err := db.Query(ctx, `SELECT code, level, name FROM regions`+where+` ORDER BY level, code LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, 0, fmt.Errorf("sqldb: search regions: %w", err)
	}
	out, err := scanRegions(rows)
	if err != nil {
		return nil, 0, err
	}
	return out, total, db.fillPaths(ctx, ptrs(out))
}

// likeEscape escapes LIKE's wildcards (with ESCAPE '\'), so that a search
// for "100%" means the text.
func likeEscape(q string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q)
}

func scanRegions(rows *sql.Rows) ([]RegionRow, error) {
	defer rows.Close()
	var out []RegionRow
	for rows.Next() {
		var r RegionRow
		var code string
		var level int
		if err := rows.Scan(&code, &level, &r.Name); err != nil {
			return nil, fmt.Errorf("sqldb: scan region: %w", err)
		}
		r.Code, r.Level = region.Code(code), region.Level(level)
		r.Parent = region.Parent(r.Code, r.Level)
		out = append(out, r)
	}
	return out, rows.Err()
}

func ptrs(rs []RegionRow) []*RegionRow {
	p := make([]*RegionRow, len(rs))
	for i := range rs {
		p[i] = &rs[i]
	}
	return p
}

type regionKey struct {
	code  region.Code
	level region.Level
}

// fillPaths gives each region its path of names and its attributes, reading
// all their ancestors in one query.
func (db *DB) fillPaths(ctx context.Context, rs []*RegionRow) error {
	if len(rs) == 0 {
		return nil
	}
	want := map[regionKey]bool{}
	for _, r := range rs {
		for l := region.LevelProvince; l <= r.Level; l++ {
			want[regionKey{r.Code.Ancestor(l), l}] = true
		}
	}
	codes := make([]string, 0, len(want))
	seen := map[region.Code]bool{}
	for k := range want {
		if !seen[k.code] {
			seen[k.code] = true
			codes = append(codes, string(k.code))
		}
	}
	sort.Strings(codes)
	names := map[regionKey]string{}
	attrs := map[regionKey]region.Attributes{}
	// In chunks, to stay under the engines' limits on parameters.
	for i := 0; i < len(codes); i += 500 {
		chunk := codes[i:min(i+500, len(codes))]
		in := strings.TrimSuffix(strings.Repeat("?,", len(chunk)), ",")
		args := make([]any, len(chunk))
		for j, c := range chunk {
			args[j] = c
		}
		rows, err := db.Query(ctx, `SELECT r.code, r.level, r.name, a.area, a.hardship_class
			FROM regions r LEFT JOIN region_attributes a ON a.code = r.code AND a.level = r.level
			WHERE r.code IN (`+in+`)`, args...)
		if err != nil {
			return fmt.Errorf("sqldb: region paths: %w", err)
		}
		for rows.Next() {
			var code, name string
			var level int
			var area sql.NullString
			var hc sql.NullInt64
			if err := rows.Scan(&code, &level, &name, &area, &hc); err != nil {
				rows.Close()
				return fmt.Errorf("sqldb: region paths: %w", err)
			}
			k := regionKey{region.Code(code), region.Level(level)}
			names[k] = name
			if area.Valid || hc.Valid {
				attrs[k] = region.Attributes{Area: area.String, HardshipClass: int(hc.Int64)}
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return fmt.Errorf("sqldb: region paths: %w", err)
		}
	}
	for _, r := range rs {
		r.Path = r.Path[:0]
		r.Effective = region.Attributes{}
		r.AreaFrom = ""
		for l := region.LevelProvince; l <= r.Level; l++ {
			k := regionKey{r.Code.Ancestor(l), l}
			r.Path = append(r.Path, names[k])
			a, ok := attrs[k]
			if !ok {
				continue
			}
			// The nearest setting wins: walking down, a lower one overrides.
			if a.Area != "" {
				r.Effective.Area = a.Area
				r.AreaFrom = names[k]
			}
			if a.HardshipClass != 0 {
				r.Effective.HardshipClass = a.HardshipClass
			}
			if l == r.Level {
				r.Own = a
			}
		}
		if r.Own.Area != "" {
			r.AreaFrom = "self"
		}
		if r.Effective.Area == "" {
			if g := region.AreaFromName(r.Level, r.Name); g != "" {
				r.Effective.Area, r.AreaFrom = g, "name"
			}
		}
	}
	return nil
}

// SetRegionAttributes replaces the attributes set on region (c, l), for an
// actor who may edit regions and holds this one in scope; audited with the
// values before and after.
func (db *DB) SetRegionAttributes(ctx context.Context, c region.Code, l region.Level, a region.Attributes) (RegionRow, error) {
	act, err := actor(ctx)
	if err != nil {
		return RegionRow{}, err
	}
	if err := auth.Require(act, auth.PermRegionEdit); err != nil {
		return RegionRow{}, err
	}
	if err := a.Validate(); err != nil {
		return RegionRow{}, err
	}
	reg, err := db.Region(ctx, c, l)
	if err != nil {
		return RegionRow{}, err
	}
	if err := db.CheckScope(ctx, "修改辖区外区划 "+region.Short(c, l)+" 的属性", "region", region.Short(c, l), c); err != nil {
		return RegionRow{}, err
	}
	var area, hc any
	if a.Area != "" {
		area = a.Area
	}
	if a.HardshipClass != 0 {
		hc = a.HardshipClass
	}
	err = db.InTx(ctx, func(tx *Tx) error {
		// The values before are read in the transaction that replaces them.
		var before region.Attributes
		var oldArea sql.NullString
		var oldClass sql.NullInt64
		err := tx.QueryRow(ctx, `SELECT area, hardship_class FROM region_attributes WHERE code = ? AND level = ?`,
			string(c), int(l)).Scan(&oldArea, &oldClass)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		before = region.Attributes{Area: oldArea.String, HardshipClass: int(oldClass.Int64)}
		if before == a {
			return errNoChange
		}
		if _, err := tx.Exec(ctx, `DELETE FROM region_attributes WHERE code = ? AND level = ?`, string(c), int(l)); err != nil {
			return err
		}
		if area != nil || hc != nil {
			if _, err := tx.Exec(ctx, `INSERT INTO region_attributes (code, level, area, hardship_class, updated_at, updated_by)
				VALUES (?, ?, ?, ?, ?, ?)`, string(c), int(l), area, hc, At(db.now()), act.Username); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, audit.Event{
			Action: "region.attributes", Entity: "region", EntityID: region.Short(c, l), Region: string(c),
			Summary: fmt.Sprintf("修改 %s 的区划属性", strings.Join(reg.Path, "")),
			Before:  attrMap(before), After: attrMap(a),
		})
	})
	if err != nil && !errors.Is(err, errNoChange) {
		return RegionRow{}, fmt.Errorf("sqldb: set region attributes: %w", err)
	}
	return db.Region(ctx, c, l)
}

// errNoChange ends a write transaction that would change nothing, so that
// nothing is recorded either.
var errNoChange = errors.New("sqldb: nothing to change")

func attrMap(a region.Attributes) map[string]any {
	return map[string]any{"area": a.Area, "hardship_class": strconv.Itoa(a.HardshipClass)}
}

func totalRegions() int {
	n := 0
	for _, c := range region.Counts {
		n += c
	}
	return n
}
