package controller

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"

	imagev1 "github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/internal/adapt"
	"github.com/tagflow/tagflow/internal/testenv/registry"
)

// TestPolicyPlatformsAndDigest: a tag whose index lacks a required platform is passed
// over, and the chosen tag's digest is reflected.
func TestPolicyPlatformsAndDigest(t *testing.T) {
	needEnv(t)
	reg := registry.Start(t, registry.PlainHTTP)
	want := reg.PushIndex(t, "team/app", "1.0.0", "linux/amd64", "linux/arm64")
	reg.PushIndex(t, "team/app", "1.1.0", "linux/amd64")
	ns := namespace(t, nil)
	create(t, &imagev1.ImageRepository{
		ObjectMeta: metav1.ObjectMeta{Name: "app", Namespace: ns},
		Spec: imagev1.ImageRepositorySpec{Image: reg.Ref("team/app"), Insecure: true,
			Interval: metav1.Duration{Duration: time.Hour}},
	})
	pol := &imagev1.ImagePolicy{
		ObjectMeta: metav1.ObjectMeta{Name: "app", Namespace: ns},
		Spec: imagev1.ImagePolicySpec{
			ImageRepositoryRef:     imagev1.NamespacedObjectReference{Name: "app"},
			Policy:                 imagev1.ImagePolicyChoice{SemVer: &imagev1.SemVerPolicy{Range: "1.x"}},
			Platforms:              []string{"linux/arm64"},
			DigestReflectionPolicy: imagev1.ReflectIfNotPresent,
		},
	}
	create(t, pol)
	waitCondition(t, pol, imagev1.ReadyCondition, metav1.ConditionTrue, imagev1.SucceededReason)
	if ref := pol.Status.LatestRef; ref == nil || ref.Tag != "1.0.0" || ref.Digest != want {
		t.Errorf("latestRef %+v, want tag 1.0.0 with digest %s", ref, want)
	}
	if e := pol.Status.Explanation; e == nil || len(e.Dropped) == 0 || e.Dropped[len(e.Dropped)-1].Reason != adapt.DroppedMissingPlatform {
		t.Errorf("explanation %+v does not report the tag dropped for its platforms", e)
	}
	checkKstatus(t, pol, imagev1.ImagePolicyKind, status.CurrentStatus)
}
