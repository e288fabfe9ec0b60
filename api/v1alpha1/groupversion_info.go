package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Group is the API group of the tagflow image kinds.
const Group = "image.tagflow.dev"

// Version is the API version of the types in this package.
const Version = "v1alpha1"

// Kinds of the objects in this package, as written in the kind field.
const (
	// ImageRepositoryKind is the kind of ImageRepository.
	ImageRepositoryKind = "ImageRepository"
	// ImagePolicyKind is the kind of ImagePolicy.
	ImagePolicyKind = "ImagePolicy"
	// ImageUpdateAutomationKind is the kind of ImageUpdateAutomation.
	ImageUpdateAutomationKind = "ImageUpdateAutomation"
)

// Finalizer is the finalizer the controller puts on every object it reconciles, so that
// it can release what it holds for the object (stored tags, cached clones) on deletion.
const Finalizer = "finalizers.tagflow.dev"

var (
	// GroupVersion is the group and version of the types in this package.
	GroupVersion = schema.GroupVersion{Group: Group, Version: Version}

	// SchemeBuilder registers the types of this package with a runtime.Scheme.
	SchemeBuilder = runtime.NewSchemeBuilder(addKnownTypes)

	// AddToScheme adds the types of this package to a runtime.Scheme.
	AddToScheme = SchemeBuilder.AddToScheme
)

// addKnownTypes registers the three kinds and their lists, and the meta types (such as
// ListOptions) that clients need for this group version.
func addKnownTypes(s *runtime.Scheme) error {
	s.AddKnownTypes(GroupVersion,
		&ImageRepository{}, &ImageRepositoryList{},
		&ImagePolicy{}, &ImagePolicyList{},
		&ImageUpdateAutomation{}, &ImageUpdateAutomationList{},
	)
	metav1.AddToGroupVersion(s, GroupVersion)
	return nil
}
