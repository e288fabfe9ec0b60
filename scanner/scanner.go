package scanner

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// Scanner lists tags and resolves digests in container registries. It is safe for
// concurrent use. Per-host rate and concurrency limits belong to the Scanner made by New
// and are shared by every Scanner derived from it with With, so a daemon makes one root
// Scanner and derives one per repository object with that object's credentials and TLS.
type Scanner struct {
	opts     options
	limits   *hostLimits
	excludes exclusions
	// base is the HTTP transport; derived Scanners share it unless they change the TLS or
	// proxy options, so that connections are reused across scans.
	base http.RoundTripper
	// rt is the round tripper under authentication: retries, the plain-HTTP guard, the
	// limits and the base transport.
	rt http.RoundTripper
}

// New returns a Scanner configured by opts; see the options for the defaults. An invalid
// option returns an error wrapping ErrInvalidConfig.
func New(opts ...Option) (*Scanner, error) {
	o := defaults()
	if err := o.apply(opts); err != nil {
		return nil, err
	}
	return build(o, newHostLimits(o.limits), nil)
}

// With returns a Scanner with the options of s changed by opts, sharing the per-host
// limits of s. WithRateLimit and WithConcurrency are refused: the limits are per host,
// not per repository.
func (s *Scanner) With(opts ...Option) (*Scanner, error) {
	o := s.opts
	o.limitsSet, o.networkSet = false, false
	if err := o.apply(opts); err != nil {
		return nil, err
	}
	if o.limitsSet {
		return nil, configError("configuring", "", errors.New("rate and concurrency limits are shared: set them in New"))
	}
	base := s.base
	if o.networkSet {
		base = nil
	}
	return build(o, s.limits, base)
}

// apply runs the options in order and stops at the first error.
func (o *options) apply(opts []Option) error {
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(o); err != nil {
			return configError("configuring", "", err)
		}
	}
	return nil
}

// build assembles a Scanner from validated options, on base or, when nil, on a new
// transport.
func build(o options, limits *hostLimits, base http.RoundTripper) (*Scanner, error) {
	ex, err := compileExclusions(o.exclusions)
	if err != nil {
		return nil, configError("configuring", "", err)
	}
	if base == nil {
		base = o.baseTransport()
	}
	var rt http.RoundTripper = &limitTransport{limits: limits, inner: base}
	rt = &guardTransport{insecure: o.insecure, inner: rt}
	rt = &retryTransport{opts: o.retry, inner: rt}
	rt = transport.NewUserAgent(rt, o.userAgent)
	return &Scanner{opts: o, limits: limits, excludes: ex, base: base, rt: rt}, nil
}

// repository parses image, a repository without tag or digest such as
// "ghcr.io/org/app" or "alpine".
func (s *Scanner) repository(image string) (name.Repository, error) {
	if strings.Contains(image, "://") {
		return name.Repository{}, fmt.Errorf("image %q should not include a URL scheme", image)
	}
	repo, err := name.NewRepository(image, s.nameOptions()...)
	if err != nil {
		return name.Repository{}, fmt.Errorf("parsing image %q: %w", image, err)
	}
	return repo, nil
}

// nameOptions are the options for parsing image names.
func (s *Scanner) nameOptions() []name.Option {
	if s.opts.insecure {
		return []name.Option{name.Insecure}
	}
	return nil
}

// client pings the registry of repo and returns an HTTP client authorised to pull from
// repo (basic auth, or a bearer token from the registry's token service).
func (s *Scanner) client(ctx context.Context, repo name.Repository) (*http.Client, error) {
	auth := s.opts.auth.authenticator(repo.RegistryStr())
	scopes := []string{repo.Scope(transport.PullScope)}
	rt, err := transport.NewWithContext(ctx, repo.Registry, auth, s.rt, scopes)
	if err != nil {
		return nil, fmt.Errorf("authenticating to %s: %w", repo.RegistryStr(), err)
	}
	return &http.Client{Transport: rt, CheckRedirect: sameHostRedirects}, nil
}

// sameHostRedirects follows at most 10 redirects; blobs may live on another host (a CDN),
// and the authentication transport only sends credentials to the registry host.
func sameHostRedirects(_ *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	return nil
}

// errPlainHTTP is returned for a plain HTTP request when insecure is not set.
var errPlainHTTP = errors.New("plain HTTP is not allowed without insecure")

// guardTransport refuses plain HTTP unless insecure is set. go-containerregistry tries
// http for localhost on its own; this keeps the promise that plain HTTP is only used when
// asked for.
type guardTransport struct {
	insecure bool
	inner    http.RoundTripper
}

func (t *guardTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme == "http" && !t.insecure {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return nil, fmt.Errorf("%w: %s", errPlainHTTP, req.URL.Redacted())
	}
	return t.inner.RoundTrip(req)
}
