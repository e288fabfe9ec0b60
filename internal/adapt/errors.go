package adapt

import (
	"errors"
	"fmt"
)

// ErrMissingSecret is wrapped by a FieldError when a Secret reference is set but the
// caller passed no data for it.
var ErrMissingSecret = errors.New("secret data not given")

// FieldError is a problem with one field of an object's spec. Callers place it: the
// configuration loader adds the file and document, a reconciler sets a Stalled condition.
type FieldError struct {
	// Field is the field path, such as spec.secretRef or spec.policy.semver.range.
	Field string
	// Err is the problem.
	Err error
}

// Error returns "field: problem".
func (e *FieldError) Error() string { return e.Field + ": " + e.Err.Error() }

// Unwrap returns the problem.
func (e *FieldError) Unwrap() error { return e.Err }

func fieldErrorf(field, format string, args ...any) error {
	return &FieldError{Field: field, Err: fmt.Errorf(format, args...)}
}

// fieldError places err at field; a nil err stays nil.
func fieldError(field string, err error) error {
	if err == nil {
		return nil
	}
	return &FieldError{Field: field, Err: err}
}
