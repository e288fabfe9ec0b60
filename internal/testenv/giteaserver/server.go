package giteaserver

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tagflow/tagflow/internal/testenv"
)

// Version is the Gitea release the harness runs (hack/gitea pins it; the Makefile builds it).
const Version = "v1.26.0"

// BinEnv is the environment variable that names the Gitea binary.
const BinEnv = "TAGFLOW_GITEA_BIN"

// startTimeout bounds each step of the start (migrate, user creation, web until healthy)
// on a loaded machine.
const startTimeout = 2 * time.Minute

// Server is a running Gitea process on loopback with SQLite in a temporary directory. It
// is stopped when the test that started it ends.
type Server struct {
	// URL is the instance root, http://127.0.0.1:PORT, without a trailing slash.
	URL string
	// Username and Password are the administrator's credentials.
	Username, Password string
	// Token is an API token of the administrator with every scope.
	Token string
	// Dir is the server's temporary directory (app.ini, database, repositories, logs).
	Dir string

	bin     string
	cfg     config
	ini     string              // path of app.ini
	gitHome string              // HOME of the git commands the harness runs
	out     *testenv.SyncBuffer // stdout and stderr of every gitea command
	cmd     *exec.Cmd
	done    chan struct{} // closed when the web process has exited
}

// BinPath returns the path of the Gitea binary: $TAGFLOW_GITEA_BIN, else
// $HOME/.cache/tagflow/bin/gitea-v1.26.0 (where `make test-deps` puts it).
func BinPath() string {
	return testenv.ToolPath(BinEnv, "gitea-"+Version)
}

// StaticRoot returns Gitea's static root for binary bin: bin + "-static", which holds
// copies of the module's options/, templates/ and public/ (the binary has no bindata).
func StaticRoot(bin string) string { return bin + "-static" }

// Start starts Gitea on a free loopback port, creates the administrator and an API token,
// and waits until the API answers. It fails the test if the binary or its static root is
// missing or Gitea does not come up; in -short mode it skips the test instead.
func Start(t testing.TB) *Server {
	t.Helper()
	if testing.Short() {
		t.Skip("skipping: starts a Gitea process (-short)")
	}
	s := &Server{
		bin:      BinPath(),
		Username: "tagflow",
		Password: "pw-" + randomHex(12),
		Dir:      t.TempDir(),
		out:      &testenv.SyncBuffer{},
	}
	for _, p := range []string{s.bin, StaticRoot(s.bin)} {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("gitea not found at %s: run `make test-deps` (%v)", p, err)
		}
	}
	s.cfg = newConfig(s.Dir, StaticRoot(s.bin))
	s.ini = filepath.Join(s.Dir, "app.ini")
	s.gitHome = filepath.Join(s.Dir, "git-home")
	t.Cleanup(func() {
		if s.cmd != nil {
			s.stop()
		}
		if t.Failed() {
			t.Logf("gitea %s output:\n%s\ngitea log (tail):\n%s", s.URL, tail(s.out.String(), 50), s.LogTail(200))
		}
	})
	if err := s.boot(); err != nil {
		t.Fatalf("starting gitea: %v", err)
	}
	return s
}

// boot writes the configuration, prepares the database and the administrator, starts the
// web server and creates the token. A port taken between freePort and Gitea's bind is
// retried on a new port.
func (s *Server) boot() error {
	if err := os.MkdirAll(s.gitHome, 0o755); err != nil {
		return fmt.Errorf("creating git home: %w", err)
	}
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		if err = s.configure(); err != nil {
			return err
		}
		if attempt == 0 {
			if err = s.prepare(); err != nil {
				return err
			}
		}
		if err = s.startWeb(); err == nil || !errors.Is(err, errAddrInUse) {
			break
		}
	}
	if err != nil {
		return err
	}
	s.Token, err = s.createToken("all")
	return err
}

// configure picks a free port and writes app.ini for it.
func (s *Server) configure() error {
	port, err := testenv.FreePort()
	if err != nil {
		return err
	}
	s.URL = fmt.Sprintf("http://127.0.0.1:%d", port)
	s.cfg.port = port
	if err := os.WriteFile(s.ini, []byte(s.cfg.ini()), 0o600); err != nil {
		return fmt.Errorf("writing app.ini: %w", err)
	}
	return nil
}

// prepare creates the database schema and the administrator.
func (s *Server) prepare() error {
	if err := s.run("migrate"); err != nil {
		return err
	}
	return s.run("admin", "user", "create", "--admin",
		"--username", s.Username, "--password", s.Password,
		"--email", s.Username+"@tagflow.invalid", "--must-change-password=false")
}

// run runs a gitea subcommand against app.ini and waits for it, at most startTimeout.
func (s *Server) run(args ...string) error {
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	cmd := s.command(ctx, args...)
	err := cmd.Run()
	if ctx.Err() != nil {
		return fmt.Errorf("running gitea %s: no exit after %s", args[0], startTimeout)
	}
	if err != nil {
		return fmt.Errorf("running gitea %s: %w\n%s", strings.Join(args, " "), err, tail(s.out.String(), 30))
	}
	return nil
}

// command returns a gitea command in its own process group, with a clean environment. When
// ctx ends the whole group is killed.
func (s *Server) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, s.bin, append([]string{"--config", s.ini, "--work-path", s.Dir}, args...)...)
	cmd.Dir = s.Dir
	cmd.Env = []string{
		"HOME=" + filepath.Join(s.Dir, "home"),
		"PATH=" + os.Getenv("PATH"),
		"USER=" + runUser(),
		"GITEA_WORK_DIR=" + s.Dir,
		"LANG=C",
	}
	cmd.Stdout, cmd.Stderr = s.out, s.out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	// A child that left the group holding the output pipes must not block Wait forever.
	cmd.WaitDelay = 10 * time.Second
	return cmd
}

var errAddrInUse = errors.New("address already in use")

// startWeb starts `gitea web` and waits until /api/healthz answers. On failure the
// process is stopped.
func (s *Server) startWeb() error {
	s.cmd = s.command(context.Background(), "web")
	if err := s.cmd.Start(); err != nil {
		return fmt.Errorf("running gitea web: %w", err)
	}
	s.done = make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(s.done) }()
	if err := s.waitHealthy(startTimeout); err != nil {
		s.stop()
		if strings.Contains(s.out.String()+s.LogTail(20), "address already in use") {
			return fmt.Errorf("%s: %w", s.URL, errAddrInUse)
		}
		return err
	}
	return nil
}

// waitHealthy polls /api/healthz until it answers 200, the process exits, or timeout.
func (s *Server) waitHealthy(timeout time.Duration) error {
	client := &http.Client{Timeout: 5 * time.Second}
	deadline := time.Now().Add(timeout)
	lastErr := errors.New("no answer yet")
	for time.Now().Before(deadline) {
		select {
		case <-s.done:
			return fmt.Errorf("gitea web exited before serving: %v", s.cmd.ProcessState)
		case <-time.After(100 * time.Millisecond): // poll interval of the readiness probe
		}
		resp, err := client.Get(s.URL + "/api/healthz")
		if err != nil {
			lastErr = err
			continue
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			return nil
		}
		lastErr = fmt.Errorf("GET /api/healthz: %s", resp.Status)
	}
	return fmt.Errorf("waiting for %s/api/healthz: %w", s.URL, lastErr)
}

// stop kills the web process's group (Gitea runs git children) and waits for it.
func (s *Server) stop() {
	_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
	<-s.done
	s.cmd = nil
}

// LogTail returns the last n lines of Gitea's log file.
func (s *Server) LogTail(n int) string {
	b, err := os.ReadFile(filepath.Join(s.Dir, "log", "gitea.log"))
	if err != nil {
		return fmt.Sprintf("(reading gitea.log: %v)", err)
	}
	return tail(string(b), n)
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
