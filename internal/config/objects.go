package config

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tagflow/tagflow/api/v1alpha1"
)

// GitRepository is the part of Flux's source.toolkit.fluxcd.io/v1 GitRepository that image
// automation uses: where the repository is, how to authenticate, and which ref to check out.
type GitRepository struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec GitRepositorySpec `json:"spec"`
}

// GitRepositorySpec is the spec of a GitRepository.
type GitRepositorySpec struct {
	// URL is the repository URL: https://, http://, ssh://, scp-like git@host:path, or file://.
	URL string `json:"url"`
	// SecretRef names a Secret in the same namespace with the credentials: username and
	// password, bearerToken, or identity and known_hosts, and optionally ca.crt.
	SecretRef *v1alpha1.LocalObjectReference `json:"secretRef,omitempty"`
	// ProxySecretRef names a Secret in the same namespace with the proxy to reach the
	// repository through: address, and optionally username and password.
	ProxySecretRef *v1alpha1.LocalObjectReference `json:"proxySecretRef,omitempty"`
	// Interval is how often source-controller fetches the repository. tagflow accepts it for
	// compatibility and does not use it.
	Interval metav1.Duration `json:"interval,omitempty"`
	// Timeout bounds each Git operation. The default is 60s.
	Timeout *metav1.Duration `json:"timeout,omitempty"`
	// Reference is the ref to check out when the automation does not name one. When
	// several are set the most specific wins: commit, then name, then tag, then semver,
	// then branch.
	Reference *v1alpha1.GitRepositoryRef `json:"ref,omitempty"`
	// Ignore is source-controller's artifact ignore list; tagflow accepts and ignores it.
	Ignore *string `json:"ignore,omitempty"`
	// Suspend is accepted for compatibility; a GitRepository is only read, never reconciled.
	Suspend bool `json:"suspend,omitempty"`
}

// Secret is a Kubernetes v1 Secret as written in a file. StringData is merged into Data
// when the Secret is loaded, so readers only look at Data.
type Secret struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Type is the Secret type, such as kubernetes.io/dockerconfigjson. It is not checked.
	Type string `json:"type,omitempty"`
	// Data holds base64-encoded values in the file, decoded once loaded.
	Data map[string][]byte `json:"data,omitempty"`
	// StringData holds plain values; a key here overrides the same key in Data.
	StringData map[string]string `json:"stringData,omitempty"`
	// Immutable is accepted for compatibility and has no effect.
	Immutable *bool `json:"immutable,omitempty"`
}

// Namespace is a Kubernetes v1 Namespace. Only its labels matter: an ImageRepository's
// accessFrom selects namespaces by label. A namespace that is not declared has no labels.
type Namespace struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
}
