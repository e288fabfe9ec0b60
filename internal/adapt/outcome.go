package adapt

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/internal/forge"
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

// PullRequestStatus is status.pullRequest after a pull request step; nil when the
// automation has no pull request.
func PullRequestStatus(out forge.Outcome, branch string) *v1alpha1.PullRequestStatus {
	pr := out.PullRequest
	if pr == nil {
		return nil
	}
	return &v1alpha1.PullRequestStatus{URL: pr.URL, Number: pr.Number, State: string(pr.State), Branch: branch}
}

// PullRequestMessage says what the pull request step did, for the Ready message and events;
// empty when there is nothing to say.
func PullRequestMessage(out forge.Outcome) string {
	pr := out.PullRequest
	if pr == nil {
		return ""
	}
	ref := fmt.Sprintf("pull request #%d (%s)", pr.Number, pr.URL)
	switch out.Action {
	case forge.Opened, forge.Updated, forge.Closed:
		return fmt.Sprintf("%s %s", out.Action, ref)
	case forge.Unchanged:
		return ref + " is up to date"
	case forge.LeftAlone:
		return ref + " left alone"
	}
	return fmt.Sprintf("%s is %s", ref, pr.State)
}

// RunReason is the Ready reason of a failed run: PushBranchModified when someone else
// pushed to the push branch, else GitOperationFailed.
func RunReason(err error) string {
	if errors.Is(err, gitrepo.ErrBranchModified) {
		return v1alpha1.PushBranchModifiedReason
	}
	return v1alpha1.GitOperationFailedReason
}

// Report is the end of an automation run, as both runtimes record it.
type Report struct {
	// Err is the run's error, else the pull request step's; nil when both succeeded.
	Err error
	// Reason is Err's Ready reason.
	Reason string
	// Message is the Ready message when Err is nil.
	Message string
	// PullRequest is status.pullRequest; nil when the pull request step found none or did
	// not run, in which case the status keeps what it had.
	PullRequest *v1alpha1.PullRequestStatus
	// PullRequestAction is what the pull request step did; empty when it did not run.
	PullRequestAction forge.Action
	// PullRequestMessage says what the pull request step did; empty when it did not run.
	PullRequestMessage string
	// BranchDeleted reports that the push branch was deleted, nothing being left to update.
	BranchDeleted bool
}

// Notable reports whether the pull request step changed something on the forge or the
// remote: opened, updated or closed a pull request, or deleted the branch.
func (r Report) Notable() bool {
	switch r.PullRequestAction {
	case forge.Opened, forge.Updated, forge.Closed:
		return true
	}
	return r.BranchDeleted
}

// Conclude runs the pull request step of git, if it has one, after repo.Run returned res
// and runErr, and reports the run. data is the commit message template data of the run.
func Conclude(ctx context.Context, git Git, repo *gitrepo.Repo, res gitrepo.Result, runErr error, data any) Report {
	rep := Report{Message: RunMessage(res)}
	if p := git.PullRequest; p != nil {
		out, deleted, err := p.Sync(ctx, repo, res, runErr, data)
		rep.PullRequest, rep.PullRequestAction = PullRequestStatus(out, p.Head), out.Action
		rep.PullRequestMessage = PullRequestMessage(out)
		if deleted && err == nil {
			rep.PullRequestMessage = strings.TrimPrefix(rep.PullRequestMessage+"; deleted branch '"+p.Head+"'", "; ")
			rep.BranchDeleted = true
		}
		if rep.PullRequestMessage != "" {
			rep.Message += "; " + rep.PullRequestMessage
		}
		if err != nil {
			rep.Err, rep.Reason = err, v1alpha1.PullRequestFailedReason
		}
	}
	if runErr != nil {
		rep.Err, rep.Reason = runErr, RunReason(runErr)
	}
	return rep
}
