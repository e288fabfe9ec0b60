package v1alpha1

// Condition types. They follow kstatus (sigs.k8s.io/cli-utils/pkg/kstatus), so kubectl wait,
// Flux's CLI and GitOps health checks read them without knowing tagflow.
const (
	// ReadyCondition is True when the last reconciliation succeeded and the status reflects
	// the current spec.
	ReadyCondition = "Ready"

	// ReconcilingCondition is True while the object is being reconciled (negative polarity:
	// it is removed when done).
	ReconcilingCondition = "Reconciling"

	// StalledCondition is True when reconciling cannot progress without a change to the
	// object or its dependencies, such as a configuration error (negative polarity).
	StalledCondition = "Stalled"
)

// Reasons shared by all kinds.
const (
	// SucceededReason means the reconciliation succeeded.
	SucceededReason = "Succeeded"

	// FailureReason means the reconciliation failed with an error that is retried.
	FailureReason = "Failure"

	// ProgressingReason means a reconciliation is in progress (Reconciling=True).
	ProgressingReason = "Progressing"

	// ProgressingWithRetryReason means a reconciliation is being retried after a failure
	// (Reconciling=True).
	ProgressingWithRetryReason = "ProgressingWithRetry"

	// SuspendedReason means the object is suspended (spec.suspend is true).
	SuspendedReason = "Suspended"

	// AccessDeniedReason means a cross-namespace reference is not allowed, by the
	// referent's accessFrom or by the controller's configuration. It stalls.
	AccessDeniedReason = "AccessDenied"

	// DependencyNotReadyReason means a referenced object is missing or not ready yet.
	DependencyNotReadyReason = "DependencyNotReady"
)

// Reasons of ImageRepository.
const (
	// ImageURLInvalidReason means spec.image is not a repository name. It stalls.
	ImageURLInvalidReason = "ImageURLInvalid"

	// AuthenticationFailedReason means the registry credentials could not be obtained or
	// were refused.
	AuthenticationFailedReason = "AuthenticationFailed"

	// ReadOperationFailedReason means listing the tags failed.
	ReadOperationFailedReason = "ReadOperationFailed"

	// InvalidExclusionListReason means an entry of spec.exclusionList is not a valid
	// regular expression. It stalls.
	InvalidExclusionListReason = "InvalidExclusionList"
)

// Reasons of ImagePolicy.
const (
	// InvalidPolicyReason means spec.policy or spec.filterTags is invalid, such as a bad
	// semver range or regular expression. It stalls.
	InvalidPolicyReason = "InvalidPolicy"

	// IntervalNotConfiguredReason means spec.digestReflectionPolicy is Always but
	// spec.interval is not set. It stalls.
	IntervalNotConfiguredReason = "IntervalNotConfigured"

	// NoMatchingTagReason means no tag passed the policy; status.latestRef keeps the
	// previous choice.
	NoMatchingTagReason = "NoMatchingTag"
)

// Reasons of ImageUpdateAutomation.
const (
	// InvalidSourceConfigurationReason means the Git source (spec.sourceRef or spec.git)
	// is incomplete or invalid. It stalls.
	InvalidSourceConfigurationReason = "InvalidSourceConfiguration"

	// GitOperationFailedReason means a clone, fetch, commit or push failed.
	GitOperationFailedReason = "GitOperationFailed"

	// UpdateFailedReason means updating the files failed.
	UpdateFailedReason = "UpdateFailed"

	// InvalidUpdateStrategyReason means spec.update is invalid. It stalls.
	InvalidUpdateStrategyReason = "InvalidUpdateStrategy"

	// InvalidPolicySelectorReason means spec.policySelector is invalid. It stalls.
	InvalidPolicySelectorReason = "InvalidPolicySelector"

	// RemovedTemplateFieldReason means the commit message template uses a field Flux has
	// removed (.Updated, .Changed.ImageResult). It stalls.
	RemovedTemplateFieldReason = "RemovedTemplateField"

	// InvalidMarkerReason means a marker names an unknown policy or sits where it cannot be
	// applied; the other markers are still applied.
	InvalidMarkerReason = "InvalidMarker"

	// PullRequestFailedReason means the commit was pushed but opening or updating the pull
	// request through the forge's API failed.
	PullRequestFailedReason = "PullRequestFailed"

	// PushBranchModifiedReason means someone else pushed to git.push.branch, so tagflow
	// leaves the branch and its pull request alone until the branch is deleted.
	PushBranchModifiedReason = "PushBranchModified"
)

// ReconcileRequestAnnotation asks for an immediate reconciliation when its value changes;
// the handled value is copied to status.lastHandledReconcileAt. It is Flux's annotation,
// so `flux reconcile`-style tooling and scripts work unchanged.
const ReconcileRequestAnnotation = "reconcile.fluxcd.io/requestedAt"

// ReconcileRequestStatus is embedded in every status to record the last handled
// ReconcileRequestAnnotation value.
type ReconcileRequestStatus struct {
	// LastHandledReconcileAt holds the value of the most recent reconcile request
	// annotation that was handled.
	// +optional
	LastHandledReconcileAt string `json:"lastHandledReconcileAt,omitempty"`
}
