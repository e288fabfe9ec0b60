package gitserver_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gogit "github.com/go-git/go-git/v5"
	gogitssh "github.com/go-git/go-git/v5/plumbing/transport/ssh"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/tagflow/tagflow/internal/testenv/gitserver"
)

// sshAuth is the recipe from the package documentation: host key callback and host key
// algorithms both from the known_hosts database.
func sshAuth(t *testing.T, s *gitserver.Server, knownHostsFile string) *gogitssh.PublicKeys {
	t.Helper()
	auth, err := gogitssh.NewPublicKeys(s.SSHUser, s.ClientKeyPEM, "")
	if err != nil {
		t.Fatalf("loading client key: %v", err)
	}
	db, err := gogitssh.NewKnownHostsDb(knownHostsFile)
	if err != nil {
		t.Fatalf("loading known_hosts: %v", err)
	}
	auth.HostKeyCallback = db.HostKeyCallback()
	auth.HostKeyAlgorithms = db.HostKeyAlgorithms(s.SSHAddr)
	return auth
}

func TestSSHCloneAndPushGoGit(t *testing.T) {
	t.Parallel()
	s := gitserver.Start(t, gitserver.Options{SSH: true})
	s.CreateRepo(t, "app", initialFiles, "main")

	hash := cloneCommitPush(t, s.SSHURL("app"), sshAuth(t, s, s.KnownHostsFile))
	if head := s.Head(t, "app", "main"); head != hash {
		t.Errorf("server head = %s, pushed %s", head, hash)
	}
}

func TestSSHCloneAndPushCLI(t *testing.T) {
	t.Parallel()
	s := gitserver.Start(t, gitserver.Options{SSH: true})
	s.CreateRepo(t, "app", initialFiles, "main")
	env := []string{"GIT_SSH_COMMAND=" + s.GitSSHCommand()}

	work := filepath.Join(t.TempDir(), "app")
	if out, err := gitCLI(t, s, "", env, "clone", "--quiet", s.SSHURL("app"), work); err != nil {
		t.Fatalf("git clone over SSH: %v\n%s", err, out)
	}
	mustGit(t, s, work, "commit", "--quiet", "--allow-empty", "-m", "over ssh")
	// The server side runs with the harness's clean environment, not the machine's.
	s.SetHook(t, "app", "pre-receive", "echo \"env HOME=$HOME NOSYSTEM=$GIT_CONFIG_NOSYSTEM\" >&2\n")
	out, err := gitCLI(t, s, work, env, "push", "origin", "main")
	if err != nil {
		t.Fatalf("git push over SSH: %v\n%s", err, out)
	}
	if want := "env HOME=" + s.Home() + " NOSYSTEM=1"; !strings.Contains(out, want) {
		t.Errorf("push output lacks %q:\n%s", want, out)
	}
	if head, local := s.Head(t, "app", "main"), mustGit(t, s, work, "rev-parse", "HEAD"); head != local {
		t.Errorf("server head = %s, pushed %s", head, local)
	}
}

func TestSSHWrongKnownHostsRejected(t *testing.T) {
	t.Parallel()
	s := gitserver.Start(t, gitserver.Options{SSH: true})
	s.CreateRepo(t, "app", initialFiles, "main")

	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	other, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	wrong := filepath.Join(t.TempDir(), "known_hosts")
	line := knownhosts.Line([]string{knownhosts.Normalize(s.SSHAddr)}, other) + "\n"
	if err := os.WriteFile(wrong, []byte(line), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = gogit.PlainCloneContext(t.Context(), t.TempDir(), false, &gogit.CloneOptions{
		URL: s.SSHURL("app"), Auth: sshAuth(t, s, wrong),
	})
	if err == nil || !strings.Contains(err.Error(), "key mismatch") {
		t.Errorf("clone with a wrong known_hosts entry: err = %v, want a key mismatch", err)
	}
}

// TestSSHHostKeyAlgorithmsNeeded pins the pitfall the recipe avoids: sshd offers an
// ECDSA and an ed25519 host key, known_hosts lists only the ed25519 one, and a client
// that leaves HostKeyAlgorithms empty negotiates ECDSA and fails.
func TestSSHHostKeyAlgorithmsNeeded(t *testing.T) {
	t.Parallel()
	s := gitserver.Start(t, gitserver.Options{SSH: true})
	s.CreateRepo(t, "app", initialFiles, "main")

	auth, err := gogitssh.NewPublicKeys(s.SSHUser, s.ClientKeyPEM, "")
	if err != nil {
		t.Fatal(err)
	}
	cb, err := knownhosts.New(s.KnownHostsFile)
	if err != nil {
		t.Fatal(err)
	}
	auth.HostKeyCallback = cb
	_, err = gogit.PlainCloneContext(t.Context(), t.TempDir(), false, &gogit.CloneOptions{
		URL: s.SSHURL("app"), Auth: auth,
	})
	if err == nil || !strings.Contains(err.Error(), "key mismatch") {
		t.Errorf("clone without HostKeyAlgorithms: err = %v, want a key mismatch", err)
	}
}

func TestSSHWrongClientKeyRejected(t *testing.T) {
	t.Parallel()
	s := gitserver.Start(t, gitserver.Options{SSH: true})
	s.CreateRepo(t, "app", initialFiles, "main")

	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	auth := sshAuth(t, s, s.KnownHostsFile)
	auth.Signer = signer
	_, err = gogit.PlainCloneContext(t.Context(), t.TempDir(), false, &gogit.CloneOptions{
		URL: s.SSHURL("app"), Auth: auth,
	})
	if err == nil || !strings.Contains(err.Error(), "unable to authenticate") {
		t.Errorf("clone with an unknown client key: err = %v, want an authentication failure", err)
	}
}
