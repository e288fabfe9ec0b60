package github

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tagflow/tagflow/internal/forge/forgetest"
)

// secondary is GitHub's documented answer to too many requests too fast.
func secondary(retryAfter string) forgetest.Scripted {
	s := forgetest.Scripted{Status: 403, File: "secondary-rate-limit.json", Header: map[string]string{}}
	if retryAfter != "" {
		s.Header["Retry-After"] = retryAfter
	}
	return s
}

// primary is GitHub's answer once the hourly budget is spent, resetting in reset.
func primary(reset time.Duration) forgetest.Scripted {
	return forgetest.Scripted{Status: 403, File: "primary-rate-limit.json", Header: map[string]string{
		"X-RateLimit-Limit": "5000", "X-RateLimit-Remaining": "0", "X-RateLimit-Used": "5000",
		"X-RateLimit-Resource": "core",
		"X-RateLimit-Reset":    strconv.FormatInt(time.Now().Add(reset).Unix(), 10),
	}}
}

// TestRateLimitWaits checks how the client waits out GitHub's rate limits, with the waits
// recorded instead of slept. Each retry must reach the server: go-github would otherwise
// answer it from its own memory of the limit.
func TestRateLimitWaits(t *testing.T) {
	tests := []struct {
		name      string
		script    []forgetest.Scripted
		wantWaits []time.Duration // nil: check waitsWithin instead
		// waitsWithin bounds the one wait of a primary limit, computed from its reset time.
		waitsWithin  [2]time.Duration
		wantRequests int
		wantErr      bool
		wantAfter    time.Duration // RetryAfter of the *forge.RateLimitError, when wantErr
	}{
		{name: "secondary, retry-after 1", script: []forgetest.Scripted{secondary("1")},
			wantWaits: []time.Duration{time.Second}, wantRequests: 2},
		{name: "secondary without retry-after waits the documented minute", script: []forgetest.Scripted{secondary("")},
			wantWaits: []time.Duration{time.Minute}, wantRequests: 2},
		{name: "secondary as 429", script: []forgetest.Scripted{{Status: 429, File: "secondary-rate-limit.json", Header: map[string]string{"Retry-After": "2"}}},
			wantWaits: []time.Duration{2 * time.Second}, wantRequests: 2},
		{name: "secondary three times, then through", script: []forgetest.Scripted{secondary("1"), secondary("1"), secondary("1")},
			wantWaits: []time.Duration{time.Second, time.Second, time.Second}, wantRequests: 4},
		{name: "secondary outlasts the retries", script: []forgetest.Scripted{secondary("1"), secondary("1"), secondary("1"), secondary("1")},
			wantWaits: []time.Duration{time.Second, time.Second, time.Second}, wantRequests: 4,
			wantErr: true, wantAfter: time.Second},
		{name: "secondary beyond the cap", script: []forgetest.Scripted{secondary("300")},
			wantWaits: []time.Duration{}, wantRequests: 1, wantErr: true, wantAfter: 300 * time.Second},
		{name: "primary resets within the cap", script: []forgetest.Scripted{primary(30 * time.Second)},
			waitsWithin: [2]time.Duration{28 * time.Second, 32 * time.Second}, wantRequests: 2},
		{name: "primary resets beyond the cap", script: []forgetest.Scripted{primary(time.Hour)},
			wantWaits: []time.Duration{}, wantRequests: 1, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t, testToken)
			f.seed(2, "tagflow/app", "main", false)
			f.Script(tt.script...)
			c := newTestClient(t, f)
			waits := []time.Duration{}
			c.sleep = func(_ context.Context, d time.Duration) error {
				waits = append(waits, d)
				return nil
			}

			prs, err := c.Find(t.Context(), "tagflow/app", "main")
			if got := len(f.Requests()); got != tt.wantRequests {
				t.Errorf("server got %d requests, want %d", got, tt.wantRequests)
			}
			if tt.wantWaits != nil {
				if diff := cmp.Diff(tt.wantWaits, waits); diff != "" {
					t.Errorf("waits (-want +got):\n%s", diff)
				}
			} else if len(waits) != 1 || waits[0] < tt.waitsWithin[0] || waits[0] > tt.waitsWithin[1] {
				t.Errorf("waits = %v, want one within %v", waits, tt.waitsWithin)
			}
			if !tt.wantErr {
				if err != nil || len(prs) != 2 {
					t.Errorf("Find() = %d pull requests, %v; want 2, nil", len(prs), err)
				}
				return
			}
			rl := forgetest.RateLimitError(t, err, "listing pull requests of org/app tagflow/app->main")
			if tt.wantAfter != 0 && rl.RetryAfter != tt.wantAfter {
				t.Errorf("RateLimitError.RetryAfter = %s, want %s", rl.RetryAfter, tt.wantAfter)
			}
			if rl.RetryAfter <= c.maxWait && len(waits) < maxRetries {
				t.Errorf("RateLimitError.RetryAfter = %s is within the cap %s, yet the client gave up", rl.RetryAfter, c.maxWait)
			}
		})
	}
}

// TestRateLimitSleeps lets the client really wait a one-second secondary limit, then
// checks that the request was sent again and went through.
func TestRateLimitSleeps(t *testing.T) {
	f := newFakeGitHub(t, testToken)
	f.seed(1, "tagflow/app", "main", false)
	f.Script(secondary("1"))
	c := newTestClient(t, f)

	prs, err := c.Find(t.Context(), "tagflow/app", "main")
	if err != nil || len(prs) != 1 {
		t.Fatalf("Find() = %v, %v; want one pull request", prs, err)
	}
	want := []string{"GET /api/v3/repos/org/app/pulls", "GET /api/v3/repos/org/app/pulls"}
	if diff := cmp.Diff(want, f.Requests()); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
}

// TestRateLimitCancel checks that cancelling the context ends the wait for a rate limit.
func TestRateLimitCancel(t *testing.T) {
	f := newFakeGitHub(t, testToken)
	f.Script(secondary("60"))
	c := newTestClient(t, f)
	waiting := make(chan time.Duration, 1)
	c.sleep = func(ctx context.Context, d time.Duration) error {
		waiting <- d
		return sleep(ctx, d)
	}

	forgetest.CheckCancel(t, c, "tagflow/app", "main", func() {
		if d := <-waiting; d != time.Minute {
			t.Errorf("waiting %s, want the minute GitHub asked for", d)
		}
	})
	if got := len(f.Requests()); got != 1 {
		t.Errorf("server got %d requests, want 1", got)
	}
}

// TestRateLimitLaterCall checks that a later call after a limit beyond the cap is sent
// once the limit passed, instead of go-github refusing it from memory forever.
func TestRateLimitLaterCall(t *testing.T) {
	f := newFakeGitHub(t, testToken)
	f.seed(1, "tagflow/app", "main", false)
	f.Script(secondary("1"), secondary("1"), secondary("1"), secondary("1"))
	c := newTestClient(t, f)
	c.sleep = func(context.Context, time.Duration) error { return nil }
	if _, err := c.Find(t.Context(), "tagflow/app", "main"); err == nil {
		t.Fatal("Find() through four rate limits succeeded")
	}
	c.sleep = sleep
	prs, err := c.Find(t.Context(), "tagflow/app", "main")
	if err != nil || len(prs) != 1 {
		t.Errorf("later Find() = %v, %v; want one pull request", prs, err)
	}
	if got := len(f.Requests()); got < 5 {
		t.Errorf("server got %d requests, want the later Find's too", got)
	}
}
