package forge

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Config is what a Client of any forge is built from.
type Config struct {
	// URL is the forge's base URL, such as https://api.github.com,
	// https://github.example.com/api/v3, https://gitlab.example.com or
	// https://gitea.example.com. Each client documents what it accepts.
	URL string
	// Repository is the repository's path on the forge: owner/name on GitHub and Gitea,
	// group/subgroup/name on GitLab.
	Repository string
	// Token is an API token (a personal, project or installation access token).
	Token string
	// App authenticates as a GitHub App installation instead of Token; github only.
	App *GitHubApp
	// HTTPClient carries the forge's TLS and proxy settings. The default is a client with
	// a 30 s timeout.
	HTTPClient *http.Client
}

// GitHubApp is the credentials of a GitHub App installation.
type GitHubApp struct {
	// AppID is the App's ID.
	AppID int64
	// InstallationID is the ID of the App's installation on the repository's owner.
	InstallationID int64
	// PrivateKey is the App's PEM-encoded RSA private key.
	PrivateKey []byte
}

// Owner and Name split an owner/name repository path; ok is false for any other shape.
func (c Config) OwnerName() (owner, name string, ok bool) {
	owner, name, ok = strings.Cut(c.Repository, "/")
	if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		return "", "", false
	}
	return owner, name, true
}

// RepositoryPath returns the host and the repository path of a Git URL, without a leading
// slash and without the .git suffix: https://github.com/org/app.git and
// git@github.com:org/app give ("github.com", "org/app").
func RepositoryPath(gitURL string) (host, path string, err error) {
	if u, perr := url.Parse(gitURL); perr == nil && strings.Contains(gitURL, "://") {
		host, path = u.Hostname(), u.Path
	} else if at, rest, ok := strings.Cut(gitURL, ":"); ok && !strings.Contains(at, "/") {
		// scp-like: [user@]host:path
		_, h, found := strings.Cut(at, "@")
		if !found {
			h = at
		}
		host, path = h, rest
	}
	path = strings.TrimSuffix(strings.Trim(path, "/"), ".git")
	if host == "" || path == "" || !strings.Contains(path, "/") {
		return "", "", fmt.Errorf("git URL %q does not name a repository on a forge (host/owner/name)", redact(gitURL))
	}
	return host, path, nil
}

// redact drops a URL's password, for messages.
func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	return u.Redacted()
}

// ErrUnknownProvider is returned for a provider other than github, gitlab or gitea.
var ErrUnknownProvider = errors.New("unknown pull request provider (want github, gitlab or gitea)")
