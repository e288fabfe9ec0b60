package updater

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
)

// ObjectIdentifier names the Kubernetes object a change was made in. Documents that are not
// Kubernetes objects (Helm values, kustomize configs without metadata) have empty fields.
type ObjectIdentifier struct {
	APIVersion string
	Kind       string
	Namespace  string
	Name       string
}

// String returns "Kind namespace/name", or "Kind name" without a namespace.
func (id ObjectIdentifier) String() string {
	if id.Namespace == "" {
		return fmt.Sprintf("%s %s", id.Kind, id.Name)
	}
	return fmt.Sprintf("%s %s/%s", id.Kind, id.Namespace, id.Name)
}

func compareIDs(a, b ObjectIdentifier) int {
	return cmp.Or(cmp.Compare(a.APIVersion, b.APIVersion), cmp.Compare(a.Kind, b.Kind),
		cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
}

// Change is one rewritten field.
type Change struct {
	// OldValue is the value before the update.
	OldValue string
	// NewValue is the value after the update.
	NewValue string
	// Setter is the marker value, e.g. "apps:app:tag".
	Setter string
}

// ObjectChanges holds the changes made in each object, in file order within an object.
type ObjectChanges map[ObjectIdentifier][]Change

// IDs returns the objects in a deterministic order (apiVersion, kind, namespace, name).
func (oc ObjectChanges) IDs() []ObjectIdentifier {
	return slices.SortedFunc(maps.Keys(oc), compareIDs)
}

// Result is what an update changed and what it could not do. Its FileChanges, Objects and
// Changes have the shape of Flux's commit-message template data (.Changed).
type Result struct {
	// FileChanges maps a file, as a slash path relative to the checkout root, to its changes.
	FileChanges map[string]ObjectChanges
	// Problems lists what the update found and could not do, sorted by file and line.
	Problems []Problem
}

// Files returns the changed files, sorted.
func (r *Result) Files() []string {
	return slices.Sorted(maps.Keys(r.FileChanges))
}

// Objects returns the changes merged across files: an object found in two files has the
// changes of both, in file order.
func (r *Result) Objects() ObjectChanges {
	out := ObjectChanges{}
	for _, f := range r.Files() {
		oc := r.FileChanges[f]
		for _, id := range oc.IDs() {
			out[id] = append(out[id], oc[id]...)
		}
	}
	return out
}

// Changes returns every distinct change once, in the order of files, then objects, then
// position in the file.
func (r *Result) Changes() []Change {
	var out []Change
	seen := map[Change]bool{}
	for _, f := range r.Files() {
		oc := r.FileChanges[f]
		for _, id := range oc.IDs() {
			for _, c := range oc[id] {
				if !seen[c] {
					seen[c] = true
					out = append(out, c)
				}
			}
		}
	}
	return out
}

// add records a change made in file to object id.
func (r *Result) add(file string, id ObjectIdentifier, c Change) {
	if r.FileChanges == nil {
		r.FileChanges = map[string]ObjectChanges{}
	}
	oc := r.FileChanges[file]
	if oc == nil {
		oc = ObjectChanges{}
		r.FileChanges[file] = oc
	}
	oc[id] = append(oc[id], c)
}
