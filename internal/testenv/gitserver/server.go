package gitserver

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/tagflow/tagflow/internal/testenv"
)

// Options selects the protocols a Server speaks besides smart HTTP, which is always on.
type Options struct {
	// SSH also starts an sshd on a loopback port that serves the same repositories.
	SSH bool
}

// Server serves bare Git repositories from a temporary directory over smart HTTP with
// basic authentication and, if asked, over SSH. It is stopped when the test that
// started it ends.
type Server struct {
	// Username and Password are the HTTP basic-auth credentials.
	Username, Password string
	// ClientKeyPEM is the OpenSSH-format private key (no passphrase) that sshd accepts.
	ClientKeyPEM []byte
	// ClientKeyFile is the path of a 0600 file holding ClientKeyPEM.
	ClientKeyFile string
	// KnownHosts is a known_hosts line for the sshd's ed25519 host key, for
	// "[127.0.0.1]:PORT".
	KnownHosts []byte
	// KnownHostsFile is the path of a file holding KnownHosts.
	KnownHostsFile string
	// SSHUser is the user to log in as over SSH: the user running the test.
	SSHUser string
	// SSHAddr is the sshd's "127.0.0.1:PORT" (empty without Options.SSH).
	SSHAddr string
	// Root is the directory that holds the bare repositories "NAME.git".
	Root string
	// HTTPAddr is the HTTP server's "127.0.0.1:PORT".
	HTTPAddr string

	home   string   // HOME of every git command the harness runs
	env    []string // clean environment for git
	gitBin string
	log    *testenv.SyncBuffer // git http-backend's and sshd's stderr
}

// Start starts a server with options opts. It fails the test if git (or, with SSH,
// sshd) is missing.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	gitBin, err := exec.LookPath("git")
	if err != nil {
		t.Fatalf("git binary not found: install git (make test-deps): %v", err)
	}
	dir := t.TempDir()
	s := &Server{
		Username: "tagflow",
		Password: "pw-" + randomHex(8),
		Root:     filepath.Join(dir, "srv"),
		home:     filepath.Join(dir, "home"),
		gitBin:   gitBin,
		log:      &testenv.SyncBuffer{},
	}
	for _, d := range []string{s.Root, s.home} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatalf("starting git server: %v", err)
		}
	}
	if err := s.writeGitConfig(); err != nil {
		t.Fatalf("starting git server: %v", err)
	}
	s.env = GitEnv(s.home)

	hs := httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	t.Cleanup(hs.Close)
	s.HTTPAddr = hs.Listener.Addr().String()

	if opts.SSH {
		s.startSSH(t, filepath.Join(dir, "ssh"))
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("git server log:\n%s", s.log.String())
		}
	})
	return s
}

// GitEnv returns a clean environment for running git with HOME set to home: no system
// configuration, no prompts, and PATH and nothing else taken from this process.
func GitEnv(home string) []string {
	return []string{
		"HOME=" + home,
		"PATH=" + os.Getenv("PATH"),
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_TERMINAL_PROMPT=0",
		"LANG=C",
		"LC_ALL=C",
	}
}

// Env returns the clean environment the harness runs git with (see GitEnv). HOME holds a
// .gitconfig with user.name, user.email and init.defaultBranch=main.
func (s *Server) Env() []string { return append([]string(nil), s.env...) }

// Home returns the HOME of every git command the harness runs, also on the SSH side.
func (s *Server) Home() string { return s.home }

// writeGitConfig writes the .gitconfig used by every git command the harness runs.
func (s *Server) writeGitConfig() error {
	const cfg = "[user]\n\tname = tagflow test\n\temail = test@tagflow.invalid\n" +
		"[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n"
	if err := os.WriteFile(filepath.Join(s.home, ".gitconfig"), []byte(cfg), 0o644); err != nil {
		return fmt.Errorf("writing .gitconfig: %w", err)
	}
	return nil
}

// serveHTTP checks basic authentication and hands the request to git http-backend.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	user, pw, ok := r.BasicAuth()
	if !ok || user != s.Username || pw != s.Password {
		w.Header().Set("WWW-Authenticate", `Basic realm="tagflow-git"`)
		http.Error(w, "authentication required", http.StatusUnauthorized)
		return
	}
	if err := unchunk(r); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	h := &cgi.Handler{
		Path: s.gitBin,
		Args: []string{"http-backend"},
		Dir:  s.Root,
		Env: append(s.Env(),
			"GIT_PROJECT_ROOT="+s.Root,
			"GIT_HTTP_EXPORT_ALL=1",
			"REMOTE_USER="+user,
		),
		Stderr: s.log,
	}
	h.ServeHTTP(w, r)
}

// maxBody bounds a chunked request body the server buffers (see unchunk).
const maxBody = 512 << 20

// unchunk reads a chunked request body into memory and sets its length: net/http/cgi
// refuses chunked bodies, and git sends pushes larger than http.postBuffer (1 MiB)
// chunked.
func unchunk(r *http.Request) error {
	if r.ContentLength >= 0 || r.Body == nil {
		return nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return fmt.Errorf("reading request body: %w", err)
	}
	if len(body) > maxBody {
		return fmt.Errorf("request body larger than %d bytes", maxBody)
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	r.TransferEncoding = nil
	return nil
}

// HTTPURL returns the smart-HTTP URL of repository name: http://127.0.0.1:PORT/name.git.
// Requests need basic authentication with Username and Password.
func (s *Server) HTTPURL(name string) string {
	return "http://" + s.HTTPAddr + "/" + name + ".git"
}

// HTTPURLWithAuth is HTTPURL with Username and Password in the URL's user info, for the
// git CLI.
func (s *Server) HTTPURLWithAuth(name string) string {
	return "http://" + s.Username + ":" + s.Password + "@" + s.HTTPAddr + "/" + name + ".git"
}

// RepoPath returns the path of the bare repository name.
func (s *Server) RepoPath(name string) string {
	return filepath.Join(s.Root, name+".git")
}

// randomHex returns n random bytes as hex.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never returns an error
	return hex.EncodeToString(b)
}
