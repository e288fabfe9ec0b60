package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-logr/logr"
)

// errRetry marks an attempt whose push lost a race with another push.
var errRetry = errors.New("remote branch moved")

// Run checks out the ref, calls update on the worktree, commits what it changed and pushes.
//
// When update reports no files, or the files are unchanged, Run neither commits nor pushes.
// A push to the checkout branch is never forced: when it is rejected because the branch
// moved, Run fetches, resets to the new head, calls update again, commits and pushes again,
// up to the configured attempts, and then returns a PushRejectedError. A push branch other
// than the checkout branch is rebuilt from the checkout head and force-pushed with a lease.
// Other refusals return a RemoteRejectedError. The Result is meaningful with or without an
// error: after a failed extra refspec push it still reports the branch push.
func (r *Repo) Run(ctx context.Context, update UpdateFunc) (Result, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	log := logr.FromContextOrDiscard(ctx).WithValues("url", r.url.clean, "branch", r.pushBranch())
	var last error
	for attempt := 1; attempt <= r.opts.maxAttempts; attempt++ {
		if attempt > 1 {
			if err := sleep(ctx, r.backoff(attempt)); err != nil {
				return Result{Attempts: attempt - 1, Branch: r.pushBranch()}, err
			}
		}
		res, err := r.attempt(ctx, update)
		res.Attempts = attempt
		if !errors.Is(err, errRetry) {
			return res, err
		}
		log.V(1).Info("push rejected, the remote branch moved; retrying", "attempt", attempt)
		last = err
	}
	return Result{Attempts: r.opts.maxAttempts, Branch: r.pushBranch()},
		&PushRejectedError{Branch: r.pushBranch(), Attempts: r.opts.maxAttempts, Err: last}
}

// attempt is one checkout, update, commit and push.
func (r *Repo) attempt(ctx context.Context, update UpdateFunc) (Result, error) {
	res := Result{Branch: r.pushBranch()}
	repo, base, err := r.checkout(ctx)
	if err != nil {
		return res, err
	}
	res.Base = base.String()
	t, err := r.target(ctx, repo)
	if err != nil {
		return res, err
	}
	res.Head = t.headOr(base, r.switching())
	ch, err := update(ctx, r.dir)
	if err != nil {
		return res, fmt.Errorf("updating worktree: %w", err)
	}
	// The update still ran, so that a dry run sees what it would change.
	if t.modified != nil {
		return res, t.modified
	}
	if len(ch.Files) == 0 {
		return res, nil
	}
	h, msg, err := r.commit(repo, ch)
	if errors.Is(err, errNoChange) {
		return res, nil
	}
	if err != nil {
		return res, err
	}
	res.Changed, res.Message = true, msg
	return r.publish(ctx, repo, t, res, h)
}

// publish pushes commit h unless the push branch already holds the same change, then pushes
// the extra refspec.
func (r *Repo) publish(ctx context.Context, repo *gogit.Repository, t target, res Result, h plumbing.Hash) (Result, error) {
	base := plumbing.NewHash(res.Base)
	if same, err := t.holdsSameChange(repo, base, h); err != nil || same {
		return res, err
	}
	if err := r.pushBranchRef(ctx, repo, t, base, h); err != nil {
		return res, err
	}
	res.Pushed, res.Commit, res.Head = true, h.String(), h.String()
	logr.FromContextOrDiscard(ctx).V(1).Info("pushed", "commit", h.String(), "branch", r.pushBranch())
	if r.opts.pushRefspec != "" {
		return res, r.pushRefspec(ctx, repo, h)
	}
	return res, nil
}

// backoff is the wait before the given attempt (2 or more): base doubled per retry, capped,
// with jitter over its upper half.
func (r *Repo) backoff(attempt int) time.Duration {
	d := r.opts.backoffBase
	for i := 2; i < attempt && d < r.opts.backoffMax; i++ {
		d *= 2
	}
	d = min(d, r.opts.backoffMax)
	if d <= 1 {
		return d
	}
	return d/2 + rand.N(d/2+1)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return fmt.Errorf("waiting to retry the push: %w", context.Cause(ctx))
	case <-t.C:
		return nil
	}
}
