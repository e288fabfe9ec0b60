package v1alpha1

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ImageUpdateAutomationSpec says which Git repository to update, with which policies, and
// how to commit and push.
// +kubebuilder:validation:XValidation:rule="has(self.sourceRef) != (has(self.git) && has(self.git.url))",message="exactly one of spec.sourceRef and spec.git.url must be set"
type ImageUpdateAutomationSpec struct {
	// SourceRef names the Flux GitRepository (source.toolkit.fluxcd.io/v1) whose URL,
	// credentials, proxy, timeout and default ref are used. Exactly one of sourceRef and
	// git.url (tagflow addition) is set.
	// +optional
	SourceRef *CrossNamespaceSourceReference `json:"sourceRef,omitempty"`

	// GitSpec says how to check out, commit, push and (tagflow addition) open a pull
	// request.
	// +required
	GitSpec *GitSpec `json:"git,omitempty"`

	// Interval is the time between two runs. A change of a selected policy's latestRef
	// also starts a run.
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:Pattern="^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$"
	// +required
	Interval metav1.Duration `json:"interval"`

	// PolicySelector selects the ImagePolicies, in the automation's namespace, whose
	// markers are applied. The default is every policy in the namespace.
	// +optional
	PolicySelector *metav1.LabelSelector `json:"policySelector,omitempty"`

	// Update says which files to update and how. The default is the Setters strategy over
	// the whole repository.
	// +kubebuilder:default={"strategy":"Setters"}
	// +optional
	Update *UpdateStrategy `json:"update,omitempty"`

	// Suspend stops further runs until it is set to false again; a run in progress
	// finishes.
	// +optional
	Suspend bool `json:"suspend,omitempty"`
}

// UpdateStrategyName names how files are updated.
// +kubebuilder:validation:Enum=Setters
type UpdateStrategyName string

// UpdateStrategySetters updates the YAML scalars that carry an {"$imagepolicy": ...}
// marker comment, changing only the bytes of each changed value.
const UpdateStrategySetters UpdateStrategyName = "Setters"

// UpdateStrategy says which files to update and how.
type UpdateStrategy struct {
	// Strategy is the update strategy. The default and only value is Setters.
	// +kubebuilder:default=Setters
	// +optional
	Strategy UpdateStrategyName `json:"strategy,omitempty"`

	// Path is the directory, relative to the repository root, whose *.yaml, *.yml and
	// Kustomization files are updated. The default is the repository root. A path cannot
	// leave the repository.
	// +optional
	Path string `json:"path,omitempty"`
}

// ObservedPolicies maps the name of each policy applied by the last run to its latestRef.
type ObservedPolicies map[string]ImageRef

// PullRequestStatus is the pull request of an automation (tagflow addition).
type PullRequestStatus struct {
	// URL is the pull request's web page.
	// +optional
	URL string `json:"url,omitempty"`

	// Number is the pull request's number (a GitLab merge request's iid).
	// +optional
	Number int `json:"number,omitempty"`

	// State is open, merged or closed.
	// +kubebuilder:validation:Enum=open;merged;closed
	// +optional
	State string `json:"state,omitempty"`

	// Branch is the branch the pull request is opened from.
	// +optional
	Branch string `json:"branch,omitempty"`
}

// ImageUpdateAutomationStatus is the observed state of an ImageUpdateAutomation.
type ImageUpdateAutomationStatus struct {
	// ObservedGeneration is the generation of the spec the status was computed from.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// Conditions holds the Ready, Reconciling and Stalled conditions.
	// +optional
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// LastAutomationRunTime is when the last run started, whether or not it changed
	// anything.
	// +optional
	LastAutomationRunTime *metav1.Time `json:"lastAutomationRunTime,omitempty"`

	// LastPushCommit is the full SHA of the last commit this automation pushed.
	// +optional
	LastPushCommit string `json:"lastPushCommit,omitempty"`

	// LastPushTime is when this automation last pushed.
	// +optional
	LastPushTime *metav1.Time `json:"lastPushTime,omitempty"`

	// ObservedPolicies are the policies, and their latestRefs, applied by the last run.
	// +optional
	ObservedPolicies ObservedPolicies `json:"observedPolicies,omitempty"`

	// ObservedSourceRevision is the checked-out revision seen by the last run, as
	// branch@sha1:hash.
	// +optional
	ObservedSourceRevision string `json:"observedSourceRevision,omitempty"`

	// PullRequest (tagflow addition) is the pull request opened or updated by the last
	// run with git.pullRequest.
	// +optional
	PullRequest *PullRequestStatus `json:"pullRequest,omitempty"`

	ReconcileRequestStatus `json:",inline"`
}

// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=iua;imgupd;imgauto;tfupd,categories=tagflow
// +kubebuilder:printcolumn:name="Last run",type=date,JSONPath=`.status.lastAutomationRunTime`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Status",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].message`
// +kubebuilder:printcolumn:name="Last push",type=date,JSONPath=`.status.lastPushTime`,priority=1
// +kubebuilder:printcolumn:name="Pull request",type=string,JSONPath=`.status.pullRequest.url`,priority=1
// +kubebuilder:printcolumn:name="Suspended",type=boolean,JSONPath=`.spec.suspend`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
// +kubebuilder:metadata:annotations="kustomize.toolkit.fluxcd.io/substitute=disabled"

// ImageUpdateAutomation writes the latest images chosen by ImagePolicies into the marked
// fields of the manifests in a Git repository, then commits and pushes (or opens a pull
// request).
type ImageUpdateAutomation struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec says what to update and how to commit and push.
	// +required
	Spec ImageUpdateAutomationSpec `json:"spec"`

	// Status is the result of the last runs.
	// +kubebuilder:default={"observedGeneration":-1}
	// +optional
	Status ImageUpdateAutomationStatus `json:"status,omitempty"`
}

// GetRequeueAfter returns the time until the next run: spec.interval.
func (in *ImageUpdateAutomation) GetRequeueAfter() time.Duration {
	return in.Spec.Interval.Duration
}

// GetUpdateStrategy returns spec.update, or the Setters strategy over the repository root
// when it is absent or its strategy is empty.
func (in *ImageUpdateAutomation) GetUpdateStrategy() UpdateStrategy {
	u := UpdateStrategy{Strategy: UpdateStrategySetters}
	if in.Spec.Update != nil {
		u.Path = in.Spec.Update.Path
		if in.Spec.Update.Strategy != "" {
			u.Strategy = in.Spec.Update.Strategy
		}
	}
	return u
}

// GetConditions returns the status conditions.
func (in *ImageUpdateAutomation) GetConditions() []metav1.Condition {
	return in.Status.Conditions
}

// SetConditions replaces the status conditions.
func (in *ImageUpdateAutomation) SetConditions(conditions []metav1.Condition) {
	in.Status.Conditions = conditions
}

// +kubebuilder:object:root=true

// ImageUpdateAutomationList is a list of ImageUpdateAutomations.
type ImageUpdateAutomationList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	// Items holds the ImageUpdateAutomations.
	Items []ImageUpdateAutomation `json:"items"`
}
