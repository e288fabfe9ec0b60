package adapt

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/internal/forge"
	"github.com/tagflow/tagflow/internal/forge/gitea"
	"github.com/tagflow/tagflow/internal/forge/github"
	"github.com/tagflow/tagflow/internal/forge/gitlab"
	"github.com/tagflow/tagflow/updater/gitrepo"
)

// Secret keys of spec.git.pullRequest.secretRef. The GitHub App keys are those of Flux's
// notification-controller Providers.
const (
	// KeyToken holds an API token.
	KeyToken = "token"
	// KeyGitHubAppID holds a GitHub App's ID.
	KeyGitHubAppID = "githubAppID"
	// KeyGitHubAppInstallationID holds the ID of the App's installation.
	KeyGitHubAppInstallationID = "githubAppInstallationID"
	// KeyGitHubAppPrivateKey holds the App's PEM private key.
	KeyGitHubAppPrivateKey = "githubAppPrivateKey"
)

// forgeTimeout bounds each forge API request.
const forgeTimeout = 30 * time.Second

// PullRequest is spec.git.pullRequest as the forge package takes it.
type PullRequest struct {
	// Provider is github, gitlab or gitea.
	Provider v1alpha1.PullRequestProvider
	// Config is the forge client's configuration.
	Config forge.Config
	// Head is the push branch, Base the checkout branch.
	Head, Base string
	// Title and Body render the pull request's text; nil means the commit message's first
	// line and the rest of it.
	Title, Body *template.Template
	// Labels are added to the pull request.
	Labels []string
	// Draft opens it as a draft.
	Draft bool
	// CloseWhenDone closes it and deletes the push branch when nothing is left to update.
	CloseWhenDone bool
}

// pullRequest converts spec.git.pullRequest of an automation that pushes from base to
// head, with the data of its Secret. Every problem is a *FieldError.
func pullRequest(spec *v1alpha1.PullRequestSpec, gitURL, base, head string, secret map[string][]byte) (*PullRequest, error) {
	const field = "spec.git.pullRequest"
	pr := &PullRequest{Provider: spec.Provider, Head: head, Base: base, Labels: spec.Labels, Draft: spec.Draft, CloseWhenDone: spec.DeleteBranchWhenDone}
	if head == "" || head == base {
		return nil, fieldErrorf("spec.git.push.branch", "required with %s, and different from the checkout branch %q", field, base)
	}
	if base == "" {
		return nil, fieldErrorf("spec.git.checkout.ref.branch", "required with %s: it is the branch the pull request goes into", field)
	}
	var errs []error
	var err error
	if pr.Title, err = prTemplate(field+".title", spec.Title); err != nil {
		errs = append(errs, err)
	}
	if pr.Body, err = prTemplate(field+".body", spec.Body); err != nil {
		errs = append(errs, err)
	}
	if pr.Config, err = forgeConfig(spec, gitURL, secret); err != nil {
		errs = append(errs, err)
	}
	return pr, errors.Join(errs...)
}

func prTemplate(field, text string) (*template.Template, error) {
	if text == "" {
		return nil, nil
	}
	if err := checkRemovedFields(field, text); err != nil {
		return nil, err
	}
	t, err := template.New(field).Parse(text)
	if err != nil {
		return nil, fieldError(field, err)
	}
	return t, nil
}

// forgeConfig builds the forge client configuration: the API URL (spec.url, else derived
// from the Git URL), the repository path, the credentials and the HTTP client.
func forgeConfig(spec *v1alpha1.PullRequestSpec, gitURL string, secret map[string][]byte) (forge.Config, error) {
	const field = "spec.git.pullRequest"
	host, path, err := forge.RepositoryPath(gitURL)
	if err != nil {
		return forge.Config{}, fieldError(field, err)
	}
	cfg := forge.Config{URL: spec.URL, Repository: path}
	if cfg.URL == "" {
		cfg.URL = defaultForgeURL(spec.Provider, gitURL, host)
	}
	if err := forgeCredentials(&cfg, spec.Provider, secret); err != nil {
		return cfg, fieldError(field+".secretRef", err)
	}
	if cfg.HTTPClient, err = forgeHTTPClient(secret); err != nil {
		return cfg, fieldError(field+".secretRef", err)
	}
	if _, err := NewForge(spec.Provider, cfg); err != nil {
		return cfg, fieldError(field, err)
	}
	return cfg, nil
}

// defaultForgeURL is the forge at the Git URL's host: https (or http for an http:// Git
// URL, with its port), and github.com's API for github.com.
func defaultForgeURL(p v1alpha1.PullRequestProvider, gitURL, host string) string {
	if p == v1alpha1.GitHubProvider && host == "github.com" {
		return ""
	}
	if u, err := url.Parse(gitURL); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
		return u.Scheme + "://" + u.Host
	}
	return "https://" + host
}

// forgeCredentials reads the token, or for github the App's keys.
func forgeCredentials(cfg *forge.Config, p v1alpha1.PullRequestProvider, secret map[string][]byte) error {
	if secret == nil {
		return ErrMissingSecret
	}
	if token := strings.TrimSpace(string(secret[KeyToken])); token != "" {
		cfg.Token = token
		return nil
	}
	if _, ok := secret[KeyGitHubAppID]; !ok || p != v1alpha1.GitHubProvider {
		return fmt.Errorf("secret has no %s key", KeyToken)
	}
	app := &forge.GitHubApp{PrivateKey: secret[KeyGitHubAppPrivateKey]}
	var err error
	if app.AppID, err = strconv.ParseInt(strings.TrimSpace(string(secret[KeyGitHubAppID])), 10, 64); err != nil {
		return fmt.Errorf("secret key %s: want a number", KeyGitHubAppID)
	}
	if app.InstallationID, err = strconv.ParseInt(strings.TrimSpace(string(secret[KeyGitHubAppInstallationID])), 10, 64); err != nil {
		return fmt.Errorf("secret key %s: want a number", KeyGitHubAppInstallationID)
	}
	if len(app.PrivateKey) == 0 {
		return fmt.Errorf("secret has no %s key", KeyGitHubAppPrivateKey)
	}
	cfg.App = app
	return nil
}

// forgeHTTPClient trusts the Secret's ca.crt besides the system roots and takes the proxy
// from the environment.
func forgeHTTPClient(secret map[string][]byte) (*http.Client, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if ca, ok := secret[KeyCA]; ok {
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(ca) {
			return nil, fmt.Errorf("secret key %s holds no PEM certificate", KeyCA)
		}
		tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return &http.Client{Transport: tr, Timeout: forgeTimeout}, nil
}

// NewForge returns the client of provider p.
func NewForge(p v1alpha1.PullRequestProvider, cfg forge.Config) (forge.Client, error) {
	switch p {
	case v1alpha1.GitHubProvider:
		return github.New(cfg)
	case v1alpha1.GitLabProvider:
		return gitlab.New(cfg)
	case v1alpha1.GiteaProvider:
		return gitea.New(cfg)
	}
	return nil, fmt.Errorf("%w: %q", forge.ErrUnknownProvider, p)
}

// Sync brings the automation's pull request in line with what the run res left on the push
// branch, and deletes the branch when nothing is left to update and CloseWhenDone is set;
// deleted reports that it did. runErr is the run's error: after a BranchModifiedError the
// pull request is only looked up; after any other error nothing is done. data is the commit
// message template's data.
func (p *PullRequest) Sync(ctx context.Context, repo *gitrepo.Repo, res gitrepo.Result, runErr error, data any) (out forge.Outcome, deleted bool, err error) {
	modified := errors.Is(runErr, gitrepo.ErrBranchModified)
	if runErr != nil && !modified {
		return forge.Outcome{}, false, nil
	}
	req, err := p.request(res.Message, data, res.Changed && !modified)
	if err != nil {
		return forge.Outcome{}, false, err
	}
	c, err := NewForge(p.Provider, p.Config)
	if err != nil {
		return forge.Outcome{}, false, err
	}
	branch := forge.Branch{Head: res.Head, Pending: res.Changed, Modified: modified}
	if out, err = forge.Sync(ctx, c, req, branch, p.CloseWhenDone); err != nil {
		return out, false, fmt.Errorf("pull request from %s into %s: %w", p.Head, p.Base, err)
	}
	if !p.CloseWhenDone || res.Changed || modified || res.Head == "" {
		return out, false, nil
	}
	return out, true, repo.DeletePushBranch(ctx, res.Head)
}

// request renders the title and body; with render false (nothing to open or update) they
// are left empty.
func (p *PullRequest) request(message string, data any, render bool) (forge.Request, error) {
	req := forge.Request{Head: p.Head, Base: p.Base, Labels: p.Labels, Draft: p.Draft}
	if !render {
		return req, nil
	}
	first, rest, _ := strings.Cut(strings.TrimSpace(message), "\n")
	req.Title, req.Body = strings.TrimSpace(first), strings.TrimSpace(rest)
	var err error
	if p.Title != nil {
		if req.Title, err = execute(p.Title, data); err != nil {
			return req, err
		}
		req.Title = strings.Join(strings.Fields(req.Title), " ")
	}
	if p.Body != nil {
		if req.Body, err = execute(p.Body, data); err != nil {
			return req, err
		}
	}
	if req.Title == "" {
		return req, fmt.Errorf("rendering spec.git.pullRequest.title: the title is empty")
	}
	return req, nil
}

func execute(t *template.Template, data any) (string, error) {
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return "", fmt.Errorf("rendering %s: %w", t.Name(), err)
	}
	return strings.TrimSpace(b.String()), nil
}
