package gitserver

import (
	"bufio"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/tagflow/tagflow/internal/testenv"
)

// SSHDPath is where Debian's openssh-server installs sshd.
const SSHDPath = "/usr/sbin/sshd"

// sshFiles are the keys and configuration of one sshd.
type sshFiles struct {
	dir         string
	hostKeys    []string      // private host key files
	hostPub     ssh.PublicKey // the ed25519 host key, the one in known_hosts
	authorized  string        // authorized_keys file
	config      string        // sshd_config
	pidFile     string
	knownHosts  string // known_hosts file
	clientKey   string // client private key file
	clientKeyPE []byte
}

// startSSH starts sshd on a free loopback port, serving s.Root, and fills in the SSH
// fields of s.
func (s *Server) startSSH(t testing.TB, dir string) {
	t.Helper()
	if _, err := os.Stat(SSHDPath); err != nil {
		t.Fatalf("sshd not found at %s: install openssh-server (make test-deps): %v", SSHDPath, err)
	}
	u, err := user.Current()
	if err != nil {
		t.Fatalf("starting sshd: looking up the current user: %v", err)
	}
	s.SSHUser = u.Username
	// sshd refuses to start as root without its privilege-separation directory.
	if err := os.MkdirAll("/run/sshd", 0o755); err != nil && os.Geteuid() == 0 {
		t.Fatalf("starting sshd: creating /run/sshd: %v", err)
	}
	f, err := writeSSHKeys(dir)
	if err != nil {
		t.Fatalf("starting sshd: %v", err)
	}
	s.ClientKeyPEM, s.ClientKeyFile = f.clientKeyPE, f.clientKey
	for attempt := 0; attempt < 5; attempt++ {
		if err = s.runSSHD(t, f); err == nil || !errors.Is(err, errAddrInUse) {
			break
		}
	}
	if err != nil {
		t.Fatalf("starting sshd: %v", err)
	}
}

var errAddrInUse = errors.New("address already in use")

// runSSHD writes a configuration for a free port, starts sshd and waits for its banner.
func (s *Server) runSSHD(t testing.TB, f *sshFiles) error {
	port, err := testenv.FreePort()
	if err != nil {
		return err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	if err := os.WriteFile(f.config, []byte(s.sshdConfig(f, port)), 0o600); err != nil {
		return fmt.Errorf("writing sshd_config: %w", err)
	}
	out := &testenv.SyncBuffer{}
	cmd := exec.Command(SSHDPath, "-D", "-e", "-f", f.config)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("running %s: %w", SSHDPath, err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	stop := func() { _ = cmd.Process.Kill(); <-done }

	if err := waitBanner(addr, done, 20*time.Second); err != nil {
		stop()
		if strings.Contains(out.String(), "Address already in use") {
			return fmt.Errorf("port %d: %w", port, errAddrInUse)
		}
		return fmt.Errorf("%w\nsshd output:\n%s", err, out.String())
	}
	t.Cleanup(func() {
		stop()
		if t.Failed() {
			t.Logf("sshd %s output:\n%s", addr, out.String())
		}
	})
	s.SSHAddr = addr
	s.KnownHosts = []byte(knownhosts.Line([]string{knownhosts.Normalize(addr)}, f.hostPub) + "\n")
	s.KnownHostsFile = f.knownHosts
	if err := os.WriteFile(f.knownHosts, s.KnownHosts, 0o644); err != nil {
		return fmt.Errorf("writing known_hosts: %w", err)
	}
	return nil
}

// sshdConfig returns an sshd_config for port. Sessions get the harness's clean git
// environment through SetEnv, so the machine's ~/.gitconfig and shell rc files are not
// read on the server side.
func (s *Server) sshdConfig(f *sshFiles, port int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Port %d\nListenAddress 127.0.0.1\nAddressFamily inet\n", port)
	for _, k := range f.hostKeys {
		fmt.Fprintf(&b, "HostKey %s\n", k)
	}
	fmt.Fprintf(&b, "AuthorizedKeysFile %s\n", f.authorized)
	fmt.Fprintf(&b, "PidFile %s\n", f.pidFile)
	b.WriteString("StrictModes no\nUsePAM no\nPasswordAuthentication no\n" +
		"KbdInteractiveAuthentication no\nPubkeyAuthentication yes\n" +
		"AuthenticationMethods publickey\nPermitRootLogin prohibit-password\n" +
		"AllowUsers " + s.SSHUser + "\n" +
		"UseDNS no\nPrintMotd no\nPrintLastLog no\nX11Forwarding no\n" +
		"AllowTcpForwarding no\nAllowAgentForwarding no\nPermitTTY no\n" +
		"AcceptEnv GIT_PROTOCOL\nLogLevel INFO\n")
	fmt.Fprintf(&b, "SetEnv HOME=%s GIT_CONFIG_NOSYSTEM=1 LANG=C LC_ALL=C\n", s.home)
	return b.String()
}

// writeSSHKeys generates ed25519 and ECDSA host keys, an ed25519 client key and the
// authorized_keys file for it, all under dir.
func writeSSHKeys(dir string) (*sshFiles, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating %s: %w", dir, err)
	}
	f := &sshFiles{
		dir:        dir,
		authorized: filepath.Join(dir, "authorized_keys"),
		config:     filepath.Join(dir, "sshd_config"),
		pidFile:    filepath.Join(dir, "sshd.pid"),
		knownHosts: filepath.Join(dir, "known_hosts"),
		clientKey:  filepath.Join(dir, "id_ed25519"),
	}
	_, edHost, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generating ed25519 host key: %w", err)
	}
	ecHost, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generating ECDSA host key: %w", err)
	}
	// The ECDSA key is there on purpose: with more than one host key, a client that does
	// not restrict HostKeyAlgorithms to what known_hosts holds gets a key it cannot
	// verify (see the package documentation).
	for _, hk := range []struct {
		file string
		key  crypto.PrivateKey
	}{
		{filepath.Join(dir, "ssh_host_ed25519_key"), edHost},
		{filepath.Join(dir, "ssh_host_ecdsa_key"), ecHost},
	} {
		if _, err := writePrivateKey(hk.file, hk.key); err != nil {
			return nil, fmt.Errorf("writing host key: %w", err)
		}
		f.hostKeys = append(f.hostKeys, hk.file)
	}
	if f.hostPub, err = ssh.NewPublicKey(edHost.Public()); err != nil {
		return nil, fmt.Errorf("encoding host key: %w", err)
	}

	clientPub, client, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generating client key: %w", err)
	}
	if f.clientKeyPE, err = writePrivateKey(f.clientKey, client); err != nil {
		return nil, fmt.Errorf("writing client key: %w", err)
	}
	pub, err := ssh.NewPublicKey(clientPub)
	if err != nil {
		return nil, fmt.Errorf("encoding client key: %w", err)
	}
	if err := os.WriteFile(f.authorized, ssh.MarshalAuthorizedKey(pub), 0o600); err != nil {
		return nil, fmt.Errorf("writing authorized_keys: %w", err)
	}
	if err := os.WriteFile(f.clientKey+".pub", ssh.MarshalAuthorizedKey(pub), 0o644); err != nil {
		return nil, fmt.Errorf("writing client public key: %w", err)
	}
	return f, nil
}

// writePrivateKey writes key in OpenSSH format to a 0600 file and returns the PEM.
func writePrivateKey(path string, key crypto.PrivateKey) ([]byte, error) {
	block, err := ssh.MarshalPrivateKey(key, "")
	if err != nil {
		return nil, fmt.Errorf("encoding %s: %w", path, err)
	}
	data := pem.EncodeToMemory(block)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	return data, nil
}

// waitBanner waits until addr sends an SSH banner, the process exits (done), or timeout.
func waitBanner(addr string, done <-chan struct{}, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	var lastErr error
	for time.Now().Before(deadline) {
		select {
		case <-done:
			return errors.New("sshd exited before serving")
		default:
		}
		if lastErr = readBanner(addr); lastErr == nil {
			return nil
		}
		select {
		case <-done:
		case <-time.After(50 * time.Millisecond): // poll interval of the readiness probe
		}
	}
	return fmt.Errorf("waiting for the sshd banner on %s: %w", addr, lastErr)
}

// readBanner connects to addr and reads one line that must start with "SSH-2.0-".
func readBanner(addr string) error {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	_ = conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return fmt.Errorf("reading banner: %w", err)
	}
	if !strings.HasPrefix(line, "SSH-2.0-") {
		return fmt.Errorf("unexpected banner %q", line)
	}
	return nil
}

// SSHURL returns the ssh:// URL of repository name:
// ssh://USER@127.0.0.1:PORT/ABSOLUTE/PATH/name.git. The path is absolute because sshd
// runs git-upload-pack and git-receive-pack as the logged-in user on the real file
// system.
func (s *Server) SSHURL(name string) string {
	if s.SSHAddr == "" {
		panic("gitserver: SSHURL called on a server started without Options.SSH")
	}
	return "ssh://" + s.SSHUser + "@" + s.SSHAddr + filepath.ToSlash(s.RepoPath(name))
}

// GitSSHCommand returns a GIT_SSH_COMMAND value for the git CLI that logs in with the
// client key and checks the host key against KnownHostsFile only.
func (s *Server) GitSSHCommand() string {
	return fmt.Sprintf("ssh -F /dev/null -i %s -o IdentitiesOnly=yes -o UserKnownHostsFile=%s "+
		"-o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o BatchMode=yes",
		s.ClientKeyFile, s.KnownHostsFile)
}
