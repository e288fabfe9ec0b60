package scanner

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
)

// credentials holds what the auth options set. An explicit basic or bearer credential wins
// over a docker config; with neither, requests are anonymous (the registry's token flow
// still runs).
type credentials struct {
	explicit authn.Authenticator
	config   dockerConfig
}

// WithBasicAuth authenticates with a user name and password (HTTP basic, or exchanged for
// a bearer token when the registry asks for one). The default is anonymous.
func WithBasicAuth(username, password string) Option {
	return func(o *options) error {
		if username == "" {
			return errors.New("basic auth needs a user name")
		}
		o.auth.explicit = authn.FromConfig(authn.AuthConfig{Username: username, Password: password})
		return nil
	}
}

// WithBearerToken sends token as the registry bearer token. The default is anonymous.
func WithBearerToken(token string) Option {
	return func(o *options) error {
		if token == "" {
			return errors.New("bearer token is empty")
		}
		o.auth.explicit = authn.FromConfig(authn.AuthConfig{RegistryToken: token})
		return nil
	}
}

// WithDockerConfigJSON uses the credentials of a docker config file: the `.dockerconfigjson`
// of a kubernetes.io/dockerconfigjson Secret (`{"auths": {...}}`) or the legacy
// `.dockercfg` form (the map alone). Entries hold `auth` (base64 "user:password") or
// `username`/`password`, and optionally `identitytoken` or `registrytoken`. Keys are
// matched to the registry host the way Docker does: a scheme and path are ignored, and
// docker.io, index.docker.io, registry-1.docker.io and https://index.docker.io/v1/ all
// name Docker Hub. The default is anonymous.
func WithDockerConfigJSON(data []byte) Option {
	return func(o *options) error {
		cfg, err := parseDockerConfig(data)
		if err != nil {
			return err
		}
		o.auth.config = cfg
		return nil
	}
}

// dockerConfig maps normalised registry hosts to credentials.
type dockerConfig map[string]authn.AuthConfig

// dockerConfigEntry is one entry of a docker config file.
type dockerConfigEntry struct {
	Auth          string `json:"auth"`
	Username      string `json:"username"`
	Password      string `json:"password"`
	IdentityToken string `json:"identitytoken"`
	RegistryToken string `json:"registrytoken"`
}

// parseDockerConfig reads a docker config file into a map keyed by normalised host.
func parseDockerConfig(data []byte) (dockerConfig, error) {
	var file struct {
		Auths map[string]dockerConfigEntry `json:"auths"`
	}
	if err := json.Unmarshal(data, &file); err != nil {
		return nil, fmt.Errorf("parsing docker config: %w", err)
	}
	entries := file.Auths
	if entries == nil {
		if err := json.Unmarshal(data, &entries); err != nil {
			return nil, fmt.Errorf("parsing docker config: no \"auths\" and not a legacy .dockercfg: %w", err)
		}
	}
	cfg := make(dockerConfig, len(entries))
	for key, e := range entries {
		ac, err := e.authConfig()
		if err != nil {
			return nil, fmt.Errorf("parsing docker config entry %q: %w", key, err)
		}
		cfg[normaliseRegistry(key)] = ac
	}
	return cfg, nil
}

// authConfig decodes the entry; `auth` wins over username/password when both are set.
func (e dockerConfigEntry) authConfig() (authn.AuthConfig, error) {
	ac := authn.AuthConfig{
		Username:      e.Username,
		Password:      e.Password,
		IdentityToken: e.IdentityToken,
		RegistryToken: e.RegistryToken,
	}
	if e.Auth == "" {
		return ac, nil
	}
	raw, err := base64.StdEncoding.DecodeString(e.Auth)
	if err != nil {
		return ac, fmt.Errorf("decoding auth: %w", err)
	}
	user, pass, ok := strings.Cut(string(raw), ":")
	if !ok {
		return ac, errors.New("decoding auth: want base64 of \"user:password\"")
	}
	ac.Username, ac.Password = user, pass
	return ac, nil
}

// dockerHub is the host go-containerregistry uses for Docker Hub; the aliases below are
// what docker config files use for it.
const dockerHub = "index.docker.io"

var dockerHubAliases = map[string]bool{
	"docker.io":               true,
	"index.docker.io":         true,
	"registry-1.docker.io":    true,
	"registry.hub.docker.com": true,
}

// normaliseRegistry turns a docker config key or a registry name into a host[:port]:
// the scheme and any path are dropped, as Docker's convertToHostname does, and Docker Hub
// aliases become index.docker.io.
func normaliseRegistry(key string) string {
	host := strings.TrimSpace(key)
	if i := strings.Index(host, "://"); i >= 0 {
		host = host[i+3:]
	}
	host, _, _ = strings.Cut(host, "/")
	host = strings.ToLower(host)
	if dockerHubAliases[host] {
		return dockerHub
	}
	return host
}

// authenticator returns the credentials for registry (host[:port]).
func (c credentials) authenticator(registry string) authn.Authenticator {
	if c.explicit != nil {
		return c.explicit
	}
	if ac, ok := c.config[normaliseRegistry(registry)]; ok {
		return authn.FromConfig(ac)
	}
	return authn.Anonymous
}
