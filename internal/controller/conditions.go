package controller

import (
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	imagev1 "github.com/tagflow/tagflow/api/v1alpha1"
)

// The condition helpers keep the kstatus rules: Ready=True comes without Reconciling and
// Stalled; Stalled=True comes with Ready=False and without Reconciling; a retry or a wait
// sets Reconciling=True (ProgressingWithRetry) with Ready=False. Every condition carries
// the generation it was computed for.

// markReady sets Ready=True with reason Succeeded and msg. The preamble removes
// Reconciling and Stalled when the reconciliation ends without error.
func markReady(conds *[]metav1.Condition, gen int64, msg string) {
	set(conds, gen, imagev1.ReadyCondition, metav1.ConditionTrue, imagev1.SucceededReason, msg)
}

// setReconciled removes Reconciling and Stalled after a successful reconciliation, and
// makes sure Ready is True for generation gen.
func setReconciled(conds *[]metav1.Condition, gen int64) {
	apimeta.RemoveStatusCondition(conds, imagev1.ReconcilingCondition)
	apimeta.RemoveStatusCondition(conds, imagev1.StalledCondition)
	c := findCondition(*conds, imagev1.ReadyCondition)
	if c == nil || c.Status != metav1.ConditionTrue {
		markReady(conds, gen, "reconciliation succeeded")
		return
	}
	c.ObservedGeneration = gen
}

// setStalled records a configuration error.
func setStalled(conds *[]metav1.Condition, gen int64, reason, msg string) {
	apimeta.RemoveStatusCondition(conds, imagev1.ReconcilingCondition)
	set(conds, gen, imagev1.StalledCondition, metav1.ConditionTrue, reason, msg)
	set(conds, gen, imagev1.ReadyCondition, metav1.ConditionFalse, reason, msg)
}

// setRetrying records an error that is retried.
func setRetrying(conds *[]metav1.Condition, gen int64, reason, msg string) {
	apimeta.RemoveStatusCondition(conds, imagev1.StalledCondition)
	set(conds, gen, imagev1.ReconcilingCondition, metav1.ConditionTrue, imagev1.ProgressingWithRetryReason, msg)
	set(conds, gen, imagev1.ReadyCondition, metav1.ConditionFalse, reason, msg)
}

func set(conds *[]metav1.Condition, gen int64, typ string, status metav1.ConditionStatus, reason, msg string) {
	apimeta.SetStatusCondition(conds, metav1.Condition{
		Type: typ, Status: status, Reason: reason, Message: msg, ObservedGeneration: gen,
	})
}

// findCondition returns the condition of type typ, or nil.
func findCondition(conds []metav1.Condition, typ string) *metav1.Condition {
	return apimeta.FindStatusCondition(conds, typ)
}
