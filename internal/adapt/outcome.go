package adapt

import (
	"errors"
	"fmt"
	"strings"

	"github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/updater"
	"github.com/tagflow/tagflow/updater/gitrepo"
)

// SourceRevision is Flux's observedSourceRevision of an automation run: branch@sha1:commit,
// with the pushed commit or, when nothing was pushed, the checkout head; empty when the
// run has neither.
func SourceRevision(res gitrepo.Result) string {
	commit := res.Commit
	if commit == "" {
		commit = res.Base
	}
	if commit == "" {
		return ""
	}
	return res.Branch + "@sha1:" + commit
}

// RunMessage is the Ready message of an automation after a successful run.
func RunMessage(res gitrepo.Result) string {
	if !res.Pushed {
		return "repository up-to-date"
	}
	return fmt.Sprintf("pushed commit '%.7s' to branch '%s'", res.Commit, res.Branch)
}

// ProblemsError lists the markers an update could not apply.
func ProblemsError(problems []updater.Problem) error {
	msgs := make([]string, len(problems))
	for i, p := range problems {
		msgs[i] = p.String()
	}
	return fmt.Errorf("%d markers could not be applied: %s", len(problems), strings.Join(msgs, "; "))
}

// AutomationReason maps a configuration error of an ImageUpdateAutomation (from Automation,
// PolicySelector or the resolution of its source) to a condition reason. Errors that are
// not a *FieldError of a known field are InvalidSourceConfiguration.
func AutomationReason(err error) string {
	fe, ok := errors.AsType[*FieldError](err)
	switch {
	case ok && strings.HasPrefix(fe.Field, "spec.policySelector"):
		return v1alpha1.InvalidPolicySelectorReason
	case ok && strings.HasPrefix(fe.Field, "spec.update"):
		return v1alpha1.InvalidUpdateStrategyReason
	case ok && fe.Field == "spec.git.commit.messageTemplate" && strings.Contains(fe.Error(), "removed by Flux"):
		return v1alpha1.RemovedTemplateFieldReason
	}
	return v1alpha1.InvalidSourceConfigurationReason
}
