package registry

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tagflow/tagflow/internal/testenv"
)

// Version is the Distribution release the harness runs (the Makefile builds it).
const Version = "v3.1.2"

// BinEnv is the environment variable that names the registry binary.
const BinEnv = "TAGFLOW_REGISTRY_BIN"

// Flavour selects how a Server is reached and protected.
type Flavour int

const (
	// PlainHTTP serves over plain HTTP without authentication.
	PlainHTTP Flavour = iota
	// TLS serves over HTTPS with a generated CA, without authentication.
	TLS
	// TLSAuth serves over HTTPS with a generated CA and htpasswd basic authentication.
	TLSAuth
	// TLSToken serves over HTTPS with a generated CA and Docker token authentication:
	// /v2/ answers 401 with a Bearer challenge whose realm is an in-process token server
	// (HTTPS, same CA) that wants basic auth with Username and Password and grants every
	// scope asked for.
	TLSToken
)

// String returns the flavour's name, for subtest names.
func (f Flavour) String() string {
	switch f {
	case PlainHTTP:
		return "PlainHTTP"
	case TLS:
		return "TLS"
	case TLSAuth:
		return "TLSAuth"
	case TLSToken:
		return "TLSToken"
	}
	return fmt.Sprintf("Flavour(%d)", int(f))
}

// Server is a running Distribution registry process on loopback. It is stopped when
// the test that started it ends.
type Server struct {
	// Host is the host:port (always 127.0.0.1:PORT) to use in image references.
	Host string
	// Username and Password are the credentials (TLSAuth: basic auth at the registry;
	// TLSToken: basic auth at the token server).
	Username, Password string
	// CAPEM is the PEM of the generated self-signed CA (TLS flavours only).
	CAPEM []byte
	// CAFile is the path of a file holding CAPEM (TLS flavours only).
	CAFile string
	// Insecure is true for PlainHTTP: clients must be told to use plain HTTP.
	Insecure bool
	// Flavour is the flavour the server was started with.
	Flavour Flavour
	// Dir is the server's temporary directory (configuration, certificates, storage).
	Dir string
	// ConfigFile is the path of the generated Distribution configuration.
	ConfigFile string
	// TokenRealm is the token server's URL (TLSToken only).
	TokenRealm string

	token *tokenServer

	cmd  *exec.Cmd
	done chan struct{}       // closed when the process has exited
	log  *testenv.SyncBuffer // the process's stdout and stderr
}

// BinPath returns the path of the registry binary: $TAGFLOW_REGISTRY_BIN, else
// $HOME/.cache/tagflow/bin/registry-v3.1.2 (where `make test-deps` puts it).
func BinPath() string {
	return testenv.ToolPath(BinEnv, "registry-"+Version)
}

// Start starts a registry of flavour f on a free loopback port and waits until
// /v2/ answers. It fails the test if the binary is missing or the server does not come
// up; in -short mode it skips the test instead of starting a process.
func Start(t testing.TB, f Flavour) *Server {
	t.Helper()
	if testing.Short() {
		t.Skip("skipping: starts a registry process (-short)")
	}
	bin := BinPath()
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("registry binary not found at %s: run `make test-deps` (%v)", bin, err)
	}
	s := &Server{Flavour: f, Dir: t.TempDir(), Insecure: f == PlainHTTP}
	cfg := config{storageDir: filepath.Join(s.Dir, "storage")}
	if err := s.prepare(t, &cfg); err != nil {
		t.Fatalf("starting registry: %v", err)
	}
	s.ConfigFile = filepath.Join(s.Dir, "config.yml")

	// Another process may take the port between freePort and the registry's bind, so a
	// bind failure is retried on a new port.
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		if err = s.start(t, bin, cfg); err == nil || !errors.Is(err, errAddrInUse) {
			break
		}
	}
	if err != nil {
		t.Fatalf("starting registry: %v", err)
	}
	return s
}

var errAddrInUse = errors.New("address already in use")

// prepare writes the certificates and credentials s.Flavour needs and records them in
// s and cfg. For TLSToken it also starts the token server.
func (s *Server) prepare(t testing.TB, cfg *config) error {
	if s.Flavour == PlainHTTP {
		return nil
	}
	cf, err := writeCerts(s.Dir)
	if err != nil {
		return err
	}
	s.CAPEM, s.CAFile = cf.caPEM, cf.caFile
	cfg.certFile, cfg.keyFile = cf.certFile, cf.keyFile
	if s.Flavour == TLS {
		return nil
	}
	s.Username, s.Password = "tagflow", "pw-"+randomHex(8)
	switch s.Flavour {
	case TLSAuth:
		cfg.htpasswdFile = filepath.Join(s.Dir, "htpasswd")
		return writeHtpasswd(cfg.htpasswdFile, s.Username, s.Password)
	case TLSToken:
		cfg.jwksFile = filepath.Join(s.Dir, "jwks.json")
		s.token, err = startTokenServer(t, cf, cfg.jwksFile, s.Username, s.Password)
		if err != nil {
			return err
		}
		s.TokenRealm = s.token.realm()
		cfg.tokenRealm = s.TokenRealm
		return nil
	}
	return fmt.Errorf("unknown flavour %v", s.Flavour)
}

// TokenRequests returns how many requests the token server has answered (TLSToken
// only; 0 otherwise), for tests of token caching.
func (s *Server) TokenRequests() int64 {
	if s.token == nil {
		return 0
	}
	return s.token.requests.Load()
}

// start writes the configuration for a free port, starts the process and waits until it
// serves. On failure the process is stopped.
func (s *Server) start(t testing.TB, bin string, cfg config) error {
	port, err := testenv.FreePort()
	if err != nil {
		return err
	}
	s.Host = fmt.Sprintf("127.0.0.1:%d", port)
	cfg.addr = s.Host
	if err := os.WriteFile(s.ConfigFile, []byte(cfg.yaml()), 0o600); err != nil {
		return fmt.Errorf("writing config: %w", err)
	}
	s.log = &testenv.SyncBuffer{}
	s.cmd = exec.Command(bin, "serve", s.ConfigFile)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	// Distribution 3 exports OpenTelemetry traces by default; there is no collector here.
	s.cmd.Env = append(os.Environ(), "OTEL_TRACES_EXPORTER=none", "OTEL_SDK_DISABLED=true")
	if err := s.cmd.Start(); err != nil {
		return fmt.Errorf("running %s: %w", bin, err)
	}
	s.done = make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(s.done) }()

	if err := s.waitReady(30 * time.Second); err != nil {
		s.stop()
		out := s.log.String()
		if strings.Contains(out, "address already in use") {
			return fmt.Errorf("port %d: %w", port, errAddrInUse)
		}
		return fmt.Errorf("%w\nregistry output:\n%s", err, out)
	}
	t.Cleanup(func() {
		s.stop()
		if t.Failed() {
			t.Logf("registry %s output:\n%s", s.Host, s.Logs())
		}
	})
	return nil
}

// waitReady polls GET /v2/ until it answers 200 or 401, the process exits, or timeout.
func (s *Server) waitReady(timeout time.Duration) error {
	client := &http.Client{Transport: s.Transport(), Timeout: 2 * time.Second}
	deadline := time.Now().Add(timeout)
	var lastErr error
	for time.Now().Before(deadline) {
		select {
		case <-s.done:
			return fmt.Errorf("registry exited before serving: %v", s.cmd.ProcessState)
		default:
		}
		resp, err := client.Get(s.URL() + "/v2/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusUnauthorized {
				return nil
			}
			err = fmt.Errorf("GET /v2/: %s", resp.Status)
		}
		lastErr = err
		select {
		case <-s.done:
		case <-time.After(50 * time.Millisecond): // poll interval of the readiness probe
		}
	}
	return fmt.Errorf("waiting for %s/v2/: %w", s.URL(), lastErr)
}

// stop kills the process and waits for it to exit.
func (s *Server) stop() {
	_ = s.cmd.Process.Kill()
	<-s.done
}

// URL returns the base URL of the registry, e.g. https://127.0.0.1:PORT.
func (s *Server) URL() string {
	if s.Insecure {
		return "http://" + s.Host
	}
	return "https://" + s.Host
}

// Ref returns "host:port/repo", a reference to repo on this registry.
func (s *Server) Ref(repo string) string {
	return s.Host + "/" + repo
}

// Transport returns a new HTTP transport that trusts the server's CA (and only it).
func (s *Server) Transport() *http.Transport {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if s.CAPEM != nil {
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(s.CAPEM)
		tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return tr
}

// Logs returns what the registry process has written so far, without the error lines
// Distribution logs for every manifest HEAD that answers 404 (pushes probe before
// writing), and at most the last 200 lines.
func (s *Server) Logs() string {
	var keep []string
	for _, l := range strings.Split(s.log.String(), "\n") {
		if strings.Contains(l, "http.request.method=HEAD") && strings.Contains(l, "http.response.status=404") {
			continue
		}
		keep = append(keep, l)
	}
	if len(keep) > 200 {
		keep = keep[len(keep)-200:]
	}
	return strings.Join(keep, "\n")
}
