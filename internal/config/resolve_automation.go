package config

import (
	"errors"

	"k8s.io/apimachinery/pkg/labels"

	"github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/internal/adapt"
)

// PoliciesFor returns the ImagePolicies an automation applies: those of its namespace that
// its policySelector matches (all of them without a selector), in load order.
func (s *Set) PoliciesFor(a *v1alpha1.ImageUpdateAutomation) ([]*v1alpha1.ImagePolicy, error) {
	sel, err := adapt.PolicySelector(a)
	if err != nil {
		return nil, err
	}
	var out []*v1alpha1.ImagePolicy
	for _, p := range s.Policies {
		if p.Namespace == a.Namespace && sel.Matches(labels.Set(p.Labels)) {
			out = append(out, p)
		}
	}
	return out, nil
}

// SourceFor returns the Git repository an automation writes to, with its credentials: the
// GitRepository named by spec.sourceRef (in the automation's namespace unless the
// reference names one), or spec.git.url with spec.git.secretRef.
func (s *Set) SourceFor(a *v1alpha1.ImageUpdateAutomation) (adapt.GitSource, error) {
	ref := a.Spec.SourceRef
	if ref == nil {
		return s.inlineSource(a)
	}
	ns := ref.Namespace
	if ns == "" {
		ns = a.Namespace
	}
	obj, err := s.find("spec.sourceRef", KindGitRepository, ns, ref.Name)
	if err != nil {
		return adapt.GitSource{}, err
	}
	g := obj.(*GitRepository)
	data, err := s.secretData("spec.secretRef", g.Namespace, g.Spec.SecretRef)
	proxy, proxyErr := s.secretData("spec.proxySecretRef", g.Namespace, g.Spec.ProxySecretRef)
	if err := errors.Join(err, proxyErr); err != nil {
		return adapt.GitSource{}, fieldErrorf("spec.sourceRef", "%s %s/%s: %w: %w", KindGitRepository, ns, ref.Name, err, errBroken)
	}
	src := gitSource(g, data)
	src.Proxy = proxy
	return src, nil
}

// inlineSource returns the source of an automation with spec.git.url.
func (s *Set) inlineSource(a *v1alpha1.ImageUpdateAutomation) (adapt.GitSource, error) {
	g := a.Spec.GitSpec
	if g == nil || g.URL == "" {
		return adapt.GitSource{}, errNoSource
	}
	data, err := s.secretData("spec.git.secretRef", a.Namespace, g.SecretRef)
	return adapt.InlineSource(a, data), err
}

// gitSource describes a GitRepository as the source of an automation.
func gitSource(g *GitRepository, data map[string][]byte) adapt.GitSource {
	src := adapt.GitSource{Field: "spec.sourceRef", URL: g.Spec.URL, Ref: g.Spec.Reference, Secret: data}
	if g.Spec.Timeout != nil {
		src.Timeout = g.Spec.Timeout.Duration
	}
	return src
}

// GitFor converts an automation of the set, with its source and signing key, into Git and
// updater settings.
func (s *Set) GitFor(a *v1alpha1.ImageUpdateAutomation) (adapt.Git, error) {
	src, secrets, err := s.gitInputs(a)
	if err != nil {
		return adapt.Git{}, err
	}
	return adapt.Automation(a, src, secrets)
}

// gitInputs resolves what an automation references: its source with credentials, its
// signing key, and its pull request token Secret.
func (s *Set) gitInputs(a *v1alpha1.ImageUpdateAutomation) (adapt.GitSource, adapt.Secrets, error) {
	src, err := s.SourceFor(a)
	errs := []error{err}
	var secrets adapt.Secrets
	if g := a.Spec.GitSpec; g != nil && g.Commit.SigningKey != nil {
		secrets.SigningKey, err = s.secretData("spec.git.commit.signingKey.secretRef", a.Namespace, &g.Commit.SigningKey.SecretRef)
		errs = append(errs, err)
	}
	if g := a.Spec.GitSpec; g != nil && g.PullRequest != nil {
		secrets.PullRequest, err = s.secretData("spec.git.pullRequest.secretRef", a.Namespace, &g.PullRequest.SecretRef)
		errs = append(errs, err)
	}
	return src, secrets, errors.Join(errs...)
}
