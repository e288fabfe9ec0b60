package runner

import (
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tagflow/tagflow/api/v1alpha1"
)

// markReady records a success: Ready=True with reason and message, and neither
// Reconciling nor Stalled.
func markReady(conds *[]metav1.Condition, generation int64, reason, message string) {
	apimeta.RemoveStatusCondition(conds, v1alpha1.ReconcilingCondition)
	apimeta.RemoveStatusCondition(conds, v1alpha1.StalledCondition)
	setCondition(conds, generation, v1alpha1.ReadyCondition, metav1.ConditionTrue, reason, message)
}

// markFailed records a failure: Ready=False with reason and message, and Stalled=True
// when retrying will not help (a configuration error) or Reconciling=True with
// ProgressingWithRetry when it will be retried.
func markFailed(conds *[]metav1.Condition, generation int64, stalled bool, reason, message string) {
	setCondition(conds, generation, v1alpha1.ReadyCondition, metav1.ConditionFalse, reason, message)
	if stalled {
		apimeta.RemoveStatusCondition(conds, v1alpha1.ReconcilingCondition)
		setCondition(conds, generation, v1alpha1.StalledCondition, metav1.ConditionTrue, reason, message)
		return
	}
	apimeta.RemoveStatusCondition(conds, v1alpha1.StalledCondition)
	setCondition(conds, generation, v1alpha1.ReconcilingCondition, metav1.ConditionTrue, v1alpha1.ProgressingWithRetryReason, message)
}

// setCondition sets one condition; the transition time changes only with the status.
func setCondition(conds *[]metav1.Condition, generation int64, typ string, status metav1.ConditionStatus, reason, message string) {
	apimeta.SetStatusCondition(conds, metav1.Condition{
		Type:               typ,
		Status:             status,
		ObservedGeneration: generation,
		Reason:             reason,
		Message:            message,
	})
}

// isReady reports whether conds hold Ready=True.
func isReady(conds []metav1.Condition) bool {
	return apimeta.IsStatusConditionTrue(conds, v1alpha1.ReadyCondition)
}

// readyMessage returns the Ready condition's status ("True", "False" or "Unknown") and
// message.
func readyMessage(conds []metav1.Condition) (string, string) {
	c := apimeta.FindStatusCondition(conds, v1alpha1.ReadyCondition)
	if c == nil {
		return string(metav1.ConditionUnknown), "not reconciled yet"
	}
	return string(c.Status), c.Message
}

// row summarises one object.
func row(kind, namespace, name string, suspended bool, conds []metav1.Condition) Row {
	if suspended {
		return Row{Kind: kind, Namespace: namespace, Name: name, Ready: "Suspended", Message: "suspended"}
	}
	ready, msg := readyMessage(conds)
	return Row{Kind: kind, Namespace: namespace, Name: name, Ready: ready, Message: msg}
}
