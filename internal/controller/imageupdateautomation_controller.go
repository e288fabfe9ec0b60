package controller

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	sourcev1 "github.com/fluxcd/source-controller/api/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	"k8s.io/client-go/util/workqueue"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	imagev1 "github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/internal/adapt"
	"github.com/tagflow/tagflow/updater"
	"github.com/tagflow/tagflow/updater/gitrepo"
)

// DefaultDebounce is how long an automation waits after a selected policy's latestRef
// changes before it runs, so that policies changing together make one commit.
const DefaultDebounce = 5 * time.Second

// +kubebuilder:rbac:groups=image.tagflow.dev,resources=imageupdateautomations,verbs=get;list;watch;patch
// +kubebuilder:rbac:groups=image.tagflow.dev,resources=imageupdateautomations/status,verbs=get;patch
// +kubebuilder:rbac:groups=image.tagflow.dev,resources=imageupdateautomations/finalizers,verbs=update
// +kubebuilder:rbac:groups=image.tagflow.dev,resources=imagepolicies,verbs=get;list;watch
// +kubebuilder:rbac:groups=source.toolkit.fluxcd.io,resources=gitrepositories,verbs=get;list;watch

// ImageUpdateAutomationReconciler writes the images chosen by the selected ImagePolicies
// into a Git repository, commits and pushes. It runs at spec.interval, on spec changes and
// reconcile requests, and after a selected policy's latestRef changes (debounced).
type ImageUpdateAutomationReconciler struct {
	// Client reads and patches automations and reads ImagePolicies (cached).
	Client client.Client
	// APIReader reads Secrets and GitRepositories directly from the API server, so that
	// the controller needs neither list nor watch permission on them, and runs without
	// Flux's CRDs installed.
	APIReader client.Reader
	// Events records Kubernetes events.
	Events events.EventRecorder
	// GitCacheDir holds the clone cache, one directory per automation.
	GitCacheDir string
	// GitOptions are added to every repository's options (such as gitrepo.WithBackoff).
	GitOptions []gitrepo.Option
	// Tenancy holds the multi-tenancy settings.
	Tenancy Tenancy
	// Debounce is how long to wait after a policy change before running. The default is
	// DefaultDebounce.
	Debounce time.Duration
	// DependencyRequeue is how long to wait for a missing GitRepository. The default is
	// DefaultDependencyRequeue.
	DependencyRequeue time.Duration
	// WatchGitRepositories also starts an automation when the spec of its GitRepository
	// changes, as Flux does. It needs Flux's GitRepository CRD installed and
	// sourcev1.GitRepository in the manager's scheme; Setup turns it on when both hold.
	WatchGitRepositories bool
	// Now returns the current time. The default is time.Now.
	Now func() time.Time
}

// sourceRefIndex indexes automations by the namespace/name of their GitRepository.
const sourceRefIndex = ".spec.sourceRef"

// SetupWithManager registers the reconciler with mgr and watches the latestRef of
// ImagePolicies (and, with WatchGitRepositories, the spec of GitRepositories).
func (r *ImageUpdateAutomationReconciler) SetupWithManager(ctx context.Context, mgr ctrl.Manager, opts controller.Options) error {
	if r.Now == nil {
		r.Now = time.Now
	}
	if r.Debounce <= 0 {
		r.Debounce = DefaultDebounce
	}
	if r.DependencyRequeue <= 0 {
		r.DependencyRequeue = DefaultDependencyRequeue
	}
	b := ctrl.NewControllerManagedBy(mgr).
		For(&imagev1.ImageUpdateAutomation{}, builder.WithPredicates(specOrRequest())).
		Watches(&imagev1.ImagePolicy{}, handler.Funcs{UpdateFunc: r.policyUpdated})
	if r.WatchGitRepositories {
		if err := mgr.GetFieldIndexer().IndexField(ctx, &imagev1.ImageUpdateAutomation{}, sourceRefIndex, automationSourceKey); err != nil {
			return fmtErr("indexing ImageUpdateAutomations by source", err)
		}
		b = b.Watches(&sourcev1.GitRepository{}, handler.EnqueueRequestsFromMapFunc(r.automationsOfSource),
			builder.WithPredicates(predicate.GenerationChangedPredicate{}))
	}
	return b.WithOptions(opts).Complete(r)
}

// automationSourceKey returns the index value of an automation: its GitRepository's
// namespace/name, or nothing with an inline git.url.
func automationSourceKey(o client.Object) []string {
	a, ok := o.(*imagev1.ImageUpdateAutomation)
	if !ok || a.Spec.SourceRef == nil {
		return nil
	}
	ns := a.Spec.SourceRef.Namespace
	if ns == "" {
		ns = a.Namespace
	}
	return []string{ns + "/" + a.Spec.SourceRef.Name}
}

// automationsOfSource maps a GitRepository to the automations that use it.
func (r *ImageUpdateAutomationReconciler) automationsOfSource(ctx context.Context, o client.Object) []reconcile.Request {
	var list imagev1.ImageUpdateAutomationList
	if err := r.Client.List(ctx, &list, client.MatchingFields{sourceRefIndex: o.GetNamespace() + "/" + o.GetName()}); err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "listing automations of a GitRepository")
		return nil
	}
	reqs := make([]reconcile.Request, len(list.Items))
	for i, a := range list.Items {
		reqs[i] = reconcile.Request{NamespacedName: types.NamespacedName{Namespace: a.Namespace, Name: a.Name}}
	}
	return reqs
}

// policyUpdated enqueues, after the debounce delay, the automations that select a policy
// whose latestRef changed. Several changes within the delay make one run: the queue keeps
// one entry per automation.
func (r *ImageUpdateAutomationReconciler) policyUpdated(ctx context.Context, e event.UpdateEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
	oldPol, ok1 := e.ObjectOld.(*imagev1.ImagePolicy)
	newPol, ok2 := e.ObjectNew.(*imagev1.ImagePolicy)
	if !ok1 || !ok2 || sameRef(oldPol.Status.LatestRef, newPol.Status.LatestRef) {
		return
	}
	var list imagev1.ImageUpdateAutomationList
	if err := r.Client.List(ctx, &list, client.InNamespace(newPol.Namespace)); err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "listing automations of a policy")
		return
	}
	for _, a := range list.Items {
		sel, err := adapt.PolicySelector(&a)
		if err != nil || !sel.Matches(labels.Set(newPol.Labels)) {
			continue
		}
		q.AddAfter(reconcile.Request{NamespacedName: types.NamespacedName{Namespace: a.Namespace, Name: a.Name}}, r.Debounce)
	}
}

func sameRef(a, b *imagev1.ImageRef) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

// Reconcile runs one ImageUpdateAutomation.
func (r *ImageUpdateAutomationReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	k := &kind[*imagev1.ImageUpdateAutomation]{
		client:    r.Client,
		events:    r.Events,
		newObject: func() *imagev1.ImageUpdateAutomation { return &imagev1.ImageUpdateAutomation{} },
		steps: func(obj *imagev1.ImageUpdateAutomation) []reconcileFunc {
			s := &automationRun{r: r, obj: obj}
			return []reconcileFunc{s.source, s.policies, s.configure, s.push}
		},
		finalize: r.finalize,
	}
	return k.reconcile(ctx, req)
}

// cacheDir is the clone cache of one automation.
func (r *ImageUpdateAutomationReconciler) cacheDir(a *imagev1.ImageUpdateAutomation) string {
	return filepath.Join(r.GitCacheDir, a.Namespace, a.Name)
}

// finalize removes the automation's clone cache.
func (r *ImageUpdateAutomationReconciler) finalize(_ context.Context, a *imagev1.ImageUpdateAutomation) error {
	return os.RemoveAll(r.cacheDir(a))
}

// automationRun is one run of an ImageUpdateAutomation.
type automationRun struct {
	r      *ImageUpdateAutomationReconciler
	obj    *imagev1.ImageUpdateAutomation
	src    adapt.GitSource
	images updater.Images
	seen   imagev1.ObservedPolicies
	git    adapt.Git
	repo   *gitrepo.Repo
}

// source resolves the Git repository: spec.git.url, or the GitRepository of spec.sourceRef.
func (s *automationRun) source(ctx context.Context) (time.Duration, error) {
	a := s.obj
	if g := a.Spec.GitSpec; g != nil && g.URL != "" {
		secret, err := secretData(ctx, s.r.APIReader, a.Namespace, g.SecretRef)
		if err != nil {
			return 0, retry(imagev1.InvalidSourceConfigurationReason, err)
		}
		s.src = adapt.InlineSource(a, secret)
		return 0, nil
	}
	ref := a.Spec.SourceRef
	if ref == nil {
		return 0, stall(imagev1.InvalidSourceConfigurationReason,
			&adapt.FieldError{Field: "spec.sourceRef", Err: errors.New("either spec.sourceRef or spec.git.url is required")})
	}
	ns := ref.Namespace
	if ns == "" {
		ns = a.Namespace
	}
	if err := s.r.Tenancy.checkCrossNamespace(a.Namespace, ns); err != nil {
		return 0, stall(imagev1.AccessDeniedReason, err)
	}
	var gr sourcev1.GitRepository
	err := s.r.APIReader.Get(ctx, types.NamespacedName{Namespace: ns, Name: ref.Name}, &gr)
	if apierrors.IsNotFound(err) {
		return 0, wait(imagev1.DependencyNotReadyReason, s.r.DependencyRequeue,
			fmt.Errorf("GitRepository %s/%s not found", ns, ref.Name))
	}
	if err != nil {
		return 0, fmtErr(fmt.Sprintf("reading GitRepository %s/%s", ns, ref.Name), err)
	}
	s.src, err = gitRepositorySource(ctx, s.r.APIReader, &gr)
	return 0, err
}

// gitRepositorySource converts a Flux GitRepository. Its Secret is read from its own
// namespace, as Flux does.
func gitRepositorySource(ctx context.Context, rd client.Reader, gr *sourcev1.GitRepository) (adapt.GitSource, error) {
	src := adapt.GitSource{Field: "spec.sourceRef", URL: gr.Spec.URL}
	if gr.Spec.Timeout != nil {
		src.Timeout = gr.Spec.Timeout.Duration
	}
	if ref := gr.Spec.Reference; ref != nil {
		src.Ref = &imagev1.GitRepositoryRef{Branch: ref.Branch, Tag: ref.Tag, SemVer: ref.SemVer, Name: ref.Name, Commit: ref.Commit}
	}
	if gr.Spec.SecretRef != nil {
		secret, err := secretData(ctx, rd, gr.Namespace, &imagev1.LocalObjectReference{Name: gr.Spec.SecretRef.Name})
		if err != nil {
			return src, retry(imagev1.InvalidSourceConfigurationReason, err)
		}
		src.Secret = secret
	}
	if gr.Spec.ProxySecretRef != nil {
		proxy, err := secretData(ctx, rd, gr.Namespace, &imagev1.LocalObjectReference{Name: gr.Spec.ProxySecretRef.Name})
		if err != nil {
			return src, retry(imagev1.InvalidSourceConfigurationReason, err)
		}
		src.Proxy = proxy
	}
	return src, nil
}

// policies collects the latestRef of every selected policy of the namespace.
func (s *automationRun) policies(ctx context.Context) (time.Duration, error) {
	sel, err := adapt.PolicySelector(s.obj)
	if err != nil {
		return 0, stall(imagev1.InvalidPolicySelectorReason, err)
	}
	var list imagev1.ImagePolicyList
	if err := s.r.Client.List(ctx, &list, client.InNamespace(s.obj.Namespace), client.MatchingLabelsSelector{Selector: sel}); err != nil {
		return 0, fmtErr("listing ImagePolicies", err)
	}
	s.images, s.seen = updater.Images{}, imagev1.ObservedPolicies{}
	for _, p := range list.Items {
		ref := p.Status.LatestRef
		if ref == nil {
			continue
		}
		s.images[p.Namespace+":"+p.Name] = updater.Image{Name: ref.Name, Tag: ref.Tag, Digest: ref.Digest}
		s.seen[p.Name] = *ref
	}
	return 0, nil
}

// configure reads the signing key and pull request Secrets and builds the repository.
func (s *automationRun) configure(ctx context.Context) (time.Duration, error) {
	a := s.obj
	var secrets adapt.Secrets
	if g := a.Spec.GitSpec; g != nil && g.Commit.SigningKey != nil {
		var err error
		if secrets.SigningKey, err = secretData(ctx, s.r.APIReader, a.Namespace, &g.Commit.SigningKey.SecretRef); err != nil {
			return 0, retry(imagev1.InvalidSourceConfigurationReason, err)
		}
	}
	if g := a.Spec.GitSpec; g != nil && g.PullRequest != nil {
		var err error
		if secrets.PullRequest, err = secretData(ctx, s.r.APIReader, a.Namespace, &g.PullRequest.SecretRef); err != nil {
			return 0, retry(imagev1.InvalidSourceConfigurationReason, err)
		}
	}
	git, err := adapt.Automation(a, s.src, secrets)
	if err != nil {
		return 0, stall(adapt.AutomationReason(err), err)
	}
	opts := append(git.Options, gitrepo.WithCacheDir(s.r.cacheDir(a)))
	repo, err := gitrepo.New(git.URL, git.Ref, append(opts, s.r.GitOptions...)...)
	if err != nil {
		return 0, stall(imagev1.InvalidSourceConfigurationReason, err)
	}
	s.git, s.repo = git, repo
	return 0, nil
}

// push checks out, updates, commits and pushes, and records the run.
func (s *automationRun) push(ctx context.Context) (time.Duration, error) {
	a := s.obj
	st := &a.Status
	st.LastAutomationRunTime = &metav1.Time{Time: s.r.Now()}
	runCtx, cancel := context.WithTimeout(ctx, 3*s.git.Timeout)
	defer cancel()
	update := &adapt.Update{Automation: a, Git: s.git, Images: s.images}
	res, err := s.repo.Run(runCtx, update.Changes)
	if res.Pushed {
		st.LastPushCommit = res.Commit
		st.LastPushTime = &metav1.Time{Time: s.r.Now()}
		msg := fmt.Sprintf("pushed commit '%.7s' to branch '%s'\n%s", res.Commit, res.Branch, res.Message)
		s.r.Events.Eventf(a, nil, "Normal", imagev1.SucceededReason, "Push", "%s", msg)
	}
	rep := adapt.Conclude(runCtx, s.git, s.repo, res, err, update.Data)
	if rep.PullRequest != nil || s.git.PullRequest == nil {
		st.PullRequest = rep.PullRequest // kept when the lookup failed, cleared without pullRequest
	}
	if rep.Notable() {
		s.r.Events.Eventf(a, nil, "Normal", imagev1.SucceededReason, "PullRequest", "%s", rep.PullRequestMessage)
	}
	switch {
	case errors.Is(rep.Err, gitrepo.ErrBranchModified):
		return 0, wait(rep.Reason, a.GetRequeueAfter(), rep.Err)
	case rep.Err != nil:
		return 0, retry(rep.Reason, rep.Err)
	}
	st.ObservedPolicies = s.seen
	st.ObservedSourceRevision = adapt.SourceRevision(res)
	if len(update.Problems) > 0 {
		return 0, wait(imagev1.InvalidMarkerReason, a.GetRequeueAfter(), adapt.ProblemsError(update.Problems))
	}
	markReady(&st.Conditions, a.Generation, rep.Message)
	return a.GetRequeueAfter(), nil
}
