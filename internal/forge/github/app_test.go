package github

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tagflow/tagflow/internal/forge"
)

// installationToken is the token of the recorded "Create an installation access token"
// response.
const installationToken = "ghs_16C7e42F292c6912E7710c838347Ae178B4a"

var testKey = sync.OnceValue(func() *rsa.PrivateKey {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return key
})

func pemKey(t *testing.T, pkcs8 bool) []byte {
	if !pkcs8 {
		return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(testKey())})
	}
	der, err := x509.MarshalPKCS8PrivateKey(testKey())
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

// TestApp authenticates as a GitHub App installation: the server checks the JWT with the
// App's public key and the repository requests carry the installation token it returned.
func TestApp(t *testing.T) {
	tests := []struct {
		name     string
		pkcs8    bool
		lifetime time.Duration // of the tokens the server hands out
		// wantIssued is how many tokens two Finds create: one while it is valid, one per
		// Find when it is about to expire.
		wantIssued int
	}{
		{name: "PKCS#1 key", lifetime: time.Hour, wantIssued: 1},
		{name: "PKCS#8 key", pkcs8: true, lifetime: time.Hour, wantIssued: 1},
		{name: "token about to expire is replaced", lifetime: time.Minute, wantIssued: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t, installationToken)
			f.app = &fakeApp{appID: 42, installationID: 7, key: &testKey().PublicKey, lifetime: tt.lifetime}
			f.seed(1, "tagflow/app", "main", false)
			c, err := New(forge.Config{URL: f.url(), Repository: "org/app",
				App: &forge.GitHubApp{AppID: 42, InstallationID: 7, PrivateKey: pemKey(t, tt.pkcs8)}})
			if err != nil {
				t.Fatalf("New() error = %v", err)
			}
			for range 2 {
				if prs, err := c.Find(t.Context(), "tagflow/app", "main"); err != nil || len(prs) != 1 {
					t.Fatalf("Find() = %v, %v; want one pull request", prs, err)
				}
			}
			f.mu.Lock()
			defer f.mu.Unlock()
			if f.app.issued != tt.wantIssued {
				t.Errorf("server issued %d installation tokens, want %d", f.app.issued, tt.wantIssued)
			}
		})
	}
}

// TestAppRefused checks that GitHub refusing the App's JWT (signed with another key here)
// wraps forge.ErrAuth and says what was being done.
func TestAppRefused(t *testing.T) {
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	f := newFakeGitHub(t, installationToken)
	f.app = &fakeApp{appID: 42, installationID: 7, key: &other.PublicKey, lifetime: time.Hour}
	c, err := New(forge.Config{URL: f.url(), Repository: "org/app",
		App: &forge.GitHubApp{AppID: 42, InstallationID: 7, PrivateKey: pemKey(t, false)}})
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}
	_, err = c.Find(t.Context(), "tagflow/app", "main")
	if !errors.Is(err, forge.ErrAuth) {
		t.Errorf("Find() error = %v, want ErrAuth", err)
	}
	if err != nil && !strings.Contains(err.Error(), "creating an installation token of GitHub App 42") {
		t.Errorf("Find() error = %q, want it to say a token was being created", err)
	}
	if got := f.Requests(); len(got) != 1 || got[0] != "POST /api/v3/app/installations/7/access_tokens" {
		t.Errorf("requests = %v, want only the token request", got)
	}
}
