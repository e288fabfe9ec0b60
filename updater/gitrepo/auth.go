package gitrepo

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/transport"
	gogithttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	gogitssh "github.com/go-git/go-git/v5/plumbing/transport/ssh"
	"github.com/skeema/knownhosts"
	"golang.org/x/crypto/ssh"
)

// remoteURL is a parsed remote address. clean never holds a password (nor, for HTTP, a user
// name): it is what gets stored in the clone's config, hashed into the cache path and logged.
type remoteURL struct {
	clean    string
	scheme   string // "https", "http", "ssh" or "file"
	host     string // host:port for ssh
	user     string
	password string // from the URL's user information, never stored
}

func parseURL(raw string, allowHTTP bool) (remoteURL, error) {
	if isSCPLike(raw) {
		return parseSCPLike(raw)
	}
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error repeats the URL, which may hold a password.
		return remoteURL{}, errors.New("parsing repository URL: invalid URL")
	}
	r := remoteURL{scheme: u.Scheme}
	switch u.Scheme {
	case "https", "ssh", "file":
	case "http":
		if !allowHTTP {
			return remoteURL{}, errors.New("parsing repository URL: http:// is not allowed (use https:// or WithAllowHTTP)")
		}
	default:
		return remoteURL{}, fmt.Errorf("parsing repository URL: unsupported scheme %q", u.Scheme)
	}
	if u.User != nil {
		r.user = u.User.Username()
		r.password, _ = u.User.Password()
	}
	r.host = u.Host
	if u.Scheme == "ssh" {
		r.host = hostWithPort(u.Hostname(), u.Port())
	}
	r.clean = cleanURL(u)
	return r, nil
}

// cleanURL drops the password, and for HTTP(S) also the user name.
func cleanURL(u *url.URL) string {
	c := *u
	switch {
	case c.User == nil:
	case c.Scheme == "ssh":
		c.User = url.User(c.User.Username())
	default:
		c.User = nil
	}
	return c.String()
}

// isSCPLike reports whether raw is an scp-like address such as git@host:org/repo.git.
func isSCPLike(raw string) bool {
	if strings.Contains(raw, "://") {
		return false
	}
	colon := strings.Index(raw, ":")
	slash := strings.Index(raw, "/")
	return colon > 0 && (slash < 0 || colon < slash)
}

func parseSCPLike(raw string) (remoteURL, error) {
	userHost, _, _ := strings.Cut(raw, ":")
	user, host, found := strings.Cut(userHost, "@")
	if !found {
		user, host = "", userHost
	}
	if host == "" {
		return remoteURL{}, errors.New("parsing repository URL: scp-like address without a host")
	}
	return remoteURL{clean: raw, scheme: "ssh", host: hostWithPort(host, ""), user: user}, nil
}

func hostWithPort(host, port string) string {
	if port == "" {
		port = "22"
	}
	return net.JoinHostPort(host, port)
}

// transportAuth is everything a fetch or a push needs to reach the remote.
type transportAuth struct {
	method     transport.AuthMethod
	caBundle   []byte
	clientCert []byte
	clientKey  []byte
	proxy      transport.ProxyOptions
}

func newTransportAuth(u remoteURL, o *options) (*transportAuth, error) {
	a := &transportAuth{caBundle: o.caBundle, clientCert: o.clientCert, clientKey: o.clientKey}
	if o.proxyURL != "" {
		a.proxy = transport.ProxyOptions{URL: o.proxyURL}
	}
	var err error
	switch u.scheme {
	case "https", "http":
		a.method = httpAuth(u, o)
	case "ssh":
		a.method, err = sshAuth(u, o)
	}
	if err != nil {
		return nil, fmt.Errorf("configuring ssh auth for %s: %w", u.clean, err)
	}
	return a, nil
}

func httpAuth(u remoteURL, o *options) transport.AuthMethod {
	switch {
	case o.bearerToken != "":
		return &gogithttp.TokenAuth{Token: o.bearerToken}
	case o.basicUser != "" || o.basicPass != "":
		return &gogithttp.BasicAuth{Username: o.basicUser, Password: o.basicPass}
	case u.user != "" || u.password != "":
		return &gogithttp.BasicAuth{Username: u.user, Password: u.password}
	}
	return nil
}

func sshAuth(u remoteURL, o *options) (transport.AuthMethod, error) {
	if len(o.sshKey) == 0 {
		return nil, errors.New("an ssh URL needs a private key (WithSSHKey)")
	}
	user := u.user
	if user == "" {
		user = "git"
	}
	pk, err := gogitssh.NewPublicKeys(user, o.sshKey, o.sshKeyPassphrase)
	if err != nil {
		return nil, fmt.Errorf("reading private key: %w", err)
	}
	if o.insecureSSH {
		pk.HostKeyCallback = ssh.InsecureIgnoreHostKey()
		return pk, nil
	}
	if len(o.knownHosts) == 0 {
		return nil, errors.New("known_hosts is required (WithKnownHosts)")
	}
	db, err := knownHostsDB(o.knownHosts)
	if err != nil {
		return nil, err
	}
	pk.HostKeyCallback = db.HostKeyCallback()
	// Without the algorithms of the known keys the server may offer a key type that is not
	// in known_hosts and the handshake fails with "key mismatch".
	pk.HostKeyAlgorithms = db.HostKeyAlgorithms(u.host)
	return pk, nil
}

// knownHostsDB loads known_hosts content; the library reads files only, so it goes through
// a temporary file that is removed at once.
func knownHostsDB(content []byte) (*knownhosts.HostKeyDB, error) {
	f, err := os.CreateTemp("", "tagflow-known-hosts-*")
	if err != nil {
		return nil, fmt.Errorf("writing known_hosts: %w", err)
	}
	defer os.Remove(f.Name())
	_, werr := f.Write(content)
	if err := errors.Join(werr, f.Close()); err != nil {
		return nil, fmt.Errorf("writing known_hosts: %w", err)
	}
	db, err := knownhosts.NewDB(f.Name())
	if err != nil {
		return nil, fmt.Errorf("parsing known_hosts: %w", err)
	}
	return db, nil
}
