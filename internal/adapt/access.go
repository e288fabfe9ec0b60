package adapt

import (
	"errors"
	"fmt"

	"k8s.io/apimachinery/pkg/labels"

	"github.com/tagflow/tagflow/api/v1alpha1"
)

// ErrAccessDenied is wrapped by the error CheckAccess returns when a cross-namespace
// reference is not allowed.
var ErrAccessDenied = errors.New("access denied")

// CheckAccess says whether an object in namespace from may refer to an object in namespace
// to that carries the access control list acl, as Flux does for ImagePolicy →
// ImageRepository references. A reference within one namespace is always allowed. Across
// namespaces it is allowed only when acl has a namespace selector matching fromLabels, the
// labels of namespace from; an empty selector matches every namespace, and no acl allows
// no other namespace.
func CheckAccess(acl *v1alpha1.AccessFrom, from string, fromLabels map[string]string, to string) error {
	if from == to {
		return nil
	}
	if acl == nil {
		return fmt.Errorf("%w: it has no accessFrom, so only namespace %s may refer to it", ErrAccessDenied, to)
	}
	for _, sel := range acl.NamespaceSelectors {
		if labels.SelectorFromSet(sel.MatchLabels).Matches(labels.Set(fromLabels)) {
			return nil
		}
	}
	return fmt.Errorf("%w: namespace %s (labels %s) matches none of its accessFrom namespace selectors",
		ErrAccessDenied, from, describeLabels(fromLabels))
}

func describeLabels(l map[string]string) string {
	if len(l) == 0 {
		return "none"
	}
	return labels.Set(l).String()
}
