package policy

// Alphabetical picks the greatest tag in byte-wise order (asc, the default) or the least
// (desc). It compares bytes, not letters or numbers: "9" > "10" and "a" > "Z". Equal
// values (from an extract) go to the lexically greatest tag in either order.
type Alphabetical struct {
	order string
}

// NewAlphabetical returns an alphabetical policy; order is "asc" (the default when "")
// or "desc", in any case.
func NewAlphabetical(order string) (*Alphabetical, error) {
	o, err := parseOrder(order)
	if err != nil {
		return nil, err
	}
	return &Alphabetical{order: o}, nil
}

// Select picks the greatest (asc) or least (desc) tag.
func (a *Alphabetical) Select(tags []string) (Result, error) {
	return run(a, nil, tags)
}

func (a *Alphabetical) describe(e *Explanation) {
	e.Policy, e.Order = "alphabetical", a.order
}

func (a *Alphabetical) scan(e *Explanation, collisions bool) scanner {
	return &alphabeticalScan{a: a, e: e, best: pick{ties: ties{on: collisions}}}
}

// alphabeticalScan is one linear scan, no sort.
type alphabeticalScan struct {
	a     *Alphabetical
	e     *Explanation
	best  pick
	found bool
}

func (s *alphabeticalScan) visit(tag, key string) {
	s.e.Parsed++
	switch {
	case !s.found || s.a.before(s.best.key, key):
		s.found = true
		s.best.raise(tag, key)
	case key == s.best.key:
		s.best.tie(tag, key)
	}
}

func (s *alphabeticalScan) winner() (pick, bool, error) { return s.best, s.found, nil }

// before reports whether value x ranks below y in this order.
func (a *Alphabetical) before(x, y string) bool {
	if a.order == OrderDesc {
		return y < x
	}
	return x < y
}
