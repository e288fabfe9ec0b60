package github

import (
	"context"
	"fmt"
	"slices"

	gh "github.com/google/go-github/v89/github"

	"github.com/tagflow/tagflow/internal/forge"
)

// perPage is the largest page GitHub serves.
const perPage = 100

// Find returns the pull requests from head into base in every state, newest first, from
// every page.
func (c *Client) Find(ctx context.Context, head, base string) ([]forge.PullRequest, error) {
	op := fmt.Sprintf("listing pull requests of %s/%s %s->%s", c.owner, c.name, head, base)
	opts := &gh.PullRequestListOptions{
		State: "all", Head: c.owner + ":" + head, Base: base, Sort: "created", Direction: "desc",
		ListOptions: gh.ListOptions{PerPage: perPage},
	}
	var prs []forge.PullRequest
	for {
		var page []*gh.PullRequest
		var resp *gh.Response
		err := c.retry(ctx, op, func(ctx context.Context) (err error) {
			page, resp, err = c.gh.PullRequests.List(ctx, c.owner, c.name, opts)
			return err
		})
		if err != nil {
			return nil, err
		}
		for _, p := range page {
			prs = append(prs, pullRequest(p))
		}
		if resp.NextPage <= opts.Page {
			return prs, nil
		}
		opts.Page = resp.NextPage
	}
}

// Open opens a pull request and adds req.Labels to it.
func (c *Client) Open(ctx context.Context, req forge.Request) (forge.PullRequest, error) {
	op := fmt.Sprintf("opening pull request %s/%s %s->%s", c.owner, c.name, req.Head, req.Base)
	var p *gh.PullRequest
	err := c.retry(ctx, op, func(ctx context.Context) (err error) {
		p, _, err = c.gh.PullRequests.Create(ctx, c.owner, c.name, &gh.NewPullRequest{
			Title: &req.Title, Head: &req.Head, Base: &req.Base, Body: &req.Body, Draft: &req.Draft,
		})
		return err
	})
	if err != nil {
		return forge.PullRequest{}, err
	}
	return c.label(ctx, pullRequest(p), req.Labels)
}

// Update sets the title and body of pull request number and adds the labels of req it
// lacks; labels people added stay.
func (c *Client) Update(ctx context.Context, number int, req forge.Request) (forge.PullRequest, error) {
	op := fmt.Sprintf("updating pull request %s/%s#%d", c.owner, c.name, number)
	var p *gh.PullRequest
	err := c.retry(ctx, op, func(ctx context.Context) (err error) {
		p, _, err = c.gh.PullRequests.Edit(ctx, c.owner, c.name, number, &gh.PullRequest{Title: &req.Title, Body: &req.Body})
		return err
	})
	if err != nil {
		return forge.PullRequest{}, err
	}
	return c.label(ctx, pullRequest(p), req.Labels)
}

// Close closes pull request number without merging it.
func (c *Client) Close(ctx context.Context, number int) error {
	op := fmt.Sprintf("closing pull request %s/%s#%d", c.owner, c.name, number)
	return c.retry(ctx, op, func(ctx context.Context) error {
		_, _, err := c.gh.PullRequests.Edit(ctx, c.owner, c.name, number, &gh.PullRequest{State: gh.Ptr("closed")})
		return err
	})
}

// label adds the labels pr lacks and returns pr with the labels GitHub reports after.
// Labels live on the pull request's issue.
func (c *Client) label(ctx context.Context, pr forge.PullRequest, labels []string) (forge.PullRequest, error) {
	var missing []string
	for _, l := range labels {
		if !slices.Contains(pr.Labels, l) && !slices.Contains(missing, l) {
			missing = append(missing, l)
		}
	}
	if len(missing) == 0 {
		return pr, nil
	}
	op := fmt.Sprintf("labelling pull request %s/%s#%d", c.owner, c.name, pr.Number)
	var got []*gh.Label
	err := c.retry(ctx, op, func(ctx context.Context) (err error) {
		got, _, err = c.gh.Issues.AddLabelsToIssue(ctx, c.owner, c.name, pr.Number, missing)
		return err
	})
	if err != nil {
		return pr, err
	}
	pr.Labels = labelNames(got)
	return pr, nil
}

// pullRequest maps GitHub's pull request to the forge's.
func pullRequest(p *gh.PullRequest) forge.PullRequest {
	return forge.PullRequest{
		Number: p.GetNumber(),
		URL:    p.GetHTMLURL(),
		State:  state(p),
		Title:  p.GetTitle(),
		Body:   p.GetBody(),
		Head:   p.GetHead().GetSHA(),
		Labels: labelNames(p.Labels),
		Draft:  p.GetDraft(),
	}
}

// state tells a merged pull request from one closed without merging: GitHub reports both
// as closed, and only a merged one has merged_at.
func state(p *gh.PullRequest) forge.State {
	switch {
	case p.MergedAt != nil:
		return forge.StateMerged
	case p.GetState() == "closed":
		return forge.StateClosed
	}
	return forge.StateOpen
}

func labelNames(labels []*gh.Label) []string {
	var names []string
	for _, l := range labels {
		names = append(names, l.GetName())
	}
	return names
}
