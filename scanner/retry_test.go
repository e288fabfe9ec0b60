package scanner

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/time/rate"
)

// failFirst answers the first n tags/list requests with status and header, then lets the
// registry answer. It returns the number of faults served.
func failFirst(tr *testRegistry, n int64, status int, header func() (string, string)) *atomic.Int64 {
	var served atomic.Int64
	tr.fault = func(w http.ResponseWriter, r *http.Request) bool {
		if !strings.HasSuffix(r.URL.Path, "/tags/list") || served.Load() >= n {
			return false
		}
		served.Add(1)
		if header != nil {
			k, v := header()
			w.Header().Set(k, v)
		}
		http.Error(w, `{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}`, status)
		return true
	}
	return &served
}

func TestRetryAfterHonoured(t *testing.T) {
	tests := []struct {
		name   string
		status int
		header func() (string, string)
	}{
		{name: "429 with seconds", status: http.StatusTooManyRequests, header: func() (string, string) { return "Retry-After", "1" }},
		{name: "429 with HTTP-date", status: http.StatusTooManyRequests, header: func() (string, string) {
			return "Retry-After", time.Now().Add(time.Second).UTC().Format(http.TimeFormat)
		}},
		{name: "503 with seconds", status: http.StatusServiceUnavailable, header: func() (string, string) { return "Retry-After", "0" }},
		{name: "503 without Retry-After backs off", status: http.StatusServiceUnavailable},
		{name: "429 without Retry-After backs off", status: http.StatusTooManyRequests},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := newTestRegistry(t, false)
			tr.pushTags(t, "app", "1.0.0")
			served := failFirst(tr, 2, tc.status, tc.header)
			got, err := tr.newScanner(t).List(t.Context(), tr.image("app"))
			if err != nil {
				t.Fatalf("List after %d faults: %v", served.Load(), err)
			}
			if diff := cmp.Diff([]string{"1.0.0"}, got); diff != "" {
				t.Errorf("List() mismatch (-want +got):\n%s", diff)
			}
			if served.Load() != 2 {
				t.Errorf("served %d faults, want 2", served.Load())
			}
		})
	}
}

func TestRetryGivesUp(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		header   func() (string, string)
		opts     []Option
		want     error
		wantWait time.Duration
		faults   int64
	}{
		{
			name: "Retry-After longer than allowed", status: http.StatusTooManyRequests,
			header: func() (string, string) { return "Retry-After", "3600" },
			want:   ErrRateLimited, wantWait: time.Hour, faults: 1,
		},
		{
			name: "Retry-After past the timeout", status: http.StatusTooManyRequests,
			header: func() (string, string) { return "Retry-After", "60" },
			opts:   []Option{WithTimeout(10 * time.Second)},
			want:   ErrRateLimited, wantWait: time.Minute, faults: 1,
		},
		{name: "attempts exhausted", status: http.StatusBadGateway, want: ErrTransient, faults: 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := newTestRegistry(t, false)
			tr.pushTags(t, "app", "1.0.0")
			served := failFirst(tr, 100, tc.status, tc.header)
			_, err := tr.newScanner(t, tc.opts...).List(t.Context(), tr.image("app"))
			assertError(t, err, tc.want, "")
			var se *Error
			if errors.As(err, &se) && se.Wait != tc.wantWait {
				t.Errorf("Error.Wait = %s, want %s", se.Wait, tc.wantWait)
			}
			if served.Load() != tc.faults {
				t.Errorf("served %d faults, want %d", served.Load(), tc.faults)
			}
		})
	}
}

func TestRetryAfterParsing(t *testing.T) {
	tests := []struct {
		value string
		want  time.Duration
		ok    bool
	}{
		{value: "2", want: 2 * time.Second, ok: true},
		{value: " 0 ", want: 0, ok: true},
		{value: "-5", want: 0, ok: true},
		{value: "Wed, 21 Oct 2015 07:28:00 GMT", want: 0, ok: true},
		{value: "", ok: false},
		{value: "soon", ok: false},
	}
	for _, tc := range tests {
		got, ok := retryAfter(tc.value)
		if got != tc.want || ok != tc.ok {
			t.Errorf("retryAfter(%q) = %s, %v; want %s, %v", tc.value, got, ok, tc.want, tc.ok)
		}
	}
}

func TestBackoffGrowsWithJitter(t *testing.T) {
	rt := &retryTransport{opts: retryOptions{backoff: time.Second, maxBackoff: 5 * time.Second}}
	bounds := []struct{ lo, hi time.Duration }{
		{time.Second / 2, time.Second}, {time.Second, 2 * time.Second},
		{2 * time.Second, 4 * time.Second}, {2500 * time.Millisecond, 5 * time.Second},
		{2500 * time.Millisecond, 5 * time.Second},
	}
	for i, b := range bounds {
		for range 50 {
			if d := rt.backoff(i + 1); d < b.lo || d > b.hi {
				t.Fatalf("backoff(%d) = %s, want within [%s, %s]", i+1, d, b.lo, b.hi)
			}
		}
	}
}

// TestRateLimit proves the token bucket by counting requests at the servers: with a burst
// of 3 and a refill far beyond the timeout, exactly 3 requests reach a host, the scan
// fails with ErrRateLimited and the wait, a Scanner derived with With shares the bucket,
// and another host has its own.
func TestRateLimit(t *testing.T) {
	tr := newTestRegistry(t, true)
	tr.paginate = true
	tr.pushTags(t, "app", "a", "b", "c", "d", "e", "f")
	other := newTestRegistry(t, true)
	other.pushTags(t, "app", "a")
	tr.requests.Store(0)
	other.requests.Store(0)

	root := tr.newScanner(t, WithPageSize(1), WithRateLimit(rate.Every(time.Hour), 3))
	_, err := root.List(t.Context(), tr.image("app"))
	assertError(t, err, ErrRateLimited, "local rate limit")
	var se *Error
	if errors.As(err, &se) && se.Wait < 59*time.Minute {
		t.Errorf("Error.Wait = %s, want about an hour", se.Wait)
	}
	if got := tr.requests.Load(); got != 3 {
		t.Errorf("registry saw %d requests, want the burst of 3 (ping and two pages)", got)
	}

	derived, err := root.With(WithPageSize(100))
	if err != nil {
		t.Fatal(err)
	}
	_, err = derived.List(t.Context(), tr.image("app"))
	assertError(t, err, ErrRateLimited, "")
	if got := tr.requests.Load(); got != 3 {
		t.Errorf("registry saw %d requests after the derived scanner, want still 3", got)
	}
	if _, err := derived.List(t.Context(), other.image("app")); err != nil {
		t.Errorf("List on another host: %v", err)
	}
	if got := other.requests.Load(); got != 2 {
		t.Errorf("other registry saw %d requests, want 2 (ping and one page)", got)
	}
}

func TestWithRefusesLimits(t *testing.T) {
	s, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, opt := range []Option{WithRateLimit(1, 1), WithConcurrency(1)} {
		if _, err := s.With(opt); !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("With(limit option) error = %v, want ErrInvalidConfig", err)
		}
	}
}

// TestConcurrencyLimit holds requests at the server and counts how many are in flight.
func TestConcurrencyLimit(t *testing.T) {
	tr := newTestRegistry(t, false)
	tr.pushTags(t, "app", "1.0.0")
	const limit, scans = 2, 6
	var (
		mu                sync.Mutex
		inFlight, maxSeen int
		arrived           = make(chan struct{}, scans)
		proceed           = make(chan struct{})
	)
	tr.fault = func(w http.ResponseWriter, r *http.Request) bool {
		if !strings.HasSuffix(r.URL.Path, "/tags/list") {
			return false
		}
		mu.Lock()
		inFlight++
		maxSeen = max(maxSeen, inFlight)
		mu.Unlock()
		arrived <- struct{}{}
		<-proceed
		mu.Lock()
		inFlight--
		mu.Unlock()
		return false
	}
	s := tr.newScanner(t, WithConcurrency(limit))
	var wg sync.WaitGroup
	errs := make(chan error, scans)
	for range scans {
		wg.Go(func() {
			_, err := s.List(t.Context(), tr.image("app"))
			errs <- err
		})
	}
	for range limit {
		<-arrived
	}
	close(proceed)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("List: %v", err)
		}
	}
	if maxSeen != limit {
		t.Errorf("at most %d requests were in flight, want %d", maxSeen, limit)
	}
}

// TestRateLimitCapsRequests proves the refill rate by counting: a listing of 100 pages
// at 20 requests per second with a burst of 1 and a 1s timeout can send at most
// 1 + 20 requests before the next token would come after the deadline, and it sends
// more than the burst, so tokens do refill.
func TestRateLimitCapsRequests(t *testing.T) {
	tr := newTestRegistry(t, true)
	tr.paginate = true
	tags := make([]string, 100)
	for i := range tags {
		tags[i] = fmt.Sprintf("t%03d", i)
	}
	tr.pushTags(t, "app", tags...)
	tr.requests.Store(0)
	s := tr.newScanner(t, WithPageSize(1), WithRateLimit(20, 1), WithTimeout(time.Second))
	_, err := s.List(t.Context(), tr.image("app"))
	if !errors.Is(err, ErrRateLimited) && !errors.Is(err, ErrTransient) {
		t.Fatalf("List of 100 pages at 20/s within 1s: error = %v, want rate limited (or the timeout)", err)
	}
	t.Logf("%d requests reached the registry before the rate limit stopped the listing", tr.requests.Load())
	if got := tr.requests.Load(); got > 21 || got < 2 {
		t.Errorf("registry saw %d requests, want more than the burst and at most 1 + 20/s x 1s = 21", got)
	}
}
