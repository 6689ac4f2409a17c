// Package job runs long work — imports, comparisons, payrolls, simulations,
// a verification of the whole audit log — in the background, stored in the
// database with its progress, so that a clerk can leave the page and come
// back to a progress bar, and a restart of the program never leaves work
// half-done: a job whose handler can resume from its checkpoint is queued
// again, any other is marked failed.
package job

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"minzheng"
)

// Status is where a job is in its life.
type Status string

// The statuses.
const (
	Queued  Status = "queued"
	Running Status = "running"
	Done    Status = "done"
	Failed  Status = "failed"
)

// Chinese is the status on screen.
func (s Status) Chinese() string {
	switch s {
	case Queued:
		return "排队中"
	case Running:
		return "进行中"
	case Done:
		return "已完成"
	case Failed:
		return "失败"
	}
	return string(s)
}

// Job is one piece of background work.
type Job struct {
	ID            int64
	Kind          string
	Title         string // Chinese, e.g. "校验操作日志"
	Status        Status
	Region        string // the region the work is about; the job acts inside it only
	Params        string // JSON
	Checkpoint    string // JSON the handler saved to resume from; "" when none
	Result        string // JSON the handler returned
	Done, Total   int64
	Message       string // the last progress message, Chinese
	Error         string // Chinese, when failed
	Attempts      int
	CreatedBy     string // username of whoever started it
	CreatedByID   int64  // their account; 0 for the system
	CreatedByRole string
	CreatedAt     time.Time
	StartedAt     time.Time
	FinishedAt    time.Time
	HeartbeatAt   time.Time
}

// Percent is the progress in whole percent (0 when the total is unknown).
func (j Job) Percent() int {
	if j.Status == Done {
		return 100
	}
	if j.Total <= 0 {
		return 0
	}
	p := int(j.Done * 100 / j.Total)
	return max(0, min(p, 100))
}

// Actor is who a job acts as: the account that started it, within the
// job's region, so that what the job writes is recorded as that clerk's
// work and limited to that clerk's rights; the system, bound to the job's
// region, for jobs the program starts itself.
func (j Job) Actor() minzheng.Actor {
	if j.CreatedByID != 0 {
		return minzheng.Actor{UserID: j.CreatedByID, Username: j.CreatedBy, Role: j.CreatedByRole, Region: j.Region}
	}
	return minzheng.Actor{Username: "system:job#" + strconv.FormatInt(j.ID, 10), Role: "system", Region: j.Region}
}

// Store keeps jobs in the database.
type Store interface {
	// EnqueueJob stores a new queued job, audited.
	EnqueueJob(ctx context.Context, j Job) (Job, error)
	// ClaimJob marks the oldest queued job running and returns it; ok is
	// false when none is queued.
	ClaimJob(ctx context.Context) (j Job, ok bool, err error)
	// JobProgress records progress, and the checkpoint when not nil.
	JobProgress(ctx context.Context, id, done, total int64, message string, checkpoint *string) error
	// FinishJob marks a job done or failed, audited.
	FinishJob(ctx context.Context, id int64, status Status, result, errMsg string) error
	// JobHeartbeat tells that the job's runner is alive.
	JobHeartbeat(ctx context.Context, id int64) error
	// RecoverJobs deals with jobs left running by a stopped program — those
	// whose last heartbeat is older than staleBefore (wall-clock time):
	// those whose kind resumable says can resume are queued again, the
	// others marked failed. Audited.
	RecoverJobs(ctx context.Context, staleBefore time.Time, resumable func(kind string) bool) (requeued, failed int, err error)
	// Job reads one job (scope-checked against the actor in ctx).
	Job(ctx context.Context, id int64) (Job, error)
}

// Handler does one kind of job.
type Handler struct {
	Kind      string
	Title     string
	Resumable bool // Run can pick up from the checkpoint it saved
	Run       func(ctx context.Context, r *Run) (result any, err error)
}

// Run is a handler's view of the job it is doing.
type Run struct {
	Job   Job
	store Store
	last  time.Time
	live  *sync.Map // the runner's progress of running jobs, by id
}

// liveProgress is a running job's progress as last reported, held in
// memory for the pages that show it.
type liveProgress struct {
	done, total int64
	message     string
}

// ProgressLive reports progress to the pages without writing it to the
// database. A job that holds the database's only write connection (a
// SQLite import, one transaction) reports this way: a progress write would
// wait for that connection, which waits for the job.
func (r *Run) ProgressLive(done, total int64, message string) {
	r.Job.Done, r.Job.Total, r.Job.Message = done, total, message
	if r.live != nil {
		r.live.Store(r.Job.ID, liveProgress{done, total, message})
	}
}

// Progress records how far the work has come. It writes at most a few
// times a second, except for the final step, so a tight loop may call it
// for every item.
func (r *Run) Progress(ctx context.Context, done, total int64, message string) error {
	now := time.Now()
	if done < total && now.Sub(r.last) < 200*time.Millisecond {
		return ctx.Err()
	}
	r.last = now
	r.ProgressLive(done, total, message)
	return r.store.JobProgress(ctx, r.Job.ID, done, total, message, nil)
}

// SaveCheckpoint records where to resume from, with the progress so far.
func (r *Run) SaveCheckpoint(ctx context.Context, done, total int64, message string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("job: checkpoint: %w", err)
	}
	s := string(b)
	r.Job.Checkpoint = s
	r.Job.Done, r.Job.Total, r.Job.Message = done, total, message
	r.last = time.Now()
	return r.store.JobProgress(ctx, r.Job.ID, done, total, message, &s)
}

// LoadCheckpoint fills v from the saved checkpoint; false when there is none.
func (r *Run) LoadCheckpoint(v any) (bool, error) {
	if r.Job.Checkpoint == "" {
		return false, nil
	}
	return true, json.Unmarshal([]byte(r.Job.Checkpoint), v)
}

// Params decodes the job's parameters into v.
func (r *Run) Params(v any) error { return json.Unmarshal([]byte(r.Job.Params), v) }

// Runner works queued jobs one at a time: the machines this runs on have two
// cores, and every job kind is already parallel inside where it pays.
//
// Several runners (several server processes on one PostgreSQL) may share
// the queue. A running job's runner beats a heartbeat into it; a job whose
// heartbeat is older than StaleAfter was left by a runner that stopped, and
// is resumed or failed by whichever runner notices first.
type Runner struct {
	Store      Store
	Poll       time.Duration // how often to look for work when not woken; default 1 s
	StaleAfter time.Duration // a running job without a heartbeat this long was abandoned; default 30 s

	live sync.Map // id → liveProgress of the jobs this runner is running

	mu       sync.Mutex
	handlers map[string]Handler
	wake     chan struct{}
	idle     chan struct{} // closed and replaced whenever the runner finds no work
}

// Register adds a handler. Call it before Start.
func (r *Runner) Register(h Handler) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.handlers == nil {
		r.handlers = map[string]Handler{}
	}
	r.handlers[h.Kind] = h
}

// Handler returns the handler of a kind.
func (r *Runner) Handler(kind string) (Handler, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	h, ok := r.handlers[kind]
	return h, ok
}

// Submit queues a job of a registered kind about region, with params, on
// behalf of the actor in ctx.
func (r *Runner) Submit(ctx context.Context, kind, region string, params any) (Job, error) {
	h, ok := r.Handler(kind)
	if !ok {
		return Job{}, fmt.Errorf("job: no handler for %q", kind)
	}
	b, err := json.Marshal(params)
	if err != nil {
		return Job{}, fmt.Errorf("job: params: %w", err)
	}
	j, err := r.Store.EnqueueJob(ctx, Job{Kind: kind, Title: h.Title, Region: region, Params: string(b)})
	if err != nil {
		return Job{}, err
	}
	r.mu.Lock()
	w := r.wake
	r.mu.Unlock()
	if w != nil {
		select {
		case w <- struct{}{}:
		default:
		}
	}
	return j, nil
}

// Start recovers jobs a previous run left running, then works the queue
// until ctx ends. It returns once recovery is done; the work goes on in a
// goroutine.
func (r *Runner) Start(ctx context.Context) error {
	sys := minzheng.WithActor(ctx, minzheng.System("job-runner"))
	if r.StaleAfter <= 0 {
		r.StaleAfter = 30 * time.Second
	}
	if err := r.recover(sys); err != nil {
		return err
	}
	lastRecover := time.Now()
	r.mu.Lock()
	r.wake = make(chan struct{}, 1)
	r.idle = make(chan struct{})
	wake := r.wake
	r.mu.Unlock()
	poll := r.Poll
	if poll <= 0 {
		poll = time.Second
	}
	go func() {
		t := time.NewTicker(poll)
		defer t.Stop()
		for {
			if time.Since(lastRecover) > r.StaleAfter/2 {
				if err := r.recover(sys); err != nil && ctx.Err() == nil {
					slog.Error("job recover", "err", err)
				}
				lastRecover = time.Now()
			}
			for r.workOne(sys) {
				if ctx.Err() != nil {
					return
				}
			}
			r.mu.Lock()
			close(r.idle)
			r.idle = make(chan struct{})
			r.mu.Unlock()
			select {
			case <-ctx.Done():
				return
			case <-wake:
			case <-t.C:
			}
		}
	}()
	return nil
}

// recover resumes or fails the jobs whose runner stopped.
func (r *Runner) recover(ctx context.Context) error {
	requeued, failed, err := r.Store.RecoverJobs(ctx, time.Now().Add(-r.StaleAfter), func(kind string) bool {
		h, ok := r.Handler(kind)
		return ok && h.Resumable
	})
	if err != nil {
		return fmt.Errorf("job: recover: %w", err)
	}
	if requeued+failed > 0 {
		slog.Info("abandoned jobs recovered", "requeued", requeued, "failed", failed)
	}
	return nil
}

// Overlay puts the in-memory progress of a job this runner is running onto
// j as read from the database.
func (r *Runner) Overlay(j *Job) {
	if r == nil || j.Status != Running {
		return
	}
	if v, ok := r.live.Load(j.ID); ok {
		p := v.(liveProgress)
		if p.done >= j.Done {
			j.Done, j.Total, j.Message = p.done, p.total, p.message
		}
	}
}

// Idle returns a channel closed the next time the runner finds the queue
// empty; tests wait on it.
func (r *Runner) Idle() <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.idle
}

// workOne claims and runs one job; false when the queue was empty.
func (r *Runner) workOne(ctx context.Context) bool {
	j, ok, err := r.Store.ClaimJob(ctx)
	if err != nil {
		if ctx.Err() == nil {
			slog.Error("job claim", "err", err)
		}
		return false
	}
	if !ok {
		return false
	}
	h, ok := r.Handler(j.Kind)
	if !ok {
		r.finish(ctx, j, Failed, "", "程序中没有这类任务的处理程序："+j.Kind)
		return true
	}
	run := &Run{Job: j, store: r.Store, live: &r.live}
	defer r.live.Delete(j.ID)
	jctx := minzheng.WithActor(ctx, j.Actor())
	stop := r.heartbeat(ctx, j.ID)
	result, err := safeRun(jctx, h, run)
	stop()
	if err != nil {
		if ctx.Err() != nil {
			// The program is stopping: leave the job running, so the next
			// start resumes it or marks it failed.
			return false
		}
		msg := "任务执行出错，请联系管理员查看日志"
		if e, ok := minzheng.AsError(err); ok {
			msg = e.Message
		}
		slog.Error("job failed", "job", j.ID, "kind", j.Kind, "err", err)
		r.finish(ctx, j, Failed, "", msg)
		return true
	}
	b, err := json.Marshal(result)
	if err != nil {
		r.finish(ctx, j, Failed, "", "任务结果无法保存")
		return true
	}
	r.finish(ctx, j, Done, string(b), "")
	return true
}

// heartbeat beats for job id until the returned stop is called.
func (r *Runner) heartbeat(ctx context.Context, id int64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(r.StaleAfter / 3)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				if err := r.Store.JobHeartbeat(ctx, id); err != nil && ctx.Err() == nil {
					slog.Error("job heartbeat", "job", id, "err", err)
				}
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

func (r *Runner) finish(ctx context.Context, j Job, s Status, result, msg string) {
	if err := r.Store.FinishJob(ctx, j.ID, s, result, msg); err != nil && ctx.Err() == nil {
		slog.Error("job finish", "job", j.ID, "err", err)
	}
}

// safeRun turns a handler's panic into an error, so one bad job does not
// stop the runner.
func safeRun(ctx context.Context, h Handler, run *Run) (result any, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("job %d panicked: %v", run.Job.ID, p)
		}
	}()
	result, err = h.Run(ctx, run)
	if err == nil && result == nil {
		err = errors.New("job: handler returned no result")
	}
	return result, err
}
