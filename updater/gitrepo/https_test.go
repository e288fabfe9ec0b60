package gitrepo_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

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

// TestRunHTTPSWithClientCertificate puts a TLS front that requires a client certificate
// before the test server.
func TestRunHTTPSWithClientCertificate(t *testing.T) {
	s := gitserver.Start(t, gitserver.Options{})
	name := newRepoName(t, s)
	certPEM, keyPEM, cert := clientCertificate(t)
	proxy := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: "http", Host: s.HTTPAddr})
	front := httptest.NewUnstartedServer(proxy)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	front.TLS = &tls.Config{ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: pool}
	front.Config.ErrorLog = log.New(io.Discard, "", 0) // the no-certificate case is expected
	front.StartTLS()
	t.Cleanup(front.Close)
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: front.Certificate().Raw})
	repoURL := front.URL + "/" + name + ".git"

	for _, tc := range []struct {
		name    string
		opts    []gitrepo.Option
		wantErr string
	}{
		{"without client certificate", nil, "certificate required"},
		{"with client certificate", []gitrepo.Option{gitrepo.WithClientCert(certPEM, keyPEM)}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := append([]gitrepo.Option{
				gitrepo.WithCacheDir(t.TempDir()), gitrepo.WithCABundle(ca),
				gitrepo.WithBasicAuth(s.Username, s.Password),
			}, tc.opts...)
			r, err := gitrepo.New(repoURL, gitrepo.Ref{Branch: "main"}, opts...)
			if err != nil {
				t.Fatalf("New() error = %v", err)
			}
			got, err := r.Run(t.Context(), mustSetImage("9.1.0"))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Run() error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || !got.Pushed {
				t.Fatalf("Run() = %+v, %v; want a push", got, err)
			}
		})
	}
}

// clientCertificate returns a self-signed client certificate and its key, in PEM, and the
// parsed certificate.
func clientCertificate(t *testing.T) (certPEM, keyPEM []byte, cert *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("generating client key: %v", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "tagflow client"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		IsCA:         true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatalf("creating client certificate: %v", err)
	}
	cert, err = x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("parsing client certificate: %v", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatalf("marshalling client key: %v", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), cert
}
