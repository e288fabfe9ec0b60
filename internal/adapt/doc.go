// Package adapt turns API objects (from a cluster or from standalone configuration files)
// into the plain values the core packages take: scanner options for an ImageRepository, a
// policy for an ImagePolicy, and Git and updater settings for an ImageUpdateAutomation.
// It also turns core results back into the status both runtimes record: a scan's
// lastScanResult, a policy's explanation and Ready message, an automation run's source
// revision, commit template data and messages, and the condition reason of a
// configuration error.
//
// It is the only place where API field semantics (defaults, secret keys, precedence) are
// interpreted, so the standalone runner and the Kubernetes reconcilers behave the same. The
// functions do no I/O: callers resolve referenced Secrets and pass their data in. Problems
// are *FieldError values naming the field path, such as spec.certSecretRef.
//
// This package must not import controller-runtime or client-go.
package adapt
