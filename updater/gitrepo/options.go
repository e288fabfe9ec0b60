package gitrepo

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"text/template"
	"time"
)

// Option configures a Repo built by New.
type Option func(*options) error

// options holds every knob of a Repo. defaults() is the one place where defaults are set.
type options struct {
	cacheDir    string
	depth       int
	allowHTTP   bool
	insecureSSH bool

	basicUser, basicPass string
	bearerToken          string
	sshKey               []byte
	sshKeyPassphrase     string
	knownHosts           []byte
	caBundle             []byte
	clientCert           []byte
	clientKey            []byte
	proxyURL             string

	author  Author
	message *template.Template
	gpgKey  gpgKeyInput
	sshSign sshKeyInput

	pushBranch  string
	pushRefspec string
	pushOptions map[string]string

	maxAttempts int
	backoffBase time.Duration
	backoffMax  time.Duration
}

type gpgKeyInput struct {
	armored    []byte
	passphrase []byte
}

type sshKeyInput struct {
	pem        []byte
	passphrase []byte
}

// Defaults, stated once; the option docs repeat them.
const (
	defaultDepth       = 1
	defaultMaxAttempts = 5
	defaultBackoffBase = 500 * time.Millisecond
	defaultBackoffMax  = 10 * time.Second
	defaultAuthorName  = "tagflow"
	defaultAuthorEmail = "tagflow@localhost"
)

func defaults() options {
	return options{
		cacheDir:    defaultCacheDir(),
		depth:       defaultDepth,
		author:      Author{Name: defaultAuthorName, Email: defaultAuthorEmail},
		message:     template.Must(parseMessage(DefaultMessageTemplate)),
		maxAttempts: defaultMaxAttempts,
		backoffBase: defaultBackoffBase,
		backoffMax:  defaultBackoffMax,
	}
}

// defaultCacheDir is $XDG_CACHE_HOME/tagflow/git (or the OS equivalent), falling back to the
// temporary directory when the user has no cache directory.
func defaultCacheDir() string {
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	return filepath.Join(base, "tagflow", "git")
}

// WithCacheDir sets the directory under which clones are kept, one subdirectory per URL and
// checkout ref. The default is the "tagflow/git" directory in the user's cache directory.
func WithCacheDir(dir string) Option {
	return func(o *options) error {
		if dir == "" {
			return errors.New("cache directory is empty")
		}
		o.cacheDir = dir
		return nil
	}
}

// WithDepth sets how many commits are fetched from the tip of the checkout ref; 0 fetches the
// whole history. The default is 1 (shallow). Commit checkouts always fetch the whole history.
func WithDepth(depth int) Option {
	return func(o *options) error {
		if depth < 0 {
			return fmt.Errorf("depth %d is negative", depth)
		}
		o.depth = depth
		return nil
	}
}

// WithAllowHTTP allows plain http:// URLs. By default only https://, ssh://, scp-like and
// file:// URLs are accepted, so that credentials never travel in clear text by accident.
func WithAllowHTTP() Option {
	return func(o *options) error {
		o.allowHTTP = true
		return nil
	}
}

// WithBasicAuth authenticates HTTP(S) requests with a user name and password. The default is
// no authentication (or the user information of the URL, which is never stored on disk).
func WithBasicAuth(username, password string) Option {
	return func(o *options) error {
		if username == "" && password == "" {
			return errors.New("basic auth needs a username or a password")
		}
		o.basicUser, o.basicPass = username, password
		return nil
	}
}

// WithBearerToken authenticates HTTP(S) requests with a bearer token. It takes precedence
// over WithBasicAuth. The default is no token.
func WithBearerToken(token string) Option {
	return func(o *options) error {
		if token == "" {
			return errors.New("bearer token is empty")
		}
		o.bearerToken = token
		return nil
	}
}

// WithSSHKey authenticates SSH connections with a PEM or OpenSSH private key and its
// optional passphrase. SSH URLs need it; there is no default.
func WithSSHKey(privateKey []byte, passphrase string) Option {
	return func(o *options) error {
		if len(privateKey) == 0 {
			return errors.New("ssh private key is empty")
		}
		o.sshKey, o.sshKeyPassphrase = privateKey, passphrase
		return nil
	}
}

// WithKnownHosts sets the known_hosts content that SSH host keys are checked against. SSH URLs
// need it unless WithInsecureIgnoreHostKey is given; there is no default.
func WithKnownHosts(knownHosts []byte) Option {
	return func(o *options) error {
		if len(knownHosts) == 0 {
			return errors.New("known_hosts is empty")
		}
		o.knownHosts = knownHosts
		return nil
	}
}

// WithInsecureIgnoreHostKey accepts any SSH host key. It exists for tests and trusted
// networks only; by default host keys are checked against WithKnownHosts.
func WithInsecureIgnoreHostKey() Option {
	return func(o *options) error {
		o.insecureSSH = true
		return nil
	}
}

// WithCABundle adds PEM certificates to the system pool when verifying HTTPS servers. The
// default is the system pool only.
func WithCABundle(pem []byte) Option {
	return func(o *options) error {
		if len(pem) == 0 {
			return errors.New("CA bundle is empty")
		}
		o.caBundle = pem
		return nil
	}
}

// WithClientCert presents a TLS client certificate and key (PEM) to HTTPS servers. The
// default is no client certificate.
func WithClientCert(certPEM, keyPEM []byte) Option {
	return func(o *options) error {
		if len(certPEM) == 0 || len(keyPEM) == 0 {
			return errors.New("client certificate and key are both needed")
		}
		o.clientCert, o.clientKey = certPEM, keyPEM
		return nil
	}
}

// WithProxy sends Git traffic through the proxy at proxyURL (http, https or socks5; user
// information in the URL is used for proxy auth). The default is no proxy.
func WithProxy(proxyURL string) Option {
	return func(o *options) error {
		if proxyURL == "" {
			return errors.New("proxy URL is empty")
		}
		o.proxyURL = proxyURL
		return nil
	}
}

// WithAuthor sets the author and committer of commits. The default is
// "tagflow <tagflow@localhost>".
func WithAuthor(name, email string) Option {
	return func(o *options) error {
		if email == "" {
			return errors.New("author email is empty")
		}
		o.author = Author{Name: name, Email: email}
		return nil
	}
}

// WithMessageTemplate sets the text/template the commit message is rendered from, executed
// with Changes.TemplateData. The default is DefaultMessageTemplate.
func WithMessageTemplate(text string) Option {
	return func(o *options) error {
		t, err := parseMessage(text)
		if err != nil {
			return err
		}
		o.message = t
		return nil
	}
}

// WithGPGSigning signs commits with the single OpenPGP entity in an ASCII-armored private
// key, decrypting it with passphrase when it is encrypted. The default is unsigned commits.
func WithGPGSigning(armoredKey, passphrase []byte) Option {
	return func(o *options) error {
		if len(armoredKey) == 0 {
			return errors.New("gpg signing key is empty")
		}
		o.gpgKey = gpgKeyInput{armored: armoredKey, passphrase: passphrase}
		return nil
	}
}

// WithSSHSigning signs commits with an SSH private key (OpenSSH or PEM; ed25519, ecdsa or
// rsa), as git does with gpg.format=ssh. The default is unsigned commits.
func WithSSHSigning(privateKey, passphrase []byte) Option {
	return func(o *options) error {
		if len(privateKey) == 0 {
			return errors.New("ssh signing key is empty")
		}
		o.sshSign = sshKeyInput{pem: privateKey, passphrase: passphrase}
		return nil
	}
}

// WithPushBranch pushes to branch instead of the checkout branch. That branch is rebuilt
// from the checkout head on every run and force-pushed with a lease. The default is the
// checkout branch, which is never force-pushed.
func WithPushBranch(branch string) Option {
	return func(o *options) error {
		if err := checkBranchName(branch); err != nil {
			return fmt.Errorf("push branch: %w", err)
		}
		o.pushBranch = branch
		return nil
	}
}

// WithPushRefspec makes a second push with refspec after the branch push, as Flux's
// spec.git.push.refspec does (for example "refs/heads/auto:refs/for/main"). The source must
// be HEAD or the push branch; a forcing "+" refspec, a deleting one (empty source) or a
// wildcard is refused. The default is no second push.
func WithPushRefspec(refspec string) Option {
	return func(o *options) error {
		if err := checkRefspec(refspec); err != nil {
			return err
		}
		o.pushRefspec = refspec
		return nil
	}
}

// WithPushOptions sends git push options (git push -o key=value) with every push, for
// example GitLab's "merge_request.create". The default is none.
func WithPushOptions(pushOptions map[string]string) Option {
	return func(o *options) error {
		o.pushOptions = make(map[string]string, len(pushOptions))
		for k, v := range pushOptions {
			if k == "" {
				return errors.New("push option with an empty key")
			}
			o.pushOptions[k] = v
		}
		return nil
	}
}

// WithMaxAttempts bounds how often a push rejected as non-fast-forward is retried on top of
// the new remote head (attempts, not retries: 1 means no retry). The default is 5.
func WithMaxAttempts(n int) Option {
	return func(o *options) error {
		if n < 1 {
			return fmt.Errorf("max attempts %d is less than 1", n)
		}
		o.maxAttempts = n
		return nil
	}
}

// WithBackoff sets the wait before a retry: base doubled per attempt, capped at max, with
// full jitter. The default is 500ms up to 10s.
func WithBackoff(base, max time.Duration) Option {
	return func(o *options) error {
		if base < 0 || max < base {
			return fmt.Errorf("backoff base %s and max %s are not 0 <= base <= max", base, max)
		}
		o.backoffBase, o.backoffMax = base, max
		return nil
	}
}
