package web

import (
	"context"
	"errors"
	"net/http"

	"minzheng"
	"minzheng/auth"
	"minzheng/job"
)

// The job kinds the web side starts.
const kindAuditVerify = "audit.verify"

func registerJobs(s *Server) {
	if s.jobs == nil {
		return
	}
	s.jobs.Register(job.Handler{
		Kind:  kindAuditVerify,
		Title: "校验操作日志哈希链",
		// Verification reads only; after a restart it is simply run again
		// from the start rather than resumed.
		Resumable: false,
		Run: func(ctx context.Context, run *job.Run) (any, error) {
			rep, err := s.db.VerifyAudit(ctx, func(done, total int64) {
				_ = run.Progress(ctx, done, total, "已校验日志")
			})
			if err != nil {
				return nil, err
			}
			res := map[string]any{"entries": rep.Entries, "last_seq": rep.LastSeq, "ok": rep.Problem == nil}
			if rep.Problem != nil {
				res["problem"] = map[string]any{"seq": rep.Problem.Seq, "kind": rep.Problem.Kind, "detail": rep.Problem.Detail}
			}
			return res, nil
		},
	})
}

// startAuditVerify queues a verification of the whole log.
func (s *Server) startAuditVerify(r *http.Request) (job.Job, error) {
	a, err := minzheng.ActorFrom(r.Context())
	if err != nil {
		return job.Job{}, err
	}
	if err := auth.Require(a, auth.PermAuditVerify); err != nil {
		return job.Job{}, err
	}
	if err := auth.RequireCountry(a, "操作日志的哈希链"); err != nil {
		return job.Job{}, err
	}
	if s.jobs == nil {
		return job.Job{}, errors.New("web: no job runner configured")
	}
	return s.jobs.Submit(r.Context(), kindAuditVerify, "", map[string]any{})
}

// jobOfKind reads the job a page follows (the {id} of its path), refusing
// one of another kind as not found, with its live progress laid over.
func (s *Server) jobOfKind(r *http.Request, kind, what string) (job.Job, error) {
	id, err := pathID(r)
	if err != nil {
		return job.Job{}, err
	}
	j, err := s.db.Job(r.Context(), id)
	if err != nil {
		return job.Job{}, err
	}
	if j.Kind != kind {
		return job.Job{}, minzheng.NotFound(what)
	}
	s.jobs.Overlay(&j)
	return j, nil
}
