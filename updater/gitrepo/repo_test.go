package gitrepo_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/tagflow/tagflow/internal/testenv/gitserver"
	"github.com/tagflow/tagflow/updater/gitrepo"
)

func TestNewRefusesBadConfiguration(t *testing.T) {
	key := []byte("-----BEGIN OPENSSH PRIVATE KEY-----\nnot a key\n-----END OPENSSH PRIVATE KEY-----\n")
	main := gitrepo.Ref{Branch: "main"}
	for _, tc := range []struct {
		name    string
		url     string
		ref     gitrepo.Ref
		opts    []gitrepo.Option
		wantErr string
	}{
		{"no ref", "https://h/r", gitrepo.Ref{}, nil, "one of branch, tag, semver or commit"},
		{"tag and branch", "https://h/r", gitrepo.Ref{Tag: "v1", Branch: "main"}, []gitrepo.Option{gitrepo.WithPushBranch("x")}, "tag cannot be combined"},
		{"tag without push branch", "https://h/r", gitrepo.Ref{Tag: "v1"}, nil, "needs a push branch"},
		{"commit pushing to its branch", "https://h/r", gitrepo.Ref{Branch: "main", Commit: strings.Repeat("a", 40)}, []gitrepo.Option{gitrepo.WithPushBranch("main")}, "needs a push branch other than"},
		{"semver and branch", "https://h/r", gitrepo.Ref{SemVer: "1.x", Branch: "main"}, []gitrepo.Option{gitrepo.WithPushBranch("x")}, "semver cannot be combined"},
		{"bad semver", "https://h/r", gitrepo.Ref{SemVer: "one"}, []gitrepo.Option{gitrepo.WithPushBranch("x")}, "semver range"},
		{"semver without push branch", "https://h/r", gitrepo.Ref{SemVer: "1.x"}, nil, "needs a push branch"},
		{"short commit", "https://h/r", gitrepo.Ref{Commit: "abc123"}, []gitrepo.Option{gitrepo.WithPushBranch("x")}, "not a full hash"},
		{"bad branch", "https://h/r", gitrepo.Ref{Branch: "a..b"}, nil, "checkout ref"},
		{"full ref as branch", "https://h/r", gitrepo.Ref{Branch: "refs/heads/main"}, nil, "short name"},
		{"http without opt-in", "http://h/r", main, nil, "http:// is not allowed"},
		{"ssh without key", "ssh://git@h/r", main, []gitrepo.Option{gitrepo.WithKnownHosts([]byte("h ssh-ed25519 AAAA"))}, "needs a private key"},
		{"ssh bad key", "ssh://git@h/r", main, []gitrepo.Option{gitrepo.WithSSHKey(key, "")}, "reading private key"},
		{"refspec from another branch", "https://h/r", main, []gitrepo.Option{gitrepo.WithPushBranch("auto"), gitrepo.WithPushRefspec("refs/heads/main:refs/for/main")}, "must be HEAD or the push branch auto"},
		{"forcing refspec", "https://h/r", main, []gitrepo.Option{gitrepo.WithPushRefspec("+refs/heads/main:refs/heads/x")}, "forced updates"},
		{"zero attempts", "https://h/r", main, []gitrepo.Option{gitrepo.WithMaxAttempts(0)}, "less than 1"},
		{"bad template", "https://h/r", main, []gitrepo.Option{gitrepo.WithMessageTemplate("{{.Oops")}, "parsing commit message template"},
		{"bad gpg key", "https://h/r", main, []gitrepo.Option{gitrepo.WithGPGSigning([]byte("nope"), nil)}, "reading gpg signing key"},
		{"bad ssh signing key", "https://h/r", main, []gitrepo.Option{gitrepo.WithSSHSigning(key, nil)}, "reading ssh signing key"},
		{"two signers", "https://h/r", main, []gitrepo.Option{gitrepo.WithSSHSigning(key, nil), gitrepo.WithGPGSigning([]byte("x"), nil)}, "exclusive"},
		{"author without email", "https://h/r", main, []gitrepo.Option{gitrepo.WithAuthor("bot", "")}, "author email"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := gitrepo.New(tc.url, tc.ref, tc.opts...)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("New() error = %v, want %q", err, tc.wantErr)
			}
		})
	}
}

func TestNewSSHNeedsKnownHosts(t *testing.T) {
	s := gitserver.Start(t, gitserver.Options{SSH: true})
	_, err := gitrepo.New(s.SSHURL("r"), gitrepo.Ref{Branch: "main"}, gitrepo.WithSSHKey(s.ClientKeyPEM, ""))
	if err == nil || !strings.Contains(err.Error(), "known_hosts is required") {
		t.Errorf("New() error = %v, want known_hosts required", err)
	}
}

func TestRunSSHHostKeyChecks(t *testing.T) {
	s := gitserver.Start(t, gitserver.Options{SSH: true})
	other := gitserver.Start(t, gitserver.Options{SSH: true})
	name := newRepoName(t, s)
	// other's host key, listed under s's address: a different key for the same host.
	wrong := strings.Replace(string(other.KnownHosts), other.SSHAddr[strings.LastIndex(other.SSHAddr, ":"):], s.SSHAddr[strings.LastIndex(s.SSHAddr, ":"):], 1)
	for _, tc := range []struct {
		name    string
		opts    []gitrepo.Option
		wantErr string
	}{
		{"wrong host key", []gitrepo.Option{gitrepo.WithKnownHosts([]byte(wrong))}, "key mismatch"},
		{"insecure ignore host key", []gitrepo.Option{gitrepo.WithInsecureIgnoreHostKey()}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := append([]gitrepo.Option{gitrepo.WithSSHKey(s.ClientKeyPEM, ""), gitrepo.WithCacheDir(t.TempDir())}, tc.opts...)
			r, err := gitrepo.New(s.SSHURL(name), gitrepo.Ref{Branch: "main"}, opts...)
			if err != nil {
				t.Fatalf("New() error = %v", err)
			}
			_, err = r.Run(t.Context(), noChange)
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("Run() error = %v, want %q", err, tc.wantErr)
			}
		})
	}
}

func noChange(context.Context, string) (gitrepo.Changes, error) { return gitrepo.Changes{}, nil }

func TestRunReusesTheShallowCacheWithoutCredentialsOnDisk(t *testing.T) {
	s := gitserver.Start(t, gitserver.Options{})
	name := newRepoName(t, s)
	s.CommitFromClone(t, name, "main", map[string]string{"second.txt": "2\n"}, "Second commit")
	cache := t.TempDir()
	r, err := gitrepo.New(s.HTTPURLWithAuth(name), gitrepo.Ref{Branch: "main"}, gitrepo.WithAllowHTTP(), gitrepo.WithCacheDir(cache))
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}
	if _, err := r.Run(t.Context(), noChange); err != nil {
		t.Fatalf("Run() error = %v", err)
	}
	repo, err := gogit.PlainOpen(r.Dir())
	if err != nil {
		t.Fatalf("opening the clone cache: %v", err)
	}
	marker := plumbing.NewHashReference("refs/test/marker", plumbing.NewHash(s.Head(t, name, "main")))
	if err := repo.Storer.SetReference(marker); err != nil {
		t.Fatalf("marking the clone cache: %v", err)
	}
	if shallow, err := repo.Storer.Shallow(); err != nil || len(shallow) != 1 {
		t.Errorf("shallow commits = %v, %v; want the one fetched commit", shallow, err)
	}

	moved := s.CommitFromClone(t, name, "main", map[string]string{"third.txt": "3\n"}, "Third commit")
	got, err := r.Run(t.Context(), noChange)
	if err != nil || got.Base != moved {
		t.Fatalf("second Run() = %+v, %v; want base %s", got, err, moved)
	}
	if _, err := repo.Reference("refs/test/marker", false); err != nil {
		t.Errorf("the clone cache was recreated instead of fetched into: %v", err)
	}
	assertNoSecret(t, cache, s.Password)
}

// assertNoSecret walks dir and fails if any file name or content holds secret.
func assertNoSecret(t *testing.T, dir, secret string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if strings.Contains(path, secret) || strings.Contains(string(b), secret) {
			t.Errorf("%s holds the password", path)
		}
		return err
	})
	if err != nil {
		t.Fatalf("walking %s: %v", dir, err)
	}
}

func TestRunMissingRefs(t *testing.T) {
	s := gitserver.Start(t, gitserver.Options{})
	name := newRepoName(t, s)
	for _, tc := range []struct {
		name    string
		ref     gitrepo.Ref
		wantErr string
	}{
		{"branch", gitrepo.Ref{Branch: "nope"}, "fetching branch nope"},
		{"tag", gitrepo.Ref{Tag: "v9"}, "fetching tag v9"},
		{"semver", gitrepo.Ref{SemVer: ">=9"}, "no tag of"},
		{"commit", gitrepo.Ref{Commit: strings.Repeat("1", 40)}, "resolving commit 1111111"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRepo(t, s, transports[0], name, tc.ref, gitrepo.WithPushBranch("auto"))
			_, err := r.Run(t.Context(), mustSetImage("11.0.0"))
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("Run() error = %v, want %q", err, tc.wantErr)
			}
		})
	}
}

func TestRunUpdateEdgeCases(t *testing.T) {
	s := gitserver.Start(t, gitserver.Options{})
	boom := errors.New("boom")
	for _, tc := range []struct {
		name       string
		update     gitrepo.UpdateFunc
		wantPushed bool
		wantErr    error
		wantAnyErr bool
		check      func(t *testing.T, name, head string)
	}{
		{name: "file reported but unchanged", update: func(_ context.Context, dir string) (gitrepo.Changes, error) {
			return gitrepo.Changes{Files: []string{"deploy.yaml"}}, nil
		}},
		{name: "file reported but never there", update: func(_ context.Context, dir string) (gitrepo.Changes, error) {
			return gitrepo.Changes{Files: []string{"ghost.yaml"}}, nil
		}},
		{name: "path outside the worktree", wantAnyErr: true, update: func(_ context.Context, dir string) (gitrepo.Changes, error) {
			return gitrepo.Changes{Files: []string{"../escape.yaml"}}, nil
		}},
		{name: "update fails", wantErr: boom, update: func(context.Context, string) (gitrepo.Changes, error) {
			return gitrepo.Changes{}, boom
		}},
		{name: "file removed and added", wantPushed: true, update: func(_ context.Context, dir string) (gitrepo.Changes, error) {
			if err := os.Remove(filepath.Join(dir, "deploy.yaml")); err != nil {
				return gitrepo.Changes{}, err
			}
			err := os.MkdirAll(filepath.Join(dir, "apps"), 0o755)
			if err == nil {
				err = os.WriteFile(filepath.Join(dir, "apps", "new.yaml"), []byte("new\n"), 0o644)
			}
			return gitrepo.Changes{Files: []string{"deploy.yaml", "apps/new.yaml"}}, err
		}, check: func(t *testing.T, name, head string) {
			if got := s.Git(t, name, "ls-tree", "-r", "--name-only", head); got != "apps/new.yaml" {
				t.Errorf("files at head = %q, want only apps/new.yaml", got)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name := newRepoName(t, s)
			r := newRepo(t, s, transports[0], name, gitrepo.Ref{Branch: "main"})
			got, err := r.Run(t.Context(), tc.update)
			errOK := errors.Is(err, tc.wantErr) || tc.wantAnyErr && err != nil
			if !errOK || got.Pushed != tc.wantPushed {
				t.Fatalf("Run() = %+v, %v; want pushed %t, error %v", got, err, tc.wantPushed, tc.wantErr)
			}
			if tc.check != nil {
				tc.check(t, name, s.Head(t, name, "main"))
			}
		})
	}
}

func TestRunCanceledContextKeepsTheCache(t *testing.T) {
	s := gitserver.Start(t, gitserver.Options{})
	name := newRepoName(t, s)
	r := newRepo(t, s, transports[0], name, gitrepo.Ref{Branch: "main"})
	if _, err := r.Run(t.Context(), noChange); err != nil {
		t.Fatalf("Run() error = %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := r.Run(ctx, noChange); !errors.Is(err, context.Canceled) {
		t.Errorf("Run() with a canceled context error = %v, want context.Canceled", err)
	}
	if _, err := gogit.PlainOpen(r.Dir()); err != nil {
		t.Errorf("the clone cache is gone after a canceled run: %v", err)
	}
}
