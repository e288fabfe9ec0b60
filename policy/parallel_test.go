package policy

import (
	"runtime"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestParallelFilterMatchesSequential runs filters over enough tags to be split between
// goroutines and compares every result with the sequential path.
func TestParallelFilterMatchesSequential(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("needs GOMAXPROCS >= 2 to split the work")
	}
	tags := append([]string{""}, benchTags(2*parallelMin)...)
	specs := map[string]Spec{
		"group":          {Numerical: &OrderSpec{}, Filter: &FilterSpec{Pattern: `^main-[a-f0-9]+-(?P<ts>\d+)$`, Extract: "$ts"}},
		"template":       {Alphabetical: &OrderSpec{Order: "desc"}, Filter: &FilterSpec{Pattern: `^main-([a-f0-9]+)-(\d+)$`, Extract: "$2.$1"}},
		"no extract":     {SemVer: &SemVerSpec{Range: ">=1.0.0 <2.0.0"}, Filter: &FilterSpec{Pattern: `^v`}},
		"optional group": {Alphabetical: &OrderSpec{}, Filter: &FilterSpec{Pattern: `^sha-(x)?`, Extract: "$1"}},
	}
	for name, spec := range specs {
		t.Run(name, func(t *testing.T) {
			p, err := New(spec)
			if err != nil {
				t.Fatal(err)
			}
			par, parErr := p.Select(tags)
			defer func(n int) { parallelMin = n }(parallelMin)
			parallelMin = len(tags) + 1
			seq, seqErr := p.Select(tags)
			if diff := cmp.Diff(seq, par); diff != "" || (parErr == nil) != (seqErr == nil) {
				t.Errorf("parallel result differs from sequential (-seq +par):\n%s\nerrors %v, %v", diff, seqErr, parErr)
			}
		})
	}
}

// TestSelectConcurrently shares one policy between goroutines (run with -race).
func TestSelectConcurrently(t *testing.T) {
	p, err := New(Spec{SemVer: &SemVerSpec{Range: ">=1.0.0-0"}, Filter: &FilterSpec{Pattern: `^v?(.*)$`, Extract: "$1"}})
	if err != nil {
		t.Fatal(err)
	}
	tags := benchTags(2000)
	want, _ := p.Select(tags)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if got, _ := p.Select(tags); got.Tag != want.Tag {
				t.Errorf("concurrent Select = %q, want %q", got.Tag, want.Tag)
			}
		})
	}
	wg.Wait()
}
