package policy

import (
	"math"
	"runtime"
	"sync"
)

// parallelMin is the number of tags from which a filter runs its regexp on several
// goroutines: a match costs a few hundred nanoseconds, far more than the other steps.
// A variable so that tests can compare both paths.
var parallelMin = 32 * 1024

// extracted holds the filter's answer for every tag, computed ahead of the scan. For a
// substring filter it keeps offsets, which the garbage collector need not scan.
type extracted struct {
	spans []span   // substring filters: the value is tag[lo:hi]; hi < 0 when no match
	keys  []string // other filters
	ok    []bool
}

type span struct{ lo, hi int32 }

// prepare runs the filter over tags on up to GOMAXPROCS goroutines, each on a
// contiguous part, when there are enough tags for it to pay; it returns nil otherwise.
// The scan stays sequential, so the result does not depend on the scheduling.
func (f *Filter) prepare(tags []string) *extracted {
	workers := min(runtime.GOMAXPROCS(0), len(tags)/parallelMin, 8)
	if f.re == nil || workers < 2 {
		return nil
	}
	x := &extracted{}
	if f.substring() {
		x.spans = make([]span, len(tags))
	} else {
		x.keys, x.ok = make([]string, len(tags)), make([]bool, len(tags))
	}
	var wg sync.WaitGroup
	per := (len(tags) + workers - 1) / workers
	for lo := 0; lo < len(tags); lo += per {
		hi := min(lo+per, len(tags))
		wg.Go(func() { x.fill(f, tags, lo, hi) })
	}
	wg.Wait()
	return x
}

// fill computes tags[lo:hi].
func (x *extracted) fill(f *Filter, tags []string, lo, hi int) {
	for i := lo; i < hi; i++ {
		t := tags[i]
		switch {
		case t == "":
		case x.spans == nil:
			x.keys[i], x.ok[i] = f.Extract(t)
		case len(t) > math.MaxInt32:
			x.spans[i] = span{0, -2} // too long for offsets: extractAt asks again
		default:
			s, e, ok := f.span(t)
			x.spans[i] = span{int32(s), int32(e)}
			if !ok {
				x.spans[i].hi = -1
			}
		}
	}
}

// extractAt is Extract for tags[i], from x when prepare computed it.
func (f *Filter) extractAt(x *extracted, i int, tag string) (string, bool) {
	switch {
	case x == nil:
		return f.Extract(tag)
	case x.spans == nil:
		return x.keys[i], x.ok[i]
	}
	s := x.spans[i]
	switch s.hi {
	case -1:
		return "", false
	case -2:
		return f.Extract(tag)
	}
	return tag[s.lo:s.hi], true
}
