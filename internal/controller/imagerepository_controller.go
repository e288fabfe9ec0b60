package controller

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/go-logr/logr"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"

	imagev1 "github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/internal/adapt"
	"github.com/tagflow/tagflow/scanner"
	"github.com/tagflow/tagflow/scanner/store"
)

// +kubebuilder:rbac:groups=image.tagflow.dev,resources=imagerepositories,verbs=get;list;watch;patch
// +kubebuilder:rbac:groups=image.tagflow.dev,resources=imagerepositories/status,verbs=get;patch
// +kubebuilder:rbac:groups=image.tagflow.dev,resources=imagerepositories/finalizers,verbs=update
// +kubebuilder:rbac:groups="",resources=secrets;serviceaccounts;namespaces,verbs=get
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// ImageRepositoryReconciler scans the image repository of each ImageRepository at its
// interval (and on spec changes and reconcile requests), keeps the tags in the store and
// reports the scan in status.lastScanResult.
type ImageRepositoryReconciler struct {
	// Client reads and patches ImageRepositories (through the manager's cache).
	Client client.Client
	// APIReader reads Secrets, ServiceAccounts and Namespaces directly from the API
	// server, so that the controller needs no list or watch permission on them.
	APIReader client.Reader
	// Events records Kubernetes events.
	Events events.EventRecorder
	// Store keeps the tags, per object.
	Store *store.Store
	// Scanner is the root scanner; each repository derives its own from it with
	// Scanner.With, so that per-registry limits are shared.
	Scanner *scanner.Scanner
	// Tenancy holds the multi-tenancy settings.
	Tenancy Tenancy
	// Now returns the current time. The default is time.Now.
	Now func() time.Time
}

// SetupWithManager registers the reconciler with mgr.
func (r *ImageRepositoryReconciler) SetupWithManager(mgr ctrl.Manager, opts controller.Options) error {
	if r.Now == nil {
		r.Now = time.Now
	}
	return ctrl.NewControllerManagedBy(mgr).
		For(&imagev1.ImageRepository{}, builder.WithPredicates(specOrRequest())).
		WithOptions(opts).
		Complete(r)
}

// Reconcile scans one ImageRepository.
func (r *ImageRepositoryReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	k := &kind[*imagev1.ImageRepository]{
		client:    r.Client,
		events:    r.Events,
		newObject: func() *imagev1.ImageRepository { return &imagev1.ImageRepository{} },
		steps: func(obj *imagev1.ImageRepository) []reconcileFunc {
			s := &repositoryRun{r: r, obj: obj}
			return []reconcileFunc{s.checkDue, s.configure, s.scan}
		},
		finalize: r.finalize,
	}
	return k.reconcile(ctx, req)
}

// finalize removes the stored tags of repo.
func (r *ImageRepositoryReconciler) finalize(ctx context.Context, repo *imagev1.ImageRepository) error {
	return r.Store.Delete(ctx, store.Key{Namespace: repo.Namespace, Name: repo.Name})
}

// repositoryRun is one reconciliation of an ImageRepository.
type repositoryRun struct {
	r       *ImageRepositoryReconciler
	obj     *imagev1.ImageRepository
	scanner *scanner.Scanner
	image   string
	// next is the time until the next scan when none is due now; zero when one is.
	next time.Duration
}

// checkDue decides whether this reconciliation scans; when it does not, the later steps
// do nothing and the object is requeued for the next scan.
func (s *repositoryRun) checkDue(ctx context.Context) (time.Duration, error) {
	if now, next := s.due(ctx); !now {
		logr.FromContextOrDiscard(ctx).V(1).Info("no scan due", "next", next)
		s.next = next
	}
	return s.next, nil
}

// configure resolves the Secrets and derives the repository's scanner.
func (s *repositoryRun) configure(ctx context.Context) (time.Duration, error) {
	if s.next > 0 {
		return 0, nil
	}
	derived, scan, err := repositoryScanner(ctx, s.r.APIReader, s.r.Scanner, s.r.Tenancy, s.obj)
	if err != nil {
		return 0, err
	}
	s.scanner, s.image = derived, scan.Image
	return 0, nil
}

// scan lists the tags, stores them and records the result.
func (s *repositoryRun) scan(ctx context.Context) (time.Duration, error) {
	repo := s.obj
	if s.next > 0 {
		return 0, nil
	}
	tags, err := s.scanner.List(ctx, s.image)
	if err != nil {
		return 0, scanError(err)
	}
	meta, err := s.r.Store.Put(ctx, store.Key{Namespace: repo.Namespace, Name: repo.Name}, tags, s.r.Now())
	if err != nil {
		return 0, retry(imagev1.FailureReason, fmtErr("storing tags", err))
	}
	st := &repo.Status
	msg := adapt.RecordScan(st, repo, s.image, tags, meta)
	markReady(&st.Conditions, repo.Generation, msg)
	return repo.GetRequeueAfter(), nil
}

// due reports whether a scan is needed now, as Flux's shouldScan: never scanned, a new
// generation, a new reconcile request, not Ready, tags missing from the store (an emptyDir
// after a restart) or changed, or the interval elapsed. Otherwise it returns the time
// until the next scan, so that a restarted controller does not rescan every repository
// at once.
func (s *repositoryRun) due(ctx context.Context) (bool, time.Duration) {
	repo, st := s.obj, &s.obj.Status
	ready := findCondition(st.Conditions, imagev1.ReadyCondition)
	if st.LastScanResult == nil || repo.Generation != st.ObservedGeneration ||
		repo.Annotations[imagev1.ReconcileRequestAnnotation] != st.LastHandledReconcileAt ||
		ready == nil || ready.Status != metav1.ConditionTrue {
		return true, 0
	}
	meta, err := s.r.Store.Meta(ctx, store.Key{Namespace: repo.Namespace, Name: repo.Name})
	if err != nil || meta.Revision != st.LastScanResult.Revision {
		return true, 0
	}
	elapsed := s.r.Now().Sub(st.LastScanResult.ScanTime.Time)
	if left := repo.GetRequeueAfter() - elapsed; left > time.Second {
		return false, left
	}
	return true, 0
}

// repositoryScanner derives the scanner of repo from root, with the Secrets of repo's
// namespace (or its service account's pull secret). Errors are classified for the
// conditions.
func repositoryScanner(ctx context.Context, rd client.Reader, root *scanner.Scanner, t Tenancy, repo *imagev1.ImageRepository) (*scanner.Scanner, adapt.Scan, error) {
	repo, err := withServiceAccountSecret(ctx, rd, t, repo)
	if err != nil {
		return nil, adapt.Scan{}, retry(imagev1.AuthenticationFailedReason, err)
	}
	var secrets adapt.RepositorySecrets
	var errs [3]error
	secrets.Pull, errs[0] = secretData(ctx, rd, repo.Namespace, repo.Spec.SecretRef)
	secrets.Cert, errs[1] = secretData(ctx, rd, repo.Namespace, repo.Spec.CertSecretRef)
	secrets.Proxy, errs[2] = secretData(ctx, rd, repo.Namespace, repo.Spec.ProxySecretRef)
	if err := errors.Join(errs[:]...); err != nil {
		return nil, adapt.Scan{}, retry(imagev1.AuthenticationFailedReason, err)
	}
	sc, err := adapt.Repository(repo, secrets)
	if err != nil {
		return nil, sc, stall(configReason(err), err)
	}
	derived, err := root.With(sc.Options...)
	if err != nil {
		return nil, sc, stall(imagev1.FailureReason, err)
	}
	return derived, sc, nil
}

// withServiceAccountSecret returns repo, or a copy whose spec.secretRef names the first
// image pull secret of its service account when it has no secretRef of its own.
func withServiceAccountSecret(ctx context.Context, rd client.Reader, t Tenancy, repo *imagev1.ImageRepository) (*imagev1.ImageRepository, error) {
	sa := t.serviceAccount(repo)
	if sa == "" || repo.Spec.SecretRef != nil || repo.GetProvider() != imagev1.GenericProvider {
		return repo, nil
	}
	ref, err := pullSecret(ctx, rd, repo.Namespace, sa)
	if err != nil || ref == nil {
		return repo, err
	}
	repo = repo.DeepCopy()
	repo.Spec.SecretRef = ref
	return repo, nil
}

// configReason maps an adapt.FieldError of an ImageRepository to a condition reason.
func configReason(err error) string {
	fe, ok := errors.AsType[*adapt.FieldError](err)
	switch {
	case ok && fe.Field == "spec.image":
		return imagev1.ImageURLInvalidReason
	case ok && strings.HasPrefix(fe.Field, "spec.exclusionList"):
		return imagev1.InvalidExclusionListReason
	}
	return imagev1.FailureReason
}

// scanError classifies a scanner error: configuration errors stall, the others retry.
func scanError(err error) error {
	switch {
	case errors.Is(err, scanner.ErrInvalidConfig):
		return stall(imagev1.FailureReason, err)
	case errors.Is(err, scanner.ErrAuth):
		return retry(imagev1.AuthenticationFailedReason, err)
	}
	return retry(imagev1.ReadOperationFailedReason, err)
}
