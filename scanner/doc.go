// Package scanner lists the tags of container image repositories and resolves digests.
//
// A Scanner is made by New with functional options (defaults are the Default* constants).
// Per-host limits belong to that root Scanner; Scanner.With derives a Scanner with other
// credentials, TLS or exclusions that shares them, so a daemon makes one root and one
// derived Scanner per repository object.
//
// Listing (Scanner.List) sends GET /v2/<name>/tags/list?n=<page size> and follows the
// Link header itself, resolving it against the URL actually requested, so pagination
// keeps the scheme and port in use (go-containerregistry's remote.List assumes http for
// loopback registries, which breaks TLS registries on localhost). Excluded tags are
// dropped (default `^.*\.sig$`; a user list replaces it).
//
// Authentication goes through go-containerregistry's transport (ping, then basic auth or
// the registry's token flow) with credentials from WithBasicAuth, WithBearerToken or a
// docker config (WithDockerConfigJSON, matched by host as Docker does). TLS takes extra
// CAs and a client certificate; plain HTTP is refused unless WithInsecure is set; proxies
// come from the environment or WithProxy.
//
// Every request, including retries and token requests, passes a token bucket and a
// concurrency limit per registry host. 408, 429, 500, 502, 503 and 504 answers and network
// errors are retried with exponential backoff and jitter, or after Retry-After (seconds or
// HTTP-date) for 429 and 503; each operation is bounded by WithTimeout.
//
// Scanner.Digest resolves a tag's digest by manifest HEAD (the index digest for
// multi-platform images); Scanner.Platforms and Scanner.MissingPlatforms fetch the index
// only when called.
//
// Errors are *Error values naming the operation and image and wrapping one of ErrAuth,
// ErrNotFound, ErrRateLimited (with Error.Wait), ErrTransient or ErrInvalidConfig. The
// package decides no retry policy of its own beyond single requests; callers map the
// classes to stalling or retrying.
//
// The tags of each repository object are kept by the subpackage store.
package scanner
