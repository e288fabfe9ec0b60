package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	gh "github.com/google/go-github/v89/github"

	"github.com/tagflow/tagflow/internal/forge"
)

const (
	// maxRetries is how often a rate-limited request is sent again.
	maxRetries = 3
	// secondaryWait is how long GitHub's docs say to wait after a secondary rate limit
	// that comes without a retry-after header.
	secondaryWait = time.Minute
	// resetSlack is added to a primary limit's reset time, which GitHub gives in whole
	// seconds.
	resetSlack = time.Second
)

// retry calls call, and when GitHub answers with a rate limit waits it out and calls again,
// up to maxRetries times. A limit longer than c.maxWait, or one that outlasts the
// retries, is returned as a *forge.RateLimitError; any other error is classified.
func (c *Client) retry(ctx context.Context, op string, call func(context.Context) error) error {
	for attempt := 0; ; attempt++ {
		err := call(ctx)
		if err == nil {
			return nil
		}
		wait, limited := rateLimited(err, time.Now())
		if !limited {
			return classify(op, err)
		}
		if attempt == maxRetries || wait > c.maxWait {
			return &forge.RateLimitError{Op: op, RetryAfter: wait, Err: err}
		}
		if err := c.sleep(ctx, wait); err != nil {
			return fmt.Errorf("%s: waiting %s for GitHub's rate limit: %w", op, wait, err)
		}
		// go-github remembers the limit and would answer the retry itself, with the same
		// error, without sending it.
		ctx = context.WithValue(ctx, gh.BypassRateLimitCheck, true)
	}
}

// rateLimited reports whether err is GitHub asking to slow down, and how long to wait.
func rateLimited(err error, now time.Time) (time.Duration, bool) {
	if e, ok := errors.AsType[*gh.AbuseRateLimitError](err); ok {
		if e.RetryAfter != nil {
			return max(*e.RetryAfter, 0), true
		}
		return secondaryWait, true
	}
	if e, ok := errors.AsType[*gh.RateLimitError](err); ok {
		if d, ok := retryAfter(e.Response); ok {
			return d, true
		}
		if e.Rate.Reset.IsZero() {
			return secondaryWait, true
		}
		return max(e.Rate.Reset.Sub(now), 0) + resetSlack, true
	}
	// A secondary limit whose documentation_url go-github does not recognise.
	if e, ok := errors.AsType[*gh.ErrorResponse](err); ok && e.Response != nil {
		code := e.Response.StatusCode
		if code == http.StatusTooManyRequests ||
			(code == http.StatusForbidden && strings.Contains(strings.ToLower(e.Message), "rate limit")) {
			if d, ok := retryAfter(e.Response); ok {
				return d, true
			}
			return secondaryWait, true
		}
	}
	return 0, false
}

// retryAfter reads the retry-after header, in seconds.
func retryAfter(resp *http.Response) (time.Duration, bool) {
	if resp == nil {
		return 0, false
	}
	s, err := strconv.Atoi(resp.Header.Get("Retry-After"))
	if err != nil || s < 0 {
		return 0, false
	}
	return time.Duration(s) * time.Second, true
}

// sleep waits d, or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
