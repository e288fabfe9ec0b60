package runner

import (
	"context"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/internal/adapt"
)

// schedule is how one object's loop waits between runs.
type schedule struct {
	// first is the wait before the first run.
	first time.Duration
	// interval is the wait after a success; zero waits for a trigger only.
	interval time.Duration
	// trigger makes the loop run early.
	trigger chan struct{}
	// debounce is how long to wait after a trigger for more triggers.
	debounce time.Duration
}

// triggers holds one trigger channel per policy and automation.
type triggers struct {
	policies    map[string]chan struct{}
	automations map[string]chan struct{}
}

// notify makes a loop run early; a pending trigger absorbs further ones.
func notify(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// Run reconciles every object until ctx is cancelled. Objects whose interval has passed
// since their last run (as recorded in the state dir) run at once, in dependency order;
// then each repository is scanned on its interval, each policy is evaluated when its
// repository's tags change, and each automation runs on its interval and, after a short
// debounce, when a policy it uses changes. Run returns nil once every loop has stopped.
func (r *Runner) Run(ctx context.Context) error {
	tr := triggers{policies: map[string]chan struct{}{}, automations: map[string]chan struct{}{}}
	for _, p := range r.set.Policies {
		tr.policies[key(p.Namespace, p.Name)] = make(chan struct{}, 1)
	}
	for _, a := range r.set.Automations {
		tr.automations[key(a.Namespace, a.Name)] = make(chan struct{}, 1)
	}
	log := logr.FromContextOrDiscard(ctx)
	log.Info("starting", "imagerepositories", len(r.set.Repositories), "imagepolicies", len(r.set.Policies),
		"imageupdateautomations", len(r.set.Automations), "stateDir", r.opts.StateDir)
	ran := r.startupPass(ctx, tr)
	r.setReady()
	log.Info("first pass done")
	gitSem := make(chan struct{}, gitConcurrency)
	var wg sync.WaitGroup
	for _, repo := range r.set.Repositories {
		if repo.Spec.Suspend {
			continue
		}
		wg.Go(func() {
			s := schedule{first: r.first(ran, "r/"+key(repo.Namespace, repo.Name), r.lastScan(repo), repo.Spec.Interval.Duration),
				interval: repo.Spec.Interval.Duration}
			r.loop(ctx, s, func(ctx context.Context) outcome { return r.scanAndNotify(ctx, repo, tr) })
		})
	}
	for _, pol := range r.set.Policies {
		if pol.Spec.Suspend {
			continue
		}
		wg.Go(func() {
			s := schedule{first: pol.GetInterval(), interval: pol.GetInterval(), trigger: tr.policies[key(pol.Namespace, pol.Name)]}
			r.loop(ctx, s, func(ctx context.Context) outcome { return r.selectAndNotify(ctx, pol, tr) })
		})
	}
	for _, auto := range r.set.Automations {
		if auto.Spec.Suspend {
			continue
		}
		wg.Go(func() {
			s := schedule{first: r.first(ran, "a/"+key(auto.Namespace, auto.Name), r.lastRun(auto), auto.Spec.Interval.Duration),
				interval: auto.Spec.Interval.Duration,
				trigger:  tr.automations[key(auto.Namespace, auto.Name)], debounce: r.opts.Debounce}
			r.loop(ctx, s, func(ctx context.Context) outcome { return r.automateLimited(ctx, auto, gitSem) })
		})
	}
	wg.Wait()
	log.Info("stopped")
	return nil
}

// gitConcurrency is how many automations the daemon runs at a time.
const gitConcurrency = 4

// automateLimited runs auto once sem has room, so that a burst of policy changes does not
// start every clone and push at once.
func (r *Runner) automateLimited(ctx context.Context, auto *v1alpha1.ImageUpdateAutomation, sem chan struct{}) outcome {
	select {
	case sem <- struct{}{}:
	case <-ctx.Done():
		return outcome{err: ctx.Err()}
	}
	defer func() { <-sem }()
	return r.automate(ctx, auto)
}

// startupPass scans the repositories that are due, evaluates every policy and runs the
// automations that are due or whose policies changed, in that order. It returns the
// outcome of each repository ("r/ns/name") and automation ("a/ns/name") it ran.
func (r *Runner) startupPass(ctx context.Context, tr triggers) map[string]outcome {
	ran := map[string]outcome{}
	for _, repo := range r.set.Repositories {
		if !repo.Spec.Suspend && r.due(r.lastScan(repo), repo.Spec.Interval.Duration) == 0 {
			ran["r/"+key(repo.Namespace, repo.Name)] = r.scan(ctx, repo)
		}
	}
	for _, pol := range r.set.Policies {
		if !pol.Spec.Suspend {
			r.selectAndNotify(ctx, pol, tr)
		}
	}
	for _, auto := range r.set.Automations {
		ch := tr.automations[key(auto.Namespace, auto.Name)]
		pending := len(ch) > 0
		if auto.Spec.Suspend || (!pending && r.due(r.lastRun(auto), auto.Spec.Interval.Duration) > 0) {
			continue
		}
		if pending {
			<-ch
		}
		ran["a/"+key(auto.Namespace, auto.Name)] = r.automate(ctx, auto)
	}
	return ran
}

// first returns the wait before an object's loop runs it first: after the startup pass
// ran it, the interval (or the first backoff after a failure); otherwise until it is due.
func (r *Runner) first(ran map[string]outcome, k string, last time.Time, interval time.Duration) time.Duration {
	out, ok := ran[k]
	switch {
	case !ok:
		return r.due(last, interval)
	case out.err != nil && !out.stalled:
		return r.backoff(1, interval)
	default:
		return interval
	}
}

// loop runs work on the schedule until ctx is cancelled. After a failure that may go away
// it retries with exponential backoff, capped by MaxRetry and the interval.
func (r *Runner) loop(ctx context.Context, s schedule, work func(context.Context) outcome) {
	wait, failures := s.first, 0
	for {
		if !r.wait(ctx, wait, s) {
			return
		}
		out := work(ctx)
		if ctx.Err() != nil {
			return
		}
		wait = s.interval
		if out.err != nil && !out.stalled {
			failures++
			wait = r.backoff(failures, s.interval)
		} else {
			failures = 0
		}
	}
}

// wait blocks until the wait is over or a trigger arrives (then for the debounce), and
// reports false when ctx is cancelled. With a trigger channel, a wait of zero means no
// timer: only a trigger ends it (policies without a digest interval wait like that).
func (r *Runner) wait(ctx context.Context, d time.Duration, s schedule) bool {
	var timeout <-chan time.Time
	if d > 0 || s.trigger == nil {
		t := time.NewTimer(max(d, 0))
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-ctx.Done():
		return false
	case <-timeout:
		return true
	case <-s.trigger:
	}
	if s.debounce <= 0 {
		return true
	}
	t := time.NewTimer(s.debounce)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
			return true
		case <-s.trigger:
		}
	}
}

// backoff returns the wait before retry number n: MinRetry doubled per failure, capped
// by MaxRetry and by interval when it is set.
func (r *Runner) backoff(n int, interval time.Duration) time.Duration {
	d := r.opts.MinRetry << min(n-1, 20)
	d = min(d, r.opts.MaxRetry)
	if interval > 0 {
		d = min(d, interval)
	}
	return d
}

// due returns how long until an object last run at last is due again, zero when it is due
// now or never ran.
func (r *Runner) due(last time.Time, interval time.Duration) time.Duration {
	if last.IsZero() {
		return 0
	}
	return max(last.Add(interval).Sub(r.opts.Now()), 0)
}

// lastScan returns when repo was last scanned successfully, per its stored status.
func (r *Runner) lastScan(repo *v1alpha1.ImageRepository) time.Time {
	st := r.status.repository(key(repo.Namespace, repo.Name))
	if st.LastScanResult == nil || !isReady(st.Conditions) {
		return time.Time{}
	}
	return st.LastScanResult.ScanTime.Time
}

// lastRun returns when auto last ran successfully, per its stored status.
func (r *Runner) lastRun(auto *v1alpha1.ImageUpdateAutomation) time.Time {
	st := r.status.automation(key(auto.Namespace, auto.Name))
	if st.LastAutomationRunTime == nil || !isReady(st.Conditions) {
		return time.Time{}
	}
	return st.LastAutomationRunTime.Time
}

// scanAndNotify scans repo and triggers its policies when the tags changed.
func (r *Runner) scanAndNotify(ctx context.Context, repo *v1alpha1.ImageRepository, tr triggers) outcome {
	out := r.scan(ctx, repo)
	if !out.changed {
		return out
	}
	for _, p := range r.set.Policies {
		if ns, name := policyRepository(p); ns == repo.Namespace && name == repo.Name {
			notify(tr.policies[key(p.Namespace, p.Name)])
		}
	}
	return out
}

// selectAndNotify evaluates pol and triggers the automations that use it when its
// latestRef changed.
func (r *Runner) selectAndNotify(ctx context.Context, pol *v1alpha1.ImagePolicy, tr triggers) outcome {
	out := r.selectTag(ctx, pol)
	if !out.changed {
		return out
	}
	for _, a := range r.set.Automations {
		if a.Namespace != pol.Namespace {
			continue
		}
		if sel, err := adapt.PolicySelector(a); err == nil && sel.Matches(labels.Set(pol.Labels)) {
			logr.FromContextOrDiscard(ctx).V(1).Info("policy changed, automation triggered",
				"imagepolicy", key(pol.Namespace, pol.Name), "imageupdateautomation", key(a.Namespace, a.Name))
			notify(tr.automations[key(a.Namespace, a.Name)])
		}
	}
	return out
}
