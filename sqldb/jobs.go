package sqldb

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"minzheng"
	"minzheng/audit"
	"minzheng/auth"
	"minzheng/job"
	"minzheng/region"
)

func init() {
	audit.Register("job.create", "发起后台任务")
	audit.Register("job.done", "后台任务完成")
	audit.Register("job.failed", "后台任务失败")
	audit.Register("job.requeued", "后台任务重新排队")
}

const jobColumns = `id, kind, title, status, region_code, params, checkpoint, result, done, total, message, error,
	attempts, created_by, created_by_id, created_by_role, created_at, started_at, finished_at, heartbeat_at`

func scanJob(row interface{ Scan(...any) error }) (job.Job, error) {
	var j job.Job
	var status string
	var created, started, finished, heartbeat Instant
	err := row.Scan(&j.ID, &j.Kind, &j.Title, &status, &j.Region, &j.Params, &j.Checkpoint, &j.Result, &j.Done, &j.Total,
		&j.Message, &j.Error, &j.Attempts, &j.CreatedBy, &j.CreatedByID, &j.CreatedByRole, &created, &started, &finished, &heartbeat)
	j.Status = job.Status(status)
	j.CreatedAt, j.StartedAt, j.FinishedAt, j.HeartbeatAt = created.Time, started.Time, finished.Time, heartbeat.Time
	return j, err
}

// EnqueueJob stores a new queued job on behalf of the actor in ctx.
func (db *DB) EnqueueJob(ctx context.Context, j job.Job) (job.Job, error) {
	a, err := actor(ctx)
	if err != nil {
		return job.Job{}, err
	}
	if err := db.CheckScope(ctx, "在辖区外发起任务", "job", "", region.Code(j.Region)); err != nil {
		return job.Job{}, err
	}
	var out job.Job
	err = db.InTx(ctx, func(tx *Tx) error {
		row := tx.QueryRow(ctx, `INSERT INTO jobs (kind, title, status, region_code, params, created_by, created_by_id, created_by_role, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING `+jobColumns,
			j.Kind, j.Title, string(job.Queued), j.Region, j.Params, a.Username, a.UserID, a.Role, At(db.now()))
		var err error
		if out, err = scanJob(row); err != nil {
			return err
		}
		// The parameters go into the log as values, so that masking
		// reaches the fields inside them.
		var params any
		if err := json.Unmarshal([]byte(j.Params), &params); err != nil {
			return fmt.Errorf("sqldb: job params: %w", err)
		}
		return tx.Audit(ctx, audit.Event{Action: "job.create", Entity: "job", EntityID: strconv.FormatInt(out.ID, 10),
			Region: j.Region, Summary: "发起后台任务：" + j.Title, After: map[string]any{"kind": j.Kind, "params": params}})
	})
	if err != nil {
		return job.Job{}, fmt.Errorf("sqldb: enqueue job: %w", err)
	}
	return out, nil
}

// ClaimJob marks the oldest queued job running. Writes are serialised on
// SQLite; on PostgreSQL, FOR UPDATE SKIP LOCKED lets several runners share
// the queue.
func (db *DB) ClaimJob(ctx context.Context) (job.Job, bool, error) {
	if _, err := actor(ctx); err != nil {
		return job.Job{}, false, err
	}

	var j job.Job
	found := false
	lock := ""
	if db.dialect == Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	err := db.InTx(ctx, func(tx *Tx) error {
		rows, err := tx.Query(ctx, `SELECT id FROM jobs WHERE status = ? ORDER BY id LIMIT 1`+lock, string(job.Queued))
		if err != nil {
			return err
		}
		var id int64
		if rows.Next() {
			found = true
			err = rows.Scan(&id)
		}
		rows.Close()
		if err != nil || !found {
			return err
		}
		j, err = scanJob(tx.QueryRow(ctx, `UPDATE jobs SET status = ?, attempts = attempts + 1, started_at = ?, heartbeat_at = ?
			WHERE id = ? RETURNING `+jobColumns, string(job.Running), At(db.now()), At(wallNow()), id))
		return err
	})
	if err != nil {
		return job.Job{}, false, fmt.Errorf("sqldb: claim job: %w", err)
	}
	return j, found, nil
}

// JobProgress records progress (bookkeeping of a running job, not audited:
// the job's start and end are).
func (db *DB) JobProgress(ctx context.Context, id, done, total int64, message string, checkpoint *string) error {
	if _, err := actor(ctx); err != nil {
		return err
	}

	return db.InTx(ctx, func(tx *Tx) error {
		var err error
		if checkpoint != nil {
			_, err = tx.Exec(ctx, `UPDATE jobs SET done = ?, total = ?, message = ?, checkpoint = ?, heartbeat_at = ? WHERE id = ?`,
				done, total, message, *checkpoint, At(wallNow()), id)
		} else {
			_, err = tx.Exec(ctx, `UPDATE jobs SET done = ?, total = ?, message = ?, heartbeat_at = ? WHERE id = ?`,
				done, total, message, At(wallNow()), id)
		}
		return err
	})
}

// FinishJob marks a job done or failed.
func (db *DB) FinishJob(ctx context.Context, id int64, status job.Status, result, errMsg string) error {
	if _, err := actor(ctx); err != nil {
		return err
	}

	return db.InTx(ctx, func(tx *Tx) error {
		// Only a running job finishes, and only once.
		j, err := scanJob(tx.QueryRow(ctx, `UPDATE jobs SET status = ?, result = ?, error = ?, finished_at = ?,
			done = CASE WHEN ? = 'done' THEN total ELSE done END WHERE id = ? AND status = ? RETURNING `+jobColumns,
			string(status), result, errMsg, At(db.now()), string(status), id, string(job.Running)))
		if err != nil {
			return notFound(err, "任务")
		}
		action, summary := "job.done", "后台任务完成："+j.Title
		if status == job.Failed {
			action, summary = "job.failed", "后台任务失败："+j.Title+"（"+errMsg+"）"
		}
		return tx.Audit(ctx, audit.Event{Action: action, Entity: "job", EntityID: strconv.FormatInt(id, 10),
			Region: j.Region, Summary: summary})
	})
}

// wallNow is the real time, for heartbeats: whether a runner is alive is a
// fact about this machine, not about the business day a demo or test fixes.
func wallNow() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// JobHeartbeat records that the job's runner is alive.
func (db *DB) JobHeartbeat(ctx context.Context, id int64) error {
	return db.InTx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `UPDATE jobs SET heartbeat_at = ? WHERE id = ? AND status = ?`, At(wallNow()), id, string(job.Running))
		return err
	})
}

// RecoverJobs requeues or fails jobs a stopped program left running: those
// whose heartbeat is older than staleBefore.
func (db *DB) RecoverJobs(ctx context.Context, staleBefore time.Time, resumable func(kind string) bool) (requeued, failed int, err error) {
	if _, err = actor(ctx); err != nil {
		return 0, 0, err
	}
	rows, err := db.Query(ctx, `SELECT `+jobColumns+` FROM jobs WHERE status = ? AND (heartbeat_at IS NULL OR heartbeat_at < ?) ORDER BY id`,
		string(job.Running), At(staleBefore))
	if err != nil {
		return 0, 0, fmt.Errorf("sqldb: recover jobs: %w", err)
	}
	var left []job.Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			rows.Close()
			return 0, 0, fmt.Errorf("sqldb: recover jobs: %w", err)
		}
		left = append(left, j)
	}
	rows.Close()
	for _, j := range left {
		if resumable(j.Kind) {
			err = db.InTx(ctx, func(tx *Tx) error {
				// Only if still abandoned: another runner may have got
				// there first.
				res, err := tx.Exec(ctx, `UPDATE jobs SET status = ?, message = ? WHERE id = ? AND status = ? AND (heartbeat_at IS NULL OR heartbeat_at < ?)`,
					string(job.Queued), "程序重启，任务将从上次进度继续", j.ID, string(job.Running), At(staleBefore))
				if err != nil {
					return err
				}
				if n, _ := res.RowsAffected(); n == 0 {
					return nil
				}
				return tx.Audit(ctx, audit.Event{Action: "job.requeued", Entity: "job", EntityID: strconv.FormatInt(j.ID, 10),
					Region: j.Region, Summary: "程序重启，后台任务重新排队，从上次进度继续：" + j.Title})
			})
			requeued++
		} else {
			err = db.FinishJob(ctx, j.ID, job.Failed, "", "程序重启时任务中断，已标记为失败，请重新发起")
			if minzheng.ErrorCode(err) == minzheng.CodeNotFound {
				err = nil // another runner finished it first
			}
			failed++
		}
		if err != nil {
			return requeued, failed, err
		}
	}
	return requeued, failed, nil
}

// Job reads one job inside the actor's scope.
func (db *DB) Job(ctx context.Context, id int64) (job.Job, error) {
	a, err := actor(ctx)
	if err != nil {
		return job.Job{}, err
	}
	if err := auth.Require(a, auth.PermJobRead); err != nil {
		return job.Job{}, err
	}
	j, err := scanJob(db.QueryRow(ctx, `SELECT `+jobColumns+` FROM jobs WHERE id = ?`, id))
	if err != nil {
		return j, notFound(err, "任务")
	}
	if err := db.CheckScope(ctx, "查看任务 "+strconv.FormatInt(id, 10), "job", strconv.FormatInt(id, 10), region.Code(j.Region)); err != nil {
		return job.Job{}, err
	}
	return j, nil
}

// Jobs lists the newest jobs inside r.
func (db *DB) Jobs(ctx context.Context, r region.Code, page, perPage int) ([]job.Job, int, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, 0, err
	}
	if err := auth.Require(a, auth.PermJobRead); err != nil {
		return nil, 0, err
	}
	cond, args := InRegion("region_code", r)
	var total int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM jobs WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("sqldb: jobs: %w", err)
	}
	limit, offset := paging(page, perPage)
	rows, err := db.Query(ctx, `SELECT `+jobColumns+` FROM jobs WHERE `+cond+` ORDER BY id DESC LIMIT ? OFFSET ?`,
		append(args, limit, offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("sqldb: jobs: %w", err)
	}
	defer rows.Close()
	var out []job.Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("sqldb: jobs: %w", err)
		}
		out = append(out, j)
	}
	return out, total, rows.Err()
}

var _ job.Store = (*DB)(nil)

// JobCounts counts jobs by status, for /metrics.
func (db *DB) JobCounts(ctx context.Context) (map[string]int, error) {
	rows, err := db.Query(ctx, `SELECT status, COUNT(*) FROM jobs GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("sqldb: job counts: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, rows.Err()
}

// ActiveJobParams lists the parameters of the queued and running jobs of a
// kind: what files a restart must keep.
func (db *DB) ActiveJobParams(ctx context.Context, kind string) ([]string, error) {
	rows, err := db.Query(ctx, `SELECT params FROM jobs WHERE kind = ? AND status IN (?, ?)`, kind, string(job.Queued), string(job.Running))
	if err != nil {
		return nil, fmt.Errorf("sqldb: active jobs: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
