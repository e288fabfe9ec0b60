package controller

import (
	"errors"
	"fmt"
	"time"

	imagev1 "github.com/tagflow/tagflow/api/v1alpha1"
)

// outcomeKind says how a reconciliation ended.
type outcomeKind int

const (
	// outcomeReady: every step succeeded.
	outcomeReady outcomeKind = iota
	// outcomeStalled: a configuration error; not retried until the object changes.
	outcomeStalled
	// outcomeWait: a dependency is not ready; requeued after a fixed delay.
	outcomeWait
	// outcomeRetry: a transient error; retried with the controller's backoff.
	outcomeRetry
)

// stepError is the error of a step, with the condition reason and how to go on.
type stepError struct {
	kind   outcomeKind
	reason string
	after  time.Duration
	err    error
}

// Error returns the error's message; the reason goes to the condition.
func (e *stepError) Error() string { return e.err.Error() }

// Unwrap returns the error.
func (e *stepError) Unwrap() error { return e.err }

// stall says that err is a configuration error that retrying will not fix.
func stall(reason string, err error) error {
	return &stepError{kind: outcomeStalled, reason: reason, err: err}
}

// retry says that err may go away by itself and the reconciliation is retried with backoff.
func retry(reason string, err error) error {
	return &stepError{kind: outcomeRetry, reason: reason, err: err}
}

// wait says that a dependency is not ready and the object is reconciled again after.
func wait(reason string, after time.Duration, err error) error {
	return &stepError{kind: outcomeWait, reason: reason, after: after, err: err}
}

// outcome is a classified error.
type outcome struct {
	kind   outcomeKind
	reason string
	after  time.Duration
}

// classify reads the outcome of a reconciliation from its error; an error not made by
// stall, retry or wait is retried with reason Failure.
func classify(err error) outcome {
	if err == nil {
		return outcome{kind: outcomeReady}
	}
	if se, ok := errors.AsType[*stepError](err); ok {
		return outcome{kind: se.kind, reason: se.reason, after: se.after}
	}
	return outcome{kind: outcomeRetry, reason: imagev1.FailureReason}
}

// fmtErr says what was being done when err happened.
func fmtErr(doing string, err error) error {
	return fmt.Errorf("%s: %w", doing, err)
}
