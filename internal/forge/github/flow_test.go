package github

import (
	"strings"
	"testing"

	"github.com/tagflow/tagflow/internal/forge"
)

// TestSyncFlow is the acceptance flow of the pull request lifecycle, driven through
// forge.Sync against GitHub's recorded responses: the first change opens a pull request
// with the rendered text, a newer tag updates the same one, after the merge no duplicate is
// opened, and a new change starts fresh. Between steps the fake moves the pull request's
// head as GitHub does when the branch is pushed.
func TestSyncFlow(t *testing.T) {
	ctx := t.Context()
	f := newFakeGitHub(t, testToken)
	f.seed(120, "tagflow/app", "main", true) // older merged ones, so the lookups page
	c := newTestClient(t, f)
	req := func(tag string) forge.Request {
		return forge.Request{Head: "tagflow/app", Base: "main", Title: "Update app to " + tag,
			Body: "- app:1.0.0 -> app:" + tag, Labels: []string{"automated"}}
	}
	setHead := func(n int, sha string) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.prs[n]["head"].(map[string]any)["sha"] = sha
	}
	sha := func(c byte) string { return strings.Repeat(string(c), 40) }

	out, err := forge.Sync(ctx, c, req("1.1.0"), forge.Branch{Head: sha('a'), Pending: true}, true)
	if err != nil || out.Action != forge.Opened || out.PullRequest.Title != "Update app to 1.1.0" || out.PullRequest.State != forge.StateOpen {
		t.Fatalf("first change: %+v, %v; want an opened pull request", out, err)
	}
	first := out.PullRequest.Number
	setHead(first, sha('a'))

	out, err = forge.Sync(ctx, c, req("1.2.0"), forge.Branch{Head: sha('b'), Pending: true}, true)
	if err != nil || out.Action != forge.Updated || out.PullRequest.Number != first || out.PullRequest.Title != "Update app to 1.2.0" {
		t.Fatalf("newer tag: %+v, %v; want #%d updated", out, err, first)
	}
	setHead(first, sha('b'))

	f.mu.Lock()
	f.prs[first]["state"], f.prs[first]["merged"], f.prs[first]["merged_at"] = "closed", true, "2024-08-01T00:00:00Z"
	f.mu.Unlock()
	opens := countRequests(f.requests(), "POST /api/v3/repos/org/app/pulls")
	out, err = forge.Sync(ctx, c, req("1.2.0"), forge.Branch{Head: sha('b')}, true)
	if err != nil || out.Action != forge.Done || out.PullRequest.Number != first || out.PullRequest.State != forge.StateMerged {
		t.Fatalf("after the merge: %+v, %v; want #%d reported merged", out, err, first)
	}
	if n := countRequests(f.requests(), "POST /api/v3/repos/org/app/pulls"); n != opens {
		t.Errorf("after the merge %d more pull requests were opened, want none", n-opens)
	}

	out, err = forge.Sync(ctx, c, req("1.3.0"), forge.Branch{Head: sha('c'), Pending: true}, true)
	if err != nil || out.Action != forge.Opened || out.PullRequest.Number == first || out.PullRequest.Title != "Update app to 1.3.0" {
		t.Fatalf("new change after the merge: %+v, %v; want a fresh pull request", out, err)
	}
	if pages := f.pages; len(pages) < 2 || pages[len(pages)-1] != "2" {
		t.Errorf("lookups read pages %v, want every lookup to follow Link to page 2", pages)
	}
}

func countRequests(log []string, want string) int {
	n := 0
	for _, r := range log {
		if r == want {
			n++
		}
	}
	return n
}
