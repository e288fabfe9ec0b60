package controller

import (
	"errors"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"

	imagev1 "github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/internal/adapt"
	"github.com/tagflow/tagflow/internal/testenv/registry"
)

func TestCheckCrossNamespace(t *testing.T) {
	tests := []struct {
		name     string
		tenancy  Tenancy
		from, to string
		denied   bool
	}{
		{name: "same namespace", tenancy: Tenancy{NoCrossNamespaceRefs: true}, from: "a", to: "a"},
		{name: "across, allowed", from: "a", to: "b"},
		{name: "across, disabled", tenancy: Tenancy{NoCrossNamespaceRefs: true}, from: "a", to: "b", denied: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.tenancy.checkCrossNamespace(tt.from, tt.to)
			if denied := errors.Is(err, adapt.ErrAccessDenied); denied != tt.denied {
				t.Errorf("checkCrossNamespace(%q, %q) = %v, want denied %v", tt.from, tt.to, err, tt.denied)
			}
		})
	}
}

// waitCondition waits until obj has condition typ with status and reason.
func waitCondition(t *testing.T, obj object, typ string, st metav1.ConditionStatus, reason string) {
	t.Helper()
	waitFor(t, typ+"="+string(st)+" "+reason+" on "+obj.GetName(), func() (bool, string) {
		if err := get(t, obj); err != nil {
			return false, err.Error()
		}
		c := condition(obj, typ)
		return c != nil && c.Status == st && c.Reason == reason && obj.GetObservedGeneration() == obj.GetGeneration(), describe(obj)
	})
}

// TestAccessAcrossNamespaces: a policy may not use a repository of another namespace that
// does not allow it (Stalled, AccessDenied); once the repository's accessFrom selects the
// policy's namespace, the policy resolves; a reconcile request is recorded.
func TestAccessAcrossNamespaces(t *testing.T) {
	needEnv(t)
	reg := registry.Start(t, registry.PlainHTTP)
	reg.PushTags(t, "team/app", "1.0.0")
	owner := namespace(t, nil)
	tenant := namespace(t, map[string]string{"tenant": "blue"})
	repo := &imagev1.ImageRepository{
		ObjectMeta: metav1.ObjectMeta{Name: "app", Namespace: owner},
		Spec: imagev1.ImageRepositorySpec{Image: reg.Ref("team/app"), Insecure: true,
			Interval: metav1.Duration{Duration: time.Minute}},
	}
	create(t, repo)
	pol := &imagev1.ImagePolicy{
		ObjectMeta: metav1.ObjectMeta{Name: "app", Namespace: tenant},
		Spec: imagev1.ImagePolicySpec{
			ImageRepositoryRef: imagev1.NamespacedObjectReference{Name: "app", Namespace: owner},
			Policy:             imagev1.ImagePolicyChoice{SemVer: &imagev1.SemVerPolicy{Range: ">=1.0.0"}},
		},
	}
	create(t, pol)
	waitCondition(t, pol, imagev1.StalledCondition, metav1.ConditionTrue, imagev1.AccessDeniedReason)
	checkKstatus(t, pol, imagev1.ImagePolicyKind, status.FailedStatus)

	if err := get(t, repo); err != nil {
		t.Fatal(err)
	}
	repo.Spec.AccessFrom = &imagev1.AccessFrom{NamespaceSelectors: []imagev1.NamespaceSelector{{MatchLabels: map[string]string{"tenant": "blue"}}}}
	if err := k8s.Update(t.Context(), repo); err != nil {
		t.Fatal(err)
	}
	waitCondition(t, pol, imagev1.ReadyCondition, metav1.ConditionTrue, imagev1.SucceededReason)
	if pol.Status.LatestRef == nil || pol.Status.LatestRef.Tag != "1.0.0" {
		t.Errorf("latestRef %v", pol.Status.LatestRef)
	}
	checkKstatus(t, pol, imagev1.ImagePolicyKind, status.CurrentStatus)

	requestReconcile(t, pol, "now")
	waitFor(t, "the reconcile request handled", func() (bool, string) {
		if err := get(t, pol); err != nil {
			return false, err.Error()
		}
		return pol.Status.LastHandledReconcileAt == "now", "lastHandledReconcileAt " + pol.Status.LastHandledReconcileAt
	})
}

// requestReconcile sets the reconcile.fluxcd.io/requestedAt annotation of obj to value.
func requestReconcile(t *testing.T, obj object, value string) {
	t.Helper()
	if err := get(t, obj); err != nil {
		t.Fatal(err)
	}
	ann := obj.GetAnnotations()
	if ann == nil {
		ann = map[string]string{}
	}
	ann[imagev1.ReconcileRequestAnnotation] = value
	obj.SetAnnotations(ann)
	if err := k8s.Update(t.Context(), obj); err != nil {
		t.Fatal(err)
	}
}

// TestStalledOnInvalidSpec: configuration errors stall with their reason, and kstatus
// reads them as Failed.
func TestStalledOnInvalidSpec(t *testing.T) {
	needEnv(t)
	ns := namespace(t, nil)
	repo := &imagev1.ImageRepository{
		ObjectMeta: metav1.ObjectMeta{Name: "bad-exclusion", Namespace: ns},
		Spec: imagev1.ImageRepositorySpec{Image: "registry.invalid/app", ExclusionList: []string{"["},
			Interval: metav1.Duration{Duration: time.Minute}},
	}
	pol := &imagev1.ImagePolicy{
		ObjectMeta: metav1.ObjectMeta{Name: "bad-range", Namespace: ns},
		Spec: imagev1.ImagePolicySpec{
			ImageRepositoryRef: imagev1.NamespacedObjectReference{Name: "bad-exclusion"},
			Policy:             imagev1.ImagePolicyChoice{SemVer: &imagev1.SemVerPolicy{Range: "not a range"}},
		},
	}
	auto := &imagev1.ImageUpdateAutomation{
		ObjectMeta: metav1.ObjectMeta{Name: "removed-field", Namespace: ns},
		Spec: imagev1.ImageUpdateAutomationSpec{
			Interval: metav1.Duration{Duration: time.Minute},
			GitSpec: &imagev1.GitSpec{URL: "https://git.invalid/app.git", Commit: imagev1.CommitSpec{
				Author: imagev1.CommitUser{Email: "a@example.com"}, MessageTemplate: "{{ .Updated }}"}},
		},
	}
	for _, tt := range []struct {
		obj    object
		kind   string
		reason string
	}{
		{repo, imagev1.ImageRepositoryKind, imagev1.InvalidExclusionListReason},
		{pol, imagev1.ImagePolicyKind, imagev1.InvalidPolicyReason},
		{auto, imagev1.ImageUpdateAutomationKind, imagev1.RemovedTemplateFieldReason},
	} {
		create(t, tt.obj)
		waitCondition(t, tt.obj, imagev1.StalledCondition, metav1.ConditionTrue, tt.reason)
		checkKstatus(t, tt.obj, tt.kind, status.FailedStatus)
	}
}

// TestSuspend: a suspended repository is not scanned; resuming it scans.
func TestSuspend(t *testing.T) {
	needEnv(t)
	reg := registry.Start(t, registry.PlainHTTP)
	reg.PushTags(t, "team/app", "1.0.0")
	ns := namespace(t, nil)
	repo := &imagev1.ImageRepository{
		ObjectMeta: metav1.ObjectMeta{Name: "app", Namespace: ns},
		Spec: imagev1.ImageRepositorySpec{Image: reg.Ref("team/app"), Insecure: true, Suspend: true,
			Interval: metav1.Duration{Duration: time.Second}},
	}
	create(t, repo)
	// The finalizer is added before the suspend check: once it is there, the object has
	// been reconciled while suspended.
	waitFor(t, "the finalizer", func() (bool, string) {
		if err := get(t, repo); err != nil {
			return false, err.Error()
		}
		return len(repo.Finalizers) > 0, "no finalizer"
	})
	requestReconcile(t, repo, "while-suspended")
	for range 10 {
		time.Sleep(poll)
		if err := get(t, repo); err != nil {
			t.Fatal(err)
		}
		if repo.Status.LastScanResult != nil || repo.Status.LastHandledReconcileAt != "" {
			t.Fatalf("suspended repository was scanned: %+v", repo.Status)
		}
	}
	repo.Spec.Suspend = false
	if err := k8s.Update(t.Context(), repo); err != nil {
		t.Fatal(err)
	}
	waitCondition(t, repo, imagev1.ReadyCondition, metav1.ConditionTrue, imagev1.SucceededReason)
	if repo.Status.LastScanResult == nil || repo.Status.LastScanResult.TagCount != 1 {
		t.Errorf("lastScanResult %+v", repo.Status.LastScanResult)
	}
	checkKstatus(t, repo, imagev1.ImageRepositoryKind, status.CurrentStatus)
}

// TestServiceAccountPullSecret: without spec.secretRef, the image pull secret of the
// repository's service account authenticates the scan.
func TestServiceAccountPullSecret(t *testing.T) {
	needEnv(t)
	reg := registry.Start(t, registry.TLSAuth)
	reg.PushTags(t, "team/app", "1.0.0", "1.0.1")
	ns := namespace(t, nil)
	create(t, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "pull", Namespace: ns},
		Type: corev1.SecretTypeDockerConfigJson,
		Data: map[string][]byte{corev1.DockerConfigJsonKey: reg.DockerConfigJSON()}})
	create(t, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "ca", Namespace: ns},
		Data: map[string][]byte{"ca.crt": reg.CAPEM}})
	create(t, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "scanner", Namespace: ns},
		ImagePullSecrets: []corev1.LocalObjectReference{{Name: "pull"}}})
	repo := &imagev1.ImageRepository{
		ObjectMeta: metav1.ObjectMeta{Name: "app", Namespace: ns},
		Spec: imagev1.ImageRepositorySpec{Image: reg.Ref("team/app"), ServiceAccountName: "scanner",
			CertSecretRef: &imagev1.LocalObjectReference{Name: "ca"}, Interval: metav1.Duration{Duration: time.Minute}},
	}
	create(t, repo)
	waitCondition(t, repo, imagev1.ReadyCondition, metav1.ConditionTrue, imagev1.SucceededReason)
	if repo.Status.LastScanResult.TagCount != 2 {
		t.Errorf("lastScanResult %+v", repo.Status.LastScanResult)
	}
}
