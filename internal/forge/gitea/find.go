package gitea

import (
	"context"

	"code.gitea.io/sdk/gitea"

	"github.com/tagflow/tagflow/internal/forge"
)

// Find returns the pull requests from head into base (both in this repository) in every
// state, newest first (Gitea's default order: created, then number, descending). Gitea
// cannot filter by head, so Find pages through every pull request of the repository.
//
// Head is the commit of refs/pull/N/head, which the list reports: for a merged or closed
// pull request the last commit Gitea saw on the branch while it was open, even when the
// branch has moved on since. (A single pull request, as Open and Update return it, reports
// the branch's current head instead for as long as the branch exists.) For an open pull
// request Gitea moves refs/pull/N/head in the background after a push, so just after one
// Head can still be the previous commit.
func (c *Client) Find(ctx context.Context, head, base string) ([]forge.PullRequest, error) {
	api := c.api(ctx)
	var found []forge.PullRequest
	kept := map[int]bool{} // a pull request opened while paging shifts the pages
	seen := 0
	opt := gitea.ListPullRequestsOptions{ListOptions: gitea.ListOptions{Page: 1, PageSize: pageSize}, State: gitea.StateAll}
	for opt.Page != 0 {
		prs, resp, err := api.ListRepoPullRequests(c.owner, c.name, opt)
		if err != nil {
			return nil, fail("listing the pull requests of "+c.repo(), resp, err)
		}
		for _, pr := range prs {
			if matches(pr, head, base) && !kept[int(pr.Index)] {
				kept[int(pr.Index)] = true
				found = append(found, toForge(pr))
			}
		}
		seen += len(prs)
		opt.Page = nextPage(resp, opt.Page, len(prs), seen)
	}
	return found, nil
}

// matches reports whether pr goes from branch head of the base repository into base. The
// head's label (JSON "label") is the branch name; its ref is refs/pull/N/head once the
// branch is deleted.
func matches(pr *gitea.PullRequest, head, base string) bool {
	return pr.Head != nil && pr.Base != nil &&
		pr.Head.Name == head && pr.Base.Ref == base && pr.Head.RepoID == pr.Base.RepoID
}
