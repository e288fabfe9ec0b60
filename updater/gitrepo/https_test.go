package gitrepo_test

import (
	"encoding/pem"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"

	"github.com/tagflow/tagflow/internal/testenv/gitserver"
	"github.com/tagflow/tagflow/updater/gitrepo"
)

// TestRunHTTPSWithCABundleAndBearerToken puts a TLS front that wants a bearer token before
// the test server (which wants basic auth).
func TestRunHTTPSWithCABundleAndBearerToken(t *testing.T) {
	s := gitserver.Start(t, gitserver.Options{})
	name := newRepoName(t, s)
	const token = "tok-0123456789"
	proxy := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: "http", Host: s.HTTPAddr})
	front := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+token {
			w.Header().Set("WWW-Authenticate", `Bearer realm="tagflow-test"`)
			http.Error(w, "bearer token required", http.StatusUnauthorized)
			return
		}
		r.SetBasicAuth(s.Username, s.Password)
		proxy.ServeHTTP(w, r)
	}))
	front.Config.ErrorLog = log.New(io.Discard, "", 0) // the unknown-CA case is expected
	front.StartTLS()
	t.Cleanup(front.Close)
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: front.Certificate().Raw})
	repoURL := front.URL + "/" + name + ".git"

	for _, tc := range []struct {
		name    string
		opts    []gitrepo.Option
		wantErr string
	}{
		{"unknown CA", []gitrepo.Option{gitrepo.WithBearerToken(token)}, "certificate"},
		{"no token", []gitrepo.Option{gitrepo.WithCABundle(ca)}, "authentication required"},
		{"CA bundle and token", []gitrepo.Option{gitrepo.WithCABundle(ca), gitrepo.WithBearerToken(token)}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := append([]gitrepo.Option{gitrepo.WithCacheDir(t.TempDir())}, tc.opts...)
			r, err := gitrepo.New(repoURL, gitrepo.Ref{Branch: "main"}, opts...)
			if err != nil {
				t.Fatalf("New() error = %v", err)
			}
			got, err := r.Run(t.Context(), mustSetImage("9.0.0"))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Run() error = %v, want %q", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), token) {
					t.Errorf("Run() error %q leaks the token", err)
				}
				return
			}
			if err != nil || !got.Pushed || s.Head(t, name, "main") != got.Commit {
				t.Fatalf("Run() = %+v, %v; want a push to main", got, err)
			}
		})
	}
}
