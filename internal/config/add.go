package config

import (
	"fmt"

	"github.com/tagflow/tagflow/api/v1alpha1"
)

// add defaults and validates a decoded object and adds it to s, and returns the errors
// found while decoding and validating it. The object is added even when it is invalid, so
// that references to it are not reported as missing too.
func (s *Set) add(o origin, obj object, decodeErrs []error) []error {
	if err := checkMeta(o.key.kind, obj); err != nil {
		s.broken[o.key] = true
		return append(decodeErrs, err)
	}
	if first, dup := s.origins[o.key]; dup {
		return append(decodeErrs, fmt.Errorf("duplicate %s, first defined in %s", o.object, first))
	}
	s.objects[o.key] = obj
	s.origins[o.key] = o
	return append(decodeErrs, s.append(obj)...)
}

// append defaults and validates obj and appends it to its list.
func (s *Set) append(obj object) []error {
	switch obj := obj.(type) {
	case *v1alpha1.ImageRepository:
		s.Repositories = append(s.Repositories, obj)
		return validateRepository(obj)
	case *v1alpha1.ImagePolicy:
		s.Policies = append(s.Policies, obj)
		return validatePolicy(obj)
	case *v1alpha1.ImageUpdateAutomation:
		s.Automations = append(s.Automations, obj)
		return validateAutomation(obj)
	case *GitRepository:
		s.GitRepositories = append(s.GitRepositories, obj)
		return validateGitRepository(obj)
	case *Secret:
		mergeStringData(obj)
		s.Secrets = append(s.Secrets, obj)
	case *Namespace:
		s.Namespaces = append(s.Namespaces, obj)
	}
	return nil
}

// checkMeta requires a name and defaults the namespace of namespaced kinds.
func checkMeta(kind string, obj object) error {
	if obj.GetName() == "" {
		return fieldErrorf("metadata.name", "required")
	}
	if kind == KindNamespace {
		if obj.GetNamespace() != "" {
			return fieldErrorf("metadata.namespace", "must be empty: a Namespace has no namespace")
		}
		return nil
	}
	if obj.GetNamespace() == "" {
		obj.SetNamespace(DefaultNamespace)
	}
	return nil
}

// mergeStringData moves StringData into Data, as the API server does on write.
func mergeStringData(s *Secret) {
	if len(s.StringData) == 0 {
		return
	}
	if s.Data == nil {
		s.Data = make(map[string][]byte, len(s.StringData))
	}
	for k, v := range s.StringData {
		s.Data[k] = []byte(v)
	}
	s.StringData = nil
}
