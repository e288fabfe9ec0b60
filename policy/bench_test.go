package policy

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/Masterminds/semver/v3"
)

var benchSizes = []int{1_000, 10_000, 100_000, 1_000_000}

var benchTagCache = map[int][]string{}

// benchTags returns n tags in random order with a registry-like mix: releases with and
// without "v" (35%), prereleases (10%), "sha-<hex>" (25%), "main-<sha>-<unix ts>" (30%),
// and a few "latest"/"stable"/"edge". Releases spread over majors 0-4, so most lie
// outside ">=1.0.0 <2.0.0".
func benchTags(n int) []string {
	if tags, ok := benchTagCache[n]; ok {
		return tags
	}
	r := rand.New(rand.NewPCG(1, uint64(n)))
	tags := make([]string, 0, n)
	for len(tags) < n {
		tags = append(tags, benchTag(r, len(tags)))
	}
	benchTagCache[n] = tags
	return tags
}

func benchTag(r *rand.Rand, i int) string {
	ver := func() string { return fmt.Sprintf("%d.%d.%d", r.IntN(5), r.IntN(50), r.IntN(100)) }
	v := ""
	if r.IntN(2) == 0 {
		v = "v"
	}
	switch p := r.IntN(1000); {
	case p < 3:
		return []string{"latest", "stable", "edge"}[p]
	case p < 350:
		return v + ver()
	case p < 450:
		return fmt.Sprintf("%s%s-%s.%d", v, ver(), []string{"rc", "beta", "alpha"}[r.IntN(3)], r.IntN(20))
	case p < 700:
		return fmt.Sprintf("sha-%07x", r.Uint32()>>4)
	default:
		return fmt.Sprintf("main-%07x-%d", r.Uint32()>>4, 1_600_000_000+i*60+r.IntN(60))
	}
}

func benchSelect(b *testing.B, s Selector) {
	for _, n := range benchSizes {
		tags := benchTags(n)
		b.Run(sizeName(n), func(b *testing.B) {
			b.ReportAllocs()
			cpu := cpuTime()
			for b.Loop() {
				if _, err := s.Select(tags); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, cpu)
		})
	}
}

// cpuTime is the CPU time the process has used. On a shared machine the wall time of a
// benchmark includes waiting for a core; cpu-ns/op does not (it does include the GC).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
}

func sizeName(n int) string {
	switch {
	case n >= 1_000_000:
		return fmt.Sprintf("%dM", n/1_000_000)
	case n >= 1_000:
		return fmt.Sprintf("%dk", n/1_000)
	}
	return fmt.Sprint(n)
}

func BenchmarkSemVer(b *testing.B) {
	s, err := NewSemVer(">=1.0.0 <2.0.0")
	if err != nil {
		b.Fatal(err)
	}
	benchSelect(b, s)
}

func BenchmarkSemVerPrerelease(b *testing.B) {
	s, err := NewSemVer(">=1.0.0-0 <2.0.0")
	if err != nil {
		b.Fatal(err)
	}
	benchSelect(b, s)
}

func BenchmarkAlphabetical(b *testing.B) {
	a, err := NewAlphabetical("asc")
	if err != nil {
		b.Fatal(err)
	}
	benchSelect(b, a)
}

func BenchmarkFilterNumerical(b *testing.B) {
	p, err := New(Spec{
		Numerical: &OrderSpec{Order: "asc"},
		Filter:    &FilterSpec{Pattern: `^main-[a-fA-F0-9]+-(?P<ts>.*)`, Extract: "$ts"},
	})
	if err != nil {
		b.Fatal(err)
	}
	benchSelect(b, p)
}

// BenchmarkFluxSemVer is the baseline: Flux's way (split, semver.NewVersion and
// Constraints.Check on every tag).
func BenchmarkFluxSemVer(b *testing.B) {
	c, err := semver.NewConstraint(">=1.0.0 <2.0.0")
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range benchSizes {
		tags := benchTags(n)
		b.Run(sizeName(n), func(b *testing.B) {
			b.ReportAllocs()
			cpu := cpuTime()
			defer reportCPU(b, cpu)
			for b.Loop() {
				var best *semver.Version
				for _, t := range tags {
					if len(strings.SplitN(t, ".", 3)) != 3 {
						continue
					}
					v, err := semver.NewVersion(t)
					if err == nil && c.Check(v) && (best == nil || v.GreaterThan(best)) {
						best = v
					}
				}
			}
		})
	}
}

func BenchmarkParseVersion(b *testing.B) {
	tags := benchTags(100_000)
	b.ReportAllocs()
	for b.Loop() {
		for _, t := range tags {
			parseVersion(t)
		}
	}
}

// BenchmarkFilterNumericalAnchored is BenchmarkFilterNumerical with a fully anchored
// pattern, which Go runs with its faster one-pass matcher.
func BenchmarkFilterNumericalAnchored(b *testing.B) {
	p, err := New(Spec{
		Numerical: &OrderSpec{Order: "asc"},
		Filter:    &FilterSpec{Pattern: `^main-[a-fA-F0-9]+-(?P<ts>[0-9]+)$`, Extract: "$ts"},
	})
	if err != nil {
		b.Fatal(err)
	}
	benchSelect(b, p)
}
