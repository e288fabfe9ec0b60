package updater

import (
	"cmp"
	"fmt"
	"slices"
)

// ProblemKind classifies a Problem.
type ProblemKind string

// The kinds of problems an update reports.
const (
	// ProblemUnknownPolicy: a marker names a policy that was not given (unknown, not ready,
	// or in another namespace).
	ProblemUnknownPolicy ProblemKind = "UnknownPolicy"
	// ProblemInvalidMarker: a marker value is not NAMESPACE:POLICY[:tag|:name|:digest].
	ProblemInvalidMarker ProblemKind = "InvalidMarker"
	// ProblemParse: a file with markers is not valid YAML; it is left untouched.
	ProblemParse ProblemKind = "ParseError"
	// ProblemNotScalar: a marker is on a mapping, a sequence or an alias, or on no value at
	// all (e.g. on the line above a mapping key).
	ProblemNotScalar ProblemKind = "NotScalar"
	// ProblemBlockScalar: a marker is on a block scalar (| or >) or inside its text.
	ProblemBlockScalar ProblemKind = "BlockScalar"
	// ProblemUnsupported: a marked scalar cannot be edited in place (a multi-line plain
	// scalar).
	ProblemUnsupported ProblemKind = "Unsupported"
	// ProblemSymlink: a symbolic link points outside the checkout; it is not followed.
	ProblemSymlink ProblemKind = "Symlink"
	// ProblemIO: a file could not be read or written.
	ProblemIO ProblemKind = "IO"
)

// Problem is something the update found and could not do. The caller reports it.
type Problem struct {
	// File is a slash path relative to the checkout root.
	File string
	// Line is the 1-based line the problem is on, or 0 for the whole file.
	Line int
	// Kind classifies the problem.
	Kind ProblemKind
	// Setter is the marker value involved, if any.
	Setter string
	// Message says what is wrong.
	Message string
}

// String returns "file:line: message" (without the line when it is 0).
func (p Problem) String() string {
	if p.Line == 0 {
		return fmt.Sprintf("%s: %s", p.File, p.Message)
	}
	return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message)
}

func sortProblems(ps []Problem) {
	slices.SortFunc(ps, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Setter, b.Setter), cmp.Compare(a.Message, b.Message))
	})
}
