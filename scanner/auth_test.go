package scanner

import (
	"encoding/base64"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/authn"
)

func TestDockerConfigMatching(t *testing.T) {
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	config := `{"auths": {
		"https://index.docker.io/v1/": {"auth": "` + b64("hub:hubpw") + `"},
		"https://ghcr.io/v2/": {"username": "gh", "password": "ghpw"},
		"registry.example.com:5000": {"auth": "` + b64("ex:expw:with:colons") + `", "username": "ignored"},
		"quay.io": {"identitytoken": "idtok"}
	}}`
	tests := []struct {
		registry string
		want     authn.AuthConfig
	}{
		{registry: "index.docker.io", want: authn.AuthConfig{Username: "hub", Password: "hubpw"}},
		{registry: "docker.io", want: authn.AuthConfig{Username: "hub", Password: "hubpw"}},
		{registry: "registry-1.docker.io", want: authn.AuthConfig{Username: "hub", Password: "hubpw"}},
		{registry: "ghcr.io", want: authn.AuthConfig{Username: "gh", Password: "ghpw"}},
		{registry: "registry.example.com:5000", want: authn.AuthConfig{Username: "ex", Password: "expw:with:colons"}},
		{registry: "registry.example.com", want: authn.AuthConfig{}},
		{registry: "quay.io", want: authn.AuthConfig{IdentityToken: "idtok"}},
		{registry: "other.io", want: authn.AuthConfig{}},
	}
	cfg, err := parseDockerConfig([]byte(config))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.registry, func(t *testing.T) {
			got, err := credentials{config: cfg}.authenticator(tc.registry).Authorization()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, *got); diff != "" {
				t.Errorf("credentials for %s mismatch (-want +got):\n%s", tc.registry, diff)
			}
		})
	}
}

func TestDockerConfigParsing(t *testing.T) {
	tests := []struct {
		name    string
		config  string
		wantErr bool
	}{
		{name: "legacy dockercfg", config: `{"reg.io": {"username": "u", "password": "p"}}`},
		{name: "empty auths", config: `{"auths": {}}`},
		{name: "not JSON", config: `auths: {}`, wantErr: true},
		{name: "auth not base64", config: `{"auths": {"reg.io": {"auth": "%%%"}}}`, wantErr: true},
		{name: "auth without colon", config: `{"auths": {"reg.io": {"auth": "` + base64.StdEncoding.EncodeToString([]byte("nocolon")) + `"}}}`, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(WithDockerConfigJSON([]byte(tc.config)))
			if (err != nil) != tc.wantErr {
				t.Errorf("New(WithDockerConfigJSON(%s)) error = %v, want error %v", tc.config, err, tc.wantErr)
			}
		})
	}
}

// basicAuth wraps the test registry in HTTP basic authentication.
func basicAuth(tr *testRegistry, user, pass string) {
	tr.fault = func(w http.ResponseWriter, r *http.Request) bool {
		if u, p, ok := r.BasicAuth(); ok && u == user && p == pass {
			return false
		}
		w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
		http.Error(w, `{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}`, http.StatusUnauthorized)
		return true
	}
}

func TestAuth(t *testing.T) {
	tr := newTestRegistry(t, true)
	tr.pushTags(t, "private", "1.0.0")
	basicAuth(tr, "alice", "s3cret")
	config := func(user, pass string) []byte {
		return []byte(`{"auths": {"https://` + tr.host + `/v1/": {"username": "` + user + `", "password": "` + pass + `"}}}`)
	}
	tests := []struct {
		name    string
		opts    []Option
		wantErr error
	}{
		{name: "basic", opts: []Option{WithBasicAuth("alice", "s3cret")}},
		{name: "docker config with URL key", opts: []Option{WithDockerConfigJSON(config("alice", "s3cret"))}},
		{name: "wrong password", opts: []Option{WithBasicAuth("alice", "wrong")}, wantErr: ErrAuth},
		{name: "wrong password in docker config", opts: []Option{WithDockerConfigJSON(config("alice", "nope"))}, wantErr: ErrAuth},
		{name: "anonymous", wantErr: ErrAuth},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tr.newScanner(t, tc.opts...).List(t.Context(), tr.image("private"))
			if tc.wantErr != nil {
				assertError(t, err, tc.wantErr, "UNAUTHORIZED")
				return
			}
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			if diff := cmp.Diff([]string{"1.0.0"}, got); diff != "" {
				t.Errorf("List() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBearerToken(t *testing.T) {
	tr := newTestRegistry(t, true)
	tr.pushTags(t, "private", "1.0.0")
	tr.fault = func(w http.ResponseWriter, r *http.Request) bool {
		if r.Header.Get("Authorization") == "Bearer tok3n" {
			return false
		}
		w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
		w.WriteHeader(http.StatusUnauthorized)
		return true
	}
	if _, err := tr.newScanner(t, WithBearerToken("tok3n")).List(t.Context(), tr.image("private")); err != nil {
		t.Errorf("List with bearer token: %v", err)
	}
	_, err := tr.newScanner(t, WithBearerToken("other")).List(t.Context(), tr.image("private"))
	assertError(t, err, ErrAuth, "401")
}

// TestTokenFlow runs Distribution's token flow: the registry answers 401 with a Bearer
// challenge, the client trades its basic credentials at the realm for a token.
func TestTokenFlow(t *testing.T) {
	tr := newTestRegistry(t, true)
	tr.pushTags(t, "private", "1.0.0")
	var scopes []string
	tr.fault = func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path == "/token" {
			if u, p, ok := r.BasicAuth(); !ok || u != "alice" || p != "s3cret" {
				http.Error(w, `{"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]}`, http.StatusUnauthorized)
				return true
			}
			scopes = append(scopes, r.URL.Query().Get("scope"))
			_, _ = w.Write([]byte(`{"token": "issued"}`))
			return true
		}
		if r.Header.Get("Authorization") == "Bearer issued" {
			return false
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="https://`+tr.host+`/token",service="test"`)
		http.Error(w, `{"errors":[{"code":"UNAUTHORIZED","message":"token required"}]}`, http.StatusUnauthorized)
		return true
	}
	got, err := tr.newScanner(t, WithBasicAuth("alice", "s3cret")).List(t.Context(), tr.image("private"))
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if diff := cmp.Diff([]string{"1.0.0"}, got); diff != "" {
		t.Errorf("List() mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"repository:private:pull"}, scopes); diff != "" {
		t.Errorf("token scopes mismatch (-want +got):\n%s", diff)
	}
	_, err = tr.newScanner(t, WithBasicAuth("alice", "wrong")).List(t.Context(), tr.image("private"))
	assertError(t, err, ErrAuth, "bad credentials")
}
