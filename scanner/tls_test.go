package scanner

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"sync/atomic"
	"testing"
	"time"
)

// testCert is a certificate and key in PEM, with the parsed certificate.
type testCert struct {
	certPEM, keyPEM []byte
	cert            *x509.Certificate
	key             *ecdsa.PrivateKey
}

// newCert issues a certificate signed by parent (self-signed when parent is nil).
func newCert(t *testing.T, parent *testCert, isCA bool, usage x509.ExtKeyUsage) *testCert {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "tagflow test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  isCA,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{usage},
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
	}
	signer, signerKey := tmpl, key
	if parent != nil {
		signer, signerKey = parent.cert, parent.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signer, &key.PublicKey, signerKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	keyDER, _ := x509.MarshalECPrivateKey(key)
	return &testCert{
		certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		keyPEM:  pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}),
		cert:    cert, key: key,
	}
}

// newMTLSRegistry starts a test registry that requires a client certificate signed by ca.
func newMTLSRegistry(t *testing.T, ca *testCert) *testRegistry {
	t.Helper()
	tr := newTestRegistry(t, true)
	tr.pushTags(t, "app", "1.0.0") // before client certificates are required
	tr.srv.Close()
	server := newCert(t, ca, false, x509.ExtKeyUsageServerAuth)
	pair, err := tls.X509KeyPair(server.certPEM, server.keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca.cert)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(tr.serve))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{pair}, ClientCAs: pool, ClientAuth: tls.RequireAndVerifyClientCert}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	tr.srv = srv
	tr.host = srv.Listener.Addr().String()
	return tr
}

func TestTLS(t *testing.T) {
	ca := newCert(t, nil, true, x509.ExtKeyUsageAny)
	client := newCert(t, ca, false, x509.ExtKeyUsageClientAuth)
	tr := newMTLSRegistry(t, ca)
	tests := []struct {
		name    string
		opts    []Option
		wantErr error
	}{
		{name: "CA and client certificate", opts: []Option{WithCA(ca.certPEM), WithClientCertificate(client.certPEM, client.keyPEM)}},
		{name: "no client certificate", opts: []Option{WithCA(ca.certPEM)}, wantErr: ErrInvalidConfig},
		{name: "unknown CA", opts: []Option{WithClientCertificate(client.certPEM, client.keyPEM)}, wantErr: ErrInvalidConfig},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := New(append([]Option{WithRetry(2, 0)}, tc.opts...)...)
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.List(t.Context(), tr.image("app"))
			if tc.wantErr == nil && err != nil {
				t.Fatalf("List: %v", err)
			}
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Fatalf("List error = %v, want %v", err, tc.wantErr)
			}
		})
	}
}

func TestTLSOptionErrors(t *testing.T) {
	for name, opt := range map[string]Option{
		"CA without certificate": WithCA([]byte("not PEM")),
		"bad client key pair":    WithClientCertificate([]byte("x"), []byte("y")),
		"proxy without host":     WithProxy("http://"),
		"proxy with bad scheme":  WithProxy("ftp://proxy:21"),
		"zero page size":         WithPageSize(0),
		"zero timeout":           WithTimeout(0),
		"no attempts":            WithRetry(0, time.Second),
	} {
		if _, err := New(opt); !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("%s: New error = %v, want ErrInvalidConfig", name, err)
		}
	}
}

// TestProxy sends a plain HTTP scan through a forward proxy and counts what it relayed.
func TestProxy(t *testing.T) {
	tr := newTestRegistry(t, false)
	tr.pushTags(t, "app", "1.0.0")
	var relayed atomic.Int64
	forward := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		relayed.Add(1)
		r.Out.URL = r.In.URL // a forward proxy receives absolute URLs
	}}
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodConnect {
			http.Error(w, "no tunnels here", http.StatusMethodNotAllowed) // the https ping
			return
		}
		forward.ServeHTTP(w, r)
	}))
	t.Cleanup(proxy.Close)
	s := tr.newScanner(t, WithProxy(proxy.URL))
	if _, err := s.List(t.Context(), tr.image("app")); err != nil {
		t.Fatalf("List through proxy: %v", err)
	}
	if relayed.Load() < 2 {
		t.Errorf("proxy relayed %d requests, want the ping and the page", relayed.Load())
	}
}

// TestTimeout bounds a scan whose registry never answers.
func TestTimeout(t *testing.T) {
	tr := newTestRegistry(t, true)
	tr.pushTags(t, "app", "1.0.0")
	block := make(chan struct{})
	t.Cleanup(func() { close(block) })
	tr.fault = func(_ http.ResponseWriter, r *http.Request) bool {
		<-block
		return true
	}
	_, err := tr.newScanner(t, WithTimeout(200*time.Millisecond)).List(t.Context(), tr.image("app"))
	assertError(t, err, ErrTransient, "deadline exceeded")
}

// TestWithSharesTransport checks that derived Scanners reuse the parent's connections
// unless they change TLS or proxy settings, and never change the parent's trust.
func TestWithSharesTransport(t *testing.T) {
	ca := newCert(t, nil, true, x509.ExtKeyUsageAny)
	other := newCert(t, nil, true, x509.ExtKeyUsageAny)
	root, err := New(WithCA(ca.certPEM))
	if err != nil {
		t.Fatal(err)
	}
	same, err := root.With(WithInsecure(true), WithBasicAuth("u", "p"), WithTimeout(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if same.base != root.base {
		t.Error("a derived Scanner without network options has its own transport")
	}
	changed, err := root.With(WithCA(other.certPEM))
	if err != nil {
		t.Fatal(err)
	}
	if changed.base == root.base {
		t.Error("a derived Scanner with another CA shares the parent's transport")
	}
	if root.opts.tls.roots.Equal(changed.opts.tls.roots) {
		t.Error("the derived CA pool equals the parent's: WithCA changed the parent's pool")
	}
}
