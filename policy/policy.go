package policy

import (
	"errors"
	"fmt"
	"strings"
)

var (
	// ErrNoMatch means no tag satisfied the policy. It is wrapped with the reason, and the
	// Result that comes with it still holds the Explanation.
	ErrNoMatch = errors.New("no tag matches the policy")
	// ErrNotNumber means a numerical policy met a tag that is not a number; the error names
	// the tag.
	ErrNotNumber = errors.New("not a number")
	// ErrInvalidPolicy wraps every error of the constructors: the configuration is wrong
	// and retrying will not help.
	ErrInvalidPolicy = errors.New("invalid policy")
)

// Selector picks the latest tag from a list of tags.
type Selector interface {
	Select(tags []string) (Result, error)
}

var (
	_ Selector = (*Policy)(nil)
	_ Selector = (*SemVer)(nil)
	_ Selector = (*Alphabetical)(nil)
	_ Selector = (*Numerical)(nil)
)

// Result is the outcome of a selection.
type Result struct {
	// Tag is the chosen tag as given, "" when none was chosen.
	Tag string
	// Explanation says how Tag was chosen, or why none was.
	Explanation Explanation
}

// Spec configures a policy with plain values: exactly one of SemVer, Alphabetical and
// Numerical, and optionally a Filter.
type Spec struct {
	SemVer       *SemVerSpec
	Alphabetical *OrderSpec
	Numerical    *OrderSpec
	Filter       *FilterSpec
}

// SemVerSpec configures a semver policy.
type SemVerSpec struct {
	// Range is a Masterminds/semver/v3 constraint, such as ">=1.0.0 <2.0.0" or "1.0.x".
	Range string
}

// OrderSpec configures an alphabetical or numerical policy.
type OrderSpec struct {
	// Order is "asc" (the default) to pick the greatest value or "desc" to pick the least.
	Order string
}

// FilterSpec configures the filter applied before the policy.
type FilterSpec struct {
	// Pattern is an unanchored RE2 regular expression; tags it does not match are dropped.
	// The empty pattern matches every tag.
	Pattern string
	// Extract is a regexp.Expand template over Pattern's groups whose value is ordered
	// instead of the tag. The empty template uses the tag.
	Extract string
}

// Policy is an ordering policy with an optional filter in front of it.
type Policy struct {
	order  orderer
	filter *Filter
}

// orderer is what SemVer, Alphabetical and Numerical have in common.
type orderer interface {
	// describe records the policy's configuration in e.
	describe(e *Explanation)
	// scan starts one selection that records parsed and rejected tags in e; with
	// collisions set it also follows tags that share a value.
	scan(e *Explanation, collisions bool) scanner
}

// scanner sees the candidates of one selection one at a time, then names the winner.
type scanner interface {
	// visit considers tag, ordered by its value key.
	visit(tag, key string)
	// winner returns the chosen tag; ok is false when none is eligible.
	winner() (p pick, ok bool, err error)
}

// pick is a scanner's best candidate so far.
type pick struct {
	tag, key string
	ties     ties
}

// New builds a policy from spec, validating it: exactly one ordering, a valid range,
// order, pattern and extract template. Errors wrap ErrInvalidPolicy.
func New(spec Spec) (*Policy, error) {
	o, err := newOrderer(spec)
	if err != nil {
		return nil, err
	}
	p := &Policy{order: o}
	if spec.Filter != nil {
		if p.filter, err = NewFilter(spec.Filter.Pattern, spec.Filter.Extract); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func newOrderer(spec Spec) (orderer, error) {
	var set []string
	if spec.SemVer != nil {
		set = append(set, "semver")
	}
	if spec.Alphabetical != nil {
		set = append(set, "alphabetical")
	}
	if spec.Numerical != nil {
		set = append(set, "numerical")
	}
	switch {
	case len(set) == 0:
		return nil, fmt.Errorf("%w: no policy: set one of semver, alphabetical and numerical", ErrInvalidPolicy)
	case len(set) > 1:
		return nil, fmt.Errorf("%w: %s are all set: set only one", ErrInvalidPolicy, strings.Join(set, " and "))
	case spec.SemVer != nil:
		return NewSemVer(spec.SemVer.Range)
	case spec.Alphabetical != nil:
		return NewAlphabetical(spec.Alphabetical.Order)
	default:
		return NewNumerical(spec.Numerical.Order)
	}
}

// Select filters tags, then picks the latest of those left by the policy's order.
func (p *Policy) Select(tags []string) (Result, error) {
	return run(p.order, p.filter, tags)
}

// run is the selection every policy shares: drop empty strings, filter, extract, scan,
// explain. Candidates are streamed to the scanner, never copied.
func run(o orderer, f *Filter, tags []string) (Result, error) {
	e := Explanation{Considered: len(tags)}
	o.describe(&e)
	if f != nil {
		e.Pattern, e.Extract = f.pattern, f.extract
	}
	sc := o.scan(&e, f != nil && f.extract != "")
	var x *extracted
	if f != nil {
		x = f.prepare(tags)
	}
	for i, t := range tags {
		k, ok := t, t != ""
		if !ok {
			e.reject(ReasonEmpty, t)
			continue
		}
		if f != nil {
			if k, ok = f.extractAt(x, i, t); !ok {
				e.reject(ReasonNoMatch, t)
				continue
			}
		}
		e.Matched++
		sc.visit(t, k)
	}
	p, ok, err := sc.winner()
	e.sortRejected()
	if err != nil {
		return Result{Explanation: e}, err
	}
	if !ok {
		return Result{Explanation: e}, fmt.Errorf("%w: %s", ErrNoMatch, e.summary())
	}
	e.Winner = p.tag
	if p.key != p.tag {
		e.Value = p.key
	}
	e.Collision = p.ties.of(p.key)
	return Result{Tag: p.tag, Explanation: e}, nil
}

// raise makes tag, which ranks above the best so far, the best.
func (p *pick) raise(tag, key string) {
	p.tag, p.key = tag, key
	p.ties.raise(tag, key)
}

// tie handles tag, which ranks equal to the best: among equals the lexically greatest
// tag wins, whatever the input order.
func (p *pick) tie(tag, key string) {
	p.ties.add(tag, key)
	if tag > p.tag {
		p.tag, p.key = tag, key
	}
}

// Orders for alphabetical and numerical policies.
const (
	OrderAsc  = "asc"
	OrderDesc = "desc"
)

// parseOrder reads an order case-insensitively, as Flux does; "" means asc.
func parseOrder(order string) (string, error) {
	switch strings.ToLower(order) {
	case "", OrderAsc:
		return OrderAsc, nil
	case OrderDesc:
		return OrderDesc, nil
	}
	return "", fmt.Errorf("%w: reading order %q: want %q or %q", ErrInvalidPolicy, order, OrderAsc, OrderDesc)
}
