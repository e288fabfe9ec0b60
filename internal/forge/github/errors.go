package github

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	gh "github.com/google/go-github/v89/github"

	"github.com/tagflow/tagflow/internal/forge"
)

// classify wraps the error of op (other than a rate limit) with what was being done and
// the forge sentinel a caller branches on.
func classify(op string, err error) error {
	switch {
	case refusedCredentials(err):
		return fmt.Errorf("%s: %w: %w", op, forge.ErrAuth, err)
	case alreadyExists(err):
		return fmt.Errorf("%s: %w: %w", op, forge.ErrAlreadyExists, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// refusedCredentials reports a 401 (bad or expired credentials, or a missing second
// factor) or a 403 that is not a rate limit (a token without the permission).
func refusedCredentials(err error) bool {
	if _, ok := errors.AsType[*gh.TwoFactorAuthError](err); ok {
		return true
	}
	e, ok := errors.AsType[*gh.ErrorResponse](err)
	if !ok || e.Response == nil {
		return false
	}
	return e.Response.StatusCode == http.StatusUnauthorized || e.Response.StatusCode == http.StatusForbidden
}

// alreadyExists reports GitHub's 422 for a second pull request between the same branches:
// "A pull request already exists for owner:head.", in the error list or the message.
func alreadyExists(err error) bool {
	e, ok := errors.AsType[*gh.ErrorResponse](err)
	if !ok || e.Response == nil || e.Response.StatusCode != http.StatusUnprocessableEntity {
		return false
	}
	const text = "a pull request already exists"
	if strings.Contains(strings.ToLower(e.Message), text) {
		return true
	}
	for _, d := range e.Errors {
		if strings.Contains(strings.ToLower(d.Message), text) {
			return true
		}
	}
	return false
}
