package github

import (
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tagflow/tagflow/internal/forge"
	"github.com/tagflow/tagflow/internal/forge/forgetest"
)

const testToken = "ghp_testtoken0123456789abcdefghijklmnopqr"

func newTestClient(t *testing.T, f *fakeGitHub) *Client {
	t.Helper()
	return forgetest.NewClient(t, New, forge.Config{URL: f.url(), Repository: f.owner + "/" + f.repo, Token: testToken})
}

// TestLifecycle drives one pull request through Find, Open, Update, a refused second Open
// and Close, and checks every request the client sent.
func TestLifecycle(t *testing.T) {
	f := newFakeGitHub(t, testToken)
	c := newTestClient(t, f)
	req := forge.Request{Head: "tagflow/app", Base: "main", Title: "Update app to 1.2.0", Body: "app 1.1.0 -> 1.2.0",
		Labels: []string{"dependencies", "tagflow"}, Draft: true}
	want := forge.PullRequest{Number: 1, URL: "https://github.com/org/app/pull/1", State: forge.StateOpen,
		Title: req.Title, Body: req.Body, Head: fmt.Sprintf("%040x", 1), Labels: req.Labels, Draft: true}
	forgetest.Opened(t, c, req, want)

	f.addLabel(1, "keep-me")
	req.Title, req.Body = "Update app to 1.3.0", "app 1.1.0 -> 1.3.0"
	req.Labels = []string{"dependencies", "tagflow", "security"}
	want.Title, want.Body = req.Title, req.Body
	want.Labels = []string{"dependencies", "tagflow", "keep-me", "security"}
	forgetest.Updated(t, c, 1, req, want)
	if _, err := c.Update(t.Context(), 1, req); err != nil {
		t.Fatalf("second Update() error = %v", err)
	}

	forgetest.RefusedThenClosed(t, c, req, 1, "opening pull request org/app tagflow/app->main: ")

	wantLabelled := [][]string{{"dependencies", "tagflow"}, {"security"}}
	if diff := cmp.Diff(wantLabelled, f.labelled); diff != "" {
		t.Errorf("labels added (-want +got):\n%s", diff)
	}
	wantLog := []string{
		"GET /api/v3/repos/org/app/pulls",
		"POST /api/v3/repos/org/app/pulls",
		"POST /api/v3/repos/org/app/issues/1/labels",
		"GET /api/v3/repos/org/app/pulls",
		"PATCH /api/v3/repos/org/app/pulls/1",
		"POST /api/v3/repos/org/app/issues/1/labels",
		"PATCH /api/v3/repos/org/app/pulls/1", // the second Update: every label is there
		"POST /api/v3/repos/org/app/pulls",
		"PATCH /api/v3/repos/org/app/pulls/1",
		"GET /api/v3/repos/org/app/pulls",
	}
	if diff := cmp.Diff(wantLog, f.Requests()); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
}

// TestFindPages checks that Find reads every page, in GitHub's order, and maps merged
// and closed pull requests apart.
func TestFindPages(t *testing.T) {
	tests := []struct {
		name string
		// seed stores the pull requests of tagflow/app into main.
		seed     func(f *fakeGitHub)
		wantOpen int // the index of the open pull request in Find's answer
	}{
		{
			name: "open one on page 2 behind 150 newer closed ones",
			seed: func(f *fakeGitHub) {
				f.seed(1, "tagflow/app", "main", false)
				f.prs[1]["state"], f.prs[1]["closed_at"] = "open", nil
				f.seed(75, "tagflow/app", "main", true)
				f.seed(75, "tagflow/app", "main", false)
			},
			wantOpen: 150,
		},
		{
			name: "open one on page 1 before 150 older closed ones",
			seed: func(f *fakeGitHub) {
				f.seed(75, "tagflow/app", "main", true)
				f.seed(75, "tagflow/app", "main", false)
				f.seed(1, "tagflow/app", "main", false)
				f.prs[151]["state"], f.prs[151]["closed_at"] = "open", nil
			},
			wantOpen: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t, testToken)
			tt.seed(f)
			f.seed(3, "tagflow/other", "main", false)  // another branch: not listed
			f.seed(3, "tagflow/app", "release", false) // another base: not listed

			prs, err := newTestClient(t, f).Find(t.Context(), "tagflow/app", "main")
			if err != nil {
				t.Fatalf("Find() error = %v", err)
			}
			forgetest.CheckListed(t, prs, 151, map[forge.State]int{forge.StateOpen: 1, forge.StateMerged: 75, forge.StateClosed: 75})
			if len(prs) > tt.wantOpen && prs[tt.wantOpen].State != forge.StateOpen {
				t.Errorf("Find()[%d] = %+v, want the open pull request", tt.wantOpen, prs[tt.wantOpen])
			}
			if diff := cmp.Diff([]string{"", "2"}, f.pages); diff != "" {
				t.Errorf("pages read (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRefusedCredentials checks that GitHub refusing the credentials wraps forge.ErrAuth
// and that the error does not carry the token.
func TestRefusedCredentials(t *testing.T) {
	tests := []struct {
		name   string
		token  string // the token the client sends
		script []forgetest.Scripted
	}{
		{name: "401 bad credentials", token: "ghp_wrongtoken0123456789abcdefghijklmn"},
		{name: "403 without a rate limit", token: testToken,
			script: []forgetest.Scripted{{Status: 403, File: "bad-credentials.json"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t, testToken)
			f.Script(tt.script...)
			c, err := New(forge.Config{URL: f.url(), Repository: "org/app", Token: tt.token})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Find(t.Context(), "tagflow/app", "main")
			forgetest.CheckAuthError(t, "Find()", err, tt.token)
			if errors.Is(err, forge.ErrAlreadyExists) {
				t.Errorf("Find() error = %v is ErrAlreadyExists too", err)
			}
		})
	}
}
