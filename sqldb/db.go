// Package sqldb keeps every store of the program on database/sql, over
// SQLite (modernc.org/sqlite, the embedded default) or PostgreSQL (pgx).
//
// SQL is hand-written in the subset both engines share, with ? placeholders
// that are rebound to $n for PostgreSQL; only the DDL differs, in
// migrations/sqlite and migrations/postgres (same file names). On SQLite,
// writes go through one connection, so they are serialised, while reads use
// a small pool of read-only connections (WAL lets them run beside a write).
package sqldb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"

	"minzheng"
)

// Dialect is the SQL engine behind a DB.
type Dialect int

// The two engines.
const (
	SQLite Dialect = iota + 1
	Postgres
)

func (d Dialect) String() string {
	if d == Postgres {
		return "postgres"
	}
	return "sqlite"
}

// DB is the database of one minzheng installation.
type DB struct {
	dialect Dialect
	read    *sql.DB // SQLite: read-only pool; PostgreSQL: the same pool as write
	write   *sql.DB // SQLite: one connection, so writes are serialised
	display string  // the URL without its password, for messages
	clock   minzheng.Clock

	rebound sync.Map // query text → text with $n placeholders (PostgreSQL)
	params  paramCache
	// writers bounds the write transactions open at once and queues the
	// rest in arrival order (a channel's blocked senders are served first
	// come, first served). database/sql hands a freed connection to a
	// random waiter, which under load gives some writers many turns of
	// waiting; on PostgreSQL they would all wait on the audit chain's head
	// anyway, and waiting in Go is cheaper than in its lock manager.
	writers chan struct{}
}

// Open connects to the database named by u: "sqlite:PATH" (the file is
// created if missing) or a "postgres://…" URL. It does not migrate; see
// Migrate. The error names the database without its password.
func Open(ctx context.Context, u string, clock minzheng.Clock) (*DB, error) {
	if clock == nil {
		clock = minzheng.SystemClock{}
	}
	db := &DB{clock: clock}
	switch {
	case strings.HasPrefix(u, "sqlite:"):
		path := strings.TrimPrefix(u, "sqlite:")
		path = strings.TrimPrefix(path, "//")
		if path == "" {
			return nil, fmt.Errorf("数据库地址 %q 缺少文件路径，应为 sqlite:文件路径", u)
		}
		if mustExist(ctx) {
			if _, err := os.Stat(path); err != nil {
				return nil, fmt.Errorf("数据库文件 %s 不存在", path)
			}
		}
		db.dialect = SQLite
		db.display = "sqlite:" + path
		base := "file:" + path + "?_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"
		// The writer gets a larger page cache (64 MiB) and keeps the
		// savepoint journals of an import in memory, so that a big import
		// does not write to disk a page at a time.
		w, err := sql.Open("sqlite", base+"&_txlock=immediate&_pragma=cache_size(-65536)&_pragma=temp_store(memory)")
		if err != nil {
			return nil, fmt.Errorf("无法打开数据库 %s：%w", db.display, err)
		}
		w.SetMaxOpenConns(1)
		db.writers = make(chan struct{}, 1)
		w.SetMaxIdleConns(1)
		w.SetConnMaxIdleTime(0)
		db.write = w
		// The write connection creates the file and switches it to WAL before
		// any reader opens it.
		if err := w.PingContext(ctx); err != nil {
			w.Close()
			return nil, fmt.Errorf("无法打开数据库 %s：%w", db.display, err)
		}
		r, err := sql.Open("sqlite", base+"&_pragma=query_only(1)&_pragma=mmap_size(4294967296)&_pragma=cache_size(-32768)")
		if err != nil {
			w.Close()
			return nil, fmt.Errorf("无法打开数据库 %s：%w", db.display, err)
		}
		r.SetMaxOpenConns(8)
		r.SetMaxIdleConns(8)
		db.read = r
	case strings.HasPrefix(u, "postgres://") || strings.HasPrefix(u, "postgresql://"):
		db.dialect = Postgres
		db.display = redact(u)
		p, err := sql.Open("pgx", u)
		if err != nil {
			return nil, fmt.Errorf("无法连接数据库 %s：%w", db.display, err)
		}
		p.SetMaxOpenConns(16)
		db.writers = make(chan struct{}, writerSlots)
		p.SetMaxIdleConns(8)
		p.SetConnMaxIdleTime(5 * time.Minute)
		db.read, db.write = p, p
	default:
		return nil, fmt.Errorf("数据库地址不对，应为 sqlite:文件路径 或 postgres://…（%s）", redactAny(u))
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.read.PingContext(pingCtx); err != nil {
		db.Close()
		return nil, fmt.Errorf("无法连接数据库 %s：%s", db.display, oneLine(err))
	}
	return db, nil
}

type existingKey struct{}

// Existing marks ctx so that Open refuses to create a new SQLite file: for
// commands that only read (audit verify), a mistyped path must be an error,
// not a new empty database.
func Existing(ctx context.Context) context.Context {
	return context.WithValue(ctx, existingKey{}, true)
}

func mustExist(ctx context.Context) bool { v, _ := ctx.Value(existingKey{}).(bool); return v }

// redact removes the password from a database URL, in its user part and in
// a password= parameter. A URL that does not parse is not shown at all.
func redact(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "postgres://（无法解析的地址，不予显示）"
	}
	if _, has := p.User.Password(); has {
		p.User = url.UserPassword(p.User.Username(), "***")
	}
	if q := p.Query(); q.Has("password") {
		q.Set("password", "***")
		p.RawQuery = q.Encode()
	}
	return p.String()
}

// redactAny shows an unknown address only up to its scheme.
func redactAny(u string) string {
	if i := strings.Index(u, ":"); i > 0 {
		return u[:i] + ":…"
	}
	return "…"
}

// oneLine puts a driver's multi-line error on one line, keeping every part:
// the reason (refused, timed out, no such host) is often on the last.
func oneLine(err error) string {
	parts := strings.Fields(strings.ReplaceAll(err.Error(), "\n", " "))
	return strings.Join(parts, " ")
}

// Close closes the connections.
func (db *DB) Close() error {
	var err error
	if db.write != nil {
		err = db.write.Close()
	}
	if db.read != nil && db.read != db.write {
		if e := db.read.Close(); err == nil {
			err = e
		}
	}
	return err
}

// Dialect tells which engine this is.
func (db *DB) Dialect() Dialect { return db.dialect }

// String names the database without its password.
func (db *DB) String() string { return db.display }

// Clock is the clock the stores stamp their writes with.
func (db *DB) Clock() minzheng.Clock { return db.clock }

// now is the current instant as stored: UTC, microseconds.
func (db *DB) now() time.Time { return db.clock.Now().UTC().Truncate(time.Microsecond) }

// bind turns ? placeholders into $1, $2 … for PostgreSQL. Queries are
// written without ? inside string literals, so a plain scan is enough.
func (db *DB) bind(q string) string {
	if db.dialect != Postgres || !strings.Contains(q, "?") {
		return q
	}
	if v, ok := db.rebound.Load(q); ok {
		return v.(string)
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	s := b.String()
	db.rebound.Store(q, s)
	return s
}

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Query runs a read outside any transaction.
func (db *DB) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return db.read.QueryContext(ctx, db.bind(q), args...)
}

// QueryRow runs a one-row read outside any transaction.
func (db *DB) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return db.read.QueryRowContext(ctx, db.bind(q), args...)
}

// Tx is a write transaction. Everything a store writes, and the audit entry
// that records it, goes through one Tx.
type Tx struct {
	db    *DB
	tx    querier
	conn  *sql.Conn            // set when the transaction was begun by hand on a connection (COPY)
	stmts map[string]*sql.Stmt // statements prepared in this transaction, by query
}

// prepared returns q prepared in the transaction, preparing it the first
// time: a bulk import runs the same few statements millions of times, and
// parsing each once instead of every time more than halves its cost. ok is
// false for a transaction begun by hand on a connection, which has no cache,
// and on PostgreSQL, where pgx already keeps each connection's statements
// prepared: preparing again would cost two more round trips per statement
// (prepare, and deallocate at the end), most of a short transaction's time.
func (tx *Tx) prepared(ctx context.Context, q string) (st *sql.Stmt, ok bool, err error) {
	if st, ok := tx.stmts[q]; ok {
		return st, true, nil
	}
	if tx.db.dialect == Postgres {
		return nil, false, nil
	}
	stx, ok := tx.tx.(*sql.Tx)
	if !ok {
		return nil, false, nil
	}
	if st, err = stx.PrepareContext(ctx, tx.db.bind(q)); err != nil {
		return nil, false, err
	}
	if tx.stmts == nil {
		tx.stmts = map[string]*sql.Stmt{}
	}
	tx.stmts[q] = st
	return st, true, nil
}

// Exec runs a statement in the transaction.
func (tx *Tx) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	st, ok, err := tx.prepared(ctx, q)
	if err != nil {
		return nil, err
	}
	if ok {
		return st.ExecContext(ctx, args...)
	}
	return tx.tx.ExecContext(ctx, tx.db.bind(q), args...)
}

// Query runs a read in the transaction.
func (tx *Tx) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return tx.tx.QueryContext(ctx, tx.db.bind(q), args...)
}

// QueryRow runs a one-row read in the transaction.
func (tx *Tx) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if st, ok, err := tx.prepared(ctx, q); err == nil && ok {
		return st.QueryRowContext(ctx, args...)
	}
	return tx.tx.QueryRowContext(ctx, tx.db.bind(q), args...)
}

// close releases the transaction's prepared statements.
func (tx *Tx) close() {
	for _, st := range tx.stmts {
		st.Close()
	}
}

// InTx runs fn in a write transaction: committed if fn returns nil, rolled
// back otherwise (and on panic), so a write that fails leaves nothing
// half-written.
func (db *DB) InTx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	if db.writers != nil {
		select {
		case db.writers <- struct{}{}:
			defer func() { <-db.writers }()
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	stx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqldb: begin: %w", err)
	}
	tx := &Tx{db: db, tx: stx}
	defer tx.close()
	defer func() {
		if p := recover(); p != nil {
			_ = stx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = stx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = stx.Commit(); err != nil {
		return fmt.Errorf("sqldb: commit: %w", err)
	}
	return nil
}

// notFound maps sql.ErrNoRows to a not_found error about what.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return minzheng.NotFound(what)
	}
	return err
}

// Instant is a point in time as stored: text of fixed width in UTC
// (audit.TimeFormat) that SQLite sorts correctly and PostgreSQL reads into
// TIMESTAMPTZ; scanning accepts either form back.
type Instant struct{ time.Time }

// At wraps t for storing.
func At(t time.Time) Instant { return Instant{t} }

// Value writes the instant, or NULL for the zero time.
func (i Instant) Value() (driver.Value, error) {
	if i.IsZero() {
		return minzheng.SQLNull, nil
	}
	return i.UTC().Format("2006-01-02T15:04:05.000000Z"), nil
}

// Ptr is the instant, or nil for the zero time (a NULL column).
func (i Instant) Ptr() *time.Time {
	if i.IsZero() {
		return nil
	}
	t := i.Time
	return &t
}

// Scan reads an instant written by Value.
func (i *Instant) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		i.Time = time.Time{}
	case time.Time:
		i.Time = v.UTC()
	case string:
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return fmt.Errorf("sqldb: instant %q: %w", v, err)
		}
		i.Time = t.UTC()
	case []byte:
		return i.Scan(string(v))
	default:
		return fmt.Errorf("sqldb: cannot scan %T into an instant", src)
	}
	return nil
}

// inConnTx runs fn in a transaction begun by hand on one dedicated
// connection, so that fn may also use the driver under it (PostgreSQL's
// COPY) inside the same transaction.
func (db *DB) inConnTx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("sqldb: connection: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN"); err != nil {
		return fmt.Errorf("sqldb: begin: %w", err)
	}
	tx := &Tx{db: db, tx: conn, conn: conn}
	defer func() {
		if p := recover(); p != nil {
			_, _ = conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
			panic(p)
		}
		if err != nil {
			_, _ = conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if _, err = conn.ExecContext(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("sqldb: commit: %w", err)
	}
	return nil
}

// Stats reports the write pool's connections, for /metrics.
func (db *DB) Stats() sql.DBStats { return db.write.Stats() }

// isUnique reports whether err is a unique-constraint violation, which both
// engines raise when two writers race for the same key: the loser gets a
// conflict, not an internal error.
func isUnique(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "23505"
	}
	return strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// writerSlots is how many write transactions PostgreSQL runs at once: 4
// measured best on the load test of docs/BENCHMARKS.md (2 and 8 no better).
const writerSlots = 4
