package gitea

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"code.gitea.io/sdk/gitea"
	"github.com/google/go-cmp/cmp"

	"github.com/tagflow/tagflow/internal/forge"
)

func TestNew(t *testing.T) {
	ok := forge.Config{URL: "https://gitea.example.com", Repository: "org/app", Token: "t"}
	with := func(f func(*forge.Config)) forge.Config { c := ok; f(&c); return c }
	tests := []struct {
		name    string
		cfg     forge.Config
		wantURL string // "" when New must fail
	}{
		{"root", ok, "https://gitea.example.com"},
		{"trailing slash", with(func(c *forge.Config) { c.URL += "/" }), "https://gitea.example.com"},
		{"subpath", with(func(c *forge.Config) { c.URL = "http://host:3000/git/" }), "http://host:3000/git"},
		{"api suffix dropped", with(func(c *forge.Config) { c.URL = "https://host/git/api/v1/" }), "https://host/git"},
		{"app", with(func(c *forge.Config) { c.App = &forge.GitHubApp{AppID: 1} }), ""},
		{"no token", with(func(c *forge.Config) { c.Token = "" }), ""},
		{"group path", with(func(c *forge.Config) { c.Repository = "org/sub/app" }), ""},
		{"no owner", with(func(c *forge.Config) { c.Repository = "app" }), ""},
		{"no scheme", with(func(c *forge.Config) { c.URL = "gitea.example.com" }), ""},
		{"ssh scheme", with(func(c *forge.Config) { c.URL = "ssh://gitea.example.com" }), ""},
		{"user info", with(func(c *forge.Config) { c.URL = "https://u:p@gitea.example.com" }), ""},
		{"query", with(func(c *forge.Config) { c.URL = "https://gitea.example.com/?a=b" }), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(tt.cfg)
			if tt.wantURL == "" {
				if err == nil {
					t.Fatalf("New(%+v) = %v, want an error", tt.cfg, c.url)
				}
				return
			}
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if diff := cmp.Diff([]string{tt.wantURL, "org", "app"}, []string{c.url, c.owner, c.name}); diff != "" {
				t.Errorf("New() (url, owner, name) mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDraftMarker(t *testing.T) {
	tests := map[string]string{
		"WIP: Update app":   "WIP: ",
		"wip:Update app":    "wip:",
		"[WIP]  Update app": "[WIP]  ",
		"[wip] Update app":  "[wip] ",
		"Update app":        "",
		"WIP":               "",
		"Update WIP: app":   "",
	}
	for title, want := range tests {
		if got := draftMarker(title); got != want {
			t.Errorf("draftMarker(%q) = %q, want %q", title, got, want)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	tests := map[string]float64{"": 0, "3": 3, "-1": 0, "soon": 0, "Mon, 02 Jan 2006 15:04:05 GMT": 0}
	for v, want := range tests {
		if got := retryAfter(v).Seconds(); got != want {
			t.Errorf("retryAfter(%q) = %vs, want %vs", v, got, want)
		}
	}
}

func TestFail(t *testing.T) {
	cause := errors.New("server message")
	resp := func(code int, retry string) *gitea.Response {
		h := http.Header{}
		if retry != "" {
			h.Set("Retry-After", retry)
		}
		return &gitea.Response{Response: &http.Response{StatusCode: code, Status: http.StatusText(code), Header: h}}
	}
	tests := []struct {
		name      string
		resp      *gitea.Response
		wantAuth  bool
		wantRetry time.Duration // -1: not a RateLimitError
	}{
		{"no response", nil, false, -1},
		{"401", resp(http.StatusUnauthorized, ""), true, -1},
		{"403", resp(http.StatusForbidden, ""), true, -1},
		{"404", resp(http.StatusNotFound, ""), false, -1},
		{"429", resp(http.StatusTooManyRequests, "7"), false, 7 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := fail("listing things", tt.resp, cause)
			if !errors.Is(err, cause) || !strings.HasPrefix(err.Error(), "listing things: ") {
				t.Errorf("fail() = %q, want it to start with the op and wrap the cause", err)
			}
			if got := errors.Is(err, forge.ErrAuth); got != tt.wantAuth {
				t.Errorf("errors.Is(%q, ErrAuth) = %v, want %v", err, got, tt.wantAuth)
			}
			var rl *forge.RateLimitError
			gotRetry := time.Duration(-1)
			if errors.As(err, &rl) {
				gotRetry = rl.RetryAfter
			}
			if gotRetry != tt.wantRetry {
				t.Errorf("RetryAfter of %q = %v, want %v", err, gotRetry, tt.wantRetry)
			}
		})
	}
}

func TestNextPage(t *testing.T) {
	resp := func(next int, total string) *gitea.Response {
		h := http.Header{}
		if total != "" {
			h.Set("X-Total-Count", total)
		}
		return &gitea.Response{Response: &http.Response{Header: h}, NextPage: next}
	}
	tests := []struct {
		name          string
		resp          *gitea.Response
		page, n, seen int
		want          int
	}{
		{"link", resp(3, ""), 2, 50, 100, 3},
		{"link and count", resp(2, "120"), 1, 50, 50, 2},
		{"last page by link", resp(0, "120"), 3, 20, 120, 0},
		{"count only", resp(0, "5"), 1, 2, 2, 2},
		{"count reached", resp(0, "4"), 2, 2, 4, 0},
		{"neither", resp(0, ""), 1, 50, 50, 0},
		{"empty page", resp(2, "9"), 1, 0, 0, 0},
		{"link backwards", resp(1, ""), 2, 50, 100, 0},
	}
	for _, tt := range tests {
		if got := nextPage(tt.resp, tt.page, tt.n, tt.seen); got != tt.want {
			t.Errorf("%s: nextPage(page %d, n %d, seen %d) = %d, want %d", tt.name, tt.page, tt.n, tt.seen, got, tt.want)
		}
	}
}
