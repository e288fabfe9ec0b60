package runner

import (
	"context"
	"path/filepath"
	"time"

	"github.com/go-logr/logr"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/internal/adapt"
	"github.com/tagflow/tagflow/internal/config"
	"github.com/tagflow/tagflow/updater"
	"github.com/tagflow/tagflow/updater/gitrepo"
)

// automation is an ImageUpdateAutomation ready to run: its Git repository, its settings and
// the images of the policies it selects.
type automation struct {
	repo     *gitrepo.Repo
	git      adapt.Git
	images   updater.Images
	observed v1alpha1.ObservedPolicies
}

// automate runs auto once: checkout, update, commit and push, then records the status.
func (r *Runner) automate(ctx context.Context, auto *v1alpha1.ImageUpdateAutomation) outcome {
	k := key(auto.Namespace, auto.Name)
	log := logr.FromContextOrDiscard(ctx).WithValues("imageupdateautomation", k)
	st := r.status.automation(k)
	start := r.opts.Now()
	st.LastAutomationRunTime = &metav1.Time{Time: start}
	res, out, reason := r.runAutomation(ctx, auto, &st)
	if out.err != nil {
		markFailed(&st.Conditions, auto.Generation, out.stalled, reason, out.err.Error())
		log.Error(out.err, "automation run failed", "stalled", out.stalled)
	} else {
		log.V(1).Info("automation ran", "pushed", res.Pushed, "commit", res.Commit)
	}
	if res.Pushed {
		r.opts.Hook("pushed")
	}
	r.opts.Metrics.observeRun(auto.Namespace, auto.Name, r.opts.Now().Sub(start), res.Pushed, max(res.Attempts-1, 0), reason)
	st.ObservedGeneration = auto.Generation
	r.opts.Metrics.setReady(config.KindImageUpdateAutomation, auto.Namespace, auto.Name, isReady(st.Conditions))
	if err := r.status.setAutomation(k, st); err != nil {
		return outcome{err: err}
	}
	r.updateBehindAll()
	return out
}

// runAutomation does the work of automate and fills st; on failure it returns the reason.
func (r *Runner) runAutomation(ctx context.Context, auto *v1alpha1.ImageUpdateAutomation, st *v1alpha1.ImageUpdateAutomationStatus) (gitrepo.Result, outcome, string) {
	a, err := r.prepare(auto)
	if err != nil {
		return gitrepo.Result{}, outcome{err: err, stalled: true}, adapt.AutomationReason(err)
	}
	runCtx, cancel := r.graceContext(ctx, 3*a.git.Timeout)
	defer cancel()
	update := &adapt.Update{Automation: auto, Git: a.git, Images: a.images, Apply: r.opts.Update}
	res, err := a.repo.Run(runCtx, update.Changes)
	log := logr.FromContextOrDiscard(ctx).WithValues("imageupdateautomation", key(auto.Namespace, auto.Name))
	if res.Pushed {
		st.LastPushCommit = res.Commit
		st.LastPushTime = &metav1.Time{Time: r.opts.Now()}
		log.Info("pushed commit", "commit", res.Commit, "branch", res.Branch)
	}
	rep := adapt.Conclude(runCtx, a.git, a.repo, res, err, update.Data)
	if rep.PullRequest != nil || a.git.PullRequest == nil {
		st.PullRequest = rep.PullRequest // kept when the lookup failed, cleared without pullRequest
	}
	if rep.Notable() {
		log.Info("pull request", "action", rep.PullRequestAction, "message", rep.PullRequestMessage)
	} else if rep.PullRequestMessage != "" {
		log.V(1).Info("pull request", "action", rep.PullRequestAction, "message", rep.PullRequestMessage)
	}
	if rep.Err != nil {
		return res, outcome{err: rep.Err}, rep.Reason
	}
	st.ObservedPolicies = a.observed
	st.ObservedSourceRevision = adapt.SourceRevision(res)
	if len(update.Problems) > 0 {
		return res, outcome{err: adapt.ProblemsError(update.Problems)}, v1alpha1.InvalidMarkerReason
	}
	markReady(&st.Conditions, auto.Generation, v1alpha1.SucceededReason, rep.Message)
	return res, outcome{}, ""
}

// graceContext returns a context bounded by timeout that outlives ctx by the shutdown
// grace, so that a push under way is finished rather than cut.
func (r *Runner) graceContext(ctx context.Context, timeout time.Duration) (context.Context, context.CancelFunc) {
	runCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	stop := context.AfterFunc(ctx, func() {
		t := time.AfterFunc(r.opts.ShutdownGrace, cancel)
		context.AfterFunc(runCtx, func() { t.Stop() })
	})
	return runCtx, func() { stop(); cancel() }
}

// prepare resolves the automation's source, settings and images.
func (r *Runner) prepare(auto *v1alpha1.ImageUpdateAutomation) (automation, error) {
	repo, git, err := r.gitRepo(auto)
	if err != nil {
		return automation{}, err
	}
	pols, err := r.set.PoliciesFor(auto)
	if err != nil {
		return automation{}, err
	}
	a := automation{repo: repo, git: git, images: updater.Images{}, observed: v1alpha1.ObservedPolicies{}}
	for _, p := range pols {
		ref := r.status.policy(key(p.Namespace, p.Name)).LatestRef
		if ref == nil {
			continue
		}
		a.images[p.Namespace+":"+p.Name] = updater.Image{Name: ref.Name, Tag: ref.Tag, Digest: ref.Digest}
		a.observed[p.Name] = *ref
	}
	return a, nil
}

// gitRepo returns the automation's Git repository, built once per runner.
func (r *Runner) gitRepo(auto *v1alpha1.ImageUpdateAutomation) (*gitrepo.Repo, adapt.Git, error) {
	k := key(auto.Namespace, auto.Name)
	r.mu.Lock()
	defer r.mu.Unlock()
	if repo, ok := r.gitRepos[k]; ok {
		return repo.repo, repo.git, nil
	}
	git, err := r.set.GitFor(auto)
	if err != nil {
		return nil, git, err
	}
	// One cache per automation: two automations writing to the same repository must not
	// share a worktree.
	cache := filepath.Join(r.opts.StateDir, gitCacheDirName, auto.Namespace, auto.Name)
	opts := append(git.Options, gitrepo.WithCacheDir(cache))
	repo, err := gitrepo.New(git.URL, git.Ref, append(opts, r.opts.GitOptions...)...)
	if err != nil {
		return nil, git, err
	}
	r.gitRepos[k] = preparedRepo{repo: repo, git: git}
	return repo, git, nil
}

// updateBehindAll records, for every policy used by an automation, whether one of those
// automations has not yet written the policy's latest tag.
func (r *Runner) updateBehindAll() {
	for _, p := range r.set.Policies {
		r.updateBehind(p)
	}
}

// updateBehind records whether an automation using pol has not yet written its latestRef.
func (r *Runner) updateBehind(pol *v1alpha1.ImagePolicy) {
	ref := r.status.policy(key(pol.Namespace, pol.Name)).LatestRef
	if ref == nil {
		return
	}
	used, behind := false, false
	for _, a := range r.set.Automations {
		if a.Namespace != pol.Namespace || a.Spec.Suspend {
			continue
		}
		if sel, err := adapt.PolicySelector(a); err != nil || !sel.Matches(labels.Set(pol.Labels)) {
			continue
		}
		used = true
		seen, ok := r.status.automation(key(a.Namespace, a.Name)).ObservedPolicies[pol.Name]
		behind = behind || !ok || seen != *ref
	}
	if used {
		r.opts.Metrics.setBehind(pol.Namespace, pol.Name, behind)
	}
}
