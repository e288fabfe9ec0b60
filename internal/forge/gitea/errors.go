package gitea

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"code.gitea.io/sdk/gitea"

	"github.com/tagflow/tagflow/internal/forge"
)

// fail turns the SDK's error for op into ours: 401 and 403 wrap forge.ErrAuth, 429 is a
// *forge.RateLimitError, and any other answer outside 2xx carries its status. The SDK's
// error (its message is the server's, never the token) stays wrapped.
func fail(op string, resp *gitea.Response, err error) error {
	if resp == nil || resp.StatusCode/100 == 2 {
		return fmt.Errorf("%s: %w", op, err)
	}
	switch resp.StatusCode {
	case http.StatusUnauthorized, http.StatusForbidden:
		return fmt.Errorf("%s: %w (%s): %w", op, forge.ErrAuth, resp.Status, err)
	case http.StatusTooManyRequests:
		return &forge.RateLimitError{Op: op, RetryAfter: retryAfter(resp.Header.Get("Retry-After")), Err: err}
	}
	return fmt.Errorf("%s: %s: %w", op, resp.Status, err)
}

// retryAfter parses a Retry-After header (seconds or an HTTP date); zero when absent or
// unreadable.
func retryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0)
	}
	return 0
}

// status returns the status code of resp, 0 without a response.
func status(resp *gitea.Response) int {
	if resp == nil {
		return 0
	}
	return resp.StatusCode
}
