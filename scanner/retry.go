package scanner

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-logr/logr"
)

// retryOptions are the retry knobs.
type retryOptions struct {
	attempts      int
	backoff       time.Duration
	maxBackoff    time.Duration
	maxRetryAfter time.Duration
}

// retryTransport sends a request again after a transient failure: a network error, or a
// 408, 429, 500, 502, 503 or 504 answer. A Retry-After header (seconds or HTTP-date) on a
// 429 or 503 sets the wait; otherwise the wait grows exponentially with jitter.
type retryTransport struct {
	opts  retryOptions
	inner http.RoundTripper
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	for attempt := 1; ; attempt++ {
		resp, err := t.inner.RoundTrip(req)
		if attempt >= t.opts.attempts || !retryable(resp, err) || !rewindable(req) {
			return t.finish(req, resp, err)
		}
		wait, asked := t.wait(resp, attempt)
		if tooLong(req.Context(), wait) || (asked && wait > t.opts.maxRetryAfter) {
			return t.finish(req, resp, err)
		}
		logRetry(req, resp, err, attempt, wait)
		drain(resp)
		if err := sleep(req.Context(), wait); err != nil {
			return nil, err
		}
		if err := rewind(req); err != nil {
			return nil, err
		}
	}
}

// logRetry notes a retry at debug level; the URL carries no credentials.
func logRetry(req *http.Request, resp *http.Response, err error, attempt int, wait time.Duration) {
	log := logr.FromContextOrDiscard(req.Context()).V(1)
	if err != nil {
		log.Info("retrying request", "host", req.URL.Host, "attempt", attempt, "wait", wait, "error", err.Error())
		return
	}
	log.Info("retrying request", "host", req.URL.Host, "attempt", attempt, "wait", wait, "status", resp.StatusCode)
}

// finish turns a final 429 that carries Retry-After into a *rateLimitedError, so that the
// caller learns how long to wait; anything else passes through.
func (t *retryTransport) finish(req *http.Request, resp *http.Response, err error) (*http.Response, error) {
	if err != nil || resp.StatusCode != http.StatusTooManyRequests {
		return resp, err
	}
	wait, ok := retryAfter(resp.Header.Get("Retry-After"))
	if !ok {
		return resp, nil
	}
	drain(resp)
	return nil, &rateLimitedError{host: req.URL.Host, wait: wait, by: "the registry"}
}

// wait returns how long to wait before attempt+1, and whether the registry asked for it.
func (t *retryTransport) wait(resp *http.Response, attempt int) (time.Duration, bool) {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if d, ok := retryAfter(resp.Header.Get("Retry-After")); ok {
			return d, true
		}
	}
	return t.backoff(attempt), false
}

// backoff is the exponential backoff with "equal jitter": half of the step is fixed,
// the other half random, so that clients hitting the same limit spread out.
func (t *retryTransport) backoff(attempt int) time.Duration {
	d := t.opts.backoff
	for i := 1; i < attempt && d < t.opts.maxBackoff; i++ {
		d *= 2
	}
	d = min(d, t.opts.maxBackoff)
	if d <= 1 {
		return d
	}
	half := d / 2
	return half + rand.N(half+1) //nolint:gosec // jitter needs no cryptographic randomness
}

// retryAfter parses a Retry-After value: delay seconds or an HTTP-date.
func retryAfter(v string) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.Atoi(v); err == nil {
		return max(time.Duration(secs)*time.Second, 0), true
	}
	if at, err := http.ParseTime(v); err == nil {
		return max(time.Until(at), 0), true
	}
	return 0, false
}

// retryable reports whether a response or error is worth another attempt.
func retryable(resp *http.Response, err error) bool {
	if err != nil {
		var rl *rateLimitedError
		var rh tls.RecordHeaderError
		return !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) &&
			!errors.Is(err, errPlainHTTP) && !errors.Is(err, http.ErrSchemeMismatch) &&
			!errors.As(err, &rh) && !errors.As(err, &rl) && !isCertificateError(err)
	}
	switch resp.StatusCode {
	case http.StatusRequestTimeout, http.StatusTooManyRequests, http.StatusInternalServerError,
		http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// rewindable reports whether the request can be sent again.
func rewindable(req *http.Request) bool {
	return req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
}

// rewind resets the request body for another attempt.
func rewind(req *http.Request) error {
	if req.Body == nil || req.Body == http.NoBody {
		return nil
	}
	body, err := req.GetBody()
	if err != nil {
		return err
	}
	req.Body = body
	return nil
}

// tooLong reports whether waiting d would pass the context's deadline.
func tooLong(ctx context.Context, d time.Duration) bool {
	deadline, ok := ctx.Deadline()
	return ok && time.Until(deadline) < d
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// drain reads a little of an unused body and closes it, so the connection can be reused.
func drain(resp *http.Response) {
	if resp == nil || resp.Body == nil {
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
}
