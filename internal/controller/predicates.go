package controller

import (
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	imagev1 "github.com/tagflow/tagflow/api/v1alpha1"
)

// reconcileRequested passes an update that changes the reconcile.fluxcd.io/requestedAt
// annotation, so that `flux reconcile`-style requests start a reconciliation.
type reconcileRequested struct {
	predicate.Funcs
}

// Update passes when the annotation's value changed.
func (reconcileRequested) Update(e event.UpdateEvent) bool {
	if e.ObjectOld == nil || e.ObjectNew == nil {
		return false
	}
	key := imagev1.ReconcileRequestAnnotation
	return e.ObjectOld.GetAnnotations()[key] != e.ObjectNew.GetAnnotations()[key]
}

// deleting passes an update that starts the deletion of an object with finalizers.
type deleting struct {
	predicate.Funcs
}

// Update passes when the deletion timestamp was set.
func (deleting) Update(e event.UpdateEvent) bool {
	return e.ObjectOld != nil && e.ObjectNew != nil &&
		e.ObjectOld.GetDeletionTimestamp().IsZero() && !e.ObjectNew.GetDeletionTimestamp().IsZero()
}

// specOrRequest passes creations, spec changes (a new generation), reconcile requests and
// deletions; status-only updates, such as the controller's own, are ignored.
func specOrRequest() predicate.Predicate {
	return predicate.Or(predicate.GenerationChangedPredicate{}, reconcileRequested{}, deleting{})
}
