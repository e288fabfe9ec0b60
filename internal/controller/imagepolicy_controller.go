package controller

import (
	"context"
	"errors"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
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
	"github.com/tagflow/tagflow/policy"
	"github.com/tagflow/tagflow/scanner"
	"github.com/tagflow/tagflow/scanner/store"
)

// repositoryRefIndex indexes ImagePolicies by the namespace/name of their ImageRepository.
const repositoryRefIndex = ".spec.imageRepositoryRef"

// DefaultDependencyRequeue is how long a policy waits before looking again for a
// repository that is missing or not scanned yet, as Flux's --requeue-dependency.
const DefaultDependencyRequeue = 30 * time.Second

// +kubebuilder:rbac:groups=image.tagflow.dev,resources=imagepolicies,verbs=get;list;watch;patch
// +kubebuilder:rbac:groups=image.tagflow.dev,resources=imagepolicies/status,verbs=get;patch
// +kubebuilder:rbac:groups=image.tagflow.dev,resources=imagepolicies/finalizers,verbs=update
// +kubebuilder:rbac:groups=image.tagflow.dev,resources=imagerepositories,verbs=get;list;watch

// ImagePolicyReconciler chooses the latest tag of each ImagePolicy from the stored tags of
// its ImageRepository. It re-evaluates a policy when its spec changes, on reconcile
// requests, and when the repository's tag revision changes.
type ImagePolicyReconciler struct {
	// Client reads and patches ImagePolicies and reads ImageRepositories (cached).
	Client client.Client
	// APIReader reads Secrets and Namespaces directly from the API server.
	APIReader client.Reader
	// Events records Kubernetes events.
	Events events.EventRecorder
	// Store holds the repositories' tags.
	Store *store.Store
	// Scanner is the root scanner, for digests and platform checks.
	Scanner *scanner.Scanner
	// Tenancy holds the multi-tenancy settings.
	Tenancy Tenancy
	// DependencyRequeue is how long to wait for a repository that is missing or not
	// scanned. The default is DefaultDependencyRequeue.
	DependencyRequeue time.Duration
	// Now returns the current time. The default is time.Now.
	Now func() time.Time
}

// SetupWithManager registers the reconciler with mgr, with an index of policies by
// repository and a watch of the repositories' tag revisions.
func (r *ImagePolicyReconciler) SetupWithManager(ctx context.Context, mgr ctrl.Manager, opts controller.Options) error {
	if r.Now == nil {
		r.Now = time.Now
	}
	if r.DependencyRequeue <= 0 {
		r.DependencyRequeue = DefaultDependencyRequeue
	}
	if err := mgr.GetFieldIndexer().IndexField(ctx, &imagev1.ImagePolicy{}, repositoryRefIndex, policyRepositoryKey); err != nil {
		return fmtErr("indexing ImagePolicies by repository", err)
	}
	return ctrl.NewControllerManagedBy(mgr).
		For(&imagev1.ImagePolicy{}, builder.WithPredicates(specOrRequest())).
		Watches(&imagev1.ImageRepository{}, handler.EnqueueRequestsFromMapFunc(r.policiesOfRepository),
			builder.WithPredicates(revisionChanged{})).
		WithOptions(opts).
		Complete(r)
}

// policyRepositoryKey returns the index value of a policy: its repository's namespace/name.
func policyRepositoryKey(o client.Object) []string {
	pol, ok := o.(*imagev1.ImagePolicy)
	if !ok {
		return nil
	}
	ref := pol.Spec.ImageRepositoryRef
	ns := ref.Namespace
	if ns == "" {
		ns = pol.Namespace
	}
	return []string{ns + "/" + ref.Name}
}

// policiesOfRepository maps an ImageRepository to the policies that refer to it.
func (r *ImagePolicyReconciler) policiesOfRepository(ctx context.Context, o client.Object) []reconcile.Request {
	var list imagev1.ImagePolicyList
	if err := r.Client.List(ctx, &list, client.MatchingFields{repositoryRefIndex: o.GetNamespace() + "/" + o.GetName()}); err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "listing policies of a repository")
		return nil
	}
	reqs := make([]reconcile.Request, len(list.Items))
	for i, p := range list.Items {
		reqs[i] = reconcile.Request{NamespacedName: types.NamespacedName{Namespace: p.Namespace, Name: p.Name}}
	}
	return reqs
}

// revisionChanged passes an ImageRepository update that changes the stored tag revision,
// or its accessFrom (which may allow or deny a policy that was denied or allowed).
type revisionChanged struct {
	predicate.Funcs
}

// Create passes nothing: a new repository has no tags yet.
func (revisionChanged) Create(event.CreateEvent) bool { return false }

// Delete passes, so that the policies notice the repository is gone.
func (revisionChanged) Delete(event.DeleteEvent) bool { return true }

// Update passes when lastScanResult.revision or spec.accessFrom changed.
func (revisionChanged) Update(e event.UpdateEvent) bool {
	oldRepo, ok1 := e.ObjectOld.(*imagev1.ImageRepository)
	newRepo, ok2 := e.ObjectNew.(*imagev1.ImageRepository)
	return ok1 && ok2 && (revision(oldRepo) != revision(newRepo) ||
		!equality.Semantic.DeepEqual(oldRepo.Spec.AccessFrom, newRepo.Spec.AccessFrom))
}

func revision(repo *imagev1.ImageRepository) string {
	if repo.Status.LastScanResult == nil {
		return ""
	}
	return repo.Status.LastScanResult.Revision
}

// Reconcile evaluates one ImagePolicy.
func (r *ImagePolicyReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	k := &kind[*imagev1.ImagePolicy]{
		client:    r.Client,
		events:    r.Events,
		newObject: func() *imagev1.ImagePolicy { return &imagev1.ImagePolicy{} },
		steps: func(obj *imagev1.ImagePolicy) []reconcileFunc {
			s := &policyRun{r: r, obj: obj}
			return []reconcileFunc{s.configure, s.repository, s.selectTag, s.reflectDigest, s.record}
		},
		finalize: func(context.Context, *imagev1.ImagePolicy) error { return nil },
	}
	return k.reconcile(ctx, req)
}

// policyRun is one reconciliation of an ImagePolicy.
type policyRun struct {
	r    *ImagePolicyReconciler
	obj  *imagev1.ImagePolicy
	sel  adapt.Selection
	repo *imagev1.ImageRepository
	tags *store.Tags
	res  policy.Result
	ref  imagev1.ImageRef
}

// configure builds the policy from the spec.
func (s *policyRun) configure(context.Context) (time.Duration, error) {
	sel, err := adapt.Policy(s.obj)
	if err != nil {
		return 0, stall(imagev1.InvalidPolicyReason, err)
	}
	s.sel = sel
	return 0, nil
}

// repository gets the ImageRepository, checks access to it and reads its tags.
func (s *policyRun) repository(ctx context.Context) (time.Duration, error) {
	ref := s.sel.Repository
	if err := s.r.Tenancy.checkCrossNamespace(s.obj.Namespace, ref.Namespace); err != nil {
		return 0, stall(imagev1.AccessDeniedReason, err)
	}
	var repo imagev1.ImageRepository
	err := s.r.Client.Get(ctx, types.NamespacedName{Namespace: ref.Namespace, Name: ref.Name}, &repo)
	if apierrors.IsNotFound(err) {
		return 0, wait(imagev1.DependencyNotReadyReason, s.r.DependencyRequeue,
			fmt.Errorf("ImageRepository %s not found", ref))
	}
	if err != nil {
		return 0, fmtErr("reading ImageRepository "+ref.String(), err)
	}
	if err := s.r.Tenancy.checkAccess(ctx, s.r.APIReader, repo.Spec.AccessFrom, s.obj.Namespace, ref.Namespace); err != nil {
		if errors.Is(err, adapt.ErrAccessDenied) {
			return 0, stall(imagev1.AccessDeniedReason, fmt.Errorf("ImageRepository %s: %w", ref, err))
		}
		return 0, err
	}
	tags, err := s.r.Store.Get(ctx, store.Key{Namespace: ref.Namespace, Name: ref.Name})
	if errors.Is(err, store.ErrNotFound) {
		return 0, wait(imagev1.DependencyNotReadyReason, s.r.DependencyRequeue,
			fmt.Errorf("ImageRepository %s has not been scanned yet", ref))
	}
	if err != nil {
		return 0, fmtErr("reading tags of "+ref.String(), err)
	}
	s.repo, s.tags = &repo, tags
	return 0, nil
}

// selectTag applies minAge, the policy and the platforms check.
func (s *policyRun) selectTag(ctx context.Context) (time.Duration, error) {
	candidates, young := s.sel.Candidates(s.tags.All(), s.r.Now())
	res, noPlatform, err := s.sel.SelectWithPlatforms(ctx, candidates, s.missingPlatforms)
	expl := adapt.Explanation(res.Explanation, s.tags.Len(), young, noPlatform)
	s.obj.Status.Explanation = &expl
	var requeue time.Duration
	if len(young) > 0 {
		requeue = s.sel.MinAge
	}
	if errors.Is(err, policy.ErrNoMatch) {
		return 0, wait(imagev1.NoMatchingTagReason, shortest(requeue, s.r.DependencyRequeue), err)
	}
	if err != nil {
		return 0, err
	}
	s.res = res
	s.ref = imagev1.ImageRef{Name: s.repo.Spec.Image, Tag: res.Tag}
	return requeue, nil
}

// missingPlatforms checks a tag's platforms with the repository's scanner.
func (s *policyRun) missingPlatforms(ctx context.Context, tag string, want ...string) ([]string, error) {
	sc, scan, err := repositoryScanner(ctx, s.r.APIReader, s.r.Scanner, s.r.Tenancy, s.repo)
	if err != nil {
		return nil, err
	}
	return sc.MissingPlatforms(ctx, scan.Image, tag, want...)
}

// reflectDigest looks up the chosen tag's digest as spec.digestReflectionPolicy says.
func (s *policyRun) reflectDigest(ctx context.Context) (time.Duration, error) {
	if d, lookup := s.sel.KnownDigest(s.obj.Status.LatestRef, s.ref); !lookup {
		s.ref.Digest = d
		return 0, nil
	}
	sc, scan, err := repositoryScanner(ctx, s.r.APIReader, s.r.Scanner, s.r.Tenancy, s.repo)
	if err != nil {
		return 0, err
	}
	d, err := sc.Digest(ctx, scan.Image, s.ref.Tag)
	if err != nil {
		return 0, fmt.Errorf("resolving digest of %s:%s: %w", scan.Image, s.ref.Tag, err)
	}
	s.ref.Digest = d
	return s.sel.Interval, nil
}

// record writes the choice into the status.
func (s *policyRun) record(context.Context) (time.Duration, error) {
	st := &s.obj.Status
	if st.LatestRef != nil && *st.LatestRef != s.ref {
		st.ObservedPreviousRef = st.LatestRef
	}
	st.LatestRef = &s.ref
	markReady(&st.Conditions, s.obj.Generation, adapt.ResolvedMessage(s.ref, st.ObservedPreviousRef))
	return 0, nil
}
