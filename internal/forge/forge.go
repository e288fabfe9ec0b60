package forge

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// State is where a pull request stands.
type State string

const (
	// StateOpen is an open pull request (a draft is open too).
	StateOpen State = "open"
	// StateMerged is a pull request whose change was merged.
	StateMerged State = "merged"
	// StateClosed is a pull request closed without merging.
	StateClosed State = "closed"
)

// PullRequest is a pull request (a GitLab merge request) as the forge reports it.
type PullRequest struct {
	// Number is the number shown to users: a GitLab merge request's iid.
	Number int
	// URL is the pull request's web page.
	URL string
	// State is open, merged or closed.
	State State
	// Title is the title.
	Title string
	// Body is the description.
	Body string
	// Head is the full hash of the head commit the forge last saw on the source branch.
	Head string
	// Labels are the label names.
	Labels []string
	// Draft reports whether the pull request is a draft.
	Draft bool
}

// Request is the pull request tagflow wants.
type Request struct {
	// Head is the source branch (the automation's push branch).
	Head string
	// Base is the target branch (the checkout branch).
	Base string
	// Title is the rendered title.
	Title string
	// Body is the rendered description.
	Body string
	// Labels are added on open and kept on update; labels added by people are kept.
	Labels []string
	// Draft opens the pull request as a draft.
	Draft bool
}

// Client is one repository on one forge.
type Client interface {
	// Find returns the pull requests from head into base in every state, newest first. It
	// follows pagination until it has seen them all.
	Find(ctx context.Context, head, base string) ([]PullRequest, error)
	// Open opens a pull request. When the forge refuses because one already exists for the
	// branches, the error wraps ErrAlreadyExists.
	Open(ctx context.Context, req Request) (PullRequest, error)
	// Update sets the title and body of pull request number and adds the labels it lacks.
	Update(ctx context.Context, number int, req Request) (PullRequest, error)
	// Close closes pull request number without merging it.
	Close(ctx context.Context, number int) error
}

// ErrAlreadyExists is wrapped by Open's error when the forge already has an open pull
// request for the branches (GitHub's 422, Gitea's and GitLab's 409).
var ErrAlreadyExists = errors.New("a pull request for these branches already exists")

// ErrAuth is wrapped when the forge refuses the credentials (401, or 403 without a rate
// limit).
var ErrAuth = errors.New("forge refused the credentials")

// RateLimitError is returned when the forge keeps asking to slow down past what a client
// waits for.
type RateLimitError struct {
	// Op is what was being done, such as "listing pull requests".
	Op string
	// RetryAfter is how long the forge asked to wait; zero when it did not say.
	RetryAfter time.Duration
	// Err is the forge client's error.
	Err error
}

// Error returns "op: rate limited by the forge, retry after D: err".
func (e *RateLimitError) Error() string {
	if e.RetryAfter > 0 {
		return fmt.Sprintf("%s: rate limited by the forge, retry after %s: %v", e.Op, e.RetryAfter, e.Err)
	}
	return fmt.Sprintf("%s: rate limited by the forge: %v", e.Op, e.Err)
}

// Unwrap returns the forge client's error.
func (e *RateLimitError) Unwrap() error { return e.Err }
