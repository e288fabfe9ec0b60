package github

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	gh "github.com/google/go-github/v89/github"

	"github.com/tagflow/tagflow/internal/forge"
)

const (
	// jwtBackdate and jwtLifetime follow GitHub's advice for an App's JWT: issued a minute
	// in the past against clock drift, expiring within its ten-minute limit.
	jwtBackdate = 60 * time.Second
	jwtLifetime = 9 * time.Minute
	// tokenMargin is how long before its expiry an installation token is replaced.
	tokenMargin = 5 * time.Minute
	// tokenLifetime is assumed when GitHub does not say when a token expires.
	tokenLifetime = 55 * time.Minute
)

// installationTokens creates and caches a GitHub App's installation token, replacing it
// before it expires.
type installationTokens struct {
	appID, installationID int64
	key                   *rsa.PrivateKey
	// hc and root reach GitHub without the installation token.
	hc   *http.Client
	root string

	mu      sync.Mutex
	token   string
	expires time.Time
}

func newInstallationTokens(app forge.GitHubApp, hc *http.Client, root string) (*installationTokens, error) {
	if app.AppID <= 0 || app.InstallationID <= 0 {
		return nil, errors.New("the GitHub App needs an App ID and an installation ID")
	}
	key, err := parseKey(app.PrivateKey)
	if err != nil {
		return nil, fmt.Errorf("reading the private key of GitHub App %d: %w", app.AppID, err)
	}
	return &installationTokens{appID: app.AppID, installationID: app.InstallationID, key: key, hc: hc, root: root}, nil
}

// parseKey reads a PEM-encoded RSA private key in PKCS#1 or PKCS#8 form.
func parseKey(pemBytes []byte) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		return nil, errors.New("no PEM block found")
	}
	if key, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return key, nil
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, errors.New("not an RSA private key in PKCS#1 or PKCS#8 form")
	}
	key, ok := parsed.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("a %T private key, not RSA", parsed)
	}
	return key, nil
}

// client returns an HTTP client like hc that sends the installation token.
func (it *installationTokens) client(hc *http.Client) *http.Client {
	base := hc.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	return &http.Client{
		Transport:     &tokenTransport{base: base, tokens: it},
		CheckRedirect: hc.CheckRedirect,
		Jar:           hc.Jar,
		Timeout:       hc.Timeout,
	}
}

// get returns a valid installation token, creating one when there is none or the one held
// is about to expire.
func (it *installationTokens) get(ctx context.Context) (string, error) {
	it.mu.Lock()
	defer it.mu.Unlock()
	now := time.Now()
	if it.token != "" && now.Add(tokenMargin).Before(it.expires) {
		return it.token, nil
	}
	tok, err := it.create(ctx, now)
	if err != nil {
		return "", fmt.Errorf("creating an installation token of GitHub App %d: %w", it.appID, err)
	}
	it.token, it.expires = tok.GetToken(), now.Add(tokenLifetime)
	if tok.ExpiresAt != nil {
		it.expires = tok.ExpiresAt.Time
	}
	return it.token, nil
}

// create asks GitHub for a new installation token, authenticated with the App's JWT.
func (it *installationTokens) create(ctx context.Context, now time.Time) (*gh.InstallationToken, error) {
	jwt, err := signJWT(it.key, it.appID, now)
	if err != nil {
		return nil, err
	}
	opts := []gh.ClientOptionsFunc{gh.WithHTTPClient(it.hc), gh.WithAuthToken(jwt)}
	if it.root != "" {
		opts = append(opts, gh.WithEnterpriseURLs(it.root, it.root))
	}
	c, err := gh.NewClient(opts...)
	if err != nil {
		return nil, err
	}
	tok, _, err := c.Apps.CreateInstallationToken(ctx, it.installationID, nil)
	if err != nil {
		return nil, err
	}
	if tok.GetToken() == "" {
		return nil, errors.New("GitHub answered without a token")
	}
	return tok, nil
}

// signJWT returns the RS256 JSON Web Token that authenticates as the App appID.
func signJWT(key *rsa.PrivateKey, appID int64, now time.Time) (string, error) {
	header, err := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT"})
	if err != nil {
		return "", err
	}
	claims, err := json.Marshal(map[string]any{
		"iat": now.Add(-jwtBackdate).Unix(),
		"exp": now.Add(jwtLifetime).Unix(),
		"iss": strconv.FormatInt(appID, 10),
	})
	if err != nil {
		return "", err
	}
	enc := base64.RawURLEncoding
	signed := enc.EncodeToString(header) + "." + enc.EncodeToString(claims)
	digest := sha256.Sum256([]byte(signed))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:])
	if err != nil {
		return "", fmt.Errorf("signing the JWT: %w", err)
	}
	return signed + "." + enc.EncodeToString(sig), nil
}

// tokenTransport sends each request with the current installation token.
type tokenTransport struct {
	base   http.RoundTripper
	tokens *installationTokens
}

func (t *tokenTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	tok, err := t.tokens.get(req.Context())
	if err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	req = req.Clone(req.Context())
	req.Header.Set("Authorization", "Bearer "+tok)
	return t.base.RoundTrip(req)
}
