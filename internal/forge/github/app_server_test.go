package github

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tagflow/tagflow/internal/forge/forgetest"
)

// fakeApp is the part of the fake GitHub that makes installation tokens: it checks the
// App's JWT against the App's public key and answers with the documented example token.
type fakeApp struct {
	appID, installationID int64
	key                   *rsa.PublicKey
	// lifetime is how long the tokens it hands out last.
	lifetime time.Duration
	issued   int
}

func (a *fakeApp) serve(t *testing.T, w http.ResponseWriter, r *http.Request, path string) {
	if a == nil || r.Method != http.MethodPost || path != fmt.Sprintf("/app/installations/%d/access_tokens", a.installationID) {
		t.Errorf("unexpected request %s %s", r.Method, r.URL)
		http.NotFound(w, r)
		return
	}
	jwt, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if err := a.verify(jwt, time.Now()); !ok || err != nil {
		t.Logf("refusing the App's JWT: %v", err)
		forgetest.ReplyFile(t, w, http.StatusUnauthorized, "bad-credentials.json")
		return
	}
	var tok map[string]any
	forgetest.DecodeFile(t, "installation-token.json", &tok)
	// The recorded example expired in 2016; a real token lasts an hour from now.
	tok["expires_at"] = time.Now().Add(a.lifetime).UTC().Format(time.RFC3339)
	a.issued++
	forgetest.WriteJSON(t, w, http.StatusCreated, tok)
}

// verify checks an RS256 JWT as GitHub does: the signature, the issuer, and times that
// cover now and span at most ten minutes.
func (a *fakeApp) verify(jwt string, now time.Time) error {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return fmt.Errorf("%d parts, want 3", len(parts))
	}
	var header struct{ Alg, Typ string }
	var claims struct {
		Iat, Exp int64
		Iss      string
	}
	if err := decodePart(parts[0], &header); err != nil {
		return fmt.Errorf("header: %w", err)
	}
	if header.Alg != "RS256" {
		return fmt.Errorf("alg %q, want RS256", header.Alg)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return err
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(a.key, crypto.SHA256, digest[:], sig); err != nil {
		return fmt.Errorf("signature: %w", err)
	}
	if err := decodePart(parts[1], &claims); err != nil {
		return err
	}
	iat, exp := time.Unix(claims.Iat, 0), time.Unix(claims.Exp, 0)
	switch {
	case claims.Iss != fmt.Sprint(a.appID):
		return fmt.Errorf("iss %q, want %d", claims.Iss, a.appID)
	case iat.After(now) || !exp.After(now):
		return fmt.Errorf("iat %s and exp %s do not cover now", iat, exp)
	case exp.Sub(iat) > 10*time.Minute:
		return fmt.Errorf("lifetime %s, more than GitHub's ten minutes", exp.Sub(iat))
	}
	return nil
}

func decodePart(s string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}
