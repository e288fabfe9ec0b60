package gitlab

import (
	"context"
	"fmt"
	"slices"
	"strings"

	gl "gitlab.com/gitlab-org/api/client-go"

	"github.com/tagflow/tagflow/internal/forge"
)

const (
	// perPage is the largest page GitLab serves.
	perPage = 100
	// draftPrefix marks a merge request as a draft in its title.
	draftPrefix = "Draft: "
)

// Find returns the merge requests from head into base in every state, newest first, from
// every page.
func (c *Client) Find(ctx context.Context, head, base string) ([]forge.PullRequest, error) {
	op := fmt.Sprintf("listing merge requests of %s %s->%s", c.project, head, base)
	opts := &gl.ListProjectMergeRequestsOptions{
		ListOptions:  gl.ListOptions{PerPage: perPage},
		State:        gl.Ptr("all"),
		OrderBy:      gl.Ptr("created_at"),
		Sort:         gl.Ptr("desc"),
		SourceBranch: &head,
		TargetBranch: &base,
	}
	var prs []forge.PullRequest
	for {
		page, resp, err := c.gl.MergeRequests.ListProjectMergeRequests(c.project, opts, gl.WithContext(ctx))
		if err != nil {
			return nil, c.classify(op, err)
		}
		for _, mr := range page {
			prs = append(prs, pullRequest(mr))
		}
		if resp.NextPage <= opts.Page {
			return prs, nil
		}
		opts.Page = resp.NextPage
	}
}

// Open opens a merge request with req.Labels; a draft's title starts with "Draft: ".
func (c *Client) Open(ctx context.Context, req forge.Request) (forge.PullRequest, error) {
	op := fmt.Sprintf("opening merge request %s %s->%s", c.project, req.Head, req.Base)
	title := req.Title
	if req.Draft && !hasDraftPrefix(title) {
		title = draftPrefix + title
	}
	opts := &gl.CreateMergeRequestOptions{
		Title:        &title,
		Description:  &req.Body,
		SourceBranch: &req.Head,
		TargetBranch: &req.Base,
	}
	if len(req.Labels) > 0 {
		opts.Labels = gl.Ptr(gl.LabelOptions(req.Labels))
	}
	mr, _, err := c.gl.MergeRequests.CreateMergeRequest(c.project, opts, gl.WithContext(ctx))
	if err != nil {
		return forge.PullRequest{}, c.classify(op, err)
	}
	return pullRequest(&mr.BasicMergeRequest), nil
}

// Update sets the title and description of merge request number and adds the labels of
// req it lacks. A merge request that is still a draft keeps its "Draft: " prefix; one a
// person marked ready does not get it back.
func (c *Client) Update(ctx context.Context, number int, req forge.Request) (forge.PullRequest, error) {
	op := fmt.Sprintf("updating merge request %s!%d", c.project, number)
	cur, _, err := c.gl.MergeRequests.GetMergeRequest(c.project, int64(number), nil, gl.WithContext(ctx))
	if err != nil {
		return forge.PullRequest{}, c.classify(op, err)
	}
	title := req.Title
	if (cur.Draft || hasDraftPrefix(cur.Title)) && !hasDraftPrefix(title) {
		title = draftPrefix + title
	}
	opts := &gl.UpdateMergeRequestOptions{Title: &title, Description: &req.Body}
	if missing := missingLabels(cur.Labels, req.Labels); len(missing) > 0 {
		opts.AddLabels = gl.Ptr(gl.LabelOptions(missing))
	}
	mr, _, err := c.gl.MergeRequests.UpdateMergeRequest(c.project, int64(number), opts, gl.WithContext(ctx))
	if err != nil {
		return forge.PullRequest{}, c.classify(op, err)
	}
	return pullRequest(&mr.BasicMergeRequest), nil
}

// Close closes merge request number without merging it.
func (c *Client) Close(ctx context.Context, number int) error {
	op := fmt.Sprintf("closing merge request %s!%d", c.project, number)
	opts := &gl.UpdateMergeRequestOptions{StateEvent: gl.Ptr("close")}
	if _, _, err := c.gl.MergeRequests.UpdateMergeRequest(c.project, int64(number), opts, gl.WithContext(ctx)); err != nil {
		return c.classify(op, err)
	}
	return nil
}

// pullRequest maps GitLab's merge request to the forge's pull request.
func pullRequest(mr *gl.BasicMergeRequest) forge.PullRequest {
	return forge.PullRequest{
		Number: int(mr.IID),
		URL:    mr.WebURL,
		State:  state(mr.State),
		Title:  mr.Title,
		Body:   mr.Description,
		Head:   mr.SHA,
		Labels: slices.Clone([]string(mr.Labels)),
		Draft:  mr.Draft,
	}
}

// state maps GitLab's opened, merged, closed and locked (a merge under way).
func state(s string) forge.State {
	switch s {
	case "merged":
		return forge.StateMerged
	case "closed", "locked":
		return forge.StateClosed
	}
	return forge.StateOpen
}

// hasDraftPrefix reports whether title marks a draft the way GitLab recognises.
func hasDraftPrefix(title string) bool {
	for _, p := range []string{"Draft:", "[Draft]", "(Draft)"} {
		if len(title) >= len(p) && strings.EqualFold(title[:len(p)], p) {
			return true
		}
	}
	return false
}

// missingLabels returns the labels of want that have lacks, once each.
func missingLabels(have, want []string) []string {
	var missing []string
	for _, l := range want {
		if !slices.Contains(have, l) && !slices.Contains(missing, l) {
			missing = append(missing, l)
		}
	}
	return missing
}
