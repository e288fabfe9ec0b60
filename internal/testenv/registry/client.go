package registry

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// Authenticator returns basic authentication with the server's credentials for
// TLSAuth, and anonymous access otherwise.
func (s *Server) Authenticator() authn.Authenticator {
	if s.Username == "" {
		return authn.Anonymous
	}
	return &authn.Basic{Username: s.Username, Password: s.Password}
}

// DockerConfigJSON returns a dockerconfigjson document for the server:
// {"auths":{HOST:{"username","password","auth"}}} for TLSAuth, and {"auths":{}} for the
// flavours without authentication.
func (s *Server) DockerConfigJSON() []byte {
	type entry struct {
		Username string `json:"username"`
		Password string `json:"password"`
		Auth     string `json:"auth"`
	}
	auths := map[string]entry{}
	if s.Username != "" {
		auths[s.Host] = entry{
			Username: s.Username,
			Password: s.Password,
			Auth:     base64.StdEncoding.EncodeToString([]byte(s.Username + ":" + s.Password)),
		}
	}
	b, err := json.Marshal(map[string]any{"auths": auths})
	if err != nil {
		panic("encoding docker config: " + err.Error()) // cannot happen for these types
	}
	return b
}

// NameOptions returns the go-containerregistry name options for this server
// (name.Insecure for PlainHTTP).
func (s *Server) NameOptions() []name.Option {
	if s.Insecure {
		return []name.Option{name.Insecure}
	}
	return nil
}

// Repository parses repo on this server, failing the test on error.
func (s *Server) Repository(t testing.TB, repo string) name.Repository {
	t.Helper()
	r, err := name.NewRepository(s.Ref(repo), s.NameOptions()...)
	if err != nil {
		t.Fatalf("parsing repository %q: %v", s.Ref(repo), err)
	}
	return r
}

// RemoteOptions returns remote options that reach this server: its transport and
// authenticator, and ctx.
func (s *Server) RemoteOptions(ctx context.Context) []remote.Option {
	return []remote.Option{
		remote.WithTransport(s.Transport()),
		remote.WithAuth(s.Authenticator()),
		remote.WithContext(ctx),
	}
}

// Client returns an HTTP client that trusts the server's CA. It sends no credentials.
func (s *Server) Client() *http.Client {
	return &http.Client{Transport: s.Transport()}
}
