package gitea

import (
	"fmt"

	"code.gitea.io/sdk/gitea"
)

// newLabelColor is the color of the labels the client creates (GitHub's default).
const newLabelColor = "#ededed"

// labelIDs returns the IDs of the repository labels called names, in the order of names,
// creating those the repository lacks: Gitea takes labels by ID and, unlike GitHub, does
// not create a label it is given by name. Names are matched exactly; organization labels
// are not looked at.
func (c *Client) labelIDs(api *gitea.Client, names []string) ([]int64, error) {
	if len(names) == 0 {
		return nil, nil
	}
	existing, err := c.repoLabels(api)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(names))
	for _, n := range names {
		id, ok := existing[n]
		if !ok {
			if id, err = c.createLabel(api, n); err != nil {
				return nil, err
			}
			existing[n] = id
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// repoLabels returns the repository's labels by name, following pagination. Of two labels
// with the same name the first listed wins.
func (c *Client) repoLabels(api *gitea.Client) (map[string]int64, error) {
	byName := map[string]int64{}
	seen := 0
	opt := gitea.ListLabelsOptions{ListOptions: gitea.ListOptions{Page: 1, PageSize: pageSize}}
	for opt.Page != 0 {
		labels, resp, err := api.ListRepoLabels(c.owner, c.name, opt)
		if err != nil {
			return nil, fail("listing the labels of "+c.repo(), resp, err)
		}
		for _, l := range labels {
			if _, dup := byName[l.Name]; !dup {
				byName[l.Name] = l.ID
			}
		}
		seen += len(labels)
		opt.Page = nextPage(resp, opt.Page, len(labels), seen)
	}
	return byName, nil
}

// createLabel creates the repository label name and returns its ID.
func (c *Client) createLabel(api *gitea.Client, name string) (int64, error) {
	l, resp, err := api.CreateLabel(c.owner, c.name, gitea.CreateLabelOption{Name: name, Color: newLabelColor})
	if err != nil {
		return 0, fail(fmt.Sprintf("creating label %q in %s", name, c.repo()), resp, err)
	}
	return l.ID, nil
}

// labelNames returns the names of labels.
func labelNames(labels []*gitea.Label) []string {
	names := make([]string, 0, len(labels))
	for _, l := range labels {
		names = append(names, l.Name)
	}
	return names
}
