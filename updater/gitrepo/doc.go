// Package gitrepo clones, commits to and pushes Git repositories for the updater.
//
// It keeps a clone cache keyed by URL and branch, signs commits, and pushes without force to
// the checkout branch, re-applying the update on top of the new remote head when a push is
// rejected as non-fast-forward.
package gitrepo
