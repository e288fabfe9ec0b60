package config

import (
	"errors"
	"fmt"
	"strings"

	"github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/internal/adapt"
)

// errBroken means a referenced object is in the configuration but is invalid; its own
// problem is reported already, so the reference is not reported again.
var errBroken = errors.New("the referenced object is invalid")

// resolve converts every object with the lookups below, which check the references and,
// through the adapt package, what the values mean. A problem at a field that loading
// reported already (or at a field inside or around it) is left out.
func (s *Set) resolve() []error {
	var errs []error
	for _, g := range s.GitRepositories {
		_, err := s.secretData("spec.secretRef", g.Namespace, g.Spec.SecretRef)
		_, proxyErr := s.secretData("spec.proxySecretRef", g.Namespace, g.Spec.ProxySecretRef)
		errs = append(errs, s.errorsOf(KindGitRepository, g, err, proxyErr)...)
	}
	for _, r := range s.Repositories {
		_, err := s.ScanFor(r)
		errs = append(errs, s.errorsOf(KindImageRepository, r, err)...)
	}
	for _, p := range s.Policies {
		_, err := s.SelectionFor(p)
		errs = append(errs, s.errorsOf(KindImagePolicy, p, err)...)
	}
	for _, a := range s.Automations {
		_, err := s.GitFor(a)
		_, selErr := s.PoliciesFor(a)
		errs = append(errs, s.errorsOf(KindImageUpdateAutomation, a, err, selErr)...)
	}
	return errs
}

// errorsOf places errs at the origin of obj, leaving out references to broken objects and
// problems at fields already reported.
func (s *Set) errorsOf(kind string, obj object, errs ...error) []error {
	key := objectKey{kind, obj.GetNamespace(), obj.GetName()}
	var out []error
	for _, err := range errorsAt(s.origins[key], errs...) {
		if errors.Is(err, errBroken) {
			continue
		}
		if e, ok := errors.AsType[*Error](err); ok && s.alreadyReported(key, e.Field) {
			continue
		}
		out = append(out, err)
	}
	return out
}

// alreadyReported reports whether a problem at field, or at a field inside or around it,
// was found while loading the object.
func (s *Set) alreadyReported(key objectKey, field string) bool {
	if field == "" {
		return false
	}
	for _, f := range s.reported[key] {
		if f == field || strings.HasPrefix(f, field+".") || strings.HasPrefix(field, f+".") ||
			strings.HasPrefix(f, field+"[") || strings.HasPrefix(field, f+"[") {
			return true
		}
	}
	return false
}

// find returns the object kind namespace/name, or an error at field saying it is missing.
func (s *Set) find(field, kind, namespace, name string) (object, error) {
	key := objectKey{kind, namespace, name}
	if obj, ok := s.objects[key]; ok {
		return obj, nil
	}
	err := fmt.Errorf("%s %s/%s not found", kind, namespace, name)
	if s.broken[key] {
		err = fmt.Errorf("%s %s/%s: %w", kind, namespace, name, errBroken)
	}
	return nil, &adapt.FieldError{Field: field, Err: err}
}

// secretData returns the data of the Secret that ref names in namespace: nil when ref is
// nil, and never nil when the Secret exists.
func (s *Set) secretData(field, namespace string, ref *v1alpha1.LocalObjectReference) (map[string][]byte, error) {
	if ref == nil || ref.Name == "" {
		return nil, nil
	}
	obj, err := s.find(field, KindSecret, namespace, ref.Name)
	if err != nil {
		return nil, err
	}
	data := obj.(*Secret).Data
	if data == nil {
		data = map[string][]byte{}
	}
	return data, nil
}

// ScanFor converts an ImageRepository of the set, with its Secrets, into scanner settings.
func (s *Set) ScanFor(r *v1alpha1.ImageRepository) (adapt.Scan, error) {
	secrets, err := s.repositorySecrets(r)
	if err != nil {
		return adapt.Scan{}, err
	}
	return adapt.Repository(r, secrets)
}

// repositorySecrets returns the data of the Secrets an ImageRepository references.
func (s *Set) repositorySecrets(r *v1alpha1.ImageRepository) (adapt.RepositorySecrets, error) {
	var secrets adapt.RepositorySecrets
	var errs []error
	for _, ref := range []struct {
		field string
		ref   *v1alpha1.LocalObjectReference
		data  *map[string][]byte
	}{
		{"spec.secretRef", r.Spec.SecretRef, &secrets.Pull},
		{"spec.certSecretRef", r.Spec.CertSecretRef, &secrets.Cert},
		{"spec.proxySecretRef", r.Spec.ProxySecretRef, &secrets.Proxy},
		{"spec.webhook.secretRef", webhookSecret(r), new(map[string][]byte)},
	} {
		data, err := s.secretData(ref.field, r.Namespace, ref.ref)
		*ref.data = data
		errs = append(errs, err)
	}
	return secrets, errors.Join(errs...)
}

func webhookSecret(r *v1alpha1.ImageRepository) *v1alpha1.LocalObjectReference {
	if r.Spec.Webhook == nil {
		return nil
	}
	return &r.Spec.Webhook.SecretRef
}

// SelectionFor converts an ImagePolicy of the set into its policy, after checking that its
// ImageRepository exists and allows the policy's namespace.
func (s *Set) SelectionFor(p *v1alpha1.ImagePolicy) (adapt.Selection, error) {
	sel, err := adapt.Policy(p)
	_, refErr := s.RepositoryFor(p)
	return sel, errors.Join(err, refErr)
}

// RepositoryFor returns the ImageRepository an ImagePolicy refers to, after checking that
// the repository's accessFrom allows the policy's namespace (whose labels are those of its
// Namespace object, if the configuration has one).
func (s *Set) RepositoryFor(p *v1alpha1.ImagePolicy) (*v1alpha1.ImageRepository, error) {
	ref := p.Spec.ImageRepositoryRef
	ns := ref.Namespace
	if ns == "" {
		ns = p.Namespace
	}
	obj, err := s.find("spec.imageRepositoryRef", KindImageRepository, ns, ref.Name)
	if err != nil {
		return nil, err
	}
	repo := obj.(*v1alpha1.ImageRepository)
	if err := adapt.CheckAccess(repo.Spec.AccessFrom, p.Namespace, s.NamespaceLabels(p.Namespace), ns); err != nil {
		return nil, fieldErrorf("spec.imageRepositoryRef", "ImageRepository %s/%s: %w", ns, ref.Name, err)
	}
	return repo, nil
}
