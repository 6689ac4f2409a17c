package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"minzheng"
	"minzheng/audit"
	"minzheng/region"
)

// Audit appends an entry for ev, done by the actor in ctx, to the log in
// this transaction: the change and its record commit or roll back together.
// Locking the chain's head row keeps the sequence gapless when several
// transactions write at once (SQLite serialises writers anyway).
func (tx *Tx) Audit(ctx context.Context, ev audit.Event) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	return tx.auditAs(ctx, a, ev)
}

func (tx *Tx) auditAs(ctx context.Context, a minzheng.Actor, ev audit.Event) error {
	lock := ""
	if tx.db.dialect == Postgres {
		lock = " FOR UPDATE"
	}
	var seq int64
	var hash string
	if err := tx.QueryRow(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`+lock).Scan(&seq, &hash); err != nil {
		return fmt.Errorf("sqldb: audit head: %w", err)
	}
	e := ev.Entry(a, tx.db.now())
	e.Chain(seq, hash)
	if _, err := tx.Exec(ctx, `INSERT INTO audit_log (seq, at, actor_id, actor, action, entity, entity_id,
		region_code, summary, before_values, after_values, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Seq, At(e.At), e.ActorID, e.Actor, e.Action, e.Entity, e.EntityID,
		e.Region, e.Summary, e.Before, e.After, e.PrevHash, e.Hash); err != nil {
		return fmt.Errorf("sqldb: audit append: %w", err)
	}
	if _, err := tx.Exec(ctx, `UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1`, e.Seq, e.Hash); err != nil {
		return fmt.Errorf("sqldb: audit head: %w", err)
	}
	return nil
}

// AuditAlone records ev in a transaction of its own: for events with no
// change to go with them, such as a refused attempt to see outside one's
// region or an unmasked ID number shown.
func (db *DB) AuditAlone(ctx context.Context, ev audit.Event) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.Audit(ctx, ev) })
}

// AuditDenied records that the actor in ctx tried to reach something outside
// its scope or permission. The entry is filed under the actor's own region,
// so that those who supervise the actor see it; the region reached for is
// in its values. An anonymous attempt is recorded as "anonymous".
func (db *DB) AuditDenied(ctx context.Context, what, entity, entityID string, target region.Code) error {
	a, err := actor(ctx)
	if err != nil {
		a = minzheng.Anonymous
	}
	return db.InTx(ctx, func(tx *Tx) error {
		return tx.auditAs(ctx, a, audit.Event{
			Action: "scope.denied", Entity: entity, EntityID: entityID, Region: a.Region,
			Summary: "越权访问被拒绝：" + what,
			After:   map[string]any{"target_region": string(target)},
		})
	})
}

// Deny audits the refusal and returns minzheng.ErrForbidden: the one way a
// store or handler refuses an actor something outside its region.
func (db *DB) Deny(ctx context.Context, what, entity, entityID string, target region.Code) error {
	if err := db.AuditDenied(ctx, what, entity, entityID, target); err != nil {
		return err
	}
	return minzheng.ErrForbidden
}

// CheckScope refuses, and audits, an actor reaching an object in region r
// outside its own.
func (db *DB) CheckScope(ctx context.Context, what, entity, entityID string, r region.Code) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if region.ActorRegion(a).Contains(r) {
		return nil
	}
	return db.Deny(ctx, what, entity, entityID, r)
}

// AuditFilter selects log entries for the log page and API.
type AuditFilter struct {
	Region   region.Code // narrowed to the actor's region by the caller
	Actor    string
	Action   string
	Entity   string
	EntityID string
	From, To minzheng.Date // civil dates in China, inclusive
	Page     int           // from 1
	PerPage  int
	// ExcludeActions leaves these actions out.
	ExcludeActions []string
}

// AuditEntries lists entries newest first, within f.Region, with the total.
func (db *DB) AuditEntries(ctx context.Context, f AuditFilter) ([]audit.Entry, int, error) {
	if _, err := actor(ctx); err != nil {
		return nil, 0, err
	}
	cond, args := InRegion("region_code", f.Region)
	where := []string{cond}
	if f.Region == region.Country {
		where = where[:0]
	}
	if f.Actor != "" {
		where = append(where, "actor = ?")
		args = append(args, f.Actor)
	}
	if f.Action != "" {
		where = append(where, "action = ?")
		args = append(args, f.Action)
	}
	if f.Entity != "" {
		where = append(where, "entity = ?")
		args = append(args, f.Entity)
	}
	if f.EntityID != "" {
		where = append(where, "entity_id = ?")
		args = append(args, f.EntityID)
	}
	if n := len(f.ExcludeActions); n > 0 {
		where = append(where, "action NOT IN ("+strings.TrimSuffix(strings.Repeat("?,", n), ",")+")")
		for _, x := range f.ExcludeActions {
			args = append(args, x)
		}
	}
	if !f.From.IsZero() {
		where = append(where, "at >= ?")
		args = append(args, At(f.From.Time().Add(-8*time.Hour)))
	}
	if !f.To.IsZero() {
		where = append(where, "at < ?")
		args = append(args, At(f.To.AddDays(1).Time().Add(-8*time.Hour)))
	}
	w := ""
	if len(where) > 0 {
		w = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log`+w, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("sqldb: audit count: %w", err)
	}
	limit, offset := paging(f.Page, f.PerPage)
	rows, err := db.Query(ctx, `SELECT seq, at, actor_id, actor, action, entity, entity_id, region_code,
		summary, before_values, after_values, prev_hash, hash FROM audit_log`+w+
		` ORDER BY seq DESC LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("sqldb: audit list: %w", err)
	}
	defer rows.Close()
	var out []audit.Entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, e)
	}
	return out, total, rows.Err()
}

func scanEntry(rows *sql.Rows) (audit.Entry, error) {
	var e audit.Entry
	var at Instant
	err := rows.Scan(&e.Seq, &at, &e.ActorID, &e.Actor, &e.Action, &e.Entity, &e.EntityID, &e.Region,
		&e.Summary, &e.Before, &e.After, &e.PrevHash, &e.Hash)
	e.At = at.Time
	if err != nil {
		return e, fmt.Errorf("sqldb: audit scan: %w", err)
	}
	return e, nil
}

// VerifyAudit walks the whole log in sequence order and reports the first
// entry that was changed, deleted or reordered. progress, if not nil, is
// told how far the walk has come.
func (db *DB) VerifyAudit(ctx context.Context, progress func(done, total int64)) (audit.Report, error) {
	if _, err := actor(ctx); err != nil {
		return audit.Report{}, err
	}

	var headSeq int64
	var headHash string
	if err := db.QueryRow(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&headSeq, &headHash); err != nil {
		return audit.Report{}, fmt.Errorf("sqldb: audit head: %w", err)
	}
	v := audit.NewVerifier()
	// Read in pages by seq, so a log of millions of entries needs no long
	// transaction and little memory. Ordering by rowid rather than seq would
	// miss an entry moved to another seq; we read in seq order and let the
	// verifier catch gaps and broken links.
	const page = 5000
	var after int64 = -1 << 62
	var done int64
	for {
		// Only up to the head read above: entries appended while the walk
		// runs are the next walk's, not a mismatch with this one's head.
		rows, err := db.Query(ctx, `SELECT seq, at, actor_id, actor, action, entity, entity_id, region_code,
			summary, before_values, after_values, prev_hash, hash FROM audit_log WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?`,
			after, headSeq, page)
		if err != nil {
			return audit.Report{}, fmt.Errorf("sqldb: audit verify: %w", err)
		}
		n := 0
		ok := true
		for rows.Next() {
			e, err := scanEntry(rows)
			if err != nil {
				rows.Close()
				return audit.Report{}, err
			}
			n++
			after = e.Seq
			if ok = v.Add(e); !ok {
				break
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return audit.Report{}, fmt.Errorf("sqldb: audit verify: %w", err)
		}
		done += int64(n)
		if progress != nil {
			progress(done, headSeq)
		}
		if !ok || n < page {
			break
		}
	}
	return v.Finish(headSeq, headHash), nil
}

// paging turns page and per-page into LIMIT and OFFSET, with sane bounds.
func paging(page, perPage int) (limit, offset int) {
	if perPage <= 0 {
		perPage = 50
	}
	if perPage > 500 {
		perPage = 500
	}
	if page < 1 {
		page = 1
	}
	return perPage, (page - 1) * perPage
}
