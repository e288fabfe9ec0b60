package policy

import (
	"fmt"
	"math"
	"strconv"
)

// Numerical picks the greatest number (asc, the default) or the least (desc), reading
// each tag with strconv.ParseFloat. A tag that is not a number (NaN included, since it
// cannot be ordered) fails the selection: filter such tags out with a pattern. Equal
// numbers ("1", "1.0", "1e0") go to the lexically greatest tag in either order.
type Numerical struct {
	order string
}

// NewNumerical returns a numerical policy; order is "asc" (the default when "") or
// "desc", in any case.
func NewNumerical(order string) (*Numerical, error) {
	o, err := parseOrder(order)
	if err != nil {
		return nil, err
	}
	return &Numerical{order: o}, nil
}

// Select picks the greatest (asc) or least (desc) number.
func (n *Numerical) Select(tags []string) (Result, error) {
	return run(n, nil, tags)
}

func (n *Numerical) describe(e *Explanation) {
	e.Policy, e.Order = "numerical", n.order
}

func (n *Numerical) scan(e *Explanation, collisions bool) scanner {
	return &numericalScan{n: n, e: e, best: pick{ties: ties{on: collisions}}}
}

// numericalScan is one linear scan, no sort.
type numericalScan struct {
	n     *Numerical
	e     *Explanation
	best  pick
	bestF float64
	found bool
}

func (s *numericalScan) visit(tag, key string) {
	f, ok := parseNumber(key)
	if !ok {
		s.e.reject(ReasonNotNumber, tag)
		return
	}
	s.e.Parsed++
	switch {
	case !s.found || s.n.before(s.bestF, f):
		s.found, s.bestF = true, f
		s.best.raise(tag, key)
	case f == s.bestF:
		s.best.tie(tag, key)
	}
}

func (s *numericalScan) winner() (pick, bool, error) {
	if r := s.e.rejection(ReasonNotNumber); r != nil {
		return pick{}, false, fmt.Errorf("numerical policy: tag %q is %w (%d of %d tags are not); filter them out with a pattern",
			r.Tags[0], ErrNotNumber, r.Count, s.e.Matched)
	}
	return s.best, s.found, nil
}

// parseNumber reads s with strconv.ParseFloat, refusing NaN.
func parseNumber(s string) (float64, bool) {
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil && !math.IsNaN(f)
}

// before reports whether x ranks below y in this order.
func (n *Numerical) before(x, y float64) bool {
	if n.order == OrderDesc {
		return y < x
	}
	return x < y
}
