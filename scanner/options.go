package scanner

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"golang.org/x/time/rate"
)

// Defaults for the options. They are stated in each option's documentation too.
const (
	// DefaultPageSize is the n asked for per tags/list request. Registries may cap it
	// (Quay at 100); pagination follows the Link header either way.
	DefaultPageSize = 1000
	// DefaultRate is the steady request rate per registry host, in requests per second.
	DefaultRate = 10
	// DefaultBurst is how many requests per registry host may go out at once before the
	// rate applies.
	DefaultBurst = 20
	// DefaultConcurrency is how many requests may be in flight per registry host.
	DefaultConcurrency = 4
	// DefaultAttempts is how many times a request is sent before a transient failure or a
	// 429/503 is returned.
	DefaultAttempts = 5
	// DefaultBackoff is the first wait between attempts; it doubles each attempt, with
	// jitter, up to DefaultMaxBackoff.
	DefaultBackoff = 500 * time.Millisecond
	// DefaultMaxBackoff caps the exponential backoff between attempts.
	DefaultMaxBackoff = 30 * time.Second
	// DefaultMaxRetryAfter is the longest Retry-After that is waited for; a longer one
	// fails the request with ErrRateLimited and the wait.
	DefaultMaxRetryAfter = 2 * time.Minute
	// DefaultTimeout bounds one operation (a whole listing, a digest, a platform check).
	DefaultTimeout = 5 * time.Minute
)

// DefaultExclusionList drops cosign signature tags, as Flux does.
var DefaultExclusionList = []string{`^.*\.sig$`}

// Option configures a Scanner. Options validate their arguments; New returns the first
// error wrapped in ErrInvalidConfig.
type Option func(*options) error

type options struct {
	pageSize   int
	timeout    time.Duration
	exclusions []string
	auth       credentials
	tls        tlsOptions
	insecure   bool
	proxy      func(*http.Request) (*url.URL, error)
	base       http.RoundTripper
	limits     limitOptions
	limitsSet  bool
	networkSet bool // a TLS, proxy or transport option was applied
	retry      retryOptions
	userAgent  string
	progress   func(Progress)
}

// defaults returns the options before any Option is applied: every default is here.
func defaults() options {
	return options{
		pageSize:   DefaultPageSize,
		timeout:    DefaultTimeout,
		exclusions: DefaultExclusionList,
		proxy:      http.ProxyFromEnvironment,
		limits: limitOptions{
			rate:        DefaultRate,
			burst:       DefaultBurst,
			concurrency: DefaultConcurrency,
		},
		retry: retryOptions{
			attempts:      DefaultAttempts,
			backoff:       DefaultBackoff,
			maxBackoff:    DefaultMaxBackoff,
			maxRetryAfter: DefaultMaxRetryAfter,
		},
		userAgent: "tagflow",
	}
}

// WithPageSize sets how many tags are asked for per tags/list request (the n parameter).
// The default is DefaultPageSize (1000); it must be positive.
func WithPageSize(n int) Option {
	return func(o *options) error {
		if n <= 0 {
			return fmt.Errorf("page size %d is not positive", n)
		}
		o.pageSize = n
		return nil
	}
}

// WithTimeout bounds each operation (a listing with all its pages and retries, a digest,
// a platform check). The default is DefaultTimeout (5m); it must be positive.
func WithTimeout(d time.Duration) Option {
	return func(o *options) error {
		if d <= 0 {
			return fmt.Errorf("timeout %s is not positive", d)
		}
		o.timeout = d
		return nil
	}
}

// WithExclusionList sets the regular expressions (RE2, unanchored) of tags to drop. A list
// replaces the default DefaultExclusionList (`^.*\.sig$`); an empty or nil list keeps the
// default, as in Flux. An invalid expression is a configuration error.
func WithExclusionList(patterns ...string) Option {
	return func(o *options) error {
		if len(patterns) == 0 {
			o.exclusions = DefaultExclusionList
			return nil
		}
		if _, err := compileExclusions(patterns); err != nil {
			return err
		}
		o.exclusions = patterns
		return nil
	}
}

// WithInsecure allows plain HTTP to the registry. The default is false: plain HTTP is
// refused with ErrInvalidConfig, even for localhost.
func WithInsecure(insecure bool) Option {
	return func(o *options) error {
		o.insecure = insecure
		return nil
	}
}

// WithProxy sends requests through the HTTP(S) or SOCKS5 proxy at proxyURL, which may hold
// credentials. The default is the environment (HTTPS_PROXY, HTTP_PROXY, NO_PROXY).
func WithProxy(proxyURL string) Option {
	return func(o *options) error {
		u, err := url.Parse(proxyURL)
		if err != nil {
			return fmt.Errorf("parsing proxy URL: %w", err)
		}
		switch u.Scheme {
		case "http", "https", "socks5", "socks5h":
		default:
			return fmt.Errorf("proxy URL %q: scheme must be http, https, socks5 or socks5h", u.Redacted())
		}
		if u.Host == "" {
			return fmt.Errorf("proxy URL %q has no host", u.Redacted())
		}
		o.proxy, o.networkSet = http.ProxyURL(u), true
		return nil
	}
}

// WithTransport sets the base round tripper under the limits, retries and authentication,
// for tests and custom dialers. The default is a clone of http.DefaultTransport configured
// with the TLS and proxy options; when a transport is given, those options are ignored.
func WithTransport(rt http.RoundTripper) Option {
	return func(o *options) error {
		if rt == nil {
			return errors.New("transport is nil")
		}
		o.base, o.networkSet = rt, true
		return nil
	}
}

// WithUserAgent sets the User-Agent header. The default is "tagflow".
func WithUserAgent(ua string) Option {
	return func(o *options) error {
		o.userAgent = ua
		return nil
	}
}

// Progress reports a listing in progress: Pages pages read so far holding Tags tags.
type Progress struct {
	// Image is the repository being listed.
	Image string
	// Pages is the number of pages read so far.
	Pages int
	// Tags is the number of tags in those pages, before exclusions.
	Tags int
}

// WithProgress calls fn after each page of a listing. The default is no reporting.
func WithProgress(fn func(Progress)) Option {
	return func(o *options) error {
		o.progress = fn
		return nil
	}
}

// WithRateLimit sets the token bucket per registry host: r requests per second on average
// and up to burst at once. The defaults are DefaultRate (10/s) and DefaultBurst (20).
// rate.Inf disables the limit. Limits belong to the Scanner made by New; Scanner.With
// shares them and refuses this option.
func WithRateLimit(r rate.Limit, burst int) Option {
	return func(o *options) error {
		if r <= 0 || burst <= 0 {
			return fmt.Errorf("rate limit %v with burst %d: both must be positive", r, burst)
		}
		o.limits.rate, o.limits.burst, o.limitsSet = r, burst, true
		return nil
	}
}

// WithConcurrency sets how many requests may be in flight per registry host. The default
// is DefaultConcurrency (4). Scanner.With shares the limit and refuses this option.
func WithConcurrency(n int) Option {
	return func(o *options) error {
		if n <= 0 {
			return fmt.Errorf("concurrency %d is not positive", n)
		}
		o.limits.concurrency, o.limitsSet = n, true
		return nil
	}
}

// WithRetry sets how often a request is sent (attempts, at least 1) and the first backoff
// between attempts, which doubles each time with jitter up to DefaultMaxBackoff (30s).
// 429 and 503 answers wait for Retry-After instead when the registry sends it. The
// defaults are DefaultAttempts (5) and DefaultBackoff (500ms).
func WithRetry(attempts int, backoff time.Duration) Option {
	return func(o *options) error {
		if attempts < 1 || backoff < 0 {
			return fmt.Errorf("retry with %d attempts and backoff %s: need at least one attempt and a backoff >= 0", attempts, backoff)
		}
		o.retry.attempts, o.retry.backoff = attempts, backoff
		return nil
	}
}

// WithMaxRetryAfter sets the longest Retry-After that is waited for; a registry asking for
// longer fails the request with ErrRateLimited and Error.Wait set. The default is
// DefaultMaxRetryAfter (2m).
func WithMaxRetryAfter(d time.Duration) Option {
	return func(o *options) error {
		if d < 0 {
			return fmt.Errorf("max Retry-After %s is negative", d)
		}
		o.retry.maxRetryAfter = d
		return nil
	}
}
