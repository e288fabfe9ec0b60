package gitlab

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	gl "gitlab.com/gitlab-org/api/client-go"

	"github.com/tagflow/tagflow/internal/forge"
)

// classify wraps the error of op with what was being done and what a caller branches on:
// a 429 that outlasted the retries becomes a *forge.RateLimitError, a refused token wraps
// forge.ErrAuth and GitLab's 409 for a second merge request wraps forge.ErrAlreadyExists.
func (c *Client) classify(op string, err error) error {
	e, ok := errors.AsType[*gl.ErrorResponse](err)
	if !ok || e.Response == nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	switch code := e.Response.StatusCode; {
	case code == http.StatusTooManyRequests:
		wait, _ := retryAfter(e.Response)
		return &forge.RateLimitError{Op: op, RetryAfter: wait, Err: err}
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return fmt.Errorf("%s: %w: %w", op, forge.ErrAuth, err)
	case code == http.StatusConflict && strings.Contains(strings.ToLower(e.Message), "already exists"):
		// "Another open merge request already exists for this source branch: !5"
		return fmt.Errorf("%s: %w: %w", op, forge.ErrAlreadyExists, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}
