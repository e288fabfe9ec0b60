// Package controller holds the Kubernetes reconcilers, one per kind. It is the only package
// of tagflow (with cmd/tagflow-controller) that imports controller-runtime.
//
// Every reconciler has the same shape (reconcile.go): a fixed preamble (get the object or
// ignore it when gone; on deletion release what is held for it and remove the finalizer;
// add the finalizer; stop when spec.suspend is set) and then a short list of named steps.
// The status is written once, in a deferred patch, with the kstatus conditions Ready,
// Reconciling and Stalled (conditions.go), status.observedGeneration and
// status.lastHandledReconcileAt. A step ends the reconciliation with an error made by
// stall (configuration error: Stalled=True, not retried until the object changes), wait
// (a dependency is not ready: requeued after a fixed delay) or retry (transient: retried
// with the controller's backoff). Events are recorded when Ready changes.
//
//   - ImageRepositoryReconciler scans at spec.interval, stores the tags per object in the
//     tag store and reports lastScanResult. Deleting the object deletes its tags.
//   - ImagePolicyReconciler evaluates a policy over the stored tags (never the status) when
//     its spec changes, on reconcile requests, and when its repository's tag revision
//     changes (a watch of ImageRepositories mapped through a field index).
//   - ImageUpdateAutomationReconciler runs at spec.interval and after a selected policy's
//     latestRef changes; policy changes are debounced (Options.Debounce), so changes that
//     arrive together make one commit. The source is a Flux GitRepository (read with the
//     API reader, so Flux's CRDs are optional) or spec.git.url. Each automation has its own
//     clone cache under the storage path, removed on deletion.
//
// Every reconciler starts when the reconcile.fluxcd.io/requestedAt annotation changes, as
// `flux reconcile` does, and ignores status-only updates.
//
// # Multi-tenancy
//
// Secrets are read only from the namespace of the object that refers to them (a
// GitRepository's Secret from the GitRepository's namespace), directly from the API server:
// the controller needs get, never list or watch, on Secrets. An ImagePolicy may use an
// ImageRepository of another namespace only when the repository's spec.accessFrom selects
// the policy's namespace; Tenancy.NoCrossNamespaceRefs (--no-cross-namespace-refs) denies
// every cross-namespace reference, also an automation's sourceRef. Denials stall with
// reason AccessDenied.
//
// Tenancy.DefaultServiceAccount (--default-service-account) is the service account of an
// ImageRepository that names none. tagflow has no cloud workload identity yet, so a
// service account is used only with the generic provider and no spec.secretRef: the first
// image pull secret of the service account, in the object's namespace, becomes the
// registry credentials. Setting a default makes tenants' repositories use the credentials
// their namespace provides, and a missing service account is an error rather than a
// silent anonymous scan.
package controller
