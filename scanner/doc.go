// Package scanner lists the tags of container image repositories and keeps them in a
// persistent, per-object tag store.
//
// It talks to registries with go-containerregistry, follows pagination, applies exclusion
// lists, honours per-host rate and concurrency limits and Retry-After, resolves digests by
// manifest HEAD, and classifies errors so that callers can tell configuration errors from
// transient ones.
package scanner
