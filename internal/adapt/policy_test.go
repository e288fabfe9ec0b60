package adapt

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/policy"
)

func imagePolicy(spec v1alpha1.ImagePolicySpec) *v1alpha1.ImagePolicy {
	return &v1alpha1.ImagePolicy{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "apps"}, Spec: spec}
}

func TestPolicy(t *testing.T) {
	p := imagePolicy(v1alpha1.ImagePolicySpec{
		ImageRepositoryRef:     v1alpha1.NamespacedObjectReference{Name: "web"},
		Policy:                 v1alpha1.ImagePolicyChoice{Numerical: &v1alpha1.NumericalPolicy{Order: "desc"}},
		FilterTags:             &v1alpha1.TagFilter{Pattern: `^main-(?P<ts>\d+)$`, Extract: "$ts"},
		DigestReflectionPolicy: v1alpha1.ReflectAlways,
		Platforms:              []string{"linux/amd64"},
		MinAge:                 &metav1.Duration{Duration: time.Hour},
	})
	got, err := Policy(p)
	if err != nil {
		t.Fatalf("Policy(): %v", err)
	}
	want := Selection{
		Repository: v1alpha1.NamespacedObjectReference{Name: "web", Namespace: "apps"},
		Spec: policy.Spec{
			Numerical: &policy.OrderSpec{Order: "desc"},
			Filter:    &policy.FilterSpec{Pattern: `^main-(?P<ts>\d+)$`, Extract: "$ts"},
		},
		Platforms:        []string{"linux/amd64"},
		MinAge:           time.Hour,
		DigestReflection: v1alpha1.ReflectAlways,
		Interval:         v1alpha1.DefaultDigestInterval,
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(Selection{}, "Policy")); diff != "" {
		t.Errorf("Policy() mismatch (-want +got):\n%s", diff)
	}
	res, err := got.Policy.Select([]string{"main-a-1", "main-5", "main-3", "dev-1"})
	if err != nil || res.Tag != "main-3" {
		t.Errorf("built policy Select() = %q, %v; want main-3 (desc over extracted numbers)", res.Tag, err)
	}
}

func TestPolicyDefaults(t *testing.T) {
	got, err := Policy(imagePolicy(v1alpha1.ImagePolicySpec{
		ImageRepositoryRef: v1alpha1.NamespacedObjectReference{Name: "web", Namespace: "shared"},
		Policy:             v1alpha1.ImagePolicyChoice{SemVer: &v1alpha1.SemVerPolicy{Range: "1.x"}},
	}))
	if err != nil {
		t.Fatalf("Policy(): %v", err)
	}
	if got.Repository.Namespace != "shared" || got.DigestReflection != v1alpha1.ReflectNever || got.Interval != 0 || got.MinAge != 0 {
		t.Errorf("Policy() = %+v; want the named namespace, Never, no interval and no minimum age", got)
	}
}

func TestPolicyErrors(t *testing.T) {
	semver := func(r string) v1alpha1.ImagePolicyChoice {
		return v1alpha1.ImagePolicyChoice{SemVer: &v1alpha1.SemVerPolicy{Range: r}}
	}
	tests := []struct {
		name   string
		spec   v1alpha1.ImagePolicySpec
		fields []string
	}{
		{name: "no policy", spec: v1alpha1.ImagePolicySpec{}, fields: []string{"spec.policy"}},
		{name: "bad range", spec: v1alpha1.ImagePolicySpec{Policy: semver("*-*")}, fields: []string{"spec.policy.semver.range"}},
		{name: "bad pattern and range", spec: v1alpha1.ImagePolicySpec{Policy: semver("x1"), FilterTags: &v1alpha1.TagFilter{Pattern: "("}},
			fields: []string{"spec.policy.semver.range", "spec.filterTags"}},
		{name: "unknown extract group", spec: v1alpha1.ImagePolicySpec{Policy: semver("1.x"), FilterTags: &v1alpha1.TagFilter{Pattern: "(?P<a>.*)", Extract: "$b"}},
			fields: []string{"spec.filterTags"}},
		{name: "bad order", spec: v1alpha1.ImagePolicySpec{Policy: v1alpha1.ImagePolicyChoice{Alphabetical: &v1alpha1.AlphabeticalPolicy{Order: "up"}}},
			fields: []string{"spec.policy"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Policy(imagePolicy(tt.spec))
			if diff := cmp.Diff(tt.fields, fields(err)); diff != "" {
				t.Errorf("Policy() error fields mismatch (-want +got):\n%s\nerror: %v", diff, err)
			}
		})
	}
}

// fields lists the field paths of the *FieldError values in a joined error.
func fields(err error) []string {
	if err == nil {
		return nil
	}
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		var out []string
		for _, e := range joined.Unwrap() {
			out = append(out, fields(e)...)
		}
		return out
	}
	if fe, ok := errors.AsType[*FieldError](err); ok {
		return []string{fe.Field}
	}
	return []string{"(no field: " + err.Error() + ")"}
}

func TestCandidates(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	seen := map[string]time.Time{"old": now.Add(-2 * time.Hour), "edge": now.Add(-time.Hour), "new": now.Add(-time.Minute)}
	for _, tc := range []struct {
		name                      string
		minAge                    time.Duration
		wantCandidates, wantYoung []string
	}{
		{"no minAge", 0, []string{"edge", "new", "old"}, nil},
		{"one hour", time.Hour, []string{"edge", "old"}, []string{"new"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sorted := func(yield func(string, time.Time) bool) {
				for _, k := range []string{"edge", "new", "old"} {
					if !yield(k, seen[k]) {
						return
					}
				}
			}
			candidates, young := Selection{MinAge: tc.minAge}.Candidates(sorted, now)
			if diff := cmp.Diff(tc.wantCandidates, candidates); diff != "" {
				t.Errorf("candidates mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantYoung, young); diff != "" {
				t.Errorf("young mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestKnownDigest(t *testing.T) {
	ref := v1alpha1.ImageRef{Name: "ghcr.io/acme/web", Tag: "1.2.0"}
	prev := &v1alpha1.ImageRef{Name: ref.Name, Tag: ref.Tag, Digest: "sha256:aaa"}
	other := &v1alpha1.ImageRef{Name: ref.Name, Tag: "1.1.0", Digest: "sha256:bbb"}
	for _, tc := range []struct {
		name       string
		reflect    v1alpha1.ReflectionPolicy
		prev       *v1alpha1.ImageRef
		wantDigest string
		wantLookup bool
	}{
		{"never", v1alpha1.ReflectNever, prev, "", false},
		{"unset", "", prev, "", false},
		{"always", v1alpha1.ReflectAlways, prev, "", true},
		{"if not present, known", v1alpha1.ReflectIfNotPresent, prev, "sha256:aaa", false},
		{"if not present, other tag", v1alpha1.ReflectIfNotPresent, other, "", true},
		{"if not present, first", v1alpha1.ReflectIfNotPresent, nil, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, lookup := Selection{DigestReflection: tc.reflect}.KnownDigest(tc.prev, ref)
			if d != tc.wantDigest || lookup != tc.wantLookup {
				t.Errorf("KnownDigest() = %q, %v, want %q, %v", d, lookup, tc.wantDigest, tc.wantLookup)
			}
		})
	}
}

func TestResolvedMessage(t *testing.T) {
	ref := v1alpha1.ImageRef{Name: "ghcr.io/acme/web", Tag: "1.2.0"}
	withDigest := v1alpha1.ImageRef{Name: ref.Name, Tag: ref.Tag, Digest: "sha256:aaa"}
	prev := &v1alpha1.ImageRef{Name: ref.Name, Tag: "1.1.0"}
	for _, tc := range []struct {
		name string
		ref  v1alpha1.ImageRef
		prev *v1alpha1.ImageRef
		want string
	}{
		{"first", ref, nil, "Latest image tag for ghcr.io/acme/web resolved to 1.2.0"},
		{"same as before", ref, &ref, "Latest image tag for ghcr.io/acme/web resolved to 1.2.0"},
		{"with digest", withDigest, nil, "Latest image tag for ghcr.io/acme/web resolved to 1.2.0 with digest sha256:aaa"},
		{"changed", ref, prev, "Latest image tag for ghcr.io/acme/web resolved to 1.2.0 (previously ghcr.io/acme/web:1.1.0)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, ResolvedMessage(tc.ref, tc.prev)); diff != "" {
				t.Errorf("ResolvedMessage() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
