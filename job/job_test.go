package job_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"minzheng"
	"minzheng/job"
	"minzheng/sqldb"
	"minzheng/sqldb/sqltest"
)

func sys() context.Context { return minzheng.WithActor(context.Background(), minzheng.System("test")) }

// waitFor polls until the job ends.
func waitFor(t *testing.T, db *sqldb.DB, id int64) job.Job {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		j, err := db.Job(sys(), id)
		if err != nil {
			t.Fatal(err)
		}
		if j.Status == job.Done || j.Status == job.Failed {
			return j
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("job %d did not finish", id)
	return job.Job{}
}

// counting counts to its params' N, saving a checkpoint every 10, and
// stops (as if the program were killed) at StopAt when that is set.
type countParams struct{ N, StopAt int }

func counting(resumable bool, seen *[]int) job.Handler {
	return job.Handler{Kind: "count", Title: "计数", Resumable: resumable,
		Run: func(ctx context.Context, r *job.Run) (any, error) {
			var p countParams
			if err := r.Params(&p); err != nil {
				return nil, err
			}
			start := 0
			if _, err := r.LoadCheckpoint(&start); err != nil {
				return nil, err
			}
			*seen = append(*seen, start)
			for i := start; i < p.N; i++ {
				if p.StopAt > 0 && i == p.StopAt {
					<-ctx.Done() // killed here
					return nil, ctx.Err()
				}
				if (i+1)%10 == 0 {
					if err := r.SaveCheckpoint(ctx, int64(i+1), int64(p.N), "计数中", i+1); err != nil {
						return nil, err
					}
				}
			}
			return map[string]int{"counted": p.N}, nil
		}}
}

func TestRunnerDoneAndFailed(t *testing.T) {
	sqltest.Each(t, sqltest.Options{Regions: sqltest.NoRegions}, func(t *testing.T, db *sqldb.DB) {
		ctx, cancel := context.WithCancel(sys())
		defer cancel()
		var seen []int
		r := &job.Runner{Store: db, Poll: 10 * time.Millisecond}
		r.Register(counting(true, &seen))
		r.Register(job.Handler{Kind: "bad", Title: "坏任务", Run: func(context.Context, *job.Run) (any, error) {
			return nil, minzheng.Invalid("file", "第 3 行的身份证号校验位不对")
		}})
		r.Register(job.Handler{Kind: "oops", Title: "出错任务", Run: func(context.Context, *job.Run) (any, error) {
			return nil, errors.New("disk full at /var/x")
		}})
		r.Register(job.Handler{Kind: "panic", Title: "崩溃任务", Run: func(context.Context, *job.Run) (any, error) {
			panic("boom")
		}})
		if err := r.Start(ctx); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name, kind string
			status     job.Status
			errText    string
		}{
			{"正常完成", "count", job.Done, ""},
			{"业务错误显示中文", "bad", job.Failed, "第 3 行的身份证号校验位不对"},
			{"内部错误不外泄", "oops", job.Failed, "任务执行出错，请联系管理员查看日志"},
			{"崩溃被接住", "panic", job.Failed, "任务执行出错，请联系管理员查看日志"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				j, err := r.Submit(sys(), c.kind, "370614000000", countParams{N: 25})
				if err != nil {
					t.Fatal(err)
				}
				got := waitFor(t, db, j.ID)
				if got.Status != c.status || got.Error != c.errText {
					t.Fatalf("got %s %q, want %s %q", got.Status, got.Error, c.status, c.errText)
				}
				if c.status == job.Done && (got.Percent() != 100 || got.Result != `{"counted":25}`) {
					t.Fatalf("done job: %d%% %s", got.Percent(), got.Result)
				}
			})
		}
		if _, err := r.Submit(sys(), "unknown", "", nil); err == nil {
			t.Fatal("submitting an unregistered kind should fail")
		}
	})
}

// TestRestart stops a runner in the middle of a job: a resumable job goes
// on from its checkpoint at the next start, another is marked failed.
func TestRestart(t *testing.T) {
	for _, resumable := range []bool{true, false} {
		name := "不可续做的标记失败"
		if resumable {
			name = "可续做的从断点继续"
		}
		t.Run(name, func(t *testing.T) {
			sqltest.Each(t, sqltest.Options{Regions: sqltest.NoRegions}, func(t *testing.T, db *sqldb.DB) {
				var seen []int
				ctx1, kill := context.WithCancel(sys())
				r1 := &job.Runner{Store: db, Poll: 10 * time.Millisecond, StaleAfter: 150 * time.Millisecond}
				r1.Register(counting(resumable, &seen))
				if err := r1.Start(ctx1); err != nil {
					t.Fatal(err)
				}
				j, err := r1.Submit(sys(), "count", "", countParams{N: 50, StopAt: 35})
				if err != nil {
					t.Fatal(err)
				}
				// Wait for the checkpoint at 30, then kill the program.
				for deadline := time.Now().Add(5 * time.Second); ; {
					cur, _ := db.Job(sys(), j.ID)
					if cur.Done == 30 {
						break
					}
					if time.Now().After(deadline) {
						t.Fatalf("no checkpoint: %+v", cur)
					}
					time.Sleep(5 * time.Millisecond)
				}
				kill()
				time.Sleep(50 * time.Millisecond)
				if cur, _ := db.Job(sys(), j.ID); cur.Status != job.Running {
					t.Fatalf("killed job is %s, want still running", cur.Status)
				}
				// A runner that starts while the job's heartbeat is fresh
				// leaves it alone: its runner may be alive elsewhere.
				if n, f, err := db.RecoverJobs(sys(), time.Now().Add(-time.Minute), func(string) bool { return true }); n+f != 0 || err != nil {
					t.Fatalf("recovered a job with a fresh heartbeat: %d %d %v", n, f, err)
				}
				time.Sleep(200 * time.Millisecond) // the heartbeat goes stale

				// The next start: same job, no stop this time.
				ctx2, cancel := context.WithCancel(sys())
				defer cancel()
				r2 := &job.Runner{Store: db, Poll: 10 * time.Millisecond, StaleAfter: 150 * time.Millisecond}
				h := counting(resumable, &seen)
				orig := h.Run
				h.Run = func(ctx context.Context, r *job.Run) (any, error) {
					r.Job.Params = `{"N":50}`
					return orig(ctx, r)
				}
				r2.Register(h)
				if err := r2.Start(ctx2); err != nil {
					t.Fatal(err)
				}
				got := waitFor(t, db, j.ID)
				if resumable {
					if got.Status != job.Done || len(seen) != 2 || seen[1] != 30 || got.Attempts != 2 {
						t.Fatalf("resumed job: %s, starts %v, attempts %d", got.Status, seen, got.Attempts)
					}
				} else if got.Status != job.Failed || got.Error != "程序重启时任务中断，已标记为失败，请重新发起" || len(seen) != 1 {
					t.Fatalf("interrupted job: %s %q, starts %v", got.Status, got.Error, seen)
				}
			})
		})
	}
}

func TestJobScope(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, db *sqldb.DB) {
		j, err := db.EnqueueJob(sys(), job.Job{Kind: "count", Title: "计数", Region: "370614000000", Params: "{}"})
		if err != nil {
			t.Fatal(err)
		}
		qh := minzheng.WithActor(context.Background(), minzheng.Actor{UserID: 9, Username: "qh", Role: "county_officer", Region: "632724000000"})
		if _, err := db.Job(qh, j.ID); !errors.Is(err, minzheng.ErrForbidden) {
			t.Fatalf("job outside the region: %v", err)
		}
		pl := minzheng.WithActor(context.Background(), minzheng.Actor{UserID: 8, Username: "pl", Role: "county_officer", Region: "370614000000"})
		if got, err := db.Job(pl, j.ID); err != nil || got.ID != j.ID {
			t.Fatalf("job inside the region: %v", err)
		}
		if js, total, err := db.Jobs(qh, "632724000000", 1, 10); err != nil || total != 0 || len(js) != 0 {
			t.Fatalf("list outside: %d %v", total, err)
		}
	})
}
