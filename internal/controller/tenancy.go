package controller

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	imagev1 "github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/internal/adapt"
)

// Tenancy holds the multi-tenancy settings every reconciler applies.
type Tenancy struct {
	// NoCrossNamespaceRefs denies every reference to an object in another namespace
	// (an ImagePolicy's imageRepositoryRef, an ImageUpdateAutomation's sourceRef), whatever
	// the referent's accessFrom says.
	NoCrossNamespaceRefs bool

	// DefaultServiceAccount is the service account of an ImageRepository that names none in
	// spec.serviceAccountName. tagflow has no cloud workload identity yet, so a service
	// account matters only with the generic provider and no spec.secretRef: the image pull
	// secrets of the service account (in the object's namespace) are the registry
	// credentials. With a default set, a tenant's repositories never fall back to anonymous
	// access silently: the service account must exist. Empty means none.
	DefaultServiceAccount string
}

// checkAccess says whether an object in namespace from may refer to an object in namespace
// to that carries the access control list acl. An error wraps adapt.ErrAccessDenied.
func (t Tenancy) checkAccess(ctx context.Context, r client.Reader, acl *imagev1.AccessFrom, from, to string) error {
	if from == to {
		return nil
	}
	if err := t.checkCrossNamespace(from, to); err != nil {
		return err
	}
	var ns corev1.Namespace
	if err := r.Get(ctx, types.NamespacedName{Name: from}, &ns); err != nil {
		return fmtErr("reading namespace "+from, err)
	}
	return adapt.CheckAccess(acl, from, ns.Labels, to)
}

// checkCrossNamespace denies a reference across namespaces when they are disabled.
func (t Tenancy) checkCrossNamespace(from, to string) error {
	if from == to || !t.NoCrossNamespaceRefs {
		return nil
	}
	return fmt.Errorf("%w: references from namespace %s to namespace %s are disabled by --no-cross-namespace-refs",
		adapt.ErrAccessDenied, from, to)
}

// serviceAccount returns the service account whose pull secrets an ImageRepository uses.
func (t Tenancy) serviceAccount(repo *imagev1.ImageRepository) string {
	if repo.Spec.ServiceAccountName != "" {
		return repo.Spec.ServiceAccountName
	}
	return t.DefaultServiceAccount
}

// secretData reads a Secret of namespace, the namespace of the object that refers to it:
// references never leave the object's namespace. A nil ref gives nil data.
func secretData(ctx context.Context, r client.Reader, namespace string, ref *imagev1.LocalObjectReference) (map[string][]byte, error) {
	if ref == nil {
		return nil, nil
	}
	var s corev1.Secret
	if err := r.Get(ctx, types.NamespacedName{Namespace: namespace, Name: ref.Name}, &s); err != nil {
		return nil, fmt.Errorf("reading Secret %s/%s: %w", namespace, ref.Name, err)
	}
	if s.Data == nil {
		return map[string][]byte{}, nil
	}
	return s.Data, nil
}

// pullSecret returns the first image pull secret of a service account in namespace, or
// nil when it lists none.
func pullSecret(ctx context.Context, r client.Reader, namespace, name string) (*imagev1.LocalObjectReference, error) {
	var sa corev1.ServiceAccount
	if err := r.Get(ctx, types.NamespacedName{Namespace: namespace, Name: name}, &sa); err != nil {
		return nil, fmt.Errorf("reading ServiceAccount %s/%s: %w", namespace, name, err)
	}
	if len(sa.ImagePullSecrets) == 0 {
		return nil, nil
	}
	return &imagev1.LocalObjectReference{Name: sa.ImagePullSecrets[0].Name}, nil
}
