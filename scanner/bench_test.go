package scanner

import (
	"fmt"
	"testing"

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
		b.Run(fmt.Sprintf("%dk/remote.List", n/1000), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				got, err := remote.List(repo, remote.WithPageSize(n), remote.WithContext(b.Context()))
				if err != nil || len(got) != n {
					b.Fatalf("remote.List: %d tags, %v", len(got), err)
				}
			}
		})
		s := tr.newScanner(b, WithPageSize(n), WithRateLimit(rate.Inf, 1))
		b.Run(fmt.Sprintf("%dk/scanner.List", n/1000), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				got, err := s.List(b.Context(), tr.image("app"))
				if err != nil || len(got) != n {
					b.Fatalf("scanner.List: %d tags, %v", len(got), err)
				}
			}
		})
	}
}
