package adapt

import (
	"errors"
	"fmt"
	"maps"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/updater/gitrepo"
)

// Secret keys of Git credentials and signing keys, as Flux's GitRepository and
// ImageUpdateAutomation read them.
const (
	// KeyBearerToken holds an HTTPS bearer token.
	KeyBearerToken = "bearerToken"
	// KeyIdentity holds an SSH private key (also an SSH signing key).
	KeyIdentity = "identity"
	// KeyKnownHosts holds the known_hosts lines of the SSH server; required with identity.
	KeyKnownHosts = "known_hosts"
	// KeyCAFile is the legacy name of KeyCA in Git Secrets.
	KeyCAFile = "caFile"
	// KeyGPGKey holds an ASCII-armored OpenPGP private key for signing.
	KeyGPGKey = "git.asc"
	// KeyPassphrase holds the passphrase of KeyGPGKey.
	KeyPassphrase = "passphrase"
)

// DefaultBranch is checked out when neither the automation nor its source names a ref, as
// in Flux.
const DefaultBranch = "master"

// DefaultGitTimeout bounds each Git operation when the source sets no timeout, as Flux's
// GitRepository default.
const DefaultGitTimeout = 60 * time.Second

// GitSource is the repository an automation writes to: the Flux GitRepository named by
// spec.sourceRef, or the automation's own spec.git.url.
type GitSource struct {
	// Field is the field path that names the source in messages: spec.sourceRef or
	// spec.git.url.
	Field string
	// URL is the repository URL.
	URL string
	// Ref is the source's default ref (a GitRepository's spec.ref); nil for none.
	Ref *v1alpha1.GitRepositoryRef
	// Timeout bounds each Git operation; zero means DefaultGitTimeout.
	Timeout time.Duration
	// Secret is the data of the credentials Secret; nil when none is referenced.
	Secret map[string][]byte
	// Proxy is the data of the proxy Secret (address, username, password), as a
	// GitRepository's spec.proxySecretRef; nil when none is referenced.
	Proxy map[string][]byte
}

// InlineSource returns the source of an automation that sets spec.git.url, with the data
// of its spec.git.secretRef.
func InlineSource(a *v1alpha1.ImageUpdateAutomation, secret map[string][]byte) GitSource {
	src := GitSource{Field: "spec.git.url", Secret: secret}
	if a.Spec.GitSpec != nil {
		src.URL = a.Spec.GitSpec.URL
	}
	return src
}

// Git is an ImageUpdateAutomation as the Git and updater packages take it.
type Git struct {
	// URL is the repository URL.
	URL string
	// Ref is the checkout ref.
	Ref gitrepo.Ref
	// Options configure gitrepo.New: credentials, author, signing, message and push.
	Options []gitrepo.Option
	// Timeout bounds each run's Git operations.
	Timeout time.Duration
	// Path is the directory to update, relative to the repository root, with forward
	// slashes; "." for the root.
	Path string
	// Values are the commit message template's .Values.
	Values map[string]string
	// PullRequest is set when the automation opens a pull request from its push branch.
	PullRequest *PullRequest
}

// Secrets are the data of the Secrets an automation references besides its source's; nil
// for a reference that is not set.
type Secrets struct {
	// SigningKey is spec.git.commit.signingKey.secretRef's.
	SigningKey map[string][]byte
	// PullRequest is spec.git.pullRequest.secretRef's.
	PullRequest map[string][]byte
}

// Automation converts an ImageUpdateAutomation, its source and the data of its other
// Secrets into what gitrepo, the updater and the forge take. Every problem is a
// *FieldError, joined; the options are checked by building a gitrepo.Repo and a forge
// client, which do no I/O.
func Automation(a *v1alpha1.ImageUpdateAutomation, src GitSource, secrets Secrets) (Git, error) {
	g := Git{URL: src.URL, Timeout: src.Timeout}
	if g.Timeout <= 0 {
		g.Timeout = DefaultGitTimeout
	}
	spec := a.Spec.GitSpec
	if spec == nil {
		return g, fieldErrorf("spec.git", "required")
	}
	if src.URL == "" {
		return g, fieldErrorf(src.Field, "required")
	}
	g.Values = maps.Clone(spec.Commit.MessageTemplateValues)
	path, pathErr := updatePath(a.GetUpdateStrategy().Path)
	g.Path = path
	ref, refField := checkoutRef(spec, src)
	gitRef, refErr := gitRef(ref)
	g.Ref = gitRef
	if refErr != nil {
		return g, errors.Join(pathErr, fieldError(refField, refErr))
	}
	auth, authErr := authOptions(src.URL, src.Secret)
	proxy, proxyErr := gitProxy(src.Proxy)
	commit, commitErr := commitOptions(spec.Commit, secrets.SigningKey)
	opts, groupErr := checkGroups(append([]optionGroup{{"spec.git.push", pushOptions(spec.Push)}}, commit...))
	g.Options = slices.Concat(auth, proxy, opts)
	var prErr error
	if spec.PullRequest != nil {
		g.PullRequest, prErr = pullRequest(spec.PullRequest, src.URL, g.Ref.Branch, pushBranch(spec.Push), secrets.PullRequest)
	}
	if err := errors.Join(pathErr, prefixed(src.Field, "credentials", authErr), prefixed(src.Field, "proxy", proxyErr),
		commitErr, groupErr, prErr); err != nil {
		return g, err
	}
	return g, checkRepo(g, src.Field, refField)
}

// optionGroup is a set of gitrepo options that come from one field.
type optionGroup struct {
	field string
	opts  []gitrepo.Option
}

// checkURL is a valid URL to check options that do not depend on the repository with.
const checkURL = "https://check.invalid/repo.git"

// checkGroups checks each group of options on its own, so that a problem is reported at
// the field it comes from, and returns all the options.
func checkGroups(groups []optionGroup) ([]gitrepo.Option, error) {
	var all []gitrepo.Option
	var errs []error
	for _, g := range groups {
		all = append(all, g.opts...)
		if _, err := gitrepo.New(checkURL, gitrepo.Ref{Branch: DefaultBranch}, g.opts...); err != nil {
			errs = append(errs, fieldError(g.field, err))
		}
	}
	return all, errors.Join(errs...)
}

// checkRepo builds the Repo with every option. What can fail here is the URL, the
// credentials for it, or the checkout ref with the push branch.
func checkRepo(g Git, srcField, refField string) error {
	_, err := gitrepo.New(g.URL, g.Ref, g.Options...)
	if err == nil {
		return nil
	}
	if strings.HasPrefix(err.Error(), "checkout ref") {
		return fieldError(refField, err)
	}
	return fieldError(srcField, err)
}

// gitProxy returns the proxy option of a proxy Secret's data; none for nil data.
func gitProxy(data map[string][]byte) ([]gitrepo.Option, error) {
	if data == nil {
		return nil, nil
	}
	u, err := proxyURL(data)
	if err != nil {
		return nil, err
	}
	return []gitrepo.Option{gitrepo.WithProxy(u)}, nil
}

// prefixed wraps err as a FieldError at field, saying what it was about.
func prefixed(field, what string, err error) error {
	if err == nil {
		return nil
	}
	return fieldError(field, fmt.Errorf("%s: %w", what, err))
}

// updatePath cleans spec.update.path into a path relative to the repository root. A
// leading slash means the root, as Flux's secure join reads it; a path that leaves the
// repository is an error.
func updatePath(p string) (string, error) {
	clean := path.Clean(strings.TrimLeft(p, "/"))
	if clean == ".." || strings.HasPrefix(clean, "../") {
		return "", fieldErrorf("spec.update.path", "%q leaves the repository", p)
	}
	return clean, nil
}

// checkoutRef is the automation's checkout ref, else the source's, with the field path it
// came from.
func checkoutRef(spec *v1alpha1.GitSpec, src GitSource) (v1alpha1.GitRepositoryRef, string) {
	if spec.Checkout != nil {
		return spec.Checkout.Reference, "spec.git.checkout.ref"
	}
	if src.Ref != nil {
		return *src.Ref, src.Field
	}
	return v1alpha1.GitRepositoryRef{}, "spec.git.checkout.ref"
}

// gitRef picks the checkout from a ref by Flux's precedence: commit, name, tag, semver,
// branch; with none, DefaultBranch.
func gitRef(r v1alpha1.GitRepositoryRef) (gitrepo.Ref, error) {
	switch {
	case r.Commit != "":
		return gitrepo.Ref{Commit: r.Commit, Branch: r.Branch}, nil
	case r.Name != "":
		return refName(r.Name)
	case r.Tag != "":
		return gitrepo.Ref{Tag: r.Tag}, nil
	case r.SemVer != "":
		return gitrepo.Ref{SemVer: r.SemVer}, nil
	case r.Branch != "":
		return gitrepo.Ref{Branch: r.Branch}, nil
	}
	return gitrepo.Ref{Branch: DefaultBranch}, nil
}

// refName turns a full reference name into a branch or a tag.
func refName(name string) (gitrepo.Ref, error) {
	if b, ok := strings.CutPrefix(name, "refs/heads/"); ok {
		return gitrepo.Ref{Branch: b}, nil
	}
	if t, ok := strings.CutPrefix(name, "refs/tags/"); ok {
		return gitrepo.Ref{Tag: t}, nil
	}
	return gitrepo.Ref{}, fmt.Errorf("name %q: only refs/heads/ and refs/tags/ references are supported", name)
}

// pushBranch is spec.git.push.branch; empty when not set.
func pushBranch(p *v1alpha1.PushSpec) string {
	if p == nil {
		return ""
	}
	return p.Branch
}

// pushOptions returns the push branch, refspec and options.
func pushOptions(p *v1alpha1.PushSpec) []gitrepo.Option {
	if p == nil {
		return nil
	}
	var opts []gitrepo.Option
	if p.Branch != "" {
		opts = append(opts, gitrepo.WithPushBranch(p.Branch))
	}
	if p.Refspec != "" {
		opts = append(opts, gitrepo.WithPushRefspec(p.Refspec))
	}
	if len(p.Options) > 0 {
		opts = append(opts, gitrepo.WithPushOptions(p.Options))
	}
	return opts
}

// isHTTP reports whether rawURL is an http:// URL, which is allowed because it was asked
// for explicitly.
func isHTTP(rawURL string) bool {
	u, err := url.Parse(rawURL)
	return err == nil && u.Scheme == "http"
}
