package config

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tagflow/tagflow/api/v1alpha1"
)

func TestPoliciesFor(t *testing.T) {
	s, err := Load("testdata/selectors")
	if err != nil {
		t.Fatalf("Load(testdata/selectors): %v", err)
	}
	tests := []struct {
		name      string
		namespace string
		selector  *metav1.LabelSelector
		want      []string
	}{
		{name: "no selector selects every policy of the namespace", namespace: "apps",
			want: []string{"apps/frontend", "apps/backend", "apps/canary"}},
		{name: "empty selector selects every policy too", namespace: "apps", selector: &metav1.LabelSelector{},
			want: []string{"apps/frontend", "apps/backend", "apps/canary"}},
		{name: "matchLabels", namespace: "apps", selector: &metav1.LabelSelector{MatchLabels: map[string]string{"tier": "web"}},
			want: []string{"apps/frontend", "apps/canary"}},
		{name: "matchLabels and matchExpressions", namespace: "apps", selector: &metav1.LabelSelector{
			MatchLabels: map[string]string{"tier": "web"},
			MatchExpressions: []metav1.LabelSelectorRequirement{
				{Key: "env", Operator: metav1.LabelSelectorOpNotIn, Values: []string{"canary"}},
			},
		}, want: []string{"apps/frontend"}},
		{name: "no match", namespace: "apps", selector: &metav1.LabelSelector{MatchLabels: map[string]string{"tier": "db"}}},
		{name: "other namespace", namespace: "other", want: []string{"other/frontend"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := &v1alpha1.ImageUpdateAutomation{
				ObjectMeta: metav1.ObjectMeta{Name: "auto", Namespace: tt.namespace},
				Spec:       v1alpha1.ImageUpdateAutomationSpec{PolicySelector: tt.selector},
			}
			policies, err := s.PoliciesFor(a)
			if err != nil {
				t.Fatalf("PoliciesFor(): %v", err)
			}
			var got []string
			for _, p := range policies {
				got = append(got, p.Namespace+"/"+p.Name)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("PoliciesFor() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRepositoryForAccess(t *testing.T) {
	s, err := Load("testdata/selectors")
	if err != nil {
		t.Fatalf("Load(testdata/selectors): %v", err)
	}
	p, _ := s.Policy("other", "frontend")
	repo, err := s.RepositoryFor(p)
	if err != nil || repo.Namespace != "apps" {
		t.Errorf("RepositoryFor(other/frontend) = %v, %v; want apps/app, allowed by an empty matchLabels", repo, err)
	}
}
