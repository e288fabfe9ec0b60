package v1alpha1_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tagflow/tagflow/api/v1alpha1"
)

// The getters give the CRD defaults to runtimes that do not go through the API server,
// such as the standalone daemon.

func TestImageRepositoryGetters(t *testing.T) {
	tests := []struct {
		name          string
		spec          v1alpha1.ImageRepositorySpec
		wantTimeout   time.Duration
		wantExclusion []string
		wantProvider  string
	}{{
		name:          "defaults",
		spec:          v1alpha1.ImageRepositorySpec{Interval: metav1.Duration{Duration: 5 * time.Minute}},
		wantTimeout:   5 * time.Minute,
		wantExclusion: []string{`^.*\.sig$`},
		wantProvider:  v1alpha1.GenericProvider,
	}, {
		name: "set",
		spec: v1alpha1.ImageRepositorySpec{
			Interval:      metav1.Duration{Duration: 5 * time.Minute},
			Timeout:       &metav1.Duration{Duration: 30 * time.Second},
			ExclusionList: []string{"^dev-"},
			Provider:      v1alpha1.AWSProvider,
		},
		wantTimeout:   30 * time.Second,
		wantExclusion: []string{"^dev-"},
		wantProvider:  v1alpha1.AWSProvider,
	}, {
		name:          "timeout at least one second",
		spec:          v1alpha1.ImageRepositorySpec{Interval: metav1.Duration{Duration: time.Millisecond}},
		wantTimeout:   time.Second,
		wantExclusion: []string{`^.*\.sig$`},
		wantProvider:  v1alpha1.GenericProvider,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			repo := &v1alpha1.ImageRepository{Spec: tt.spec}
			if got := repo.GetTimeout(); got != tt.wantTimeout {
				t.Errorf("GetTimeout() = %v, want %v", got, tt.wantTimeout)
			}
			if diff := cmp.Diff(tt.wantExclusion, repo.GetExclusionList()); diff != "" {
				t.Errorf("GetExclusionList() mismatch (-want +got):\n%s", diff)
			}
			if got := repo.GetProvider(); got != tt.wantProvider {
				t.Errorf("GetProvider() = %q, want %q", got, tt.wantProvider)
			}
		})
	}
}

func TestGetExclusionListDoesNotShareTheDefault(t *testing.T) {
	repo := &v1alpha1.ImageRepository{}
	repo.GetExclusionList()[0] = "changed"
	if got := v1alpha1.DefaultExclusionList[0]; got != `^.*\.sig$` {
		t.Fatalf("DefaultExclusionList[0] = %q after changing a returned list", got)
	}
}

func TestImagePolicyGetInterval(t *testing.T) {
	minute := &metav1.Duration{Duration: time.Minute}
	tests := []struct {
		name     string
		reflect  v1alpha1.ReflectionPolicy
		interval *metav1.Duration
		want     time.Duration
	}{
		{name: "never reflecting is event driven", reflect: "", want: 0},
		{name: "IfNotPresent is event driven", reflect: v1alpha1.ReflectIfNotPresent, interval: minute, want: 0},
		{name: "Always defaults to ten minutes", reflect: v1alpha1.ReflectAlways, want: 10 * time.Minute},
		{name: "Always with an interval", reflect: v1alpha1.ReflectAlways, interval: minute, want: time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &v1alpha1.ImagePolicy{Spec: v1alpha1.ImagePolicySpec{DigestReflectionPolicy: tt.reflect, Interval: tt.interval}}
			if got := p.GetInterval(); got != tt.want {
				t.Errorf("GetInterval() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestImageUpdateAutomationGetUpdateStrategy(t *testing.T) {
	tests := []struct {
		name   string
		update *v1alpha1.UpdateStrategy
		want   v1alpha1.UpdateStrategy
	}{
		{name: "absent", want: v1alpha1.UpdateStrategy{Strategy: v1alpha1.UpdateStrategySetters}},
		{name: "path only", update: &v1alpha1.UpdateStrategy{Path: "./apps"}, want: v1alpha1.UpdateStrategy{Strategy: v1alpha1.UpdateStrategySetters, Path: "./apps"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := &v1alpha1.ImageUpdateAutomation{Spec: v1alpha1.ImageUpdateAutomationSpec{Update: tt.update}}
			if diff := cmp.Diff(tt.want, a.GetUpdateStrategy()); diff != "" {
				t.Errorf("GetUpdateStrategy() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestImageRefString(t *testing.T) {
	tests := []struct {
		ref  v1alpha1.ImageRef
		want string
	}{
		{v1alpha1.ImageRef{Name: "ghcr.io/org/app", Tag: "1.2.3"}, "ghcr.io/org/app:1.2.3"},
		{v1alpha1.ImageRef{Name: "ghcr.io/org/app", Tag: "1.2.3", Digest: "sha256:abc"}, "ghcr.io/org/app:1.2.3@sha256:abc"},
	}
	for _, tt := range tests {
		if got := tt.ref.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.ref, got, tt.want)
		}
	}
}
