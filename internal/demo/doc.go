// Package demo runs tagflow end to end on one machine with no network beyond loopback:
// an in-process OCI registry seeded with tags of a sample image, a local bare Git
// repository holding manifests with markers, a generated configuration, and one pass of
// the standalone runner, whose commit it prints.
//
// Its pieces (Registry, Repository, Config) are exported for tests that need the same
// fixtures.
package demo
