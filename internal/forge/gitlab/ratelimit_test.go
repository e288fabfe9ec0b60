package gitlab

import (
	"strconv"
	"testing"
	"time"

	"github.com/tagflow/tagflow/internal/forge/forgetest"
)

// throttled is GitLab's answer to too many requests: Rack::Attack's plain "Retry later"
// with Retry-After and the RateLimit headers.
func throttled(retryAfter string, reset time.Duration) forgetest.Scripted {
	h := map[string]string{"RateLimit-Name": "throttle_authenticated_api", "RateLimit-Limit": "60",
		"RateLimit-Observed": "67", "RateLimit-Remaining": "0",
		"RateLimit-Reset": strconv.FormatInt(time.Now().Add(reset).Unix(), 10)}
	if retryAfter != "" {
		h["Retry-After"] = retryAfter
	}
	return forgetest.Scripted{Status: 429, Header: h, File: "retry-later.txt"}
}

// TestRateLimit checks client-go's retries as bounded here: a short limit is waited out
// and the request sent again, a long one or one that outlasts the retries comes back as a
// *forge.RateLimitError at once.
func TestRateLimit(t *testing.T) {
	tests := []struct {
		name         string
		script       []forgetest.Scripted
		wantRequests int
		wantErr      bool
		// wantAfter bounds RetryAfter of the *forge.RateLimitError.
		wantAfter [2]time.Duration
	}{
		{name: "retry-after 1, then through", script: []forgetest.Scripted{throttled("1", time.Second)}, wantRequests: 2},
		{name: "server error, then through", script: []forgetest.Scripted{{Status: 502, File: "retry-later.txt"}}, wantRequests: 2},
		{name: "outlasts the retries", wantRequests: 4, wantErr: true,
			script:    []forgetest.Scripted{throttled("0", 0), throttled("0", 0), throttled("0", 0), throttled("0", 0)},
			wantAfter: [2]time.Duration{0, 0}},
		{name: "retry-after beyond the cap", script: []forgetest.Scripted{throttled("300", 300*time.Second)}, wantRequests: 1,
			wantErr: true, wantAfter: [2]time.Duration{300 * time.Second, 300 * time.Second}},
		{name: "reset beyond the cap, no retry-after", script: []forgetest.Scripted{throttled("", time.Hour)}, wantRequests: 1,
			wantErr: true, wantAfter: [2]time.Duration{58 * time.Minute, time.Hour}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitLab(t, testToken)
			f.seed(2, "tagflow/app", "main", "closed")
			f.Script(tt.script...)

			prs, err := newTestClient(t, f).Find(t.Context(), "tagflow/app", "main")
			if got := len(f.Requests()); got != tt.wantRequests {
				t.Errorf("server got %d requests, want %d", got, tt.wantRequests)
			}
			if !tt.wantErr {
				if err != nil || len(prs) != 2 {
					t.Errorf("Find() = %d merge requests, %v; want 2, nil", len(prs), err)
				}
				return
			}
			rl := forgetest.RateLimitError(t, err, "listing merge requests of group/sub/app tagflow/app->main")
			if rl.RetryAfter < tt.wantAfter[0] || rl.RetryAfter > tt.wantAfter[1] {
				t.Errorf("RateLimitError.RetryAfter = %s, want within %v", rl.RetryAfter, tt.wantAfter)
			}
		})
	}
}

// TestRateLimitCancel checks that cancelling the context ends client-go's wait for a
// rate limit.
func TestRateLimitCancel(t *testing.T) {
	f := newFakeGitLab(t, testToken)
	f.answered = make(chan struct{}, 1)
	f.Script(throttled("60", time.Minute))
	forgetest.CheckCancel(t, newTestClient(t, f), "tagflow/app", "main", func() {
		<-f.answered
		time.Sleep(100 * time.Millisecond) // let the client read the answer and start waiting
	})
	if got := len(f.Requests()); got != 1 {
		t.Errorf("server got %d requests, want 1", got)
	}
}
