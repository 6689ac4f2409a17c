package sqldb

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"sort"
	"strings"
)

// Migrations are forward-only SQL files, one folder per dialect with the same
// file names (a test checks), applied in name order and recorded in
// schema_migrations.
//
//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationFiles embed.FS

// MigrationNames lists the migration files of a dialect, in order.
func MigrationNames(d Dialect) ([]string, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations/"+d.String())
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".sql") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names, nil
}

// Migrate applies every migration not yet applied, each in its own
// transaction, and returns the names it applied.
func (db *DB) Migrate(ctx context.Context) ([]string, error) {
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name TEXT PRIMARY KEY,
		applied_at TEXT NOT NULL)`); err != nil {
		return nil, fmt.Errorf("sqldb: migrate: %w", err)
	}
	names, err := MigrationNames(db.dialect)
	if err != nil {
		return nil, fmt.Errorf("sqldb: migrate: %w", err)
	}
	var applied []string
	for _, name := range names {
		body, err := migrationFiles.ReadFile("migrations/" + db.dialect.String() + "/" + name)
		if err != nil {
			return applied, fmt.Errorf("sqldb: migrate: %w", err)
		}
		did := false
		err = db.InTx(ctx, func(tx *Tx) error {
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE name = ?`, name).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.tx.ExecContext(ctx, string(body)); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)`,
				name, At(db.now())); err != nil {
				return err
			}
			did = true
			return nil
		})
		if err != nil {
			return applied, fmt.Errorf("sqldb: migration %s: %w", name, err)
		}
		if did {
			slog.Info("migration applied", "name", name, "db", db.display)
			applied = append(applied, name)
		}
	}
	return applied, nil
}

// Migrated reports whether the database has been set up by Migrate, without
// changing it: read-only commands (audit verify) refuse an empty database
// rather than create one.
func (db *DB) Migrated(ctx context.Context) bool {
	var n int
	return db.QueryRow(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&n) == nil && n > 0
}

// Setting reads a value of the settings table; ok is false when it is unset.
func (db *DB) Setting(ctx context.Context, key string) (value string, ok bool, err error) {
	rows, err := db.Query(ctx, `SELECT value FROM settings WHERE key = ?`, key)
	if err != nil {
		return "", false, fmt.Errorf("sqldb: setting %s: %w", key, err)
	}
	defer rows.Close()
	if rows.Next() {
		err = rows.Scan(&value)
		return value, err == nil, err
	}
	return "", false, rows.Err()
}

// setSetting writes a value of the settings table in tx.
func (tx *Tx) setSetting(ctx context.Context, key, value string) error {
	res, err := tx.Exec(ctx, `UPDATE settings SET value = ? WHERE key = ?`, value, key)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return nil
	}
	_, err = tx.Exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)`, key, value)
	return err
}
