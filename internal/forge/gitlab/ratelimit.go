package gitlab

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"time"

	retryablehttp "github.com/hashicorp/go-retryablehttp"
)

// checkRetry is client-go's retry policy with the rate limit bounded: a 429 is retried
// only when the wait it asks for is within c.maxWait, a 5xx (but 501) always, and a
// transport error only when the request cannot have reached GitLab. Context cancellation
// stops the retries.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if err != nil {
		return unsent(err), nil
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		wait, _ := retryAfter(resp)
		return wait <= c.maxWait, nil
	case resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented:
		return true, nil
	}
	return false, nil
}

// unsent reports a transport error from before the request was written: a failed dial or
// a temporary DNS failure. Anything later may have created a merge request already.
func unsent(err error) bool {
	if op, ok := errors.AsType[*net.OpError](err); ok && op.Op == "dial" {
		return true
	}
	dns, ok := errors.AsType[*net.DNSError](err)
	return ok && !dns.IsNotFound
}

// backoff waits what a 429 asks for; without a word from GitLab it backs off
// exponentially from a second, and from a 5xx as client-go does.
func backoff(_, _ time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp == nil || resp.StatusCode != http.StatusTooManyRequests {
		return retryablehttp.LinearJitterBackoff(700*time.Millisecond, 900*time.Millisecond, attempt, resp)
	}
	if wait, ok := retryAfter(resp); ok {
		return wait
	}
	return retryablehttp.DefaultBackoff(time.Second, 30*time.Second, attempt, resp)
}

// retryAfter reads how long GitLab asks to wait: Retry-After in seconds or as a date, or
// else the RateLimit-Reset time.
func retryAfter(resp *http.Response) (time.Duration, bool) {
	h := resp.Header
	if s, err := strconv.Atoi(h.Get("Retry-After")); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(h.Get("Retry-After")); err == nil {
		return max(time.Until(t), 0), true
	}
	if r, err := strconv.ParseInt(h.Get("RateLimit-Reset"), 10, 64); err == nil && r > 0 {
		return max(time.Until(time.Unix(r, 0)), 0), true
	}
	return 0, false
}
