package v1alpha1

import "fmt"

// LocalObjectReference names an object in the namespace of the object that holds the
// reference, usually a Secret.
type LocalObjectReference struct {
	// Name is the name of the referent.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +required
	Name string `json:"name"`
}

// NamespacedObjectReference names an object that may live in another namespace.
type NamespacedObjectReference struct {
	// Name is the name of the referent.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +required
	Name string `json:"name"`

	// Namespace is the namespace of the referent. The default is the namespace of the
	// object that holds the reference.
	// +kubebuilder:validation:MaxLength=63
	// +optional
	Namespace string `json:"namespace,omitempty"`
}

// String returns "namespace/name", or "name" when the namespace is empty.
func (r NamespacedObjectReference) String() string {
	if r.Namespace == "" {
		return r.Name
	}
	return r.Namespace + "/" + r.Name
}

// CrossNamespaceSourceReference names the Flux source an ImageUpdateAutomation pushes to.
type CrossNamespaceSourceReference struct {
	// APIVersion is the API version of the referent. The default is
	// source.toolkit.fluxcd.io/v1.
	// +optional
	APIVersion string `json:"apiVersion,omitempty"`

	// Kind is the kind of the referent. Only GitRepository is supported.
	// +kubebuilder:validation:Enum=GitRepository
	// +kubebuilder:default=GitRepository
	// +required
	Kind string `json:"kind"`

	// Name is the name of the referent.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +required
	Name string `json:"name"`

	// Namespace is the namespace of the referent. The default is the namespace of the
	// ImageUpdateAutomation.
	// +kubebuilder:validation:MaxLength=63
	// +optional
	Namespace string `json:"namespace,omitempty"`
}

// String returns "Kind/namespace/name", or "Kind/name" when the namespace is empty.
func (r CrossNamespaceSourceReference) String() string {
	if r.Namespace == "" {
		return fmt.Sprintf("%s/%s", r.Kind, r.Name)
	}
	return fmt.Sprintf("%s/%s/%s", r.Kind, r.Namespace, r.Name)
}

// AccessFrom is an access control list: it says which namespaces may refer to an object
// from outside its own namespace, as Flux's acl.AccessFrom.
type AccessFrom struct {
	// NamespaceSelectors lists label selectors over namespaces. A reference is allowed when
	// the referring object's namespace matches any of them. An empty selector (matchLabels
	// absent or {}) matches every namespace.
	// +required
	NamespaceSelectors []NamespaceSelector `json:"namespaceSelectors"`
}

// NamespaceSelector selects namespaces by their labels.
type NamespaceSelector struct {
	// MatchLabels is a map of label keys and values; a namespace matches when it has all of
	// them. An empty map matches every namespace.
	// +optional
	MatchLabels map[string]string `json:"matchLabels,omitempty"`
}

// ImageRef is an image reference split into its parts.
type ImageRef struct {
	// Name is the image repository, as written in the ImageRepository's spec.image.
	// +required
	Name string `json:"name"`

	// Tag is the image tag, as listed by the registry (before any filterTags extraction).
	// +required
	Tag string `json:"tag"`

	// Digest is the digest of the manifest (or image index) the tag points at, when the
	// policy's digestReflectionPolicy asks for it.
	// +optional
	Digest string `json:"digest,omitempty"`
}

// String returns the reference as name:tag, or name:tag@digest when the digest is known.
func (r ImageRef) String() string {
	s := r.Name + ":" + r.Tag
	if r.Digest != "" {
		s += "@" + r.Digest
	}
	return s
}
