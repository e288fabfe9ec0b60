// Package config loads tagflow's standalone configuration: multi-document YAML files holding
// ImageRepository, ImagePolicy and ImageUpdateAutomation objects (apiVersion
// image.tagflow.dev/v1alpha1 or Flux's image.toolkit.fluxcd.io/v1), Flux GitRepository
// objects (source.toolkit.fluxcd.io/v1), and v1 Secrets and Namespaces.
//
// Load reads, defaults and validates every object, then resolves the references between
// them the way a cluster would: namespaces default to "default", secret references stay in
// their object's namespace, an ImagePolicy may name an ImageRepository in another namespace
// only when the repository's accessFrom allows it, and an ImageUpdateAutomation selects the
// ImagePolicies of its own namespace with its policySelector. Every problem is reported with
// the file, the document, the object and the field path, and all problems are reported at
// once.
package config
