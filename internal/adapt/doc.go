// Package adapt turns API objects (from a cluster or from standalone configuration files)
// into the plain values the core packages take: scanner options for an ImageRepository, a
// policy for an ImagePolicy, and Git and updater settings for an ImageUpdateAutomation.
//
// It is the only place where API field semantics (defaults, secret keys, precedence) are
// interpreted, so the standalone runner and the Kubernetes reconcilers behave the same. The
// functions are pure: callers resolve referenced Secrets and pass their data in. Problems
// are *FieldError values naming the field path, such as spec.certSecretRef.
//
// This package must not import controller-runtime or client-go.
package adapt
