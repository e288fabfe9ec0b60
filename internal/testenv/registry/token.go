package registry

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Names the registry and the token server agree on.
const (
	tokenService = "tagflow-test-registry"
	tokenIssuer  = "tagflow-test-token-issuer"
	tokenKeyID   = "tagflow-test-key"
)

// tokenServer issues Docker registry bearer tokens (ES256 JWTs) to clients that present
// the server's basic-auth credentials, granting every scope they ask for.
type tokenServer struct {
	user, password string
	key            *ecdsa.PrivateKey
	requests       atomic.Int64
	srv            *httptest.Server
}

// startTokenServer starts a token server on loopback over HTTPS with the certificate in
// cf, writes the JWKS Distribution verifies tokens with to jwksFile, and stops the
// server with t.Cleanup.
func startTokenServer(t testing.TB, cf *certFiles, jwksFile, user, password string) (*tokenServer, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generating token signing key: %w", err)
	}
	if err := writeJWKS(jwksFile, &key.PublicKey); err != nil {
		return nil, err
	}
	cert, err := tls.LoadX509KeyPair(cf.certFile, cf.keyFile)
	if err != nil {
		return nil, fmt.Errorf("loading token server certificate: %w", err)
	}
	ts := &tokenServer{user: user, password: password, key: key}
	ts.srv = httptest.NewUnstartedServer(http.HandlerFunc(ts.serveToken))
	ts.srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	ts.srv.StartTLS()
	t.Cleanup(ts.srv.Close)
	return ts, nil
}

// realm is the URL clients get tokens from. It names the host "localhost", not
// 127.0.0.1: go-containerregistry refuses a realm whose host is a loopback or private IP
// literal unless it is the registry's own host:port (see the package documentation).
func (ts *tokenServer) realm() string {
	return strings.Replace(ts.srv.URL, "https://127.0.0.1:", "https://localhost:", 1) + "/token"
}

// serveToken answers GET /token?service=...&scope=... .
func (ts *tokenServer) serveToken(w http.ResponseWriter, r *http.Request) {
	ts.requests.Add(1)
	user, pw, ok := r.BasicAuth()
	if !ok || user != ts.user || pw != ts.password {
		w.Header().Set("WWW-Authenticate", `Basic realm="tagflow-test-token"`)
		http.Error(w, `{"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]}`, http.StatusUnauthorized)
		return
	}
	if svc := r.URL.Query().Get("service"); svc != tokenService {
		http.Error(w, "unknown service "+svc, http.StatusBadRequest)
		return
	}
	now := time.Now()
	tok, err := ts.sign(map[string]any{
		"iss":    tokenIssuer,
		"sub":    user,
		"aud":    tokenService,
		"exp":    now.Add(5 * time.Minute).Unix(),
		"nbf":    now.Add(-time.Minute).Unix(),
		"iat":    now.Unix(),
		"jti":    randomHex(8),
		"access": grants(r.URL.Query()["scope"]),
	})
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"token": tok, "access_token": tok, "expires_in": 300, "issued_at": now.UTC().Format(time.RFC3339),
	})
}

// access is one entry of a token's "access" claim.
type access struct {
	Type    string   `json:"type"`
	Name    string   `json:"name"`
	Actions []string `json:"actions"`
}

// grants turns scopes ("repository:team/app:pull,push", possibly several per parameter,
// space-separated) into access claims that grant all of them.
func grants(scopes []string) []access {
	out := []access{}
	for _, param := range scopes {
		for _, scope := range strings.Fields(param) {
			first := strings.Index(scope, ":")
			last := strings.LastIndex(scope, ":")
			if first < 0 || last <= first {
				continue
			}
			out = append(out, access{
				Type:    scope[:first],
				Name:    scope[first+1 : last],
				Actions: strings.Split(scope[last+1:], ","),
			})
		}
	}
	return out
}

// sign returns claims as a compact ES256 JWS with the key ID Distribution trusts.
func (ts *tokenServer) sign(claims map[string]any) (string, error) {
	header, err := json.Marshal(map[string]string{"alg": "ES256", "typ": "JWT", "kid": tokenKeyID})
	if err != nil {
		return "", fmt.Errorf("encoding token header: %w", err)
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("encoding token claims: %w", err)
	}
	enc := base64.RawURLEncoding
	input := enc.EncodeToString(header) + "." + enc.EncodeToString(payload)
	digest := sha256.Sum256([]byte(input))
	r, s, err := ecdsa.Sign(rand.Reader, ts.key, digest[:])
	if err != nil {
		return "", fmt.Errorf("signing token: %w", err)
	}
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return input + "." + enc.EncodeToString(sig), nil
}

// writeJWKS writes a JSON Web Key Set holding pub under tokenKeyID.
func writeJWKS(path string, pub *ecdsa.PublicKey) error {
	point, err := pub.Bytes() // 0x04 || X || Y
	if err != nil {
		return fmt.Errorf("encoding token signing key: %w", err)
	}
	enc := base64.RawURLEncoding
	jwks := map[string]any{"keys": []map[string]string{{
		"kty": "EC", "crv": "P-256", "x": enc.EncodeToString(point[1:33]), "y": enc.EncodeToString(point[33:65]),
		"kid": tokenKeyID, "alg": "ES256", "use": "sig",
	}}}
	b, err := json.Marshal(jwks)
	if err != nil {
		return fmt.Errorf("encoding JWKS: %w", err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return fmt.Errorf("writing JWKS: %w", err)
	}
	return nil
}
