package adapt

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/updater/gitrepo"
)

// authOptions reads Git credentials from a Secret's data the way Flux's GitRepository
// does: for SSH URLs identity (with password as its passphrase) and known_hosts; for HTTP
// URLs bearerToken, or username and password; for both, ca.crt (or caFile) and tls.crt
// with tls.key. An http:// URL is allowed since it was written explicitly.
func authOptions(rawURL string, data map[string][]byte) ([]gitrepo.Option, error) {
	var opts []gitrepo.Option
	if isHTTP(rawURL) {
		opts = append(opts, gitrepo.WithAllowHTTP())
	}
	if data == nil {
		return opts, nil
	}
	if isSSH(rawURL) {
		ssh, err := sshOptions(data)
		return append(opts, ssh...), err
	}
	opts = append(opts, httpOptions(data)...)
	tls, err := tlsOptions(data)
	return append(opts, tls...), err
}

// isSSH reports whether rawURL reaches the remote over SSH: ssh:// or scp-like.
func isSSH(rawURL string) bool {
	if scheme, _, ok := strings.Cut(rawURL, "://"); ok {
		return scheme == "ssh"
	}
	return strings.Contains(rawURL, ":")
}

func sshOptions(data map[string][]byte) ([]gitrepo.Option, error) {
	key, ok := data[KeyIdentity]
	if !ok {
		return nil, fmt.Errorf("secret has no %s key for an SSH URL", KeyIdentity)
	}
	hosts, ok := data[KeyKnownHosts]
	if !ok {
		return nil, fmt.Errorf("secret has no %s key: it is required with %s", KeyKnownHosts, KeyIdentity)
	}
	return []gitrepo.Option{
		gitrepo.WithSSHKey(key, string(data[KeyPassword])),
		gitrepo.WithKnownHosts(hosts),
	}, nil
}

func httpOptions(data map[string][]byte) []gitrepo.Option {
	if token, ok := data[KeyBearerToken]; ok {
		return []gitrepo.Option{gitrepo.WithBearerToken(string(token))}
	}
	user, hasUser := data[KeyUsername]
	pass, hasPass := data[KeyPassword]
	if hasUser || hasPass {
		return []gitrepo.Option{gitrepo.WithBasicAuth(string(user), string(pass))}
	}
	return nil
}

func tlsOptions(data map[string][]byte) ([]gitrepo.Option, error) {
	var opts []gitrepo.Option
	for _, key := range []string{KeyCA, KeyCAFile} {
		if ca, ok := data[key]; ok {
			opts = append(opts, gitrepo.WithCABundle(ca))
			break
		}
	}
	cert, hasCert := data[KeyCert]
	key, hasKey := data[KeyKey]
	switch {
	case hasCert && hasKey:
		opts = append(opts, gitrepo.WithClientCert(cert, key))
	case hasCert || hasKey:
		return nil, fmt.Errorf("secret needs both %s and %s for a client certificate", KeyCert, KeyKey)
	}
	return opts, nil
}

// commitOptions returns the author, signing and message options, each group at its field.
func commitOptions(c v1alpha1.CommitSpec, signingKey map[string][]byte) ([]optionGroup, error) {
	groups := []optionGroup{
		{"spec.git.commit.author", []gitrepo.Option{gitrepo.WithAuthor(c.Author.Name, c.Author.Email)}},
	}
	if c.MessageTemplate != "" {
		if err := checkRemovedFields("spec.git.commit.messageTemplate", c.MessageTemplate); err != nil {
			return groups, err
		}
		groups = append(groups, optionGroup{"spec.git.commit.messageTemplate",
			[]gitrepo.Option{gitrepo.WithMessageTemplate(c.MessageTemplate)}})
	}
	if c.SigningKey == nil {
		return groups, nil
	}
	sign, err := signingOptions(c.SigningKey.Type, signingKey)
	if err != nil {
		return groups, fieldError("spec.git.commit.signingKey", err)
	}
	return append(groups, optionGroup{"spec.git.commit.signingKey", sign}), nil
}

// signingOptions reads a signing key Secret: git.asc and passphrase for gpg (the default),
// identity and password for ssh.
func signingOptions(kind v1alpha1.SigningKeyType, data map[string][]byte) ([]gitrepo.Option, error) {
	if data == nil {
		return nil, ErrMissingSecret
	}
	key, pass := KeyGPGKey, KeyPassphrase
	if kind == v1alpha1.SigningKeyTypeSSH {
		key, pass = KeyIdentity, KeyPassword
	}
	private, ok := data[key]
	if !ok {
		return nil, fmt.Errorf("secret has no %s key", key)
	}
	if kind == v1alpha1.SigningKeyTypeSSH {
		return []gitrepo.Option{gitrepo.WithSSHSigning(private, data[pass])}, nil
	}
	return []gitrepo.Option{gitrepo.WithGPGSigning(private, data[pass])}, nil
}

// removedFields matches template fields Flux removed; a template using them is rejected,
// as Flux does, rather than rendering "<no value>".
var removedFields = regexp.MustCompile(`\.Updated\b|\.Changed\.ImageResult\b`)

func checkRemovedFields(field, tmpl string) error {
	if f := removedFields.FindString(tmpl); f != "" {
		return fieldErrorf(field,
			"template field %s was removed by Flux: use .Changed.FileChanges, .Changed.Objects or .Changed.Changes", f)
	}
	return nil
}
