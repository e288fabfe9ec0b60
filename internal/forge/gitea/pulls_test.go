package gitea_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tagflow/tagflow/internal/forge"
	"github.com/tagflow/tagflow/internal/forge/gitea"
	"github.com/tagflow/tagflow/internal/testenv/giteaserver"
)

const (
	head = "tagflow/update"
	base = "main"
)

var initialFiles = map[string]string{"deploy/app.yaml": "image: ghcr.io/org/app:1.0.0\n"}

// fixture is a repository on the shared Gitea with the branch head one commit ahead of
// base, and a client of it.
type fixture struct {
	s      *giteaserver.Server
	repo   string
	head   string // the commit of branch head
	client *gitea.Client
}

// newFixture creates repository repo on s with branches base and head.
func newFixture(t *testing.T, s *giteaserver.Server, repo string) fixture {
	t.Helper()
	s.CreateRepo(t, repo, initialFiles, base)
	sha := s.PushBranches(t, repo, base, map[string]string{"deploy/app.yaml": "image: ghcr.io/org/app:1.1.0\n"}, head)
	return fixture{s: s, repo: repo, head: sha, client: newClient(t, s, repo, s.Token)}
}

func newClient(t *testing.T, s *giteaserver.Server, repo, token string) *gitea.Client {
	t.Helper()
	c, err := gitea.New(forge.Config{URL: s.URL, Repository: s.Repository(repo), Token: token})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func (f fixture) find(t *testing.T) []forge.PullRequest {
	t.Helper()
	prs, err := f.client.Find(t.Context(), head, base)
	if err != nil {
		t.Fatalf("Find: %v", err)
	}
	return prs
}

func (f fixture) open(t *testing.T, req forge.Request) forge.PullRequest {
	t.Helper()
	pr, err := f.client.Open(t.Context(), req)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return pr
}

func request(title string, labels ...string) forge.Request {
	return forge.Request{Head: head, Base: base, Title: title, Body: "Body of " + title, Labels: labels}
}

// summary is what the tests compare of a pull request; the URL is checked to be set.
func summary(t *testing.T, pr forge.PullRequest) forge.PullRequest {
	t.Helper()
	if pr.URL == "" || pr.Number == 0 {
		t.Errorf("pull request %+v has no URL or number", pr)
	}
	pr.URL = ""
	sort.Strings(pr.Labels)
	return pr
}

// TestClient runs every scenario against one real Gitea, each in its own repository.
func TestClient(t *testing.T) {
	s := giteaserver.Start(t)
	for name, test := range map[string]func(*testing.T, fixture){
		"FindNone":         testFindNone,
		"OpenAndFindPaged": testOpenAndFindPaged,
		"Update":           testUpdate,
		"Draft":            testDraft,
		"OpenTwice":        testOpenTwice,
		"Close":            testClose,
		"Merged":           testMerged,
		"BadToken":         testBadToken,
		"Canceled":         testCanceled,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			test(t, newFixture(t, s, "app-"+name))
		})
	}
}

// testFindNone: no pull request from the branch, while one from another branch exists.
func testFindNone(t *testing.T, f fixture) {
	f.s.PushBranches(t, f.repo, base, map[string]string{"other.txt": "x\n"}, "other")
	f.s.CreatePR(t, f.repo, "other", base, "Other")
	if prs := f.find(t); len(prs) != 0 {
		t.Errorf("Find = %+v, want none", prs)
	}
}

// testOpenAndFindPaged: Open sets title, body and labels (one existing, one it creates)
// as the API shows them; Find finds the pull request behind more than a page of newer ones
// (the server pages by giteaserver.PageSize), among them one from the same head into
// another base.
func testOpenAndFindPaged(t *testing.T, f fixture) {
	f.s.CreateLabel(t, f.repo, "automated")
	got := f.open(t, request("Update app", "automated", "image-update"))
	want := forge.PullRequest{
		Number: got.Number, State: forge.StateOpen, Title: "Update app", Body: "Body of Update app",
		Head: f.head, Labels: []string{"automated", "image-update"},
	}
	if diff := cmp.Diff(want, summary(t, got)); diff != "" {
		t.Errorf("Open() mismatch (-want +got):\n%s", diff)
	}
	api := f.s.PR(t, f.repo, got.Number)
	apiLabels := api.LabelNames()
	sort.Strings(apiLabels)
	apiGot := []any{api.Title, api.Body, api.Head.Label, api.Base.Ref, api.HTMLURL, apiLabels}
	apiWant := []any{want.Title, want.Body, head, base, got.URL, want.Labels}
	if diff := cmp.Diff(apiWant, apiGot); diff != "" {
		t.Errorf("the API's pull request (title, body, head, base, url, labels) mismatch (-want +got):\n%s", diff)
	}

	others := make([]string, giteaserver.PageSize+1)
	for i := range others {
		others[i] = fmt.Sprintf("other-%d", i)
	}
	f.s.PushBranches(t, f.repo, base, map[string]string{"other.txt": "x\n"}, append(others, "release")...)
	f.s.CreatePR(t, f.repo, head, "release", "Same head, other base")
	for _, b := range others {
		f.s.CreatePR(t, f.repo, b, base, "Other "+b)
	}
	if diff := cmp.Diff([]forge.PullRequest{want}, mapSummary(t, f.find(t))); diff != "" {
		t.Errorf("Find() mismatch (-want +got):\n%s", diff)
	}
}

func mapSummary(t *testing.T, prs []forge.PullRequest) []forge.PullRequest {
	t.Helper()
	out := make([]forge.PullRequest, len(prs))
	for i, pr := range prs {
		out[i] = summary(t, pr)
	}
	return out
}

// testUpdate: Update changes title and body and adds a label, keeping the label a person
// added. The added label exists already, listed on the second page of labels (the server
// pages by giteaserver.PageSize and sorts labels by name), and must be reused, not made
// again.
func testUpdate(t *testing.T, f fixture) {
	imageUpdate := f.s.CreateLabel(t, f.repo, "image-update")
	f.s.CreateLabel(t, f.repo, "bug")
	f.s.CreateLabel(t, f.repo, "chore")
	pr := f.open(t, request("Update app", "automated"))
	f.s.AddLabels(t, f.repo, pr.Number, f.s.CreateLabel(t, f.repo, "keep-me"))

	req := request("Update app to 1.1.0", "automated", "image-update")
	got, err := f.client.Update(t.Context(), pr.Number, req)
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	want := forge.PullRequest{
		Number: pr.Number, State: forge.StateOpen, Title: req.Title, Body: req.Body, Head: f.head,
		Labels: []string{"automated", "image-update", "keep-me"},
	}
	if diff := cmp.Diff(want, summary(t, got)); diff != "" {
		t.Errorf("Update() mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]forge.PullRequest{want}, mapSummary(t, f.find(t))); diff != "" {
		t.Errorf("Find() after Update mismatch (-want +got):\n%s", diff)
	}
	for _, l := range f.s.PR(t, f.repo, pr.Number).Labels {
		if l.Name == "image-update" && l.ID != imageUpdate {
			t.Errorf("Update added a new label image-update (ID %d), want the existing one (ID %d)", l.ID, imageUpdate)
		}
	}
}

// testDraft: a draft gets the WIP: prefix, the API and Find report it as a draft, and
// Update keeps the prefix.
func testDraft(t *testing.T, f fixture) {
	req := request("Update app")
	req.Draft = true
	pr := f.open(t, req)
	if pr.Title != "WIP: Update app" || !pr.Draft {
		t.Errorf("Open(draft) = title %q draft %v, want \"WIP: Update app\" and a draft", pr.Title, pr.Draft)
	}
	if api := f.s.PR(t, f.repo, pr.Number); !api.Draft {
		t.Errorf("the API does not report pull request %d as a draft: %+v", pr.Number, api)
	}
	got, err := f.client.Update(t.Context(), pr.Number, request("Update app to 1.1.0"))
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	if got.Title != "WIP: Update app to 1.1.0" || !got.Draft {
		t.Errorf("Update(draft) = title %q draft %v, want the prefix kept", got.Title, got.Draft)
	}
	if prs := f.find(t); len(prs) != 1 || !prs[0].Draft {
		t.Errorf("Find = %+v, want one draft", prs)
	}
}

// testOpenTwice: a second Open for the same branches wraps ErrAlreadyExists.
func testOpenTwice(t *testing.T, f fixture) {
	f.open(t, request("Update app"))
	_, err := f.client.Open(t.Context(), request("Update app again"))
	if !errors.Is(err, forge.ErrAlreadyExists) {
		t.Errorf("second Open: %v, want ErrAlreadyExists", err)
	}
}

// testClose: Close closes; Find reports it closed with its head.
func testClose(t *testing.T, f fixture) {
	pr := f.open(t, request("Update app"))
	if err := f.client.Close(t.Context(), pr.Number); err != nil {
		t.Fatalf("Close: %v", err)
	}
	prs := f.find(t)
	if len(prs) != 1 || prs[0].State != forge.StateClosed || prs[0].Head != f.head {
		t.Errorf("Find after Close = %+v, want one closed pull request at %s", prs, f.head)
	}
}

// testMerged: after a merge Find reports it merged with the head it had, also once the
// branch moved on; a new pull request from the branch is then listed first.
func testMerged(t *testing.T, f fixture) {
	pr := f.open(t, request("Update app"))
	f.s.Merge(t, f.repo, pr.Number)
	prs := f.find(t)
	if len(prs) != 1 || prs[0].State != forge.StateMerged || prs[0].Head != f.head {
		t.Fatalf("Find after merge = %+v, want one merged pull request at %s", prs, f.head)
	}

	next := f.s.PushCommit(t, f.repo, head, map[string]string{"deploy/app.yaml": "image: ghcr.io/org/app:1.2.0\n"},
		"tagflow", "tagflow@tagflow.invalid")
	again := f.open(t, request("Update app to 1.2.0"))
	got := f.find(t)
	gotStates := make([][3]any, len(got))
	for i, p := range got {
		gotStates[i] = [3]any{p.Number, p.State, p.Head}
	}
	want := [][3]any{{again.Number, forge.StateOpen, next}, {pr.Number, forge.StateMerged, f.head}}
	if diff := cmp.Diff(want, gotStates); diff != "" {
		t.Errorf("Find after the branch moved on (number, state, head) mismatch (-want +got):\n%s", diff)
	}
}

// testBadToken: a token Gitea does not know (401) and a read-only token writing (403)
// wrap ErrAuth; the read-only token still reads.
func testBadToken(t *testing.T, f fixture) {
	unknown := newClient(t, f.s, f.repo, "0123456789abcdef0123456789abcdef01234567")
	if _, err := unknown.Find(t.Context(), head, base); !errors.Is(err, forge.ErrAuth) {
		t.Errorf("Find with an unknown token: %v, want ErrAuth", err)
	}
	if _, err := unknown.Open(t.Context(), request("Update app")); !errors.Is(err, forge.ErrAuth) {
		t.Errorf("Open with an unknown token: %v, want ErrAuth", err)
	}
	readOnly := newClient(t, f.s, f.repo, f.s.NewToken(t, "read:repository", "read:issue"))
	if _, err := readOnly.Find(t.Context(), head, base); err != nil {
		t.Errorf("Find with a read-only token: %v", err)
	}
	if _, err := readOnly.Open(t.Context(), request("Update app")); !errors.Is(err, forge.ErrAuth) {
		t.Errorf("Open with a read-only token: %v, want ErrAuth", err)
	}
}

// testCanceled: calls honour their own context, also when others run concurrently on the
// same client.
func testCanceled(t *testing.T, f fixture) {
	f.open(t, request("Update app"))
	canceled, cancel := context.WithCancel(t.Context())
	cancel()
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			ctx := t.Context()
			if i%2 == 1 {
				ctx = canceled
			}
			_, errs[i] = f.client.Find(ctx, head, base)
		})
	}
	wg.Wait()
	for i, err := range errs {
		if wantCanceled := i%2 == 1; errors.Is(err, context.Canceled) != wantCanceled || !wantCanceled && err != nil {
			t.Errorf("Find #%d (canceled %v): %v", i, wantCanceled, err)
		}
	}
}
