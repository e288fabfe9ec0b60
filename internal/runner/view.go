package runner

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/internal/config"
)

// typeMeta returns the apiVersion and kind objects are served with.
func typeMeta(kind string) metav1.TypeMeta {
	return metav1.TypeMeta{APIVersion: v1alpha1.GroupVersion.String(), Kind: kind}
}

// ImageRepositories returns a copy of every ImageRepository with its current status.
func (r *Runner) ImageRepositories() []v1alpha1.ImageRepository {
	out := make([]v1alpha1.ImageRepository, 0, len(r.set.Repositories))
	for _, o := range r.set.Repositories {
		c := o.DeepCopy()
		c.TypeMeta = typeMeta(config.KindImageRepository)
		c.Status = r.status.repository(key(o.Namespace, o.Name))
		out = append(out, *c)
	}
	return out
}

// ImagePolicies returns a copy of every ImagePolicy with its current status.
func (r *Runner) ImagePolicies() []v1alpha1.ImagePolicy {
	out := make([]v1alpha1.ImagePolicy, 0, len(r.set.Policies))
	for _, o := range r.set.Policies {
		c := o.DeepCopy()
		c.TypeMeta = typeMeta(config.KindImagePolicy)
		c.Status = r.status.policy(key(o.Namespace, o.Name))
		out = append(out, *c)
	}
	return out
}

// ImageUpdateAutomations returns a copy of every ImageUpdateAutomation with its current
// status.
func (r *Runner) ImageUpdateAutomations() []v1alpha1.ImageUpdateAutomation {
	out := make([]v1alpha1.ImageUpdateAutomation, 0, len(r.set.Automations))
	for _, o := range r.set.Automations {
		c := o.DeepCopy()
		c.TypeMeta = typeMeta(config.KindImageUpdateAutomation)
		c.Status = r.status.automation(key(o.Namespace, o.Name))
		out = append(out, *c)
	}
	return out
}
