package gitlab

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go"

	"github.com/tagflow/tagflow/internal/forge"
)

const (
	// defaultURL is the instance used when the config names none.
	defaultURL = "https://gitlab.com"
	// defaultTimeout bounds each request when the config brings no HTTP client.
	defaultTimeout = 30 * time.Second
	// defaultMaxWait is the longest rate limit the client waits out before giving up.
	defaultMaxWait = 2 * time.Minute
	// maxRetries is how often client-go sends a request again after a 429 or a 5xx.
	maxRetries = 3
)

// Client is one project on a GitLab instance.
type Client struct {
	gl      *gl.Client
	project string
	// maxWait is the longest rate limit waited out; tests shorten it.
	maxWait time.Duration
}

var _ forge.Client = (*Client)(nil)

// New returns the Client of the project cfg.Repository (group/name or
// group/subgroup/name).
//
// cfg.URL is the instance's root, with or without /api/v4; empty means gitlab.com.
// cfg.Token is a personal, group or project access token; a GitHub App is refused.
func New(cfg forge.Config) (*Client, error) {
	if cfg.App != nil {
		return nil, errors.New("a GitHub App cannot authenticate to GitLab; give an access token")
	}
	if cfg.Token == "" {
		return nil, errors.New("no GitLab access token is configured")
	}
	if !validProject(cfg.Repository) {
		return nil, fmt.Errorf("repository %q is not a GitLab project path (group/name or group/subgroup/name)", cfg.Repository)
	}
	root, err := instanceRoot(cfg.URL)
	if err != nil {
		return nil, err
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: defaultTimeout}
	}
	c := &Client{project: cfg.Repository, maxWait: defaultMaxWait}
	c.gl, err = gl.NewClient(cfg.Token,
		gl.WithBaseURL(root),
		gl.WithHTTPClient(hc),
		gl.WithCustomRetry(c.checkRetry),
		gl.WithCustomBackoff(backoff),
		gl.WithCustomRetryMax(maxRetries),
	)
	if err != nil {
		return nil, fmt.Errorf("configuring the GitLab client of %s: %w", cfg.Repository, err)
	}
	return c, nil
}

// validProject reports whether p is a path of two or more non-empty segments.
func validProject(p string) bool {
	segments := strings.Split(p, "/")
	return len(segments) >= 2 && !slices.Contains(segments, "")
}

// instanceRoot returns the root URL of the GitLab instance raw names, without /api/v4.
func instanceRoot(raw string) (string, error) {
	if raw == "" {
		return defaultURL, nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("GitLab URL %q is not an http(s) URL", raw)
	}
	u.Path = strings.TrimSuffix(strings.TrimSuffix(u.Path, "/"), "/api/v4")
	u.RawPath, u.RawQuery, u.Fragment, u.User = "", "", "", nil
	return u.String(), nil
}
