// Package gitea pins the Gitea server the pull-request tests run against (a real forge on
// loopback). It is its own module so that Gitea's dependencies stay out of tagflow's go.mod;
// `make test-deps` builds it with cgo and SQLite.
package gitea
