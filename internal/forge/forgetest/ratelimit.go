package forgetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tagflow/tagflow/internal/forge"
)

// RateLimitError returns err as a *forge.RateLimitError, and fails the test when it is
// not one or its Op is not op.
func RateLimitError(t *testing.T, err error, op string) *forge.RateLimitError {
	t.Helper()
	rl, ok := errors.AsType[*forge.RateLimitError](err)
	if !ok {
		t.Fatalf("Find() error = %v, want a *forge.RateLimitError", err)
	}
	if rl.Op != op {
		t.Errorf("RateLimitError.Op = %q", rl.Op)
	}
	return rl
}

// CheckCancel has c Find head into base with a context that it cancels once waiting
// returns, which is when the client waits out a rate limit, and checks that Find then
// ends with context.Canceled.
func CheckCancel(t *testing.T, c forge.Client, head, base string, waiting func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := c.Find(ctx, head, base)
		done <- err
	}()
	waiting()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Find() error = %v, want context.Canceled", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Find() still waits for the rate limit after the context was cancelled")
	}
}
