package adapt

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/tagflow/tagflow/api/v1alpha1"
)

// PolicySelector returns the selector of an automation's spec.policySelector over the
// ImagePolicies of its namespace. Without a selector every policy is selected, as in Flux.
func PolicySelector(a *v1alpha1.ImageUpdateAutomation) (labels.Selector, error) {
	if a.Spec.PolicySelector == nil {
		return labels.Everything(), nil
	}
	sel, err := metav1.LabelSelectorAsSelector(a.Spec.PolicySelector)
	if err != nil {
		return nil, fieldError("spec.policySelector", err)
	}
	return sel, nil
}
