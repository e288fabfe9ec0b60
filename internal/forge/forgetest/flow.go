package forgetest

import (
	"strings"
	"testing"

	"github.com/tagflow/tagflow/internal/forge"
)

// SyncFlow is the acceptance flow of the pull request lifecycle, driven through
// forge.Sync: the first change opens a pull request with the rendered text, a newer tag
// updates the same one, after the merge no duplicate is opened, and a new change starts
// fresh. Between steps the fake moves the pull request's head as the forge does when the
// branch is pushed.
type SyncFlow struct {
	// Client is the client of the fake, which holds no open pull request from
	// tagflow/app into main.
	Client forge.Client
	// Push sets the head commit of pull request number to sha, as a push does.
	Push func(number int, sha string)
	// Merge merges pull request number, as a person does.
	Merge func(number int)
	// Opens returns how many requests to open a pull request the fake got so far.
	Opens func() int
}

// Run runs the flow.
func (s SyncFlow) Run(t *testing.T) {
	t.Helper()
	ctx := t.Context()
	req := func(tag string) forge.Request {
		return forge.Request{Head: "tagflow/app", Base: "main", Title: "Update app to " + tag,
			Body: "- app:1.0.0 -> app:" + tag, Labels: []string{"automated"}}
	}
	sha := func(c byte) string { return strings.Repeat(string(c), 40) }

	out, err := forge.Sync(ctx, s.Client, req("1.1.0"), forge.Branch{Head: sha('a'), Pending: true}, true)
	if err != nil || out.Action != forge.Opened || out.PullRequest.Title != "Update app to 1.1.0" || out.PullRequest.State != forge.StateOpen {
		t.Fatalf("first change: %+v, %v; want an opened pull request", out, err)
	}
	first := out.PullRequest.Number
	s.Push(first, sha('a'))

	out, err = forge.Sync(ctx, s.Client, req("1.2.0"), forge.Branch{Head: sha('b'), Pending: true}, true)
	if err != nil || out.Action != forge.Updated || out.PullRequest.Number != first || out.PullRequest.Title != "Update app to 1.2.0" {
		t.Fatalf("newer tag: %+v, %v; want %d updated", out, err, first)
	}
	s.Push(first, sha('b'))
	s.Merge(first)

	opens := s.Opens()
	out, err = forge.Sync(ctx, s.Client, req("1.2.0"), forge.Branch{Head: sha('b')}, true)
	if err != nil || out.Action != forge.Done || out.PullRequest.Number != first || out.PullRequest.State != forge.StateMerged {
		t.Fatalf("after the merge: %+v, %v; want %d reported merged", out, err, first)
	}
	if n := s.Opens(); n != opens {
		t.Errorf("after the merge %d more pull requests were opened, want none", n-opens)
	}

	out, err = forge.Sync(ctx, s.Client, req("1.3.0"), forge.Branch{Head: sha('c'), Pending: true}, true)
	if err != nil || out.Action != forge.Opened || out.PullRequest.Number == first || out.PullRequest.Title != "Update app to 1.3.0" {
		t.Fatalf("new change after the merge: %+v, %v; want a fresh pull request", out, err)
	}
}
