package config

import (
	"net/url"
	"regexp"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tagflow/tagflow/internal/adapt"
)

// scpURL matches the scp-like form user@host:path that git accepts for SSH.
var scpURL = regexp.MustCompile(`^[^@/:]+@[^@/:]+:[^:].*$`)

// defaultGitRepository sets the defaults of Flux's CRD: a timeout of 60s.
func defaultGitRepository(g *GitRepository) {
	if g.Spec.Timeout == nil {
		g.Spec.Timeout = &metav1.Duration{Duration: adapt.DefaultGitTimeout}
	}
}

// validateGitRepository defaults and checks a GitRepository's spec.
func validateGitRepository(g *GitRepository) []error {
	defaultGitRepository(g)
	var errs []error
	if err := checkGitURL("spec.url", g.Spec.URL); err != nil {
		errs = append(errs, err)
	}
	errs = append(errs, secretName("spec.secretRef", g.Spec.SecretRef), secretName("spec.proxySecretRef", g.Spec.ProxySecretRef))
	if g.Spec.Timeout != nil && g.Spec.Timeout.Duration <= 0 {
		errs = append(errs, fieldErrorf("spec.timeout", "must be positive, got %s", g.Spec.Timeout.Duration))
	}
	if g.Spec.Interval.Duration < 0 {
		errs = append(errs, fieldErrorf("spec.interval", "must not be negative, got %s", g.Spec.Interval.Duration))
	}
	return errs
}

// checkGitURL accepts the URLs tagflow can clone: https://, http://, ssh://, file://, and
// the scp-like user@host:path.
func checkGitURL(path, raw string) error {
	if raw == "" {
		return fieldErrorf(path, "required")
	}
	if scpURL.MatchString(raw) {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fieldErrorf(path, "invalid URL: %v", err)
	}
	switch u.Scheme {
	case "https", "http", "ssh":
		if u.Host == "" {
			return fieldErrorf(path, "URL %q has no host", u.Redacted())
		}
	case "file":
		if u.Path == "" {
			return fieldErrorf(path, "URL %q has no path", u.Redacted())
		}
	default:
		return fieldErrorf(path, "unsupported URL %q: want https://, http://, ssh://, file:// or user@host:path", u.Redacted())
	}
	return nil
}
