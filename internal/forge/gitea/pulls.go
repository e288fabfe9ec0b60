package gitea

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"code.gitea.io/sdk/gitea"

	"github.com/tagflow/tagflow/internal/forge"
)

// Open opens a pull request with req's labels, creating the labels the repository lacks.
// A draft gets the title prefix "WIP: ", Gitea's way of marking drafts (its default
// WORK_IN_PROGRESS_PREFIXES). When an open pull request already goes from req.Head into
// req.Base, Gitea answers 409 and the error wraps forge.ErrAlreadyExists.
func (c *Client) Open(ctx context.Context, req forge.Request) (forge.PullRequest, error) {
	op := fmt.Sprintf("opening a pull request from %s into %s in %s", req.Head, req.Base, c.repo())
	api := c.api(ctx)
	ids, err := c.labelIDs(api, req.Labels)
	if err != nil {
		return forge.PullRequest{}, fmt.Errorf("%s: %w", op, err)
	}
	title := req.Title
	if req.Draft && draftMarker(title) == "" {
		title = wipPrefix + title
	}
	pr, resp, err := api.CreatePullRequest(c.owner, c.name, gitea.CreatePullRequestOption{
		Head: req.Head, Base: req.Base, Title: title, Body: req.Body, Labels: ids,
	})
	if status(resp) == http.StatusConflict {
		return forge.PullRequest{}, fmt.Errorf("%s: %w: %w", op, forge.ErrAlreadyExists, err)
	}
	if err != nil {
		return forge.PullRequest{}, fail(op, resp, err)
	}
	return toForge(pr), nil
}

// Update sets the title and body of pull request number and adds the labels of req it
// lacks (creating those the repository lacks); labels people added stay. A draft keeps its
// title prefix.
func (c *Client) Update(ctx context.Context, number int, req forge.Request) (forge.PullRequest, error) {
	op := fmt.Sprintf("updating pull request %d of %s", number, c.repo())
	api := c.api(ctx)
	cur, resp, err := api.GetPullRequest(c.owner, c.name, int64(number))
	if err != nil {
		return forge.PullRequest{}, fail(op, resp, err)
	}
	if err := c.addLabels(api, number, missing(req.Labels, labelNames(cur.Labels))); err != nil {
		return forge.PullRequest{}, fmt.Errorf("%s: %w", op, err)
	}
	title := req.Title
	if m := draftMarker(cur.Title); m != "" && draftMarker(title) == "" {
		title = m + title
	}
	pr, resp, err := api.EditPullRequest(c.owner, c.name, int64(number), gitea.EditPullRequestOption{
		Title: title, Body: &req.Body,
	})
	if err != nil {
		return forge.PullRequest{}, fail(op, resp, err)
	}
	return toForge(pr), nil
}

// addLabels adds the labels called names to pull request number. Adding (unlike the edit
// endpoint's list, which replaces) leaves alone a label someone adds meanwhile.
func (c *Client) addLabels(api *gitea.Client, number int, names []string) error {
	ids, err := c.labelIDs(api, names)
	if err != nil || len(ids) == 0 {
		return err
	}
	_, resp, err := api.AddIssueLabels(c.owner, c.name, int64(number), gitea.IssueLabelsOption{Labels: ids})
	if err != nil {
		return fail("adding labels", resp, err)
	}
	return nil
}

// Close closes pull request number without merging it. Gitea refuses to close a merged
// pull request (412).
func (c *Client) Close(ctx context.Context, number int) error {
	closed := gitea.StateClosed
	_, resp, err := c.api(ctx).EditPullRequest(c.owner, c.name, int64(number), gitea.EditPullRequestOption{State: &closed})
	if err != nil {
		return fail(fmt.Sprintf("closing pull request %d of %s", number, c.repo()), resp, err)
	}
	return nil
}

// toForge converts the SDK's pull request.
func toForge(pr *gitea.PullRequest) forge.PullRequest {
	out := forge.PullRequest{
		Number: int(pr.Index),
		URL:    pr.HTMLURL,
		State:  forge.StateOpen,
		Title:  pr.Title,
		Body:   pr.Body,
		Labels: labelNames(pr.Labels),
		Draft:  pr.Draft || draftMarker(pr.Title) != "",
	}
	switch {
	case pr.HasMerged || pr.Merged != nil:
		out.State = forge.StateMerged
	case pr.State == gitea.StateClosed:
		out.State = forge.StateClosed
	}
	if pr.Head != nil {
		out.Head = pr.Head.Sha
	}
	return out
}

// missing returns the names in want that are not in have, each once.
func missing(want, have []string) []string {
	var out []string
	for _, w := range want {
		if !slices.Contains(have, w) && !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

// wipPrefix is what Open puts before a draft's title.
const wipPrefix = "WIP: "

// draftMarker returns the prefix of title that marks a draft in Gitea's default
// configuration ("WIP:" or "[WIP]", any case) with the spaces after it, or "" if there is
// none. Gitea 1.26 has no draft flag: its API's draft field reports this prefix.
func draftMarker(title string) string {
	for _, p := range []string{"WIP:", "[WIP]"} {
		if len(title) >= len(p) && strings.EqualFold(title[:len(p)], p) {
			rest := title[len(p):]
			return title[:len(title)-len(strings.TrimLeft(rest, " "))]
		}
	}
	return ""
}
