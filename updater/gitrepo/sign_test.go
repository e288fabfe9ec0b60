package gitrepo_test

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"golang.org/x/crypto/ssh"

	"github.com/tagflow/tagflow/internal/testenv/gitserver"
	"github.com/tagflow/tagflow/updater/gitrepo"
)

func TestRunGPGSignedCommitVerifies(t *testing.T) {
	if _, err := exec.LookPath("gpg"); err != nil {
		t.Skip("gpg not installed")
	}
	private, public := gpgKeyPair(t, []byte("sesame"))
	s := gitserver.Start(t, gitserver.Options{})
	name := newRepoName(t, s)
	r := newRepo(t, s, transports[0], name, gitrepo.Ref{Branch: "main"},
		gitrepo.WithGPGSigning(private, []byte("sesame")))

	got, err := r.Run(t.Context(), mustSetImage("7.0.0"))
	if err != nil || !got.Pushed {
		t.Fatalf("Run() = %+v, %v; want a push", got, err)
	}
	gnupg := shortTempDir(t)
	runIn(t, "", []string{"GNUPGHOME=" + gnupg}, public, "gpg", "--batch", "--import")
	t.Cleanup(func() { _ = exec.Command("gpgconf", "--homedir", gnupg, "--kill", "all").Run() })
	out := runIn(t, s.RepoPath(name), append(s.Env(), "GNUPGHOME="+gnupg), nil, "git", "verify-commit", "-v", got.Commit)
	if !strings.Contains(out, "Good signature") {
		t.Errorf("git verify-commit output = %q, want a good signature", out)
	}
}

func TestRunSSHSignedCommitVerifies(t *testing.T) {
	if _, err := exec.LookPath("ssh-keygen"); err != nil {
		t.Skip("ssh-keygen not installed")
	}
	s := gitserver.Start(t, gitserver.Options{})
	for _, tc := range []struct {
		name       string
		key        func() (crypto.Signer, error)
		passphrase string // costly: the OpenSSH key format uses bcrypt
	}{
		{"ed25519 with passphrase", func() (crypto.Signer, error) { _, k, err := ed25519.GenerateKey(rand.Reader); return k, err }, "open"},
		{"ecdsa-p256", func() (crypto.Signer, error) { return ecdsa.GenerateKey(elliptic.P256(), rand.Reader) }, ""},
		{"rsa-2048", func() (crypto.Signer, error) { return rsa.GenerateKey(rand.Reader, 2048) }, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key, err := tc.key()
			if err != nil {
				t.Fatalf("generating key: %v", err)
			}
			private, allowed := sshSigningKey(t, key, []byte(tc.passphrase))
			name := newRepoName(t, s)
			r := newRepo(t, s, transports[0], name, gitrepo.Ref{Branch: "main"},
				gitrepo.WithSSHSigning(private, []byte(tc.passphrase)))
			got, err := r.Run(t.Context(), mustSetImage("8.0.0"))
			if err != nil || !got.Pushed {
				t.Fatalf("Run() = %+v, %v; want a push", got, err)
			}
			out := runIn(t, s.RepoPath(name), s.Env(), nil, "git", "-c", "gpg.format=ssh",
				"-c", "gpg.ssh.allowedSignersFile="+allowed, "verify-commit", "-v", got.Commit)
			if !strings.Contains(out, `Good "git" signature for bot@tagflow.invalid`) {
				t.Errorf("git verify-commit output = %q, want a good signature", out)
			}
		})
	}
}

// gpgKeyPair returns an armored private key encrypted with passphrase and its armored
// public key.
func gpgKeyPair(t *testing.T, passphrase []byte) (private, public []byte) {
	t.Helper()
	e, err := openpgp.NewEntity("tagflow bot", "", "bot@tagflow.invalid", nil)
	if err != nil {
		t.Fatalf("generating gpg key: %v", err)
	}
	var pub bytes.Buffer
	w, err := armor.Encode(&pub, openpgp.PublicKeyType, nil)
	if err == nil {
		err = e.Serialize(w)
	}
	if err != nil || w.Close() != nil {
		t.Fatalf("serializing gpg public key: %v", err)
	}
	if err := e.EncryptPrivateKeys(passphrase, nil); err != nil {
		t.Fatalf("encrypting gpg key: %v", err)
	}
	var priv bytes.Buffer
	w, err = armor.Encode(&priv, openpgp.PrivateKeyType, nil)
	if err == nil {
		err = e.SerializePrivateWithoutSigning(w, nil)
	}
	if err != nil || w.Close() != nil {
		t.Fatalf("serializing gpg private key: %v", err)
	}
	return priv.Bytes(), pub.Bytes()
}

// sshSigningKey returns key as an OpenSSH private key encrypted with passphrase and the
// path of an allowed-signers file that trusts it for bot@tagflow.invalid.
func sshSigningKey(t *testing.T, key crypto.Signer, passphrase []byte) ([]byte, string) {
	t.Helper()
	block, err := ssh.MarshalPrivateKey(key, "")
	if len(passphrase) > 0 {
		block, err = ssh.MarshalPrivateKeyWithPassphrase(key, "", passphrase)
	}
	if err != nil {
		t.Fatalf("marshalling ssh key: %v", err)
	}
	pub, err := ssh.NewPublicKey(key.Public())
	if err != nil {
		t.Fatalf("reading ssh public key: %v", err)
	}
	allowed := filepath.Join(t.TempDir(), "allowed_signers")
	line := `bot@tagflow.invalid namespaces="git" ` + string(ssh.MarshalAuthorizedKey(pub))
	if err := os.WriteFile(allowed, []byte(line), 0o644); err != nil {
		t.Fatalf("writing allowed signers: %v", err)
	}
	return pem.EncodeToMemory(block), allowed
}

// shortTempDir is a temporary directory with a path short enough for gpg-agent's socket.
func shortTempDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "gpg")
	if err != nil {
		t.Fatalf("creating GNUPGHOME: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// runIn runs a command in dir with env (added to a minimal one) and stdin, and returns
// its combined output; it fails the test if the command fails.
func runIn(t *testing.T, dir string, env []string, stdin []byte, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH")}, env...)
	cmd.Stdin = bytes.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}
