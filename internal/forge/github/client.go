package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	gh "github.com/google/go-github/v89/github"

	"github.com/tagflow/tagflow/internal/forge"
)

const (
	// defaultTimeout bounds each request when the config brings no HTTP client.
	defaultTimeout = 30 * time.Second
	// defaultMaxWait is the longest rate limit the client waits out before giving up.
	defaultMaxWait = 2 * time.Minute
)

// Client is one repository on GitHub or on a GitHub Enterprise Server.
type Client struct {
	gh          *gh.Client
	owner, name string
	// maxWait is the longest rate limit waited out; tests shorten it.
	maxWait time.Duration
	// sleep waits d unless ctx ends first; tests replace it to record the waits.
	sleep func(ctx context.Context, d time.Duration) error
}

var _ forge.Client = (*Client)(nil)

// New returns the Client of cfg.Repository (owner/name).
//
// cfg.URL empty, https://api.github.com or https://github.com means github.com; any other
// URL is a GitHub Enterprise Server, given as its root (https://ghe.example.com) or its API
// (https://ghe.example.com/api/v3). Exactly one of cfg.Token and cfg.App is required.
// New does no I/O: a GitHub App's installation token is created by the first request.
func New(cfg forge.Config) (*Client, error) {
	owner, name, ok := cfg.OwnerName()
	if !ok {
		return nil, fmt.Errorf("repository %q is not owner/name, as GitHub needs", cfg.Repository)
	}
	root, err := enterpriseRoot(cfg.URL)
	if err != nil {
		return nil, err
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: defaultTimeout}
	}
	opts, err := authOptions(cfg, hc, root)
	if err != nil {
		return nil, err
	}
	if root != "" {
		opts = append(opts, gh.WithEnterpriseURLs(root, root))
	}
	c, err := gh.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("configuring the GitHub client of %s: %w", cfg.Repository, err)
	}
	return &Client{gh: c, owner: owner, name: name, maxWait: defaultMaxWait, sleep: sleep}, nil
}

// authOptions returns the go-github options that send cfg's credentials through hc.
func authOptions(cfg forge.Config, hc *http.Client, root string) ([]gh.ClientOptionsFunc, error) {
	switch {
	case cfg.Token != "" && cfg.App != nil:
		return nil, errors.New("both a token and a GitHub App are configured; give one")
	case cfg.Token != "":
		return []gh.ClientOptionsFunc{gh.WithHTTPClient(hc), gh.WithAuthToken(cfg.Token)}, nil
	case cfg.App != nil:
		tokens, err := newInstallationTokens(*cfg.App, hc, root)
		if err != nil {
			return nil, err
		}
		return []gh.ClientOptionsFunc{gh.WithHTTPClient(tokens.client(hc))}, nil
	}
	return nil, errors.New("neither a token nor a GitHub App is configured; give one")
}

// enterpriseRoot returns the root URL, with a trailing slash, of the GitHub Enterprise
// Server that raw names, or "" when raw means github.com.
func enterpriseRoot(raw string) (string, error) {
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("GitHub URL %q is not an http(s) URL", raw)
	}
	if u.Host == "api.github.com" || u.Host == "github.com" {
		return "", nil
	}
	u.Path = strings.TrimSuffix(strings.TrimSuffix(u.Path, "/"), "/api/v3")
	u.RawPath, u.RawQuery, u.Fragment, u.User = "", "", "", nil
	return u.String() + "/", nil
}
