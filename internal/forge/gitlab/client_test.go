package gitlab

import (
	"testing"

	"github.com/tagflow/tagflow/internal/forge"
	"github.com/tagflow/tagflow/internal/forge/forgetest"
)

// TestNewRefuses checks the configurations New turns down.
func TestNewRefuses(t *testing.T) {
	forgetest.CheckRefusals(t, func(cfg forge.Config) error { _, err := New(cfg); return err }, []forgetest.Refusal{
		{Name: "GitHub App", Config: forge.Config{Repository: "group/app", App: &forge.GitHubApp{AppID: 1}}, Want: "GitHub App"},
		{Name: "no token", Config: forge.Config{Repository: "group/app"}, Want: "no GitLab access token"},
		{Name: "no group", Config: forge.Config{Repository: "app", Token: "t"}, Want: "not a GitLab project path"},
		{Name: "empty segment", Config: forge.Config{Repository: "group//app", Token: "t"}, Want: "not a GitLab project path"},
		{Name: "leading slash", Config: forge.Config{Repository: "/group/app", Token: "t"}, Want: "not a GitLab project path"},
		{Name: "URL without scheme", Config: forge.Config{URL: "gitlab.example.com", Repository: "group/app", Token: "t"}, Want: "not an http(s) URL"},
	})
}

// TestURL checks where requests go for each form of cfg.URL and of the project path,
// which GitLab wants URL-encoded as one path segment.
func TestURL(t *testing.T) {
	routing := forgetest.Routing{
		New:    func(cfg forge.Config) (forge.Client, error) { return New(cfg) },
		File:   "list-project-merge-requests.json",
		Header: "PRIVATE-TOKEN", Credential: testToken,
		Want: []forge.PullRequest{{Number: 1, URL: "http://gitlab.example.com/my-group/my-project/merge_requests/1",
			State: forge.StateMerged, Title: "test1", Body: "fixed login page css paddings",
			Head: "8888888888888888888888888888888888888888", Labels: []string{"Community contribution", "Manage"}}},
	}
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
			routing.Check(t, forge.Config{URL: tt.url, Repository: tt.project, Token: testToken}, "test1", tt.want)
		})
	}
}
