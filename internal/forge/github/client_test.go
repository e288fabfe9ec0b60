package github

import (
	"testing"

	"github.com/tagflow/tagflow/internal/forge"
	"github.com/tagflow/tagflow/internal/forge/forgetest"
)

// TestNewRefuses checks the configurations New turns down.
func TestNewRefuses(t *testing.T) {
	app := &forge.GitHubApp{AppID: 42, InstallationID: 7, PrivateKey: pemKey(t, false)}
	forgetest.CheckRefusals(t, func(cfg forge.Config) error { _, err := New(cfg); return err }, []forgetest.Refusal{
		{Name: "no owner", Config: forge.Config{Repository: "app", Token: "t"}, Want: "not owner/name"},
		{Name: "GitLab subgroup path", Config: forge.Config{Repository: "group/sub/app", Token: "t"}, Want: "not owner/name"},
		{Name: "no credentials", Config: forge.Config{Repository: "org/app"}, Want: "neither a token nor a GitHub App"},
		{Name: "token and App", Config: forge.Config{Repository: "org/app", Token: "t", App: app}, Want: "both a token and a GitHub App"},
		{Name: "URL without scheme", Config: forge.Config{URL: "ghe.example.com", Repository: "org/app", Token: "t"}, Want: "not an http(s) URL"},
		{Name: "App without installation", Config: forge.Config{Repository: "org/app", App: &forge.GitHubApp{AppID: 42, PrivateKey: app.PrivateKey}},
			Want: "installation ID"},
		{Name: "App key not PEM", Config: forge.Config{Repository: "org/app", App: &forge.GitHubApp{AppID: 42, InstallationID: 7, PrivateKey: []byte("key")}},
			Want: "no PEM block"},
	})
}

// TestURL checks where requests go for each form of cfg.URL: github.com's API, or a GitHub
// Enterprise Server's /api/v3.
func TestURL(t *testing.T) {
	routing := forgetest.Routing{
		New:    func(cfg forge.Config) (forge.Client, error) { return New(cfg) },
		File:   "list-pull-requests.json",
		Header: "Authorization", Credential: "Bearer " + testToken,
		Want: []forge.PullRequest{{Number: 1347, URL: "https://github.com/octocat/Hello-World/pull/1347",
			State: forge.StateMerged, Title: "Amazing new feature", Body: "Please pull these awesome changes in!",
			Head: "6dcb09b5b57875f334f61aebed695e2e4193db5e", Labels: []string{"bug"}}},
	}
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
			routing.Check(t, forge.Config{URL: tt.url, Repository: "org/app", Token: testToken}, "feature", tt.want)
		})
	}
}
