package forge_test

import (
	"strings"
	"testing"

	"github.com/tagflow/tagflow/internal/forge"
)

func TestRepositoryPath(t *testing.T) {
	tests := []struct{ url, host, path string }{
		{"https://github.com/org/app.git", "github.com", "org/app"},
		{"https://github.com/org/app", "github.com", "org/app"},
		{"https://user:secret@gitlab.example.com/group/sub/app.git", "gitlab.example.com", "group/sub/app"},
		{"ssh://git@github.com/org/app.git", "github.com", "org/app"},
		{"ssh://git@gitea.example.com:2222/org/app.git", "gitea.example.com", "org/app"},
		{"git@github.com:org/app.git", "github.com", "org/app"},
		{"github.com:org/app", "github.com", "org/app"},
		{"http://127.0.0.1:3000/admin/fleet.git/", "127.0.0.1", "admin/fleet"},
	}
	for _, tt := range tests {
		host, path, err := forge.RepositoryPath(tt.url)
		if err != nil || host != tt.host || path != tt.path {
			t.Errorf("RepositoryPath(%q) = %q, %q, %v; want %q, %q", tt.url, host, path, err, tt.host, tt.path)
		}
	}
	for _, bad := range []string{"", "https://github.com/app.git", "https://github.com/", "file:///srv/git/app.git", "https://user:secret@host/x"} {
		_, _, err := forge.RepositoryPath(bad)
		if err == nil {
			t.Errorf("RepositoryPath(%q): no error", bad)
			continue
		}
		if got := err.Error(); strings.Contains(got, "secret") {
			t.Errorf("RepositoryPath(%q) error leaks the password: %s", bad, got)
		}
	}
}

func TestOwnerName(t *testing.T) {
	for repo, ok := range map[string]bool{"org/app": true, "org/sub/app": false, "app": false, "/app": false, "org/": false} {
		owner, name, got := forge.Config{Repository: repo}.OwnerName()
		if got != ok || (ok && owner+"/"+name != repo) {
			t.Errorf("OwnerName(%q) = %q, %q, %v; want ok=%v", repo, owner, name, got, ok)
		}
	}
}
