package github

import (
	"testing"

	"github.com/tagflow/tagflow/internal/forge/forgetest"
)

// TestSyncFlow is the acceptance flow of the pull request lifecycle, driven through
// forge.Sync against GitHub's recorded responses: the first change opens a pull request
// with the rendered text, a newer tag updates the same one, after the merge no duplicate is
// opened, and a new change starts fresh. Between steps the fake moves the pull request's
// head as GitHub does when the branch is pushed.
func TestSyncFlow(t *testing.T) {
	f := newFakeGitHub(t, testToken)
	f.seed(120, "tagflow/app", "main", true) // older merged ones, so the lookups page
	forgetest.SyncFlow{
		Client: newTestClient(t, f),
		Push: func(n int, sha string) {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.prs[n]["head"].(map[string]any)["sha"] = sha
		},
		Merge: func(n int) {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.prs[n]["state"], f.prs[n]["merged"], f.prs[n]["merged_at"] = "closed", true, "2024-08-01T00:00:00Z"
		},
		Opens: func() int { return f.Count("POST /api/v3/repos/org/app/pulls") },
	}.Run(t)
	if pages := f.pages; len(pages) < 2 || pages[len(pages)-1] != "2" {
		t.Errorf("lookups read pages %v, want every lookup to follow Link to page 2", pages)
	}
}
