package config

import (
	"fmt"

	"github.com/tagflow/tagflow/api/v1alpha1"
)

// Set is a loaded configuration: every object, in the order the files and documents were
// read, and lookups that resolve the references between them.
type Set struct {
	// Namespaces are the declared namespaces; undeclared ones exist with no labels.
	Namespaces []*Namespace
	// Secrets are the Secrets, with StringData merged into Data.
	Secrets []*Secret
	// GitRepositories are the Flux GitRepositories.
	GitRepositories []*GitRepository
	// Repositories are the ImageRepositories.
	Repositories []*v1alpha1.ImageRepository
	// Policies are the ImagePolicies.
	Policies []*v1alpha1.ImagePolicy
	// Automations are the ImageUpdateAutomations.
	Automations []*v1alpha1.ImageUpdateAutomation

	objects map[objectKey]object
	origins map[objectKey]origin
	// broken holds objects whose document could not be decoded: references to them are
	// not reported again as missing.
	broken map[objectKey]bool
	// reported holds the field paths of the problems found while loading each object, so
	// that converting it does not report them again.
	reported map[objectKey][]string
}

// objectKey identifies an object by kind, namespace and name.
type objectKey struct {
	kind, namespace, name string
}

// origin is where an object was read.
type origin struct {
	file     string
	document int
	// object describes the object as "Kind namespace/name" for messages.
	object string
	key    objectKey
}

func (o origin) String() string {
	return fmt.Sprintf("%s: document %d", o.file, o.document)
}

func newSet() *Set {
	return &Set{
		objects:  map[objectKey]object{},
		origins:  map[objectKey]origin{},
		broken:   map[objectKey]bool{},
		reported: map[objectKey][]string{},
	}
}

// Origin says where the object of the given kind, namespace and name was read, as
// "FILE: document N", or "" when the set does not hold it.
func (s *Set) Origin(kind, namespace, name string) string {
	o, ok := s.origins[objectKey{kind: kind, namespace: namespace, name: name}]
	if !ok {
		return ""
	}
	return o.String()
}

// Secret returns the Secret namespace/name.
func (s *Set) Secret(namespace, name string) (*Secret, bool) {
	return lookup[*Secret](s, KindSecret, namespace, name)
}

// GitRepository returns the GitRepository namespace/name.
func (s *Set) GitRepository(namespace, name string) (*GitRepository, bool) {
	return lookup[*GitRepository](s, KindGitRepository, namespace, name)
}

// Repository returns the ImageRepository namespace/name.
func (s *Set) Repository(namespace, name string) (*v1alpha1.ImageRepository, bool) {
	return lookup[*v1alpha1.ImageRepository](s, KindImageRepository, namespace, name)
}

// Policy returns the ImagePolicy namespace/name.
func (s *Set) Policy(namespace, name string) (*v1alpha1.ImagePolicy, bool) {
	return lookup[*v1alpha1.ImagePolicy](s, KindImagePolicy, namespace, name)
}

// NamespaceLabels returns the labels of a declared Namespace, or nil when it has none or
// is not declared.
func (s *Set) NamespaceLabels(name string) map[string]string {
	ns, ok := lookup[*Namespace](s, KindNamespace, "", name)
	if !ok {
		return nil
	}
	return ns.Labels
}

func lookup[T object](s *Set, kind, namespace, name string) (T, bool) {
	obj, ok := s.objects[objectKey{kind: kind, namespace: namespace, name: name}].(T)
	return obj, ok
}
