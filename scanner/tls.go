package scanner

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
)

// tlsOptions holds the extra trust and the client certificate for mTLS.
type tlsOptions struct {
	roots      *x509.CertPool
	clientCert *tls.Certificate
}

// WithCA trusts the PEM-encoded certificates in caPEM in addition to the system roots.
// The default is the system roots only. PEM without a certificate is an error.
func WithCA(caPEM []byte) Option {
	return func(o *options) error {
		pool := systemRoots()
		if o.tls.roots != nil {
			pool = o.tls.roots.Clone() // a Scanner derived with With must not change its parent's pool
		}
		if !pool.AppendCertsFromPEM(caPEM) {
			return errors.New("CA bundle holds no PEM certificate")
		}
		o.tls.roots, o.networkSet = pool, true
		return nil
	}
}

// WithClientCertificate presents the PEM-encoded certificate and key to the registry
// (mutual TLS). The default is no client certificate.
func WithClientCertificate(certPEM, keyPEM []byte) Option {
	return func(o *options) error {
		cert, err := tls.X509KeyPair(certPEM, keyPEM)
		if err != nil {
			return fmt.Errorf("loading client certificate: %w", err)
		}
		o.tls.clientCert, o.networkSet = &cert, true
		return nil
	}
}

// systemRoots returns a copy of the system pool, or an empty pool where there is none.
func systemRoots() *x509.CertPool {
	if pool, err := x509.SystemCertPool(); err == nil {
		return pool
	}
	return x509.NewCertPool()
}

// baseTransport returns the HTTP transport for o: the TLS and proxy options over a clone
// of http.DefaultTransport, or the transport given by WithTransport.
func (o *options) baseTransport() http.RoundTripper {
	if o.base != nil {
		return o.base
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = o.proxy
	t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: o.tls.roots}
	if o.tls.clientCert != nil {
		t.TLSClientConfig.Certificates = []tls.Certificate{*o.tls.clientCert}
	}
	t.MaxIdleConnsPerHost = o.limits.concurrency
	return t
}
