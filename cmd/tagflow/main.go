// Command tagflow is the tagflow CLI and standalone daemon.
//
// It must not link controller-runtime or client-go: a test in this package walks
// `go list -deps` and fails otherwise.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := newRootCmd().ExecuteContext(ctx)
	stop()
	os.Exit(exitCode(err))
}

// exitError carries the exit status a command wants, with or without a message.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// exitCode maps an error to the process exit status and prints its message to stderr.
// Usage errors exit with 2, an *exitError with its own code, and anything else with 1.
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(os.Stderr, "tagflow:", ee.err)
		}
		return ee.code
	}
	fmt.Fprintln(os.Stderr, "tagflow:", err)
	if errors.Is(err, errUsage) {
		return 2
	}
	return 1
}
