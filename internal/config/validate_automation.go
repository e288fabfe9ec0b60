package config

import (
	"regexp"

	"github.com/tagflow/tagflow/api/v1alpha1"
)

var (
	// gitURLPattern and refspecPattern are the CRD's patterns.
	gitURLPattern  = regexp.MustCompile(`^((https?|ssh|file)://.+|[A-Za-z0-9._~-]+@[^:/]+:.+)$`)
	refspecPattern = regexp.MustCompile(`^$|^[^+:]`)
	forgeURL       = regexp.MustCompile(`^https?://.+`)
)

// errNoSource is the problem of an automation with neither spec.sourceRef nor spec.git.url.
var errNoSource = fieldErrorf("spec.sourceRef", "exactly one of spec.sourceRef and spec.git.url must be set, got neither")

func validateAutomation(a *v1alpha1.ImageUpdateAutomation) []error {
	defaultAutomation(a)
	spec := &a.Spec
	errs := []error{
		positive("spec.interval", &spec.Interval, true),
		validateSource(spec),
		oneOf("spec.update.strategy", string(spec.Update.Strategy), string(v1alpha1.UpdateStrategySetters)),
	}
	if spec.GitSpec == nil {
		return append(errs, fieldErrorf("spec.git", "required"))
	}
	return append(errs, validateGit(spec.GitSpec)...)
}

// validateSource requires exactly one of spec.sourceRef and spec.git.url.
func validateSource(spec *v1alpha1.ImageUpdateAutomationSpec) error {
	hasURL := spec.GitSpec != nil && spec.GitSpec.URL != ""
	ref := spec.SourceRef
	switch {
	case ref == nil && !hasURL:
		return errNoSource
	case ref != nil && hasURL:
		return fieldErrorf("spec.sourceRef", "exactly one of spec.sourceRef and spec.git.url must be set, got both")
	case ref == nil:
		return nil
	case ref.APIVersion != "" && ref.APIVersion != SourceAPIVersion:
		return fieldErrorf("spec.sourceRef.apiVersion", "unsupported value %q: want %s", ref.APIVersion, SourceAPIVersion)
	case ref.Kind != KindGitRepository:
		return oneOf("spec.sourceRef.kind", ref.Kind, KindGitRepository)
	}
	return required("spec.sourceRef.name", ref.Name)
}

func validateGit(g *v1alpha1.GitSpec) []error {
	errs := []error{
		required("spec.git.commit.author.email", g.Commit.Author.Email),
		secretName("spec.git.secretRef", g.SecretRef),
	}
	if g.URL != "" && !gitURLPattern.MatchString(g.URL) {
		errs = append(errs, fieldErrorf("spec.git.url", "unsupported URL: want https://, http://, ssh://, file:// or user@host:path"))
	}
	if g.SecretRef != nil && g.URL == "" {
		errs = append(errs, fieldErrorf("spec.git.secretRef", "only used with spec.git.url; a GitRepository's credentials come from its own spec.secretRef"))
	}
	if k := g.Commit.SigningKey; k != nil {
		errs = append(errs,
			required("spec.git.commit.signingKey.secretRef.name", k.SecretRef.Name),
			oneOf("spec.git.commit.signingKey.type", string(k.Type), string(v1alpha1.SigningKeyTypeGPG), string(v1alpha1.SigningKeyTypeSSH)))
	}
	if p := g.Push; p != nil && !refspecPattern.MatchString(p.Refspec) {
		errs = append(errs, fieldErrorf("spec.git.push.refspec", "a refspec that forces (+) or deletes (:dst) is not allowed"))
	}
	if g.PullRequest != nil {
		errs = append(errs, validatePullRequest(g)...)
	}
	return errs
}

func validatePullRequest(g *v1alpha1.GitSpec) []error {
	pr := g.PullRequest
	errs := []error{
		oneOf("spec.git.pullRequest.provider", string(pr.Provider),
			string(v1alpha1.GitHubProvider), string(v1alpha1.GitLabProvider), string(v1alpha1.GiteaProvider)),
		required("spec.git.pullRequest.secretRef.name", pr.SecretRef.Name),
	}
	if g.Push == nil || g.Push.Branch == "" {
		errs = append(errs, fieldErrorf("spec.git.push.branch", "required with spec.git.pullRequest: it is the branch the pull request is opened from"))
	}
	if pr.URL != "" && !forgeURL.MatchString(pr.URL) {
		errs = append(errs, fieldErrorf("spec.git.pullRequest.url", "want an http:// or https:// URL"))
	}
	return errs
}
