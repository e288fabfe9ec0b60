package adapt

import (
	"errors"
	"testing"

	"github.com/tagflow/tagflow/api/v1alpha1"
)

func TestCheckAccess(t *testing.T) {
	selectors := func(sel ...map[string]string) *v1alpha1.AccessFrom {
		acl := &v1alpha1.AccessFrom{NamespaceSelectors: []v1alpha1.NamespaceSelector{}}
		for _, s := range sel {
			acl.NamespaceSelectors = append(acl.NamespaceSelectors, v1alpha1.NamespaceSelector{MatchLabels: s})
		}
		return acl
	}
	tests := []struct {
		name   string
		acl    *v1alpha1.AccessFrom
		from   string
		labels map[string]string
		allow  bool
	}{
		{name: "same namespace without acl", from: "apps", allow: true},
		{name: "other namespace without acl", from: "team", allow: false},
		{name: "no selectors", acl: selectors(), from: "team", allow: false},
		{name: "empty matchLabels matches every namespace", acl: selectors(map[string]string{}), from: "team", allow: true},
		{name: "nil matchLabels matches every namespace", acl: selectors(nil), from: "team", allow: true},
		{name: "matching labels", acl: selectors(map[string]string{"tenant": "a"}), from: "team",
			labels: map[string]string{"tenant": "a", "x": "y"}, allow: true},
		{name: "all labels must match", acl: selectors(map[string]string{"tenant": "a", "env": "prod"}), from: "team",
			labels: map[string]string{"tenant": "a"}, allow: false},
		{name: "any selector may match", acl: selectors(map[string]string{"tenant": "b"}, map[string]string{"tenant": "a"}),
			from: "team", labels: map[string]string{"tenant": "a"}, allow: true},
		{name: "namespace without labels", acl: selectors(map[string]string{"tenant": "a"}), from: "team", allow: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckAccess(tt.acl, tt.from, tt.labels, "apps")
			if allowed := err == nil; allowed != tt.allow {
				t.Fatalf("CheckAccess() = %v, want allowed %v", err, tt.allow)
			}
			if err != nil && !errors.Is(err, ErrAccessDenied) {
				t.Errorf("CheckAccess() = %v, does not wrap ErrAccessDenied", err)
			}
		})
	}
}
