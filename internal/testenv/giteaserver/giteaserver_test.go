package giteaserver_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tagflow/tagflow/internal/testenv/giteaserver"
)

var initialFiles = map[string]string{
	"README.md":       "hello\n",
	"deploy/app.yaml": "image: ghcr.io/org/app:1.0.0\n",
}

// TestStartCreateRepoAndMerge starts Gitea, creates a repository, pushes a branch as
// someone else, opens a pull request through the API and merges it.
func TestStartCreateRepoAndMerge(t *testing.T) {
	s := giteaserver.Start(t)
	if !strings.HasPrefix(s.URL, "http://127.0.0.1:") || strings.HasSuffix(s.URL, "/") {
		t.Errorf("URL = %q, want http://127.0.0.1:PORT", s.URL)
	}
	var me struct {
		Login   string `json:"login"`
		IsAdmin bool   `json:"is_admin"`
	}
	s.API(t, http.MethodGet, "/user", nil, &me)
	if me.Login != s.Username || !me.IsAdmin {
		t.Errorf("GET /user = %+v, want admin %s", me, s.Username)
	}

	cloneURL := s.CreateRepo(t, "app", initialFiles, "main")
	if want := s.URL + "/" + s.Username + "/app.git"; cloneURL != want {
		t.Errorf("CreateRepo = %q, want %q", cloneURL, want)
	}
	base, ok := s.BranchHead(t, "app", "main")
	if !ok || len(base) != 40 {
		t.Fatalf("BranchHead(main) = %q, %v; want a hash", base, ok)
	}
	if _, ok := s.BranchHead(t, "app", "missing"); ok {
		t.Errorf("BranchHead(missing) exists")
	}

	head := s.PushCommit(t, "app", "update", map[string]string{"deploy/app.yaml": "image: ghcr.io/org/app:1.1.0\n"},
		"Someone Else", "someone@tagflow.invalid")
	if got, _ := s.BranchHead(t, "app", "update"); got != head {
		t.Errorf("BranchHead(update) = %q, want the pushed %q", got, head)
	}
	pr := s.CreatePR(t, "app", "update", "main", "Update app")
	if pr.State != "open" || pr.Head.SHA != head {
		t.Errorf("CreatePR = state %q head %q, want open at %s", pr.State, pr.Head.SHA, head)
	}

	s.Merge(t, "app", pr.Number)
	got := s.PR(t, "app", pr.Number)
	if diff := cmp.Diff([]any{"closed", true, head}, []any{got.State, got.Merged, got.Head.SHA}); diff != "" {
		t.Errorf("PR after Merge (state, merged, head) mismatch (-want +got):\n%s", diff)
	}
	if merged, _ := s.BranchHead(t, "app", "main"); merged == base {
		t.Errorf("main did not move on merge")
	}
}

// TestClosePR closes a pull request without merging it.
func TestClosePR(t *testing.T) {
	s := giteaserver.Start(t)
	s.CreateRepo(t, "app", initialFiles, "main")
	s.PushCommit(t, "app", "update", map[string]string{"a.txt": "a\n"}, "Someone Else", "someone@tagflow.invalid")
	pr := s.CreatePR(t, "app", "update", "main", "Update app")
	s.ClosePR(t, "app", pr.Number)
	if got := s.PR(t, "app", pr.Number); got.State != "closed" || got.Merged {
		t.Errorf("PR after ClosePR: state %q merged %v, want closed and not merged", got.State, got.Merged)
	}
}
