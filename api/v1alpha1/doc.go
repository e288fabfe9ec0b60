// Package v1alpha1 holds the image.tagflow.dev/v1alpha1 API types: ImageRepository,
// ImagePolicy and ImageUpdateAutomation. They keep the field names and meanings of Flux's
// image.toolkit.fluxcd.io/v1 kinds, plus tagflow's additions.
//
// +kubebuilder:object:generate=true
// +groupName=image.tagflow.dev
package v1alpha1
