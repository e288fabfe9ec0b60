// Package registry runs a real CNCF Distribution v3 registry process on loopback for
// tests.
//
// Start launches `registry serve` (the binary built by `make test-deps`, found through
// $TAGFLOW_REGISTRY_BIN or $HOME/.cache/tagflow/bin/registry-v3.1.2) with a generated
// configuration: filesystem storage in t.TempDir(), 127.0.0.1 and a free port, health
// checks off, log level warn, and, by Flavour, a generated ECDSA CA and server
// certificate (SANs 127.0.0.1, ::1, localhost) and an htpasswd file (bcrypt). Start waits
// until GET /v2/ answers and stops the process with t.Cleanup; the process output is
// logged if the test failed. A missing binary fails the test; in -short mode Start skips.
//
//	s := registry.Start(t, registry.TLSAuth)
//	digests := s.PushTags(t, "team/app", "1.0.0", "1.1.0")
//	tags, err := remote.List(s.Repository(t, "team/app"), s.RemoteOptions(t.Context())...)
//
// Flavours: PlainHTTP (no TLS, no auth), TLS (HTTPS, no auth), TLSAuth (HTTPS +
// htpasswd basic auth) and TLSToken (HTTPS + Docker token auth). For TLSToken an
// in-process token server (HTTPS, same CA) issues ES256 JWTs that Distribution checks
// against a generated JWKS; it wants basic auth with Username and Password, grants every
// scope asked for and counts its requests (TokenRequests).
//
// Its realm is https://localhost:PORT/token, not 127.0.0.1: go-containerregistry
// v0.22.1 refuses a token realm whose host is a loopback or private IP literal unless it
// equals the registry's host:port ("realm host "127.0.0.1" is a private or link-local
// address"). Code that takes the realm from the challenge and uses ggcr's transport
// therefore works against this harness; code of our own that applies the same SSRF
// rule must allow hostnames.
//
// # Pagination against a TLS registry on loopback
//
// Observed with go-containerregistry v0.22.1. Distribution 3 pages
// GET /v2/<name>/tags/list when asked with n (and last): it returns n tags and a
// relative Link header, e.g. `</v2/app/tags/list?last=1.0.099&n=100>; rel="next"`.
// Without n it returns every tag in one response and no Link (it clamps n to
// tags.maxtags, 1000 by default, only when n is given).
//
// go-containerregistry decides the scheme from the host name: name.Registry.Scheme()
// is "http" for localhost, 127.0.0.1, ::1 and private addresses. The ping then tries
// https first and, on a TLS registry, rewrites every request to https. With
// remote.WithPageSize(100), remote.List against the TLS flavour holding 250 tags fails
// after the first page with
//
//	pagination URL scheme "https" does not match registry scheme "http"
//
// because the Link is resolved against the (https) request URL and then checked against
// Scheme(). The same call without a page size returns all 250 tags, and the PlainHTTP
// flavour pages correctly. TestPagination pins all three results. So code that pages
// through tags itself (the scanner does) must build page URLs from the scheme it
// actually used, not from name.Registry.Scheme(), to be testable against this harness.
package registry
