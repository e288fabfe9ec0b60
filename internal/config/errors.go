package config

import (
	"errors"
	"fmt"
	"strings"

	"github.com/tagflow/tagflow/internal/adapt"
)

// Error is a problem found in one place of the configuration. Its message names the file,
// the document (counted from 1), the object and the field path, as far as they are known:
//
//	config/apps.yaml: document 3 (ImagePolicy apps/web): spec.policy: exactly one of semver, alphabetical, numerical is required
type Error struct {
	// File is the path of the file as given to Load (or found under a given directory).
	File string
	// Document is the 1-based index of the document in File; 0 when the problem is the file's.
	Document int
	// Object is "Kind namespace/name" when the document's kind and name could be read.
	Object string
	// Field is the field path, such as spec.policy.semver.range.
	Field string
	// Err is the problem itself.
	Err error
}

// Error formats the location and the problem on one line.
func (e *Error) Error() string {
	var parts []string
	if e.File != "" {
		parts = append(parts, e.File)
	}
	var loc []string
	if e.Document > 0 {
		loc = append(loc, fmt.Sprintf("document %d", e.Document))
	}
	if e.Object != "" {
		loc = append(loc, "("+e.Object+")")
	}
	if len(loc) > 0 {
		parts = append(parts, strings.Join(loc, " "))
	}
	if e.Field != "" {
		parts = append(parts, e.Field)
	}
	msg := "invalid"
	if e.Err != nil {
		msg = e.Err.Error()
	}
	return strings.Join(append(parts, msg), ": ")
}

// Unwrap returns the underlying problem.
func (e *Error) Unwrap() error { return e.Err }

// fieldErrorf returns an *adapt.FieldError for path with a formatted message.
func fieldErrorf(path, format string, args ...any) error {
	return &adapt.FieldError{Field: path, Err: fmt.Errorf(format, args...)}
}

// errorsAt places every error of errs at origin, leaving out nil ones. Joined errors are
// placed one by one; an *adapt.FieldError gives its field path to the Error; any other
// error is placed at the object as a whole.
func errorsAt(o origin, errs ...error) []error {
	var out []error
	for _, err := range errs {
		if joined, ok := err.(interface{ Unwrap() []error }); ok {
			out = append(out, errorsAt(o, joined.Unwrap()...)...)
			continue
		}
		if err == nil {
			continue
		}
		e := &Error{File: o.file, Document: o.document, Object: o.object, Err: err}
		if fe, ok := errors.AsType[*adapt.FieldError](err); ok {
			e.Field, e.Err = fe.Field, fe.Err
		}
		out = append(out, e)
	}
	return out
}
