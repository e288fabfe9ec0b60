package gitlab

import (
	"strings"
	"testing"

	"github.com/tagflow/tagflow/internal/forge"
)

// TestSyncFlow is the acceptance flow of the pull request lifecycle, driven through
// forge.Sync against GitLab's recorded responses: the first change opens a merge request
// with the rendered text, a newer tag updates the same one, after the merge no duplicate is
// opened, and a new change starts fresh. Between steps the fake moves the merge request's
// sha as GitLab does when the branch is pushed.
func TestSyncFlow(t *testing.T) {
	ctx := t.Context()
	f := newFakeGitLab(t, testToken)
	f.seed(120, "tagflow/app", "main", "merged") // older merged ones, so the lookups page
	c := newTestClient(t, f)
	req := func(tag string) forge.Request {
		return forge.Request{Head: "tagflow/app", Base: "main", Title: "Update app to " + tag,
			Body: "- app:1.0.0 -> app:" + tag, Labels: []string{"automated"}}
	}
	sha := func(c byte) string { return strings.Repeat(string(c), 40) }
	creates := func() int {
		n := 0
		for _, r := range f.requests() {
			if strings.HasPrefix(r, "POST ") && strings.HasSuffix(r, "/merge_requests") {
				n++
			}
		}
		return n
	}

	out, err := forge.Sync(ctx, c, req("1.1.0"), forge.Branch{Head: sha('a'), Pending: true}, true)
	if err != nil || out.Action != forge.Opened || out.PullRequest.Title != "Update app to 1.1.0" || out.PullRequest.State != forge.StateOpen {
		t.Fatalf("first change: %+v, %v; want an opened merge request", out, err)
	}
	first := out.PullRequest.Number
	f.edit(first, func(mr map[string]any) { mr["sha"] = sha('a') })

	out, err = forge.Sync(ctx, c, req("1.2.0"), forge.Branch{Head: sha('b'), Pending: true}, true)
	if err != nil || out.Action != forge.Updated || out.PullRequest.Number != first || out.PullRequest.Title != "Update app to 1.2.0" {
		t.Fatalf("newer tag: %+v, %v; want !%d updated", out, err, first)
	}
	f.edit(first, func(mr map[string]any) {
		mr["sha"], mr["state"], mr["merged_at"] = sha('b'), "merged", "2024-08-01T00:00:00Z"
	})

	opened := creates()
	out, err = forge.Sync(ctx, c, req("1.2.0"), forge.Branch{Head: sha('b')}, true)
	if err != nil || out.Action != forge.Done || out.PullRequest.Number != first || out.PullRequest.State != forge.StateMerged {
		t.Fatalf("after the merge: %+v, %v; want !%d reported merged", out, err, first)
	}
	if creates() != opened {
		t.Errorf("after the merge a merge request was opened, want none")
	}

	out, err = forge.Sync(ctx, c, req("1.3.0"), forge.Branch{Head: sha('c'), Pending: true}, true)
	if err != nil || out.Action != forge.Opened || out.PullRequest.Number == first || out.PullRequest.Title != "Update app to 1.3.0" {
		t.Fatalf("new change after the merge: %+v, %v; want a fresh merge request", out, err)
	}
}
