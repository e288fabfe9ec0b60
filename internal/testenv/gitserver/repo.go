package gitserver

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// Someone else's identity, used by CommitFromClone.
const (
	OtherName  = "Someone Else"
	OtherEmail = "someone@tagflow.invalid"
)

// CreateRepo creates the bare repository "name.git" whose branch holds one commit with
// files (path -> content; paths may contain slashes). HEAD points at branch. Pushes
// over HTTP are allowed (http.receivepack).
func (s *Server) CreateRepo(t testing.TB, name string, files map[string]string, branch string) {
	t.Helper()
	bare := s.RepoPath(name)
	if _, err := s.run("", "init", "--quiet", "--bare", "--initial-branch="+branch, bare); err != nil {
		t.Fatalf("creating repository %s: %v", name, err)
	}
	for _, kv := range [][2]string{
		{"http.receivepack", "true"},
		{"uploadpack.allowFilter", "true"},
		{"uploadpack.allowAnySHA1InWant", "true"},
	} {
		if _, err := s.run(bare, "config", kv[0], kv[1]); err != nil {
			t.Fatalf("configuring repository %s: %v", name, err)
		}
	}
	work := t.TempDir()
	if _, err := s.run(work, "init", "--quiet", "--initial-branch="+branch); err != nil {
		t.Fatalf("creating repository %s: %v", name, err)
	}
	if err := writeFiles(work, files); err != nil {
		t.Fatalf("creating repository %s: %v", name, err)
	}
	steps := [][]string{
		{"add", "--all"},
		{"commit", "--quiet", "--allow-empty", "-m", "Initial commit"},
		{"push", "--quiet", bare, "HEAD:refs/heads/" + branch},
	}
	for _, args := range steps {
		if _, err := s.run(work, args...); err != nil {
			t.Fatalf("creating repository %s: %v", name, err)
		}
	}
}

// SetHook installs script as hook (e.g. "pre-receive") of repository name. A script
// without a "#!" line runs with /bin/sh.
func (s *Server) SetHook(t testing.TB, name, hook, script string) {
	t.Helper()
	if !strings.HasPrefix(script, "#!") {
		script = "#!/bin/sh\n" + script
	}
	dir := filepath.Join(s.RepoPath(name), "hooks")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("installing %s hook in %s: %v", hook, name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, hook), []byte(script), 0o755); err != nil {
		t.Fatalf("installing %s hook in %s: %v", hook, name, err)
	}
}

// CommitFromClone commits files (path -> content) to branch as OtherName from a second,
// local clone, pushes it (hooks run as for any push) and returns the new commit's
// hash. A missing branch is created without parents.
func (s *Server) CommitFromClone(t testing.TB, name, branch string, files map[string]string, msg string) string {
	t.Helper()
	return s.CommitAs(t, name, branch, files, msg, OtherName, OtherEmail)
}

// CommitAs is CommitFromClone with the given author and committer.
func (s *Server) CommitAs(t testing.TB, name, branch string, files map[string]string, msg, authorName, authorEmail string) string {
	t.Helper()
	work := filepath.Join(t.TempDir(), "clone")
	exists := s.Head(t, name, branch) != ""
	var steps [][]string
	if exists {
		steps = [][]string{{"clone", "--quiet", "--branch", branch, s.RepoPath(name), work}}
	} else {
		steps = [][]string{
			{"init", "--quiet", "--initial-branch=" + branch, work},
			{"-C", work, "remote", "add", "origin", s.RepoPath(name)},
		}
	}
	for _, args := range steps {
		if _, err := s.run("", args...); err != nil {
			t.Fatalf("committing to %s %s from a clone: %v", name, branch, err)
		}
	}
	if err := writeFiles(work, files); err != nil {
		t.Fatalf("committing to %s %s from a clone: %v", name, branch, err)
	}
	ident := []string{
		"-c", "user.name=" + authorName, "-c", "user.email=" + authorEmail,
	}
	steps = [][]string{
		{"add", "--all"},
		append(ident, "commit", "--quiet", "--allow-empty", "-m", msg),
		{"push", "--quiet", "origin", "HEAD:refs/heads/" + branch},
	}
	for _, args := range steps {
		if _, err := s.run(work, args...); err != nil {
			t.Fatalf("committing to %s %s from a clone: %v", name, branch, err)
		}
	}
	out, err := s.run(work, "rev-parse", "HEAD")
	if err != nil {
		t.Fatalf("committing to %s %s from a clone: %v", name, branch, err)
	}
	return strings.TrimSpace(out)
}

// Head returns the hash refs/heads/branch of repository name points at, or "" if the
// branch does not exist.
func (s *Server) Head(t testing.TB, name, branch string) string {
	t.Helper()
	out, err := s.run(s.RepoPath(name), "rev-parse", "--verify", "--quiet", "refs/heads/"+branch)
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 1 {
		return ""
	}
	if err != nil {
		t.Fatalf("reading head of %s in %s: %v", branch, name, err)
	}
	return strings.TrimSpace(out)
}

// ReadFile returns the content of path at rev (`git show rev:path`) in repository name.
func (s *Server) ReadFile(t testing.TB, name, rev, path string) []byte {
	t.Helper()
	out, err := s.run(s.RepoPath(name), "show", rev+":"+path)
	if err != nil {
		t.Fatalf("reading %s at %s in %s: %v", path, rev, name, err)
	}
	return []byte(out)
}

// Git runs git with args in the bare repository name and returns its trimmed stdout. It
// fails the test if git fails.
func (s *Server) Git(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, err := s.run(s.RepoPath(name), args...)
	if err != nil {
		t.Fatalf("running git %s in %s: %v", strings.Join(args, " "), name, err)
	}
	return strings.TrimSpace(out)
}

// run runs git with the clean environment in dir (the current directory if empty) and
// returns stdout. Errors carry stderr and wrap *exec.ExitError.
func (s *Server) run(dir string, args ...string) (string, error) {
	cmd := exec.Command(s.gitBin, args...)
	cmd.Dir = dir
	cmd.Env = s.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), &gitError{args: args, stderr: stderr.String(), err: err}
	}
	return stdout.String(), nil
}

// gitError is a failed git command with its stderr.
type gitError struct {
	args   []string
	stderr string
	err    error
}

func (e *gitError) Error() string {
	return fmt.Sprintf("git %s: %v: %s", strings.Join(e.args, " "), e.err, strings.TrimSpace(e.stderr))
}

func (e *gitError) Unwrap() error { return e.err }

// writeFiles writes files (path -> content) under dir, in a stable order.
func writeFiles(dir string, files map[string]string) error {
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return fmt.Errorf("writing %s: %w", p, err)
		}
		if err := os.WriteFile(full, []byte(files[p]), 0o644); err != nil {
			return fmt.Errorf("writing %s: %w", p, err)
		}
	}
	return nil
}
