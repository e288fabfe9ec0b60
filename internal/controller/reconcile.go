package controller

import (
	"context"
	"fmt"
	"time"

	"github.com/go-logr/logr"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	imagev1 "github.com/tagflow/tagflow/api/v1alpha1"
)

// object is what the shared preamble needs of every kind.
type object interface {
	client.Object
	GetConditions() []metav1.Condition
	SetConditions([]metav1.Condition)
	GetObservedGeneration() int64
	SetObservedGeneration(int64)
	GetLastHandledReconcileAt() string
	SetLastHandledReconcileAt(string)
	IsSuspended() bool
}

// reconcileFunc is one named step of a reconciliation. It returns how long until the
// object should be reconciled again (zero for no opinion), or an error made by stall,
// retry or wait, which ends the reconciliation.
type reconcileFunc func(ctx context.Context) (time.Duration, error)

// kind is what differs between the reconcilers around the fixed preamble: how to make an
// empty object, the steps of one reconciliation, and what to release on deletion.
type kind[T object] struct {
	client    client.Client
	events    events.EventRecorder
	newObject func() T
	steps     func(obj T) []reconcileFunc
	finalize  func(ctx context.Context, obj T) error
}

// reconcile is the fixed preamble: get the object or ignore it when gone, handle deletion
// with the finalizer, add the finalizer, honour suspend, then run the steps and write the
// status once, in a deferred patch.
func (k *kind[T]) reconcile(ctx context.Context, req ctrl.Request) (result ctrl.Result, retErr error) {
	log := logr.FromContextOrDiscard(ctx)
	obj := k.newObject()
	if err := k.client.Get(ctx, req.NamespacedName, obj); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !obj.GetDeletionTimestamp().IsZero() {
		return ctrl.Result{}, k.delete(ctx, obj)
	}
	if err := k.addFinalizer(ctx, obj); err != nil {
		return ctrl.Result{}, err
	}
	if obj.IsSuspended() {
		log.Info("reconciliation is suspended")
		return ctrl.Result{}, nil
	}
	if err := k.markProgressing(ctx, obj); err != nil {
		return ctrl.Result{}, err
	}
	before := obj.DeepCopyObject().(T)
	var requeue time.Duration
	defer func() {
		result, retErr = k.summarize(ctx, before, obj, requeue, retErr)
	}()
	for _, step := range k.steps(obj) {
		after, err := step(ctx)
		if err != nil {
			return ctrl.Result{}, err
		}
		requeue = shortest(requeue, after)
	}
	return ctrl.Result{}, nil
}

// markProgressing records Reconciling=True before the steps work on a new generation, so
// that kstatus reports the object InProgress while a long scan or push runs.
func (k *kind[T]) markProgressing(ctx context.Context, obj T) error {
	gen := obj.GetGeneration()
	if obj.GetObservedGeneration() == gen {
		return nil
	}
	patch := client.MergeFrom(obj.DeepCopyObject().(T))
	conds := obj.GetConditions()
	set(&conds, gen, imagev1.ReconcilingCondition, metav1.ConditionTrue, imagev1.ProgressingReason,
		fmt.Sprintf("reconciling generation %d", gen))
	obj.SetConditions(conds)
	if err := k.client.Status().Patch(ctx, obj, patch); err != nil {
		return fmtErr("patching the status", err)
	}
	return nil
}

// addFinalizer puts the finalizer on obj, so that deletion waits for the clean-up.
func (k *kind[T]) addFinalizer(ctx context.Context, obj T) error {
	if controllerutil.ContainsFinalizer(obj, imagev1.Finalizer) {
		return nil
	}
	patch := client.MergeFrom(obj.DeepCopyObject().(T))
	controllerutil.AddFinalizer(obj, imagev1.Finalizer)
	if err := k.client.Patch(ctx, obj, patch); err != nil {
		return fmtErr("adding the finalizer", err)
	}
	return nil
}

// delete releases what is held for obj and removes the finalizer.
func (k *kind[T]) delete(ctx context.Context, obj T) error {
	if !controllerutil.ContainsFinalizer(obj, imagev1.Finalizer) {
		return nil
	}
	if err := k.finalize(ctx, obj); err != nil {
		return fmtErr("cleaning up", err)
	}
	patch := client.MergeFrom(obj.DeepCopyObject().(T))
	controllerutil.RemoveFinalizer(obj, imagev1.Finalizer)
	if err := k.client.Patch(ctx, obj, patch); err != nil && !apierrors.IsNotFound(err) {
		return fmtErr("removing the finalizer", err)
	}
	logr.FromContextOrDiscard(ctx).V(1).Info("finalized")
	return nil
}

// summarize turns the outcome of the steps into conditions, events and a result, and
// patches the status.
func (k *kind[T]) summarize(ctx context.Context, before, obj T, requeue time.Duration, err error) (ctrl.Result, error) {
	log := logr.FromContextOrDiscard(ctx)
	obj.SetObservedGeneration(obj.GetGeneration())
	if v, ok := obj.GetAnnotations()[imagev1.ReconcileRequestAnnotation]; ok {
		obj.SetLastHandledReconcileAt(v)
	}
	result, retErr := ctrl.Result{RequeueAfter: requeue}, error(nil)
	conds := obj.GetConditions()
	gen := obj.GetGeneration()
	switch o := classify(err); o.kind {
	case outcomeReady:
		setReconciled(&conds, gen)
	case outcomeStalled:
		setStalled(&conds, gen, o.reason, err.Error())
		result = ctrl.Result{}
		log.Error(err, "reconciliation stalled", "reason", o.reason)
	case outcomeWait:
		setRetrying(&conds, gen, o.reason, err.Error())
		result = ctrl.Result{RequeueAfter: o.after}
		log.V(1).Info("waiting for a dependency", "reason", o.reason, "message", err.Error())
	default:
		setRetrying(&conds, gen, o.reason, err.Error())
		result, retErr = ctrl.Result{}, err
	}
	obj.SetConditions(conds)
	k.notify(before, obj)
	if patchErr := k.client.Status().Patch(ctx, obj, client.MergeFrom(before)); patchErr != nil {
		if apierrors.IsNotFound(patchErr) {
			return ctrl.Result{}, nil
		}
		return ctrl.Result{}, fmtErr("patching the status", patchErr)
	}
	return result, retErr
}

// notify records an event when the Ready condition changes its status or message: Normal
// when ready, Warning otherwise.
func (k *kind[T]) notify(before, after T) {
	old := findCondition(before.GetConditions(), imagev1.ReadyCondition)
	now := findCondition(after.GetConditions(), imagev1.ReadyCondition)
	if now == nil || (old != nil && old.Status == now.Status && old.Message == now.Message) {
		return
	}
	eventType := "Normal"
	if now.Status != metav1.ConditionTrue {
		eventType = "Warning"
	}
	k.events.Eventf(after, nil, eventType, now.Reason, "Reconcile", "%s", now.Message)
}

// shortest returns the shorter positive duration of a and b.
func shortest(a, b time.Duration) time.Duration {
	switch {
	case a <= 0:
		return b
	case b <= 0:
		return a
	}
	return min(a, b)
}
