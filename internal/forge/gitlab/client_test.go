package gitlab

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
	tests := []struct {
		name string
		cfg  forge.Config
		want string // in the error
	}{
		{"GitHub App", forge.Config{Repository: "group/app", App: &forge.GitHubApp{AppID: 1}}, "GitHub App"},
		{"no token", forge.Config{Repository: "group/app"}, "no GitLab access token"},
		{"no group", forge.Config{Repository: "app", Token: "t"}, "not a GitLab project path"},
		{"empty segment", forge.Config{Repository: "group//app", Token: "t"}, "not a GitLab project path"},
		{"leading slash", forge.Config{Repository: "/group/app", Token: "t"}, "not a GitLab project path"},
		{"URL without scheme", forge.Config{URL: "gitlab.example.com", Repository: "group/app", Token: "t"}, "not an http(s) URL"},
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

// recorder is a transport that answers every request with the recorded list of merge
// requests and keeps the URLs and tokens it was sent.
type recorder struct {
	t      *testing.T
	urls   []string
	tokens []string
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.urls = append(r.urls, req.URL.Scheme+"://"+req.URL.Host+req.URL.EscapedPath())
	r.tokens = append(r.tokens, req.Header.Get("PRIVATE-TOKEN"))
	return &http.Response{StatusCode: http.StatusOK, Request: req,
		Header: http.Header{"Content-Type": {"application/json"}},
		Body:   io.NopCloser(strings.NewReader(string(readFile(r.t, "list-project-merge-requests.json"))))}, nil
}

// TestURL checks where requests go for each form of cfg.URL and of the project path,
// which GitLab wants URL-encoded as one path segment.
func TestURL(t *testing.T) {
	tests := []struct {
		url, project string
		want         string
	}{
		{"", "group/app", "https://gitlab.com/api/v4/projects/group%2Fapp/merge_requests"},
		{"https://gitlab.example.com", "group/sub/app", "https://gitlab.example.com/api/v4/projects/group%2Fsub%2Fapp/merge_requests"},
		{"https://gitlab.example.com/", "group/sub/app", "https://gitlab.example.com/api/v4/projects/group%2Fsub%2Fapp/merge_requests"},
		{"https://gitlab.example.com/api/v4", "group/sub/app", "https://gitlab.example.com/api/v4/projects/group%2Fsub%2Fapp/merge_requests"},
		{"https://gitlab.example.com/api/v4/", "group/sub/app", "https://gitlab.example.com/api/v4/projects/group%2Fsub%2Fapp/merge_requests"},
		{"https://example.com/gitlab", "a/b/c/app", "https://example.com/gitlab/api/v4/projects/a%2Fb%2Fc%2Fapp/merge_requests"},
		{"https://gitlab.example.com", "group/my.app", "https://gitlab.example.com/api/v4/projects/group%2Fmy%2Eapp/merge_requests"},
	}
	for _, tt := range tests {
		t.Run(tt.url+" "+tt.project, func(t *testing.T) {
			rec := &recorder{t: t}
			c, err := New(forge.Config{URL: tt.url, Repository: tt.project, Token: testToken,
				HTTPClient: &http.Client{Transport: rec}})
			if err != nil {
				t.Fatalf("New() error = %v", err)
			}
			prs, err := c.Find(t.Context(), "test1", "main")
			if err != nil {
				t.Fatalf("Find() error = %v", err)
			}
			if diff := cmp.Diff([]string{tt.want}, rec.urls); diff != "" {
				t.Errorf("request URLs (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{testToken}, rec.tokens); diff != "" {
				t.Errorf("PRIVATE-TOKEN headers (-want +got):\n%s", diff)
			}
			want := []forge.PullRequest{{Number: 1, URL: "http://gitlab.example.com/my-group/my-project/merge_requests/1",
				State: forge.StateMerged, Title: "test1", Body: "fixed login page css paddings",
				Head: "8888888888888888888888888888888888888888", Labels: []string{"Community contribution", "Manage"}}}
			if diff := cmp.Diff(want, prs); diff != "" {
				t.Errorf("Find() of the recorded list mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
