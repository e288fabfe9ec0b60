// Package testenv holds small test-only helpers shared by the test servers in its
// subpackages (registry, gitserver, envtest) and by tests that compare file trees.
package testenv
