package gitserver_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"

	"github.com/tagflow/tagflow/internal/testenv/gitserver"
)

var initialFiles = map[string]string{
	"README.md":       "hello\n",
	"deploy/app.yaml": "image: ghcr.io/org/app:1.0.0 # {\"$imagepolicy\": \"apps:app\"}\n",
}

// gitCLI runs the git CLI with the server's clean environment plus extra variables.
func gitCLI(t *testing.T, s *gitserver.Server, dir string, extraEnv []string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(s.Env(), extraEnv...)
	out, err := cmd.CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

func mustGit(t *testing.T, s *gitserver.Server, dir string, args ...string) string {
	t.Helper()
	out, err := gitCLI(t, s, dir, nil, args...)
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func TestCreateRepo(t *testing.T) {
	t.Parallel()
	s := gitserver.Start(t, gitserver.Options{})
	s.CreateRepo(t, "app", initialFiles, "main")

	head := s.Head(t, "app", "main")
	if len(head) != 40 {
		t.Fatalf("Head(main) = %q, want a hash", head)
	}
	if got := s.Head(t, "app", "missing"); got != "" {
		t.Errorf("Head(missing) = %q, want empty", got)
	}
	if got := string(s.ReadFile(t, "app", "main", "deploy/app.yaml")); got != initialFiles["deploy/app.yaml"] {
		t.Errorf("ReadFile = %q, want %q", got, initialFiles["deploy/app.yaml"])
	}
	if got := s.Git(t, "app", "symbolic-ref", "HEAD"); got != "refs/heads/main" {
		t.Errorf("HEAD = %q, want refs/heads/main", got)
	}
	if got := s.Git(t, "app", "rev-list", "--count", "main"); got != "1" {
		t.Errorf("commit count = %s, want 1", got)
	}
}

func TestHTTPCloneAndPushCLI(t *testing.T) {
	t.Parallel()
	s := gitserver.Start(t, gitserver.Options{})
	s.CreateRepo(t, "app", initialFiles, "main")

	work := filepath.Join(t.TempDir(), "app")
	mustGit(t, s, "", "clone", "--quiet", s.HTTPURLWithAuth("app"), work)
	got, err := os.ReadFile(filepath.Join(work, "README.md"))
	if err != nil || string(got) != initialFiles["README.md"] {
		t.Fatalf("cloned README.md = %q, %v", got, err)
	}
	if err := os.WriteFile(filepath.Join(work, "README.md"), []byte("changed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Larger than git's 1 MiB http.postBuffer, so the push is sent chunked (no
	// CONTENT_LENGTH for http-backend).
	big := make([]byte, 3<<20)
	if _, err := rand.Read(big); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(work, "big.bin"), big, 0o644); err != nil {
		t.Fatal(err)
	}
	mustGit(t, s, work, "add", "big.bin")
	mustGit(t, s, work, "commit", "--quiet", "-am", "change")
	mustGit(t, s, work, "push", "--quiet", "origin", "main")

	local := mustGit(t, s, work, "rev-parse", "HEAD")
	if head := s.Head(t, "app", "main"); head != local {
		t.Errorf("server head = %s, pushed %s", head, local)
	}
	if got := string(s.ReadFile(t, "app", "main", "README.md")); got != "changed\n" {
		t.Errorf("README.md on the server = %q", got)
	}
	if got := s.ReadFile(t, "app", "main", "big.bin"); !bytes.Equal(got, big) {
		t.Errorf("big.bin on the server has %d bytes, want the %d pushed", len(got), len(big))
	}
}

func TestHTTPCloneAndPushGoGit(t *testing.T) {
	t.Parallel()
	s := gitserver.Start(t, gitserver.Options{})
	s.CreateRepo(t, "app", initialFiles, "main")
	auth := &githttp.BasicAuth{Username: s.Username, Password: s.Password}

	hash := cloneCommitPush(t, s.HTTPURL("app"), auth)
	if head := s.Head(t, "app", "main"); head != hash {
		t.Errorf("server head = %s, pushed %s", head, hash)
	}
	if got := string(s.ReadFile(t, "app", "main", "deploy/app.yaml")); got != "image: ghcr.io/org/app:1.1.0\n" {
		t.Errorf("deploy/app.yaml on the server = %q", got)
	}
}

// cloneCommitPush clones url with go-git, changes deploy/app.yaml, commits and pushes
// main, and returns the new commit's hash.
func cloneCommitPush(t *testing.T, url string, auth transport.AuthMethod) string {
	t.Helper()
	dir := t.TempDir()
	repo, err := gogit.PlainCloneContext(t.Context(), dir, false, &gogit.CloneOptions{
		URL: url, Auth: auth, ReferenceName: plumbing.NewBranchReferenceName("main"), SingleBranch: true,
	})
	if err != nil {
		t.Fatalf("cloning %s with go-git: %v", url, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "deploy", "app.yaml"), []byte("image: ghcr.io/org/app:1.1.0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wt.Add("deploy/app.yaml"); err != nil {
		t.Fatal(err)
	}
	sig := &object.Signature{Name: "tagflow", Email: "bot@tagflow.invalid", When: time.Unix(1700000000, 0)}
	h, err := wt.Commit("update app", &gogit.CommitOptions{Author: sig})
	if err != nil {
		t.Fatalf("committing: %v", err)
	}
	if err := repo.PushContext(t.Context(), &gogit.PushOptions{Auth: auth}); err != nil {
		t.Fatalf("pushing to %s with go-git: %v", url, err)
	}
	return h.String()
}

func TestHTTPWrongPassword(t *testing.T) {
	t.Parallel()
	s := gitserver.Start(t, gitserver.Options{})
	s.CreateRepo(t, "app", initialFiles, "main")

	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, s.HTTPURL("app")+"/info/refs?service=git-upload-pack", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(s.Username, "wrong")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Basic ") {
		t.Errorf("wrong password: %d, WWW-Authenticate %q; want 401 with a Basic challenge", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}

	_, err = gogit.PlainCloneContext(t.Context(), t.TempDir(), false, &gogit.CloneOptions{
		URL: s.HTTPURL("app"), Auth: &githttp.BasicAuth{Username: s.Username, Password: "wrong"},
	})
	if !errors.Is(err, transport.ErrAuthorizationFailed) && !errors.Is(err, transport.ErrAuthenticationRequired) {
		t.Errorf("go-git clone with a wrong password: err = %v, want an authentication error", err)
	}

	bad := strings.Replace(s.HTTPURLWithAuth("app"), ":"+s.Password+"@", ":wrong@", 1)
	if out, err := gitCLI(t, s, "", nil, "clone", "--quiet", bad, filepath.Join(t.TempDir(), "x")); err == nil {
		t.Errorf("git clone with a wrong password succeeded: %s", out)
	}
}

func TestPreReceiveHookRejects(t *testing.T) {
	t.Parallel()
	s := gitserver.Start(t, gitserver.Options{})
	s.CreateRepo(t, "app", initialFiles, "main")
	before := s.Head(t, "app", "main")
	s.SetHook(t, "app", "pre-receive", "echo 'pushes are closed' >&2\nexit 1\n")

	work := filepath.Join(t.TempDir(), "app")
	mustGit(t, s, "", "clone", "--quiet", s.HTTPURLWithAuth("app"), work)
	mustGit(t, s, work, "commit", "--quiet", "--allow-empty", "-m", "rejected")
	out, err := gitCLI(t, s, work, nil, "push", "origin", "main")
	if err == nil {
		t.Fatalf("push through a rejecting pre-receive hook succeeded: %s", out)
	}
	if !strings.Contains(out, "pushes are closed") || !strings.Contains(out, "pre-receive hook declined") {
		t.Errorf("push output does not show the hook's rejection:\n%s", out)
	}

	auth := &githttp.BasicAuth{Username: s.Username, Password: s.Password}
	repo, err := gogit.PlainOpen(work)
	if err != nil {
		t.Fatal(err)
	}
	if err := repo.PushContext(t.Context(), &gogit.PushOptions{Auth: auth}); err == nil {
		t.Errorf("go-git push through a rejecting pre-receive hook succeeded")
	}
	if after := s.Head(t, "app", "main"); after != before {
		t.Errorf("head moved from %s to %s despite the hook", before, after)
	}
}

func TestCommitFromClone(t *testing.T) {
	t.Parallel()
	s := gitserver.Start(t, gitserver.Options{})
	s.CreateRepo(t, "app", initialFiles, "main")
	before := s.Head(t, "app", "main")

	hash := s.CommitFromClone(t, "app", "main", map[string]string{"other.txt": "theirs\n"}, "someone else's change")
	if hash == before || s.Head(t, "app", "main") != hash {
		t.Fatalf("head = %s, before %s, CommitFromClone returned %s", s.Head(t, "app", "main"), before, hash)
	}
	if got := s.Git(t, "app", "rev-parse", hash+"^"); got != before {
		t.Errorf("parent of the new commit = %s, want %s", got, before)
	}
	if got := s.Git(t, "app", "log", "-1", "--format=%an <%ae>|%s", hash); got != gitserver.OtherName+" <"+gitserver.OtherEmail+">|someone else's change" {
		t.Errorf("new commit = %q", got)
	}
	if got := string(s.ReadFile(t, "app", hash, "other.txt")); got != "theirs\n" {
		t.Errorf("other.txt = %q", got)
	}
	if got := string(s.ReadFile(t, "app", hash, "README.md")); got != initialFiles["README.md"] {
		t.Errorf("README.md = %q, want it kept", got)
	}

	// A new branch starts without parents.
	nb := s.CommitFromClone(t, "app", "feature", map[string]string{"f.txt": "f\n"}, "new branch")
	if s.Head(t, "app", "feature") != nb {
		t.Errorf("feature head = %s, want %s", s.Head(t, "app", "feature"), nb)
	}
	if got := s.Git(t, "app", "rev-list", "--count", "feature"); got != "1" {
		t.Errorf("feature has %s commits, want 1", got)
	}
}
