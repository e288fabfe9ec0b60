package scanner

import (
	"fmt"
	"syscall"
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
// the overhead of the scanner over the bare listing, in wall time and in process CPU time
// (user+system, which includes the in-process registry's work for both). On a shared
// machine the load changes between sub-benchmarks; pairs see the same load, and CPU time
// does not count the time spent waiting for a core, so these are the steadier figures.
func paired(b *testing.B, bare, ours func(*testing.B)) {
	var bareWall, oursWall, bareCPU, oursCPU time.Duration
	i := 0
	for b.Loop() {
		if i%2 == 0 {
			measure(b, bare, &bareWall, &bareCPU)
			measure(b, ours, &oursWall, &oursCPU)
		} else {
			measure(b, ours, &oursWall, &oursCPU)
			measure(b, bare, &bareWall, &bareCPU)
		}
		i++
	}
	n := float64(i)
	b.ReportMetric(float64(bareWall.Nanoseconds())/n, "remote-ns/op")
	b.ReportMetric(float64(oursWall.Nanoseconds())/n, "scanner-ns/op")
	b.ReportMetric(100*(float64(oursWall)/float64(bareWall)-1), "overhead-%")
	b.ReportMetric(float64(bareCPU.Nanoseconds())/n, "remote-cpu-ns/op")
	b.ReportMetric(float64(oursCPU.Nanoseconds())/n, "scanner-cpu-ns/op")
	b.ReportMetric(100*(float64(oursCPU)/float64(bareCPU)-1), "cpu-overhead-%")
}

// measure runs fn once and adds its wall and process CPU time.
func measure(b *testing.B, fn func(*testing.B), wall, cpu *time.Duration) {
	c0, t0 := cpuTime(), time.Now()
	fn(b)
	*wall += time.Since(t0)
	*cpu += cpuTime() - c0
}

// cpuTime is the user and system CPU time of the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
