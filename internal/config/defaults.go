package config

import (
	"slices"

	"github.com/tagflow/tagflow/api/v1alpha1"
)

// The defaults below are those of the CRD markers (+kubebuilder:default), which an API
// server applies on write and which a file does not get otherwise.

func defaultRepository(r *v1alpha1.ImageRepository) {
	if r.Spec.Provider == "" {
		r.Spec.Provider = v1alpha1.GenericProvider
	}
	if r.Spec.ExclusionList == nil {
		r.Spec.ExclusionList = slices.Clone(v1alpha1.DefaultExclusionList)
	}
}

func defaultPolicy(p *v1alpha1.ImagePolicy) {
	if p.Spec.DigestReflectionPolicy == "" {
		p.Spec.DigestReflectionPolicy = v1alpha1.ReflectNever
	}
	if a := p.Spec.Policy.Alphabetical; a != nil && a.Order == "" {
		a.Order = v1alpha1.OrderAsc
	}
	if n := p.Spec.Policy.Numerical; n != nil && n.Order == "" {
		n.Order = v1alpha1.OrderAsc
	}
}

func defaultAutomation(a *v1alpha1.ImageUpdateAutomation) {
	if a.Spec.Update == nil {
		a.Spec.Update = &v1alpha1.UpdateStrategy{}
	}
	if a.Spec.Update.Strategy == "" {
		a.Spec.Update.Strategy = v1alpha1.UpdateStrategySetters
	}
	if ref := a.Spec.SourceRef; ref != nil && ref.Kind == "" {
		ref.Kind = KindGitRepository
	}
	if g := a.Spec.GitSpec; g != nil && g.Commit.SigningKey != nil && g.Commit.SigningKey.Type == "" {
		g.Commit.SigningKey.Type = v1alpha1.SigningKeyTypeGPG
	}
}
