package store

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// generateTags returns n tags of 11 to 13 bytes in registry (sorted) order.
func generateTags(n int) []string {
	tags := make([]string, n)
	for i := range tags {
		tags[i] = fmt.Sprintf("v%d.%03d.%03d", i/1_000_000+1, i/1000%1000, i%1000)
	}
	return tags
}

// BenchmarkPut stores 1M tags under a new key each iteration, in registry order and
// shuffled (which adds the sort).
func BenchmarkPut(b *testing.B) {
	tags := generateTags(1_000_000)
	shuffled := append([]string(nil), tags...)
	rand.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	for _, bc := range []struct {
		name string
		tags []string
	}{{"1M-sorted", tags}, {"1M-shuffled", shuffled}} {
		b.Run(bc.name, func(b *testing.B) {
			s := open(b, filepath.Join(b.TempDir(), "tags.db"))
			now := time.Now()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := s.Put(b.Context(), Key{"ns", fmt.Sprint("repo", i)}, bc.tags, now); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// BenchmarkGet reads 1M tags and walks all of them with their first-seen times. The
// target is under 50 ms and at most 20 MB allocated per Get.
func BenchmarkGet(b *testing.B) {
	s := open(b, filepath.Join(b.TempDir(), "tags.db"))
	key := Key{"ns", "big"}
	tags := generateTags(1_000_000)
	if _, err := s.Put(b.Context(), key, tags[:900_000], time.Now().Add(-time.Hour)); err != nil {
		b.Fatal(err)
	}
	if _, err := s.Put(b.Context(), key, tags, time.Now()); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		got, err := s.Get(b.Context(), key)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for range got.All() {
			n++
		}
		if n != len(tags) {
			b.Fatalf("walked %d tags, want %d", n, len(tags))
		}
	}
}

// TestMemoryManyRepositories stores 1,000 repositories of 1,000 tags, closes and reopens
// the store, reads every object, and reports the process's resident memory. The target is
// under 64 MiB.
func TestMemoryManyRepositories(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping: writes 1,000 transactions (-short)")
	}
	const repos, perRepo = 1000, 1000
	path := filepath.Join(t.TempDir(), "tags.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for r := range repos {
		tags := make([]string, perRepo)
		for i := range tags {
			tags[i] = fmt.Sprintf("%d.%d.%d-r%d", i/100, i/10%10, i%10, r)
		}
		if _, err := s.Put(t.Context(), Key{"ns", fmt.Sprint("repo-", r)}, tags, now); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, path)
	total := 0
	for r := range repos {
		got, err := s.Get(t.Context(), Key{"ns", fmt.Sprint("repo-", r)})
		if err != nil {
			t.Fatal(err)
		}
		total += got.Len()
	}
	if total != repos*perRepo {
		t.Fatalf("read %d tags, want %d", total, repos*perRepo)
	}
	runtime.GC()
	rss, hwm := procMemory(t)
	fi, _ := os.Stat(path)
	t.Logf("%d repositories x %d tags: file %d KiB, VmRSS %d KiB, VmHWM %d KiB", repos, perRepo, fi.Size()/1024, rss, hwm)
	if hwm >= 64*1024 {
		t.Errorf("peak resident memory %d KiB, want under 64 MiB", hwm)
	}
}

// procMemory reads VmRSS and VmHWM (KiB) from /proc/self/status.
func procMemory(t *testing.T) (rss, hwm int64) {
	t.Helper()
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc/self/status: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var v int64
		switch {
		case strings.HasPrefix(sc.Text(), "VmRSS:"):
			_, _ = fmt.Sscanf(strings.TrimPrefix(sc.Text(), "VmRSS:"), "%d", &v)
			rss = v
		case strings.HasPrefix(sc.Text(), "VmHWM:"):
			_, _ = fmt.Sscanf(strings.TrimPrefix(sc.Text(), "VmHWM:"), "%d", &v)
			hwm = v
		}
	}
	return rss, hwm
}

// TestGetAllocation guards the memory target of BenchmarkGet without timing anything:
// reading and walking 1M tags allocates at most 20 MB.
func TestGetAllocation(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping: stores 1M tags (-short)")
	}
	s := open(t, filepath.Join(t.TempDir(), "tags.db"))
	key := Key{"ns", "big"}
	if _, err := s.Put(t.Context(), key, generateTags(1_000_000), time.Now()); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	got, err := s.Get(t.Context(), key)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for range got.All() {
		n++
	}
	runtime.ReadMemStats(&after)
	if n != 1_000_000 {
		t.Fatalf("walked %d tags, want 1M", n)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 20<<20 {
		t.Errorf("Get and walk of 1M tags allocated %d bytes, want at most 20 MiB", alloc)
	}
}
