package github

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tagflow/tagflow/internal/forge"
)

// TestNewRefuses checks the configurations New turns down.
func TestNewRefuses(t *testing.T) {
	app := &forge.GitHubApp{AppID: 42, InstallationID: 7, PrivateKey: pemKey(t, false)}
	tests := []struct {
		name string
		cfg  forge.Config
		want string // in the error
	}{
		{"no owner", forge.Config{Repository: "app", Token: "t"}, "not owner/name"},
		{"GitLab subgroup path", forge.Config{Repository: "group/sub/app", Token: "t"}, "not owner/name"},
		{"no credentials", forge.Config{Repository: "org/app"}, "neither a token nor a GitHub App"},
		{"token and App", forge.Config{Repository: "org/app", Token: "t", App: app}, "both a token and a GitHub App"},
		{"URL without scheme", forge.Config{URL: "ghe.example.com", Repository: "org/app", Token: "t"}, "not an http(s) URL"},
		{"App without installation", forge.Config{Repository: "org/app", App: &forge.GitHubApp{AppID: 42, PrivateKey: app.PrivateKey}}, "installation ID"},
		{"App key not PEM", forge.Config{Repository: "org/app", App: &forge.GitHubApp{AppID: 42, InstallationID: 7, PrivateKey: []byte("key")}}, "no PEM block"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New() error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// recorder is a transport that answers every request with the recorded list of pull
// requests and keeps the URLs it was asked for.
type recorder struct {
	t    *testing.T
	urls []string
	auth []string
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.urls = append(r.urls, req.URL.Scheme+"://"+req.URL.Host+req.URL.EscapedPath())
	r.auth = append(r.auth, req.Header.Get("Authorization"))
	return &http.Response{StatusCode: http.StatusOK, Request: req,
		Header: http.Header{"Content-Type": {"application/json"}},
		Body:   io.NopCloser(strings.NewReader(string(readFile(r.t, "list-pull-requests.json"))))}, nil
}

// TestURL checks where requests go for each form of cfg.URL: github.com's API, or a GitHub
// Enterprise Server's /api/v3.
func TestURL(t *testing.T) {
	tests := []struct {
		url  string
		want string
	}{
		{"", "https://api.github.com/repos/org/app/pulls"},
		{"https://api.github.com", "https://api.github.com/repos/org/app/pulls"},
		{"https://api.github.com/", "https://api.github.com/repos/org/app/pulls"},
		{"https://github.com", "https://api.github.com/repos/org/app/pulls"},
		{"https://ghe.example.com", "https://ghe.example.com/api/v3/repos/org/app/pulls"},
		{"https://ghe.example.com/", "https://ghe.example.com/api/v3/repos/org/app/pulls"},
		{"https://ghe.example.com/api/v3", "https://ghe.example.com/api/v3/repos/org/app/pulls"},
		{"https://ghe.example.com/api/v3/", "https://ghe.example.com/api/v3/repos/org/app/pulls"},
		{"https://example.com/github/api/v3", "https://example.com/github/api/v3/repos/org/app/pulls"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			rec := &recorder{t: t}
			c, err := New(forge.Config{URL: tt.url, Repository: "org/app", Token: testToken,
				HTTPClient: &http.Client{Transport: rec}})
			if err != nil {
				t.Fatalf("New() error = %v", err)
			}
			prs, err := c.Find(t.Context(), "feature", "main")
			if err != nil {
				t.Fatalf("Find() error = %v", err)
			}
			if diff := cmp.Diff([]string{tt.want}, rec.urls); diff != "" {
				t.Errorf("request URLs (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"Bearer " + testToken}, rec.auth); diff != "" {
				t.Errorf("Authorization headers (-want +got):\n%s", diff)
			}
			want := []forge.PullRequest{{Number: 1347, URL: "https://github.com/octocat/Hello-World/pull/1347",
				State: forge.StateMerged, Title: "Amazing new feature", Body: "Please pull these awesome changes in!",
				Head: "6dcb09b5b57875f334f61aebed695e2e4193db5e", Labels: []string{"bug"}}}
			if diff := cmp.Diff(want, prs); diff != "" {
				t.Errorf("Find() of the recorded list mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
