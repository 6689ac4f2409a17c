package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"minzheng"
	"minzheng/audit"
	"minzheng/auth"
	"minzheng/policy"
	"minzheng/region"
)

func init() {
	audit.Register("param.add", "设定救助标准")
	audit.Register("param.seed", "载入内置标准")
}

// paramCache keeps the Book built from the params table, so that rules
// evaluated on every request do not read and parse every row each time. A
// write bumps gen after it commits; ParamBook rebuilds when the book it
// holds was built at an older generation. Reading gen before the rows
// means a write that lands during a rebuild is never lost: the book is
// stored under the older generation and rebuilt on the next call.
//
// The cache knows only the writes of this process. Two server processes
// sharing one PostgreSQL database do not see each other's new rows until
// they restart; that is not required of it (one process serves an
// installation; the command-line tools build their book afresh).
type paramCache struct {
	gen     atomic.Uint64 // bumped after every committed write to params
	mu      sync.Mutex    // held while the book is checked and rebuilt
	book    *policy.Book
	bookGen uint64
}

const paramColumns = `id, name, region, value, effective_from, effective_to, recorded_at, recorded_by,
	doc_number, doc_title, doc_article, doc_url, demo, note`

func scanParams(rows *sql.Rows) ([]policy.Param, error) {
	defer rows.Close()
	var out []policy.Param
	for rows.Next() {
		var p policy.Param
		var at Instant
		if err := rows.Scan(&p.ID, &p.Name, &p.Region, &p.Value, &p.EffectiveFrom, &p.EffectiveTo, &at, &p.RecordedBy,
			&p.Document.Number, &p.Document.Title, &p.Document.Article, &p.Document.URL, &p.Demo, &p.Note); err != nil {
			return nil, fmt.Errorf("sqldb: scan param: %w", err)
		}
		p.RecordedAt = at.Time
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqldb: params: %w", err)
	}
	return out, nil
}

// Params lists every parameter row, in the order they were recorded.
// Anyone signed in may read them: standards are public policy.
func (db *DB) Params(ctx context.Context) ([]policy.Param, error) {
	if _, err := actor(ctx); err != nil {
		return nil, err
	}
	rows, err := db.Query(ctx, `SELECT `+paramColumns+` FROM params ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("sqldb: params: %w", err)
	}
	return scanParams(rows)
}

// ParamBook is the Book of every stored row, built once and kept until a
// row is added (see paramCache). The book is immutable and may be shared.
//
// Rows go to policy.NewBook in the order they were recorded, so that where
// two rows for the same day carry the same recorded_at (the built-in rows,
// all dated 2000-01-01), the book breaks the tie as policy.BuiltinBook
// does: the national row, loaded first, before the demonstration's.
func (db *DB) ParamBook(ctx context.Context) (*policy.Book, error) {
	if _, err := actor(ctx); err != nil {
		return nil, err
	}
	c := &db.params
	c.mu.Lock()
	defer c.mu.Unlock()
	g := c.gen.Load()
	if c.book != nil && c.bookGen == g {
		return c.book, nil
	}
	rows, err := db.Params(ctx)
	if err != nil {
		return nil, err
	}
	b, err := policy.NewBook(rows)
	if err != nil {
		// A stored row the rules cannot read is the program's fault, not
		// the reader's input: an internal error, not a 400.
		return nil, fmt.Errorf("sqldb: param book: %v", err)
	}
	c.book, c.bookGen = b, g
	return b, nil
}

// AddParam records a new dated row of a parameter with its document, for an
// actor who may set standards (PermParamEdit) in a region within its own;
// only an account of the whole country sets a national row (region "").
// The row is checked (policy.Param.Check), stamped with the store's clock
// and the actor, and audited in the same transaction. A row equal to the
// one currently in force for its key — same name, region, effective_from
// and value as the row recorded last for them — is refused as a conflict:
// it would change nothing.
func (db *DB) AddParam(ctx context.Context, p policy.Param) (policy.Param, error) {
	a, err := actor(ctx)
	if err != nil {
		return policy.Param{}, err
	}
	if err := auth.Require(a, auth.PermParamEdit); err != nil {
		return policy.Param{}, err
	}
	p.Region = strings.TrimSpace(p.Region)
	if strings.Trim(p.Region, "0") == "" {
		// The API answers the whole country as twelve zeros; it may come back.
		p.Region = ""
	}
	if err := p.Check(); err != nil {
		return policy.Param{}, err
	}
	spec, _ := policy.Lookup(p.Name)
	target, where := region.Country, "全国"
	if p.Region != "" {
		code, lvl, _ := region.Parse(p.Region)
		target = code
		if err := db.CheckScope(ctx, "在辖区外设定救助标准 "+p.Name+"（区划 "+p.Region+"）", "param", p.Name, code); err != nil {
			return policy.Param{}, err
		}
		reg, err := db.Region(ctx, code, lvl)
		if err != nil {
			if minzheng.ErrorCode(err) == minzheng.CodeNotFound {
				return policy.Param{}, minzheng.Invalid("region", "区划代码 %s 不存在", p.Region)
			}
			return policy.Param{}, err
		}
		where = strings.Join(reg.Path, "")
	} else if err := db.CheckScope(ctx, "设定全国统一的救助标准 "+p.Name, "param", p.Name, region.Country); err != nil {
		return policy.Param{}, err
	}
	p.ID = 0
	p.RecordedBy = a.Username
	err = db.InTx(ctx, func(tx *Tx) error {
		if err := tx.lockParams(ctx); err != nil {
			return err
		}
		var last string
		var lastAt Instant
		err := tx.QueryRow(ctx, `SELECT value, recorded_at FROM params WHERE name = ? AND region = ? AND effective_from = ?
			ORDER BY recorded_at DESC, id DESC LIMIT 1`, p.Name, p.Region, p.EffectiveFrom).Scan(&last, &lastAt)
		found := err == nil
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if found && last == p.Value {
			return &minzheng.Error{Code: minzheng.CodeConflict, Field: "value",
				Message: fmt.Sprintf("%s在%s自 %s 起已是 %s，与最近一次录入相同，无需重复录入", spec.Title, where, p.EffectiveFrom, paramText(spec, p))}
		}
		// A correction must come after what it corrects, even when the
		// clock stands still (tests, a demo with --now) or steps back.
		now := db.now()
		if found && !now.After(lastAt.Time) {
			now = lastAt.Time.Add(time.Microsecond)
		}
		p.RecordedAt = now
		if err := tx.insertParam(ctx, &p); err != nil {
			return err
		}
		verb := "设定"
		if found {
			verb = "更正"
		}
		return tx.Audit(ctx, audit.Event{Action: "param.add", Entity: "param", EntityID: strconv.FormatInt(p.ID, 10),
			Region:  string(target),
			Summary: fmt.Sprintf("%s%s%s：自 %s 起为 %s（%s）", verb, where, spec.Title, p.EffectiveFrom, paramText(spec, p), p.Document.Source()),
			Before:  beforeParam(found, last),
			After:   paramMap(p)})
	})
	if err != nil {
		if _, ok := minzheng.AsError(err); ok {
			return policy.Param{}, err
		}
		return policy.Param{}, fmt.Errorf("sqldb: add param: %w", err)
	}
	db.params.gen.Add(1)
	return p, nil
}

// SeedParams stores the rows not already present — a row is present when
// one with the same name, region, effective_from and value is — in one
// transaction with one audit entry, and returns how many it stored. Only
// the system acts so (migrations load policy.National(), the demo
// policy.Seeds()); running it again stores nothing. A row keeps its own
// RecordedAt when it has one: the built-in rows count as recorded before
// anything a bureau enters, so a bureau's correction of the same day wins.
func (db *DB) SeedParams(ctx context.Context, rows []policy.Param) (int, error) {
	a, err := actor(ctx)
	if err != nil {
		return 0, err
	}
	if !a.IsSystem() {
		return 0, &minzheng.Error{Code: minzheng.CodeForbidden, Message: "内置标准只能由系统载入"}
	}
	checked := make([]policy.Param, len(rows))
	for i, r := range rows {
		if err := r.Check(); err != nil {
			return 0, fmt.Errorf("sqldb: seed param %s (%q, %s): %w", r.Name, r.Region, r.EffectiveFrom, err)
		}
		r.ID, r.RecordedBy = 0, a.Username
		if r.RecordedAt.IsZero() {
			r.RecordedAt = db.now()
		}
		checked[i] = r
	}
	type key struct {
		name, region, value string
		from                minzheng.Date
	}
	stored := 0
	err = db.InTx(ctx, func(tx *Tx) error {
		if err := tx.lockParams(ctx); err != nil {
			return err
		}
		rs, err := tx.Query(ctx, `SELECT name, region, effective_from, value FROM params`)
		if err != nil {
			return err
		}
		have := map[key]bool{}
		for rs.Next() {
			var k key
			if err := rs.Scan(&k.name, &k.region, &k.from, &k.value); err != nil {
				rs.Close()
				return err
			}
			have[k] = true
		}
		err = rs.Err()
		rs.Close()
		if err != nil {
			return err
		}
		n, demo := 0, 0
		for i := range checked {
			p := &checked[i]
			k := key{p.Name, p.Region, p.Value, p.EffectiveFrom}
			if have[k] {
				continue
			}
			have[k] = true
			if err := tx.insertParam(ctx, p); err != nil {
				return err
			}
			n++
			if p.Demo {
				demo++
			}
		}
		if n == 0 {
			return nil
		}
		summary := fmt.Sprintf("载入内置救助标准和参数 %d 条", n)
		if demo > 0 {
			summary += fmt.Sprintf("（其中演示标准 %d 条）", demo)
		}
		if err := tx.Audit(ctx, audit.Event{Action: "param.seed", Entity: "param", Summary: summary,
			After: map[string]any{"count": n, "demo": demo}}); err != nil {
			return err
		}
		stored = n
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("sqldb: seed params: %w", err)
	}
	if stored > 0 {
		db.params.gen.Add(1)
	}
	return stored, nil
}

// lockParams serialises the writers of params on PostgreSQL, so that two
// identical rows entered at once cannot both pass the duplicate check: it
// takes the audit chain's lock, which every write takes before it commits
// anyway. SQLite serialises writers by itself.
func (tx *Tx) lockParams(ctx context.Context) error {
	if tx.db.dialect != Postgres {
		return nil
	}
	var seq int64
	if err := tx.QueryRow(ctx, `SELECT seq FROM audit_head WHERE id = 1 FOR UPDATE`).Scan(&seq); err != nil {
		return fmt.Errorf("sqldb: lock params: %w", err)
	}
	return nil
}

func (tx *Tx) insertParam(ctx context.Context, p *policy.Param) error {
	return tx.QueryRow(ctx, `INSERT INTO params (name, region, value, effective_from, effective_to, recorded_at, recorded_by,
		doc_number, doc_title, doc_article, doc_url, demo, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		p.Name, p.Region, p.Value, p.EffectiveFrom, p.EffectiveTo, At(p.RecordedAt), p.RecordedBy,
		p.Document.Number, p.Document.Title, p.Document.Article, p.Document.URL, p.Demo, p.Note).Scan(&p.ID)
}

// paramText is a value for a sentence: money in 元, anything else as
// stored with its unit.
func paramText(spec policy.Spec, p policy.Param) string {
	v := p.Parsed()
	switch {
	case v.IsFormula():
		return p.Value
	case spec.Kind == policy.KindFen:
		return v.Fen.Yuan() + " 元"
	case spec.Unit != "":
		return p.Value + " " + spec.Unit
	}
	return p.Value
}

func beforeParam(found bool, value string) map[string]any {
	if !found {
		return nil
	}
	return map[string]any{"value": value}
}

func paramMap(p policy.Param) map[string]any {
	m := map[string]any{"name": p.Name, "region": p.Region, "value": p.Value, "effective_from": p.EffectiveFrom.String(),
		"document": p.Document.Source()}
	if !p.EffectiveTo.IsZero() {
		m["effective_to"] = p.EffectiveTo.String()
	}
	if p.Document.URL != "" {
		m["url"] = p.Document.URL
	}
	if p.Note != "" {
		m["note"] = p.Note
	}
	return m
}
