package v1alpha1

import (
	"slices"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// DefaultExclusionList is the exclusion list used when spec.exclusionList is empty: it
// drops cosign signature tags.
var DefaultExclusionList = []string{`^.*\.sig$`}

// Registry providers of spec.provider.
const (
	// GenericProvider authenticates with spec.secretRef or the service account's image pull
	// secrets.
	GenericProvider = "generic"
	// AWSProvider logs in to Amazon ECR with the controller's (or the service account's)
	// AWS identity.
	AWSProvider = "aws"
	// AzureProvider logs in to Azure Container Registry with an Azure identity.
	AzureProvider = "azure"
	// GCPProvider logs in to Google Artifact Registry or GCR with a Google identity.
	GCPProvider = "gcp"
)

// minScanTimeout is the shortest timeout GetTimeout returns, as in Flux.
const minScanTimeout = time.Second

// ImageRepositorySpec says which image repository to scan, how, and how often.
type ImageRepositorySpec struct {
	// Image is the image repository to scan, without scheme, tag or digest, such as
	// ghcr.io/org/app or alpine (which means index.docker.io/library/alpine).
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=1024
	// +kubebuilder:validation:XValidation:rule="!self.contains('://')",message="image must not include a URL scheme"
	// +kubebuilder:validation:XValidation:rule="!self.contains('@')",message="image must not include a digest"
	// +kubebuilder:validation:XValidation:rule="!self.contains(':') || self.lastIndexOf(':') < self.lastIndexOf('/')",message="image must not include a tag"
	// +required
	Image string `json:"image"`

	// Interval is the time between two scans of the repository.
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:Pattern="^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$"
	// +required
	Interval metav1.Duration `json:"interval"`

	// Timeout bounds authentication and scanning (and the digest lookups of the policies
	// that use this repository). The default is the interval, and at least one second.
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:Pattern="^([0-9]+(\\.[0-9]+)?(ms|s|m))+$"
	// +optional
	Timeout *metav1.Duration `json:"timeout,omitempty"`

	// SecretRef names a Secret of type kubernetes.io/dockerconfigjson (as made by
	// `kubectl create secret docker-registry`) holding the registry credentials. It is
	// used only with the generic provider.
	// +optional
	SecretRef *LocalObjectReference `json:"secretRef,omitempty"`

	// CertSecretRef names a Secret (type Opaque or kubernetes.io/tls) holding a PEM CA
	// certificate in ca.crt, added to the system roots, and/or a PEM client certificate and
	// key in tls.crt and tls.key for mutual TLS.
	// +optional
	CertSecretRef *LocalObjectReference `json:"certSecretRef,omitempty"`

	// ProxySecretRef names a Secret holding the proxy to reach the registry through: the
	// proxy URL in address (http, https or socks5) and optionally username and password.
	// +optional
	ProxySecretRef *LocalObjectReference `json:"proxySecretRef,omitempty"`

	// ServiceAccountName names a service account in the same namespace: with the generic
	// provider its image pull secrets are used as credentials; with a cloud provider its
	// workload identity is used.
	// +kubebuilder:validation:MaxLength=253
	// +optional
	ServiceAccountName string `json:"serviceAccountName,omitempty"`

	// Provider selects how to log in to the registry: generic (spec.secretRef or the
	// service account's pull secrets), or the cloud provider's automatic login (aws, azure,
	// gcp). The default is generic.
	// +kubebuilder:validation:Enum=generic;aws;azure;gcp
	// +kubebuilder:default=generic
	// +optional
	Provider string `json:"provider,omitempty"`

	// Insecure allows a registry served over plain HTTP.
	// +optional
	Insecure bool `json:"insecure,omitempty"`

	// ExclusionList holds regular expressions (Go RE2, unanchored); a tag matching any of
	// them is dropped before it is stored. A list given here replaces the default
	// ["^.*\\.sig$"] (cosign signatures), so add that entry again to keep it.
	// +kubebuilder:default={"^.*\\.sig$"}
	// +kubebuilder:validation:MaxItems=25
	// +optional
	ExclusionList []string `json:"exclusionList,omitempty"`

	// AccessFrom says which other namespaces may refer to this repository from an
	// ImagePolicy. When absent, only policies in the same namespace may.
	// +optional
	AccessFrom *AccessFrom `json:"accessFrom,omitempty"`

	// Suspend stops further scans until it is set to false again; a scan in progress
	// finishes.
	// +optional
	Suspend bool `json:"suspend,omitempty"`

	// Webhook (tagflow addition) enables a receiver for the registry's push notifications
	// (Docker Distribution notifications, Docker Hub, GHCR, Harbor, Quay or a generic HMAC
	// signed request): a notification for this image triggers an immediate scan. Polling
	// at spec.interval continues as a safety net. The receiver's URL path is reported in
	// status.webhookPath.
	// +optional
	Webhook *WebhookReceiver `json:"webhook,omitempty"`
}

// WebhookReceiver configures the registry webhook receiver of an ImageRepository
// (tagflow addition).
type WebhookReceiver struct {
	// SecretRef names a Secret in the same namespace whose key token authenticates
	// notifications: it is part of the receiver's URL path, and it is the HMAC key for
	// registries that sign their requests.
	// +required
	SecretRef LocalObjectReference `json:"secretRef"`
}

// ScanResult describes the last successful scan.
type ScanResult struct {
	// Revision identifies the stored tag set: it changes only when the set of tags
	// changes, and policies are re-evaluated only then.
	// +optional
	Revision string `json:"revision,omitempty"`

	// TagCount is the number of tags stored by the last scan, after exclusions.
	TagCount int `json:"tagCount"`

	// ScanTime is when the last scan finished.
	// +optional
	ScanTime metav1.Time `json:"scanTime,omitempty"`

	// LatestTags is a sample of the stored tags: the first ten in descending string order
	// (not by time).
	// +optional
	LatestTags []string `json:"latestTags,omitempty"`
}

// ImageRepositoryStatus is the observed state of an ImageRepository.
type ImageRepositoryStatus struct {
	// ObservedGeneration is the generation of the spec the status was computed from.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// Conditions holds the Ready, Reconciling and Stalled conditions.
	// +optional
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// CanonicalImageName is spec.image with the implied parts made explicit, such as
	// index.docker.io/library/alpine for alpine.
	// +optional
	CanonicalImageName string `json:"canonicalImageName,omitempty"`

	// LastScanResult describes the last successful scan. A failed scan leaves it (and the
	// stored tags) unchanged.
	// +optional
	LastScanResult *ScanResult `json:"lastScanResult,omitempty"`

	// ObservedExclusionList is the exclusion list used by the last scan; changing
	// spec.exclusionList triggers a scan.
	// +optional
	ObservedExclusionList []string `json:"observedExclusionList,omitempty"`

	// WebhookPath (tagflow addition) is the URL path of the registry webhook receiver,
	// set when spec.webhook is.
	// +optional
	WebhookPath string `json:"webhookPath,omitempty"`

	ReconcileRequestStatus `json:",inline"`
}

// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=imgrepo;imagerepo;tfrepo,categories=tagflow
// +kubebuilder:printcolumn:name="Image",type=string,JSONPath=`.spec.image`
// +kubebuilder:printcolumn:name="Tags",type=integer,JSONPath=`.status.lastScanResult.tagCount`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Status",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].message`
// +kubebuilder:printcolumn:name="Last scan",type=date,JSONPath=`.status.lastScanResult.scanTime`,priority=1
// +kubebuilder:printcolumn:name="Suspended",type=boolean,JSONPath=`.spec.suspend`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`

// ImageRepository scans an image repository for tags at an interval (and on registry
// webhooks) and stores them for the ImagePolicies that refer to it.
type ImageRepository struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec says what to scan and how.
	// +required
	Spec ImageRepositorySpec `json:"spec"`

	// Status is the result of the last scans.
	// +kubebuilder:default={"observedGeneration":-1}
	// +optional
	Status ImageRepositoryStatus `json:"status,omitempty"`
}

// GetTimeout returns spec.timeout, else spec.interval, and at least one second.
func (in *ImageRepository) GetTimeout() time.Duration {
	d := in.Spec.Interval.Duration
	if in.Spec.Timeout != nil {
		d = in.Spec.Timeout.Duration
	}
	return max(d, minScanTimeout)
}

// GetExclusionList returns spec.exclusionList, or a copy of DefaultExclusionList when it is
// empty (a runtime without the CRD's defaulting, such as the standalone daemon, relies on it).
func (in *ImageRepository) GetExclusionList() []string {
	if len(in.Spec.ExclusionList) > 0 {
		return in.Spec.ExclusionList
	}
	return slices.Clone(DefaultExclusionList)
}

// GetProvider returns spec.provider, or GenericProvider when it is empty.
func (in *ImageRepository) GetProvider() string {
	if in.Spec.Provider == "" {
		return GenericProvider
	}
	return in.Spec.Provider
}

// GetRequeueAfter returns the time until the next scan: spec.interval.
func (in *ImageRepository) GetRequeueAfter() time.Duration {
	return in.Spec.Interval.Duration
}

// GetConditions returns the status conditions.
func (in *ImageRepository) GetConditions() []metav1.Condition {
	return in.Status.Conditions
}

// SetConditions replaces the status conditions.
func (in *ImageRepository) SetConditions(conditions []metav1.Condition) {
	in.Status.Conditions = conditions
}

// +kubebuilder:object:root=true

// ImageRepositoryList is a list of ImageRepositories.
type ImageRepositoryList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	// Items holds the ImageRepositories.
	Items []ImageRepository `json:"items"`
}
