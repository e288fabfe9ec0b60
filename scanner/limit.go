package scanner

import (
	"context"
	"io"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limitOptions are the per-host limits.
type limitOptions struct {
	rate        rate.Limit
	burst       int
	concurrency int
}

// hostLimits holds one limit per registry host, shared by a Scanner and every Scanner
// derived from it with With.
type hostLimits struct {
	opts  limitOptions
	mu    sync.Mutex
	hosts map[string]*hostLimit
}

// hostLimit is the token bucket and the concurrency slots of one host.
type hostLimit struct {
	bucket *rate.Limiter
	slots  chan struct{}
}

func newHostLimits(opts limitOptions) *hostLimits {
	return &hostLimits{opts: opts, hosts: make(map[string]*hostLimit)}
}

// get returns the limit of host, creating it on first use.
func (h *hostLimits) get(host string) *hostLimit {
	h.mu.Lock()
	defer h.mu.Unlock()
	l, ok := h.hosts[host]
	if !ok {
		l = &hostLimit{
			bucket: rate.NewLimiter(h.opts.rate, h.opts.burst),
			slots:  make(chan struct{}, h.opts.concurrency),
		}
		h.hosts[host] = l
	}
	return l
}

// acquire takes a concurrency slot and then a token. It fails at once, with a
// *rateLimitedError, when the token would come after the context's deadline.
func (l *hostLimit) acquire(ctx context.Context, host string) (release func(), err error) {
	select {
	case l.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	release = sync.OnceFunc(func() { <-l.slots })
	if err := l.waitToken(ctx, host); err != nil {
		release()
		return nil, err
	}
	return release, nil
}

// waitToken waits for the host's token bucket.
func (l *hostLimit) waitToken(ctx context.Context, host string) error {
	r := l.bucket.Reserve()
	delay := r.Delay()
	if delay == 0 {
		return nil
	}
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < delay {
		r.Cancel()
		return &rateLimitedError{host: host, wait: delay, by: "the local rate limit"}
	}
	timer := time.NewTimer(delay)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		r.Cancel()
		return ctx.Err()
	}
}

// limitTransport applies the host limits to every request it sends, including each retry.
// The concurrency slot is held until the response body is closed.
type limitTransport struct {
	limits *hostLimits
	inner  http.RoundTripper
}

func (t *limitTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	release, err := t.limits.get(req.URL.Host).acquire(req.Context(), req.URL.Host)
	if err != nil {
		return nil, err
	}
	resp, err := t.inner.RoundTrip(req)
	if err != nil {
		release()
		return nil, err
	}
	resp.Body = &releasingBody{ReadCloser: resp.Body, release: release}
	return resp, nil
}

// releasingBody gives the concurrency slot back when the body is closed.
type releasingBody struct {
	io.ReadCloser
	release func()
}

func (b *releasingBody) Close() error {
	err := b.ReadCloser.Close()
	b.release()
	return err
}
