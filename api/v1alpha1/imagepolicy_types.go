package v1alpha1

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// DefaultDigestInterval is the interval of a policy with digestReflectionPolicy Always and
// no spec.interval, as in Flux.
const DefaultDigestInterval = 10 * time.Minute

// ImagePolicySpec says which ImageRepository to read tags from and how to choose one.
// +kubebuilder:validation:XValidation:rule="!has(self.interval) || (has(self.digestReflectionPolicy) && self.digestReflectionPolicy == 'Always')",message="spec.interval is only accepted when spec.digestReflectionPolicy is Always"
// +kubebuilder:validation:XValidation:rule="has(self.interval) || !has(self.digestReflectionPolicy) || self.digestReflectionPolicy != 'Always'",message="spec.interval must be set when spec.digestReflectionPolicy is Always"
type ImagePolicySpec struct {
	// ImageRepositoryRef names the ImageRepository whose tags the policy chooses from. A
	// repository in another namespace must allow it with its spec.accessFrom.
	// +required
	ImageRepositoryRef NamespacedObjectReference `json:"imageRepositoryRef"`

	// Policy says how tags are ordered to choose the latest one.
	// +required
	Policy ImagePolicyChoice `json:"policy"`

	// FilterTags keeps only the tags matching a pattern, and optionally orders them by a
	// value extracted from each. When absent, every tag is a candidate.
	// +optional
	FilterTags *TagFilter `json:"filterTags,omitempty"`

	// DigestReflectionPolicy says when status.latestRef.digest is set: Never (always
	// empty), IfNotPresent (looked up when the chosen tag changes or the digest is empty,
	// then kept, pinning the tag's content), or Always (looked up at every spec.interval,
	// following a mutable tag such as latest). The default is Never.
	// +kubebuilder:default=Never
	// +optional
	DigestReflectionPolicy ReflectionPolicy `json:"digestReflectionPolicy,omitempty"`

	// Interval is the time between digest lookups. It is required with, and only accepted
	// with, digestReflectionPolicy Always; otherwise the policy is evaluated only when the
	// repository's tags change.
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:Pattern="^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$"
	// +optional
	Interval *metav1.Duration `json:"interval,omitempty"`

	// Suspend stops further evaluations until it is set to false again.
	// +optional
	Suspend bool `json:"suspend,omitempty"`

	// Platforms (tagflow addition) keeps only tags whose image index lists every one of
	// these platforms, written os/arch or os/arch/variant (linux/amd64, linux/arm64/v8). A
	// tag that points at a single-platform manifest matches only that platform. Checking
	// a tag costs a manifest request, so only the best candidates are checked, best first.
	// +kubebuilder:validation:MaxItems=16
	// +kubebuilder:validation:items:Pattern="^[a-z0-9]+/[a-z0-9_]+(/[a-z0-9.]+)?$"
	// +listType=set
	// +optional
	Platforms []string `json:"platforms,omitempty"`

	// MinAge (tagflow addition) keeps only tags that the ImageRepository first saw at least
	// this long ago, so that a freshly pushed tag waits before it is rolled out. Tag age is
	// the time tagflow first listed the tag, not the image's build time.
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:Pattern="^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$"
	// +optional
	MinAge *metav1.Duration `json:"minAge,omitempty"`
}

// ReflectionPolicy says when a value is read from the registry into a status field.
// +kubebuilder:validation:Enum=Always;IfNotPresent;Never
type ReflectionPolicy string

const (
	// ReflectAlways reads the value at every interval, replacing the stored one.
	ReflectAlways ReflectionPolicy = "Always"
	// ReflectIfNotPresent reads the value when it is missing or the image changed, and
	// keeps it otherwise.
	ReflectIfNotPresent ReflectionPolicy = "IfNotPresent"
	// ReflectNever never reads the value.
	ReflectNever ReflectionPolicy = "Never"
)

// ImagePolicyChoice holds exactly one way of ordering tags.
// +kubebuilder:validation:XValidation:rule="[has(self.semver), has(self.alphabetical), has(self.numerical)].filter(x, x).size() == 1",message="exactly one of semver, alphabetical and numerical must be set"
type ImagePolicyChoice struct {
	// SemVer chooses the highest semantic version within a range.
	// +optional
	SemVer *SemVerPolicy `json:"semver,omitempty"`

	// Alphabetical orders tags byte by byte.
	// +optional
	Alphabetical *AlphabeticalPolicy `json:"alphabetical,omitempty"`

	// Numerical orders tags as numbers.
	// +optional
	Numerical *NumericalPolicy `json:"numerical,omitempty"`
}

// SemVerPolicy chooses the highest semantic version within a range. Only tags with three
// dot-separated numbers count (a leading v is allowed); prereleases count only when the
// range has a prerelease part (such as >=1.0.0-0).
type SemVerPolicy struct {
	// Range is a Masterminds/semver v3 constraint, such as ^1.2, ~1.2.3 or >=1.0.0 <2.0.0.
	// +kubebuilder:validation:MinLength=1
	// +required
	Range string `json:"range"`
}

// Sort orders of AlphabeticalPolicy and NumericalPolicy.
const (
	// OrderAsc chooses the greatest tag.
	OrderAsc = "asc"
	// OrderDesc chooses the least tag.
	OrderDesc = "desc"
)

// AlphabeticalPolicy orders tags byte by byte (so 9 sorts after 10: use fixed-width tags
// such as RFC 3339 timestamps).
type AlphabeticalPolicy struct {
	// Order is asc to choose the greatest tag (z over a), or desc to choose the least. The
	// default is asc.
	// +kubebuilder:validation:Enum=asc;desc
	// +kubebuilder:default=asc
	// +optional
	Order string `json:"order,omitempty"`
}

// NumericalPolicy orders tags as floating-point numbers. A tag that is not a number is an
// error: use filterTags to keep (or extract) numbers only.
type NumericalPolicy struct {
	// Order is asc to choose the greatest number, or desc to choose the least. The default
	// is asc.
	// +kubebuilder:validation:Enum=asc;desc
	// +kubebuilder:default=asc
	// +optional
	Order string `json:"order,omitempty"`
}

// TagFilter keeps the tags matching a pattern, and optionally orders them by a value
// extracted from each.
type TagFilter struct {
	// Pattern is a Go RE2 regular expression, unanchored: use ^ and $ to match whole tags.
	// An empty pattern matches every tag.
	// +optional
	Pattern string `json:"pattern,omitempty"`

	// Extract is a regexp.Expand template over Pattern's groups ($1, ${name}); its value,
	// not the tag, is what the policy orders. The chosen tag is still reported whole.
	// +optional
	Extract string `json:"extract,omitempty"`
}

// ImagePolicyStatus is the observed state of an ImagePolicy.
type ImagePolicyStatus struct {
	// ObservedGeneration is the generation of the spec the status was computed from.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// Conditions holds the Ready, Reconciling and Stalled conditions.
	// +optional
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// LatestRef is the chosen image. When no tag matches, the previous choice is kept and
	// Ready is False.
	// +optional
	LatestRef *ImageRef `json:"latestRef,omitempty"`

	// ObservedPreviousRef is the choice before LatestRef, set when LatestRef changes.
	// +optional
	ObservedPreviousRef *ImageRef `json:"observedPreviousRef,omitempty"`

	// Explanation (tagflow addition) says how LatestRef was chosen: how many tags were
	// read, which were dropped and why, and the best remaining candidates.
	// +optional
	Explanation *Explanation `json:"explanation,omitempty"`

	ReconcileRequestStatus `json:",inline"`
}

// Explanation says how a policy chose its tag (tagflow addition). Lists are bounded, so
// the status stays small with repositories of many thousands of tags.
type Explanation struct {
	// Message is a one-sentence summary of the decision.
	// +optional
	Message string `json:"message,omitempty"`

	// TagCount is the number of tags read from the ImageRepository.
	TagCount int `json:"tagCount"`

	// CandidateCount is the number of tags left after every filter, ordered by the policy.
	CandidateCount int `json:"candidateCount"`

	// Candidates are the best candidates, best first, the chosen tag first of all (at most
	// five).
	// +optional
	Candidates []Candidate `json:"candidates,omitempty"`

	// Dropped counts the tags that were not candidates, per reason.
	// +optional
	Dropped []DroppedTags `json:"dropped,omitempty"`
}

// Candidate is a tag the policy ordered.
type Candidate struct {
	// Tag is the tag as listed by the registry.
	Tag string `json:"tag"`

	// Value is what the policy ordered when it differs from Tag (the filterTags.extract
	// result).
	// +optional
	Value string `json:"value,omitempty"`
}

// DroppedTags counts the tags dropped for one reason.
type DroppedTags struct {
	// Reason says why, such as FilterTags (pattern did not match), NotSemver, OutOfRange,
	// Prerelease, NotANumber, ExtractCollision, Platforms or MinAge.
	Reason string `json:"reason"`

	// Count is the number of tags dropped for this reason.
	Count int `json:"count"`

	// Examples are some of those tags (at most five).
	// +optional
	Examples []string `json:"examples,omitempty"`
}

// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=imgpol;imagepol;tfpol,categories=tagflow
// +kubebuilder:printcolumn:name="ImageRepository",type=string,JSONPath=`.spec.imageRepositoryRef.name`
// +kubebuilder:printcolumn:name="Image",type=string,JSONPath=`.status.latestRef.name`
// +kubebuilder:printcolumn:name="Tag",type=string,JSONPath=`.status.latestRef.tag`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Status",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].message`
// +kubebuilder:printcolumn:name="Digest",type=string,JSONPath=`.status.latestRef.digest`,priority=1
// +kubebuilder:printcolumn:name="Suspended",type=boolean,JSONPath=`.spec.suspend`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`

// ImagePolicy chooses the latest image tag of an ImageRepository by a policy (semver,
// alphabetical or numerical), for ImageUpdateAutomations to write into Git.
type ImagePolicy struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec says which tags to choose from and how.
	// +required
	Spec ImagePolicySpec `json:"spec"`

	// Status is the chosen image and how it was chosen.
	// +kubebuilder:default={"observedGeneration":-1}
	// +optional
	Status ImagePolicyStatus `json:"status,omitempty"`
}

// GetDigestReflectionPolicy returns spec.digestReflectionPolicy, or ReflectNever when it is
// empty.
func (in *ImagePolicy) GetDigestReflectionPolicy() ReflectionPolicy {
	if in.Spec.DigestReflectionPolicy == "" {
		return ReflectNever
	}
	return in.Spec.DigestReflectionPolicy
}

// GetInterval returns the time between digest lookups: spec.interval (or
// DefaultDigestInterval) with digestReflectionPolicy Always, and zero otherwise (the policy
// is evaluated only when tags change).
func (in *ImagePolicy) GetInterval() time.Duration {
	if in.GetDigestReflectionPolicy() != ReflectAlways {
		return 0
	}
	if in.Spec.Interval == nil || in.Spec.Interval.Duration == 0 {
		return DefaultDigestInterval
	}
	return in.Spec.Interval.Duration
}

// GetConditions returns the status conditions.
func (in *ImagePolicy) GetConditions() []metav1.Condition {
	return in.Status.Conditions
}

// SetConditions replaces the status conditions.
func (in *ImagePolicy) SetConditions(conditions []metav1.Condition) {
	in.Status.Conditions = conditions
}

// +kubebuilder:object:root=true

// ImagePolicyList is a list of ImagePolicies.
type ImagePolicyList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	// Items holds the ImagePolicies.
	Items []ImagePolicy `json:"items"`
}
