package scanner

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"golang.org/x/time/rate"
)

// BenchmarkList lists 10k and 100k tags from the in-process registry with a bare
// remote.List and with Scanner.List side by side; the target is at most 20% overhead.
// Both ask for all tags in one page (the in-process registry sends no Link). The
// scanner's rate limit is lifted: the benchmark measures the listing, not the limit.
func BenchmarkList(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		tr := newTestRegistry(b, false)
		tags := make([]string, n)
		for i := range tags {
			tags[i] = fmt.Sprintf("v1.%d.%d", i/1000, i%1000)
		}
		tr.pushTags(b, "app", tags...)
		repo, err := name.NewRepository(tr.image("app"), name.Insecure)
		if err != nil {
			b.Fatal(err)
		}
		bare := func(b *testing.B) {
			got, err := remote.List(repo, remote.WithPageSize(n), remote.WithContext(b.Context()))
			if err != nil || len(got) != n {
				b.Fatalf("remote.List: %d tags, %v", len(got), err)
			}
		}
		s := tr.newScanner(b, WithPageSize(n), WithRateLimit(rate.Inf, 1))
		ours := func(b *testing.B) {
			got, err := s.List(b.Context(), tr.image("app"))
			if err != nil || len(got) != n {
				b.Fatalf("scanner.List: %d tags, %v", len(got), err)
			}
		}
		b.Run(fmt.Sprintf("%dk/remote.List", n/1000), func(b *testing.B) { loop(b, bare) })
		b.Run(fmt.Sprintf("%dk/scanner.List", n/1000), func(b *testing.B) { loop(b, ours) })
		b.Run(fmt.Sprintf("%dk/paired", n/1000), func(b *testing.B) { paired(b, bare, ours) })
	}
}

func loop(b *testing.B, fn func(*testing.B)) {
	b.ReportAllocs()
	for b.Loop() {
		fn(b)
	}
}

// paired runs both listings in each iteration, alternating which goes first, and reports
// the overhead of the second over the first. On a shared machine the load changes between
// sub-benchmarks; pairs see the same load, so the ratio is the steadier figure.
func paired(b *testing.B, bare, ours func(*testing.B)) {
	var bareTotal, oursTotal time.Duration
	i := 0
	for b.Loop() {
		first, second, t1, t2 := bare, ours, &bareTotal, &oursTotal
		if i%2 == 1 {
			first, second, t1, t2 = ours, bare, &oursTotal, &bareTotal
		}
		start := time.Now()
		first(b)
		mid := time.Now()
		second(b)
		*t1 += mid.Sub(start)
		*t2 += time.Since(mid)
		i++
	}
	b.ReportMetric(float64(bareTotal.Nanoseconds())/float64(i), "remote-ns/op")
	b.ReportMetric(float64(oursTotal.Nanoseconds())/float64(i), "scanner-ns/op")
	b.ReportMetric(100*(float64(oursTotal)/float64(bareTotal)-1), "overhead-%")
}
