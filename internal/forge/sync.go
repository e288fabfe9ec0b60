package forge

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Branch is what the push branch holds after the run that rebuilt it.
type Branch struct {
	// Head is the full hash of the push branch's head on the remote; empty when the branch
	// does not exist.
	Head string
	// Pending reports that the branch holds tagflow's commit with a change the base branch
	// does not have yet. When false there is nothing left to update.
	Pending bool
	// Modified reports that someone else pushed to the branch; tagflow left it as it was
	// and leaves its pull request alone too.
	Modified bool
}

// Action is what Sync did.
type Action string

const (
	// Opened means a pull request was opened.
	Opened Action = "opened"
	// Updated means the open pull request got a new commit, title, body or labels.
	Updated Action = "updated"
	// Unchanged means the open pull request already was as wanted.
	Unchanged Action = "unchanged"
	// Closed means the open pull request was closed because nothing is left to update.
	Closed Action = "closed"
	// LeftAlone means the branch holds someone else's commits, so its pull request was not
	// touched.
	LeftAlone Action = "left-alone"
	// Done means there is no open pull request and none is needed: nothing is left to
	// update, or the branch's commit was already merged or closed.
	Done Action = "done"
)

// Outcome is what Sync did and the pull request the automation has.
type Outcome struct {
	// Action is what Sync did.
	Action Action
	// PullRequest is the automation's pull request: the open one, else the newest one for
	// the branches; nil when there has never been one.
	PullRequest *PullRequest
}

// Sync brings the pull request from req.Head into req.Base in line with the branch:
//
//   - someone else pushed to the branch: nothing is changed (LeftAlone);
//   - nothing left to update: the open pull request is closed when closeWhenDone is set
//     (Closed), else left as it is (Done);
//   - a change is pending and a pull request is open: its title, body and labels are
//     updated when they differ (Updated, Unchanged);
//   - a change is pending and no pull request is open: one is opened (Opened), unless
//     people already dealt with this change: a merged or closed pull request has the
//     branch's head commit, or one closed without merging has the same title and body
//     (Done).
//
// When Open loses a race with another opener (ErrAlreadyExists), Sync updates the pull
// request that won.
func Sync(ctx context.Context, c Client, req Request, b Branch, closeWhenDone bool) (Outcome, error) {
	prs, err := c.Find(ctx, req.Head, req.Base)
	if err != nil {
		return Outcome{}, err
	}
	open, newest := current(prs)
	switch {
	case b.Modified:
		return Outcome{Action: LeftAlone, PullRequest: newest}, nil
	case !b.Pending && open != nil && closeWhenDone:
		if err := c.Close(ctx, open.Number); err != nil {
			return Outcome{PullRequest: open}, err
		}
		open.State = StateClosed
		return Outcome{Action: Closed, PullRequest: open}, nil
	case !b.Pending:
		return Outcome{Action: Done, PullRequest: newest}, nil
	case open != nil:
		return update(ctx, c, *open, req, b)
	}
	if i := slices.IndexFunc(prs, func(pr PullRequest) bool { return dealtWith(pr, req, b) }); i >= 0 {
		return Outcome{Action: Done, PullRequest: &prs[i]}, nil
	}
	pr, err := c.Open(ctx, req)
	if errors.Is(err, ErrAlreadyExists) {
		return adopt(ctx, c, req, b, err)
	}
	if err != nil {
		return Outcome{}, err
	}
	return Outcome{Action: Opened, PullRequest: &pr}, nil
}

// adopt updates the open pull request another opener made first.
func adopt(ctx context.Context, c Client, req Request, b Branch, openErr error) (Outcome, error) {
	prs, err := c.Find(ctx, req.Head, req.Base)
	if err != nil {
		return Outcome{}, err
	}
	open, _ := current(prs)
	if open == nil {
		return Outcome{}, fmt.Errorf("%w, but none is open from %s into %s", openErr, req.Head, req.Base)
	}
	return update(ctx, c, *open, req, b)
}

// update edits the open pull request when its title, body or labels differ from req, and
// reports a new head commit as an update too.
func update(ctx context.Context, c Client, pr PullRequest, req Request, b Branch) (Outcome, error) {
	if !needsEdit(pr, req) {
		action := Unchanged
		if pr.Head != "" && pr.Head != b.Head {
			action = Updated
		}
		return Outcome{Action: action, PullRequest: &pr}, nil
	}
	got, err := c.Update(ctx, pr.Number, req)
	if err != nil {
		return Outcome{PullRequest: &pr}, err
	}
	return Outcome{Action: Updated, PullRequest: &got}, nil
}

// dealtWith reports whether people already dealt with the change the branch holds through
// pr: it was merged or closed with the branch's very head commit, or it was closed without
// merging with the same title and body (the branch was rebuilt on a newer base since, but
// the change is the one that was turned down). A person reopens it to get it updated again.
func dealtWith(pr PullRequest, req Request, b Branch) bool {
	return pr.Head == b.Head || (pr.State == StateClosed && sameText(pr, req))
}

// needsEdit reports whether the title, the body or a label differs.
func needsEdit(pr PullRequest, req Request) bool {
	if !sameText(pr, req) {
		return true
	}
	for _, l := range req.Labels {
		if !slices.Contains(pr.Labels, l) {
			return true
		}
	}
	return false
}

// sameText compares titles and bodies without surrounding space, with Unix line ends and
// without a draft marker, as forges normalise them.
func sameText(pr PullRequest, req Request) bool {
	return normalise(withoutDraftMarker(pr.Title)) == normalise(req.Title) && normalise(pr.Body) == normalise(req.Body)
}

// withoutDraftMarker drops the title prefix that marks a draft on forges without a draft
// flag (GitLab's "Draft:", Gitea's "WIP:"), which the clients keep when they edit a title.
func withoutDraftMarker(title string) string {
	for _, p := range []string{"Draft:", "[Draft]", "(Draft)", "WIP:", "[WIP]"} {
		if len(title) >= len(p) && strings.EqualFold(title[:len(p)], p) {
			return title[len(p):]
		}
	}
	return title
}

func normalise(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
}

// current returns the open pull request (the newest, if a forge has several) and the
// newest of all; prs is newest first.
func current(prs []PullRequest) (open, newest *PullRequest) {
	for i := range prs {
		if prs[i].State == StateOpen {
			return &prs[i], &prs[i]
		}
	}
	if len(prs) > 0 {
		return nil, &prs[0]
	}
	return nil, nil
}
