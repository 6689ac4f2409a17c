package sqldb

import "context"

// ExecForTest runs a statement outside the stores, for tests that tamper
// with the database on purpose.
func (db *DB) ExecForTest(ctx context.Context, q string) error {
	_, err := db.write.ExecContext(ctx, db.bind(q))
	return err
}
