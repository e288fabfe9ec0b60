package giteaserver

import (
	"net/http"
	"net/url"
	"testing"
)

// CreateRepo creates the repository name owned by the administrator through the API, then
// pushes one commit with files (path -> content; paths may contain slashes) to branch over
// HTTP, which becomes the default branch. It returns the clone URL (HTTPURL).
func (s *Server) CreateRepo(t testing.TB, name string, files map[string]string, branch string) string {
	t.Helper()
	in := map[string]any{"name": name, "default_branch": branch, "auto_init": false, "private": false}
	if err := s.call(http.MethodPost, "/user/repos", in, nil); err != nil {
		t.Fatalf("creating repository %s: %v", name, err)
	}
	if _, err := s.pushCommit(t.TempDir(), name, branch, []string{branch}, files, committerName, committerEmail); err != nil {
		t.Fatalf("creating repository %s: %v", name, err)
	}
	return s.HTTPURL(name)
}

// Repository returns "OWNER/name", the path of the administrator's repository name.
func (s *Server) Repository(name string) string { return s.Username + "/" + name }

// repoPath returns the API path of the administrator's repository name.
func (s *Server) repoPath(name string) string {
	return "/repos/" + url.PathEscape(s.Username) + "/" + url.PathEscape(name)
}

// CreateLabel creates the label name in repo and returns its ID.
func (s *Server) CreateLabel(t testing.TB, repo, name string) int64 {
	t.Helper()
	var l Label
	s.API(t, http.MethodPost, s.repoPath(repo)+"/labels", map[string]string{"name": name, "color": "#00aabb"}, &l)
	return l.ID
}

// AddLabels adds the labels with ids to pull request (or issue) number of repo, as a
// person would in the web UI.
func (s *Server) AddLabels(t testing.TB, repo string, number int, ids ...int64) {
	t.Helper()
	s.API(t, http.MethodPost, s.issuePath(repo, number)+"/labels", map[string]any{"labels": ids}, nil)
}
