package gitlab

import (
	"testing"

	"github.com/tagflow/tagflow/internal/forge/forgetest"
)

// TestSyncFlow is the acceptance flow of the pull request lifecycle, driven through
// forge.Sync against GitLab's recorded responses: the first change opens a merge request
// with the rendered text, a newer tag updates the same one, after the merge no duplicate is
// opened, and a new change starts fresh. Between steps the fake moves the merge request's
// sha as GitLab does when the branch is pushed.
func TestSyncFlow(t *testing.T) {
	f := newFakeGitLab(t, testToken)
	f.seed(120, "tagflow/app", "main", "merged") // older merged ones, so the lookups page
	forgetest.SyncFlow{
		Client: newTestClient(t, f),
		Push:   func(n int, sha string) { f.edit(n, func(mr map[string]any) { mr["sha"] = sha }) },
		Merge: func(n int) {
			f.edit(n, func(mr map[string]any) { mr["state"], mr["merged_at"] = "merged", "2024-08-01T00:00:00Z" })
		},
		Opens: func() int { return f.Count("POST /api/v4/projects/group%2Fsub%2Fapp/merge_requests") },
	}.Run(t)
}
