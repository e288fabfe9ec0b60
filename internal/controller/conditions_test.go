package controller

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	imagev1 "github.com/tagflow/tagflow/api/v1alpha1"
)

func TestClassify(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name string
		err  error
		want outcome
	}{
		{name: "success", want: outcome{kind: outcomeReady}},
		{name: "stall", err: stall(imagev1.InvalidPolicyReason, boom), want: outcome{kind: outcomeStalled, reason: imagev1.InvalidPolicyReason}},
		{name: "wait", err: wait(imagev1.DependencyNotReadyReason, time.Second, boom),
			want: outcome{kind: outcomeWait, reason: imagev1.DependencyNotReadyReason, after: time.Second}},
		{name: "retry", err: retry(imagev1.GitOperationFailedReason, boom), want: outcome{kind: outcomeRetry, reason: imagev1.GitOperationFailedReason}},
		{name: "wrapped stall", err: fmtErr("doing", stall(imagev1.AccessDeniedReason, boom)),
			want: outcome{kind: outcomeStalled, reason: imagev1.AccessDeniedReason}},
		{name: "plain error", err: boom, want: outcome{kind: outcomeRetry, reason: imagev1.FailureReason}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, classify(tt.err), cmp.AllowUnexported(outcome{})); diff != "" {
				t.Errorf("classify() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestConditionTransitions checks the kstatus rules through a sequence of outcomes.
func TestConditionTransitions(t *testing.T) {
	type cond struct{ Type, Status, Reason string }
	read := func(conds []metav1.Condition) []cond {
		var out []cond
		for _, c := range conds {
			out = append(out, cond{c.Type, string(c.Status), c.Reason})
		}
		return out
	}
	var conds []metav1.Condition
	sorted := cmpopts.SortSlices(func(a, b cond) bool { return a.Type < b.Type })

	setRetrying(&conds, 1, imagev1.ReadOperationFailedReason, "registry down")
	want := []cond{{"Ready", "False", imagev1.ReadOperationFailedReason}, {"Reconciling", "True", imagev1.ProgressingWithRetryReason}}
	if diff := cmp.Diff(want, read(conds), sorted); diff != "" {
		t.Errorf("after a retry (-want +got):\n%s", diff)
	}

	setStalled(&conds, 2, imagev1.ImageURLInvalidReason, "bad image")
	want = []cond{{"Ready", "False", imagev1.ImageURLInvalidReason}, {"Stalled", "True", imagev1.ImageURLInvalidReason}}
	if diff := cmp.Diff(want, read(conds), sorted); diff != "" {
		t.Errorf("after a stall (-want +got):\n%s", diff)
	}

	markReady(&conds, 3, "scanned")
	setReconciled(&conds, 3)
	want = []cond{{"Ready", "True", imagev1.SucceededReason}}
	if diff := cmp.Diff(want, read(conds), sorted); diff != "" {
		t.Errorf("after success (-want +got):\n%s", diff)
	}
	if conds[0].ObservedGeneration != 3 {
		t.Errorf("Ready observedGeneration %d, want 3", conds[0].ObservedGeneration)
	}

	setReconciled(&conds, 4) // a step that set no message
	if c := findCondition(conds, imagev1.ReadyCondition); c.Status != metav1.ConditionTrue || c.ObservedGeneration != 4 {
		t.Errorf("Ready after success without a message: %+v", c)
	}
}
