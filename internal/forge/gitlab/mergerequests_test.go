package gitlab

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tagflow/tagflow/internal/forge"
	"github.com/tagflow/tagflow/internal/forge/forgetest"
)

const testToken = "glpat-testtoken0123456789ab"

func newTestClient(t *testing.T, f *fakeGitLab) *Client {
	t.Helper()
	return forgetest.NewClient(t, New, forge.Config{URL: f.srv.URL, Repository: "group/sub/app", Token: testToken})
}

// TestLifecycle drives one draft merge request through Find, Open, Update, a refused
// second Open and Close, and checks every request the client sent.
func TestLifecycle(t *testing.T) {
	f := newFakeGitLab(t, testToken)
	c := newTestClient(t, f)
	req := forge.Request{Head: "tagflow/app", Base: "main", Title: "Update app to 1.2.0", Body: "app 1.1.0 -> 1.2.0",
		Labels: []string{"dependencies", "tagflow"}, Draft: true}
	want := forge.PullRequest{Number: 1, URL: "https://gitlab.example.com/group/sub/app/-/merge_requests/1",
		State: forge.StateOpen, Title: "Draft: " + req.Title, Body: req.Body, Head: fmt.Sprintf("%040x", 1),
		Labels: req.Labels, Draft: true}
	forgetest.Opened(t, c, req, want)

	f.edit(1, func(mr map[string]any) { mr["labels"] = append(mr["labels"].([]any), "keep-me") })
	req.Title, req.Body = "Update app to 1.3.0", "app 1.1.0 -> 1.3.0"
	req.Labels = []string{"dependencies", "tagflow", "security"}
	want.Title, want.Body = "Draft: "+req.Title, req.Body
	want.Labels = []string{"dependencies", "tagflow", "keep-me", "security"}
	forgetest.Updated(t, c, 1, req, want)

	forgetest.RefusedThenClosed(t, c, req, 1, "opening merge request group/sub/app tagflow/app->main: ")

	wantUpdates := []map[string]any{
		{"title": "Draft: Update app to 1.3.0", "description": "app 1.1.0 -> 1.3.0", "add_labels": "security"},
		{"state_event": "close"},
	}
	if diff := cmp.Diff(wantUpdates, f.updates); diff != "" {
		t.Errorf("PUT bodies (-want +got):\n%s", diff)
	}
	const mrs = "/api/v4/projects/group%2Fsub%2Fapp/merge_requests"
	wantLog := []string{"GET " + mrs, "POST " + mrs, "GET " + mrs, "GET " + mrs + "/1", "PUT " + mrs + "/1",
		"POST " + mrs, "PUT " + mrs + "/1", "GET " + mrs}
	if diff := cmp.Diff(wantLog, f.Requests()); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
}

// TestUpdateDraft checks the title Update sends: a draft keeps its prefix, a merge request
// a person marked ready does not get it back.
func TestUpdateDraft(t *testing.T) {
	tests := []struct {
		name     string
		current  string // the merge request's title on GitLab
		draft    bool   // GitLab's draft flag
		title    string // the title tagflow wants
		want     string // the title sent
		wantFlag bool   // the draft flag GitLab reports after
	}{
		{"still a draft", "Draft: Update app to 1.2.0", true, "Update app to 1.3.0", "Draft: Update app to 1.3.0", true},
		{"marked ready by a person", "Update app to 1.2.0", false, "Update app to 1.3.0", "Update app to 1.3.0", false},
		{"draft in brackets", "[Draft] Update app to 1.2.0", true, "Update app to 1.3.0", "Draft: Update app to 1.3.0", true},
		{"prefix already in the wanted title", "Draft: Update app to 1.2.0", true, "Draft: Update app to 1.3.0", "Draft: Update app to 1.3.0", true},
		{"never a draft", "Update app to 1.2.0", false, "Draft: of a plan", "Draft: of a plan", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitLab(t, testToken)
			f.seed(1, "tagflow/app", "main", "opened")
			f.edit(1, func(mr map[string]any) { mr["title"], mr["draft"] = tt.current, tt.draft })

			got, err := newTestClient(t, f).Update(t.Context(), 1, forge.Request{Head: "tagflow/app", Base: "main", Title: tt.title})
			if err != nil {
				t.Fatalf("Update() error = %v", err)
			}
			if len(f.updates) != 1 || f.updates[0]["title"] != tt.want {
				t.Errorf("PUT bodies = %v, want title %q", f.updates, tt.want)
			}
			if got.Title != tt.want || got.Draft != tt.wantFlag {
				t.Errorf("Update() = title %q, draft %t; want %q, %t", got.Title, got.Draft, tt.want, tt.wantFlag)
			}
		})
	}
}

// TestFindPages checks that Find reads every page, in GitLab's order, and maps the four
// states.
func TestFindPages(t *testing.T) {
	f := newFakeGitLab(t, testToken)
	f.seed(1, "tagflow/app", "main", "opened")
	f.seed(50, "tagflow/app", "main", "merged")
	f.seed(99, "tagflow/app", "main", "closed")
	f.seed(1, "tagflow/app", "main", "locked")
	f.seed(3, "tagflow/other", "main", "closed")  // another branch: not listed
	f.seed(3, "tagflow/app", "release", "closed") // another target: not listed

	prs, err := newTestClient(t, f).Find(t.Context(), "tagflow/app", "main")
	if err != nil {
		t.Fatalf("Find() error = %v", err)
	}
	forgetest.CheckListed(t, prs, 151, map[forge.State]int{forge.StateOpen: 1, forge.StateMerged: 50, forge.StateClosed: 100})
	if len(prs) == 151 && (prs[150].State != forge.StateOpen || prs[150].Number != 1) {
		t.Errorf("Find()[150] = %+v, want the open merge request 1, on page 2", prs[150])
	}
	if diff := cmp.Diff([]string{"", "2"}, f.pages); diff != "" {
		t.Errorf("pages read (-want +got):\n%s", diff)
	}
}

// TestRefusedCredentials checks that GitLab refusing the token wraps forge.ErrAuth and that
// the error does not carry the token.
func TestRefusedCredentials(t *testing.T) {
	tests := []struct {
		name   string
		token  string
		script []forgetest.Scripted
	}{
		{name: "401", token: "glpat-wrongtoken0123456789"},
		{name: "403", token: testToken, script: []forgetest.Scripted{{Status: 403, File: "forbidden.json"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitLab(t, testToken)
			f.Script(tt.script...)
			c, err := New(forge.Config{URL: f.srv.URL, Repository: "group/sub/app", Token: tt.token})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Open(t.Context(), forge.Request{Head: "tagflow/app", Base: "main", Title: "t"})
			forgetest.CheckAuthError(t, "Open()", err, tt.token)
			if got := len(f.Requests()); got != 1 {
				t.Errorf("server got %d requests, want 1: a refused token is not retried", got)
			}
		})
	}
}
