package giteaserver

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tagflow/tagflow/internal/testenv/gitserver"
)

// Identity of the harness's own commits (CreateRepo).
const (
	committerName  = "tagflow test"
	committerEmail = "test@tagflow.invalid"
)

// HTTPURL returns the clone URL of the administrator's repository name:
// http://127.0.0.1:PORT/OWNER/NAME.git. Requests need basic authentication with Username
// and Password (or Token as the password).
func (s *Server) HTTPURL(name string) string {
	return s.URL + "/" + s.Username + "/" + name + ".git"
}

// PushCommit commits files (path -> content; paths may contain slashes) on top of branch
// as authorName <authorEmail>, pushes it over HTTP and waits until Gitea shows the new
// head; it returns the commit's hash. A missing branch starts from the default branch. It
// stands for a person pushing to a branch.
func (s *Server) PushCommit(t testing.TB, repo, branch string, files map[string]string, authorName, authorEmail string) string {
	t.Helper()
	sha, err := s.pushCommit(t.TempDir(), repo, branch, []string{branch}, files, authorName, authorEmail)
	if err != nil {
		t.Fatalf("pushing a commit to %s %s: %v", repo, branch, err)
	}
	return sha
}

// PushBranches commits files on top of branch from as the harness and pushes that one
// commit to each of branches in a single push, creating or moving them; it returns the
// commit's hash. It makes many branches that each differ from from, for many pull requests.
func (s *Server) PushBranches(t testing.TB, repo, from string, files map[string]string, branches ...string) string {
	t.Helper()
	sha, err := s.pushCommit(t.TempDir(), repo, from, branches, files, committerName, committerEmail)
	if err != nil {
		t.Fatalf("pushing branches %v to %s: %v", branches, repo, err)
	}
	return sha
}

// pushCommit checks out branch from of repo into work, commits files as name <email>,
// pushes the commit to the branches to and waits for Gitea to take the push in. A missing
// from starts from the default branch, or from nothing in an empty repository.
func (s *Server) pushCommit(work, repo, from string, to []string, files map[string]string, name, email string) (string, error) {
	steps, err := s.checkoutSteps(work, repo, from)
	if err != nil {
		return "", err
	}
	for _, args := range steps {
		if _, err := s.git("", args...); err != nil {
			return "", err
		}
	}
	if err := writeFiles(work, files); err != nil {
		return "", err
	}
	push := []string{"push", "--quiet", "--force", s.HTTPURL(repo)}
	for _, b := range to {
		push = append(push, "HEAD:refs/heads/"+b)
	}
	for _, args := range [][]string{
		{"add", "--all"},
		{"-c", "user.name=" + name, "-c", "user.email=" + email, "commit", "--quiet", "--allow-empty", "-m", "Change by " + name},
		push,
	} {
		if _, err := s.git(work, args...); err != nil {
			return "", err
		}
	}
	sha, err := s.git(work, "rev-parse", "HEAD")
	if err != nil {
		return "", err
	}
	for _, b := range to {
		if err := s.waitBranch(repo, b, sha); err != nil {
			return "", err
		}
	}
	return sha, nil
}

// checkoutSteps returns the git commands that put branch of repo into work.
func (s *Server) checkoutSteps(work, repo, branch string) ([][]string, error) {
	_, exists, err := s.branchHead(repo, branch)
	if err != nil {
		return nil, err
	}
	if exists {
		return [][]string{{"clone", "--quiet", "--branch", branch, s.HTTPURL(repo), work}}, nil
	}
	var info struct {
		Empty bool `json:"empty"`
	}
	if err := s.call(http.MethodGet, s.repoPath(repo), nil, &info); err != nil {
		return nil, err
	}
	if info.Empty {
		return [][]string{{"init", "--quiet", "--initial-branch=" + branch, work}}, nil
	}
	return [][]string{
		{"clone", "--quiet", s.HTTPURL(repo), work},
		{"-C", work, "checkout", "--quiet", "-b", branch},
	}, nil
}

// waitBranch waits until the API reports sha as the head of branch: Gitea records pushes
// in its database asynchronously, and a pull request can only be opened from a branch it
// knows.
func (s *Server) waitBranch(repo, branch, sha string) error {
	deadline := time.Now().Add(startTimeout)
	for {
		got, _, err := s.branchHead(repo, branch)
		if err == nil && got == sha {
			return nil
		}
		if time.Now().After(deadline) && err != nil {
			return fmt.Errorf("waiting for %s to show %s at %s: %w", repo, branch, sha, err)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("waiting for %s to show %s at %s: still at %q", repo, branch, sha, got)
		}
		time.Sleep(100 * time.Millisecond) // poll interval
	}
}

// BranchHead returns the commit branch of the administrator's repository repo points at,
// as the API reports it, and whether the branch exists.
func (s *Server) BranchHead(t testing.TB, repo, branch string) (sha string, exists bool) {
	t.Helper()
	sha, exists, err := s.branchHead(repo, branch)
	if err != nil {
		t.Fatalf("reading branch %s of %s: %v", branch, repo, err)
	}
	return sha, exists
}

func (s *Server) branchHead(repo, branch string) (string, bool, error) {
	var out struct {
		Commit struct {
			ID string `json:"id"`
		} `json:"commit"`
	}
	err := s.call(http.MethodGet, s.repoPath(repo)+"/branches/"+url.PathEscape(branch), nil, &out)
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	return out.Commit.ID, true, nil
}

// git runs the git CLI in dir with a clean environment (gitserver.GitEnv) and the
// administrator's credentials as an HTTP header, so that no URL or config holds them.
func (s *Server) git(dir string, args ...string) (string, error) {
	auth := base64.StdEncoding.EncodeToString([]byte(s.Username + ":" + s.Password))
	full := append([]string{
		"-c", "http.extraHeader=Authorization: Basic " + auth,
		"-c", "user.name=" + committerName, "-c", "user.email=" + committerEmail,
	}, args...)
	cmd := exec.Command("git", full...)
	cmd.Dir = dir
	cmd.Env = gitserver.GitEnv(s.gitHome)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("git %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out)), nil
}

// writeFiles writes files (path -> content) under dir, creating directories.
func writeFiles(dir string, files map[string]string) error {
	for p, content := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return fmt.Errorf("writing %s: %w", p, err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			return fmt.Errorf("writing %s: %w", p, err)
		}
	}
	return nil
}
