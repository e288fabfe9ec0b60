package adapt

import (
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/updater"
	"github.com/tagflow/tagflow/updater/gitrepo"
)

func TestSourceRevisionAndRunMessage(t *testing.T) {
	const commit, base = "0123456789abcdef", "fedcba9876543210"
	for _, tc := range []struct {
		name         string
		res          gitrepo.Result
		wantRevision string
		wantMessage  string
	}{
		{"nothing checked out", gitrepo.Result{Branch: "main"}, "", "repository up-to-date"},
		{"up to date", gitrepo.Result{Branch: "main", Base: base}, "main@sha1:" + base, "repository up-to-date"},
		{"pushed", gitrepo.Result{Pushed: true, Branch: "main", Base: base, Commit: commit},
			"main@sha1:" + commit, "pushed commit '0123456' to branch 'main'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.wantRevision, SourceRevision(tc.res)); diff != "" {
				t.Errorf("SourceRevision() mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantMessage, RunMessage(tc.res)); diff != "" {
				t.Errorf("RunMessage() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestProblemsError(t *testing.T) {
	err := ProblemsError([]updater.Problem{
		{File: "a.yaml", Line: 3, Message: "unknown policy apps:web"},
		{File: "b.yaml", Message: "not valid YAML"},
	})
	want := "2 markers could not be applied: a.yaml:3: unknown policy apps:web; b.yaml: not valid YAML"
	if diff := cmp.Diff(want, err.Error()); diff != "" {
		t.Errorf("ProblemsError() mismatch (-want +got):\n%s", diff)
	}
}

func TestAutomationReason(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"not a field error", errors.New("boom"), v1alpha1.InvalidSourceConfigurationReason},
		{"policy selector", fieldErrorf("spec.policySelector.matchExpressions", "bad"), v1alpha1.InvalidPolicySelectorReason},
		{"update strategy", fmt.Errorf("wrapped: %w", fieldErrorf("spec.update.path", "bad")), v1alpha1.InvalidUpdateStrategyReason},
		{"removed template field", checkRemovedFields("spec.git.commit.messageTemplate", "{{ .Updated }}"), v1alpha1.RemovedTemplateFieldReason},
		{"other template error", fieldErrorf("spec.git.commit.messageTemplate", "bad"), v1alpha1.InvalidSourceConfigurationReason},
		{"source", fieldErrorf("spec.sourceRef", "bad"), v1alpha1.InvalidSourceConfigurationReason},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, AutomationReason(tc.err)); diff != "" {
				t.Errorf("AutomationReason() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
