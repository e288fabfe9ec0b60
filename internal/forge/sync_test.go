package forge_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tagflow/tagflow/internal/forge"
)

// memory is an in-memory forge that records the calls Sync makes. The clients of the real
// forges are tested against those forges (Gitea) or their recorded responses; this checks
// Sync's decisions.
type memory struct {
	prs    []forge.PullRequest // newest first
	calls  []string
	race   *forge.PullRequest // opened by "someone else" when Open is called
	failOn string
}

func (m *memory) Find(_ context.Context, head, base string) ([]forge.PullRequest, error) {
	m.calls = append(m.calls, "find")
	return slices.Clone(m.prs), m.fail("find")
}

func (m *memory) Open(_ context.Context, req forge.Request) (forge.PullRequest, error) {
	m.calls = append(m.calls, "open")
	if m.race != nil {
		m.prs = append([]forge.PullRequest{*m.race}, m.prs...)
		return forge.PullRequest{}, forge.ErrAlreadyExists
	}
	pr := forge.PullRequest{Number: len(m.prs) + 1, State: forge.StateOpen, Title: req.Title, Body: req.Body, Labels: req.Labels, Draft: req.Draft}
	m.prs = append([]forge.PullRequest{pr}, m.prs...)
	return pr, m.fail("open")
}

func (m *memory) Update(_ context.Context, number int, req forge.Request) (forge.PullRequest, error) {
	m.calls = append(m.calls, "update")
	for i := range m.prs {
		if m.prs[i].Number == number {
			m.prs[i].Title, m.prs[i].Body = req.Title, req.Body
			for _, l := range req.Labels {
				if !slices.Contains(m.prs[i].Labels, l) {
					m.prs[i].Labels = append(m.prs[i].Labels, l)
				}
			}
			return m.prs[i], m.fail("update")
		}
	}
	return forge.PullRequest{}, errors.New("no such pull request")
}

func (m *memory) Close(_ context.Context, number int) error {
	m.calls = append(m.calls, "close")
	for i := range m.prs {
		if m.prs[i].Number == number {
			m.prs[i].State = forge.StateClosed
		}
	}
	return m.fail("close")
}

func (m *memory) fail(op string) error {
	if m.failOn == op {
		return errors.New(op + " failed")
	}
	return nil
}

var _ forge.Client = (*memory)(nil)

func TestSync(t *testing.T) {
	req := forge.Request{Head: "tagflow/app", Base: "main", Title: "Update app to 1.2.0", Body: "- app:1.1.0 -> app:1.2.0", Labels: []string{"automated"}}
	open := func(n int, head string) forge.PullRequest {
		return forge.PullRequest{Number: n, State: forge.StateOpen, Title: req.Title, Body: req.Body, Head: head, Labels: []string{"automated"}}
	}
	withState := func(pr forge.PullRequest, s forge.State) forge.PullRequest { pr.State = s; return pr }
	tests := []struct {
		name          string
		prs           []forge.PullRequest
		branch        forge.Branch
		closeWhenDone bool
		race          *forge.PullRequest
		wantAction    forge.Action
		wantNumber    int // 0: no pull request
		wantCalls     []string
	}{
		{name: "first change opens", branch: forge.Branch{Head: "c1", Pending: true},
			wantAction: forge.Opened, wantNumber: 1, wantCalls: []string{"find", "open"}},
		{name: "same change, same text: nothing to do", prs: []forge.PullRequest{open(4, "c1")}, branch: forge.Branch{Head: "c1", Pending: true},
			wantAction: forge.Unchanged, wantNumber: 4, wantCalls: []string{"find"}},
		{name: "new commit with the same text is an update", prs: []forge.PullRequest{open(4, "c1")}, branch: forge.Branch{Head: "c2", Pending: true},
			wantAction: forge.Updated, wantNumber: 4, wantCalls: []string{"find"}},
		{name: "new title edits the open one", prs: []forge.PullRequest{func() forge.PullRequest { p := open(4, "c1"); p.Title = "Update app to 1.1.0"; return p }()},
			branch: forge.Branch{Head: "c2", Pending: true}, wantAction: forge.Updated, wantNumber: 4, wantCalls: []string{"find", "update"}},
		{name: "missing label edits", prs: []forge.PullRequest{func() forge.PullRequest { p := open(4, "c1"); p.Labels = []string{"people-added"}; return p }()},
			branch: forge.Branch{Head: "c1", Pending: true}, wantAction: forge.Updated, wantNumber: 4, wantCalls: []string{"find", "update"}},
		{name: "draft marker and CRLF are not differences", prs: []forge.PullRequest{func() forge.PullRequest {
			p := open(4, "c1")
			p.Title, p.Body = "Draft: "+req.Title, "- app:1.1.0 -> app:1.2.0\r\n"
			return p
		}()}, branch: forge.Branch{Head: "c1", Pending: true}, wantAction: forge.Unchanged, wantNumber: 4, wantCalls: []string{"find"}},
		{name: "merged with this head: no duplicate", prs: []forge.PullRequest{withState(open(4, "c1"), forge.StateMerged)},
			branch: forge.Branch{Head: "c1", Pending: true}, wantAction: forge.Done, wantNumber: 4, wantCalls: []string{"find"}},
		{name: "closed by a person with this head: not reopened", prs: []forge.PullRequest{withState(open(4, "c1"), forge.StateClosed)},
			branch: forge.Branch{Head: "c1", Pending: true}, wantAction: forge.Done, wantNumber: 4, wantCalls: []string{"find"}},
		{name: "closed by a person, rebuilt on a newer base, same text: not reopened", prs: []forge.PullRequest{withState(open(4, "c1"), forge.StateClosed)},
			branch: forge.Branch{Head: "c1-rebuilt", Pending: true}, wantAction: forge.Done, wantNumber: 4, wantCalls: []string{"find"}},
		{name: "closed by a person, then a newer tag: opened", prs: []forge.PullRequest{func() forge.PullRequest {
			p := withState(open(4, "c1"), forge.StateClosed)
			p.Title = "Update app to 1.1.0"
			return p
		}()}, branch: forge.Branch{Head: "c2", Pending: true}, wantAction: forge.Opened, wantNumber: 2, wantCalls: []string{"find", "open"}},
		{name: "after a merge a new change starts fresh", prs: []forge.PullRequest{withState(open(4, "c1"), forge.StateMerged)},
			branch: forge.Branch{Head: "c2", Pending: true}, wantAction: forge.Opened, wantNumber: 2, wantCalls: []string{"find", "open"}},
		{name: "nothing left, merged: done", prs: []forge.PullRequest{withState(open(4, "c1"), forge.StateMerged)},
			branch: forge.Branch{Head: "c1"}, closeWhenDone: true, wantAction: forge.Done, wantNumber: 4, wantCalls: []string{"find"}},
		{name: "nothing left, open, close asked: closed", prs: []forge.PullRequest{open(4, "c1")},
			branch: forge.Branch{Head: "c1"}, closeWhenDone: true, wantAction: forge.Closed, wantNumber: 4, wantCalls: []string{"find", "close"}},
		{name: "nothing left, open, close not asked: left open", prs: []forge.PullRequest{open(4, "c1")},
			branch: forge.Branch{Head: "c1"}, wantAction: forge.Done, wantNumber: 4, wantCalls: []string{"find"}},
		{name: "nothing ever: done without a pull request", branch: forge.Branch{}, closeWhenDone: true,
			wantAction: forge.Done, wantCalls: []string{"find"}},
		{name: "someone else pushed: left alone", prs: []forge.PullRequest{func() forge.PullRequest { p := open(4, "h1"); p.Title = "old"; return p }()},
			branch: forge.Branch{Head: "h1", Pending: true, Modified: true}, closeWhenDone: true, wantAction: forge.LeftAlone, wantNumber: 4, wantCalls: []string{"find"}},
		{name: "lost the race to open: adopt the winner", race: func() *forge.PullRequest { p := open(9, "c1"); p.Title = "theirs"; return &p }(),
			branch: forge.Branch{Head: "c1", Pending: true}, wantAction: forge.Updated, wantNumber: 9, wantCalls: []string{"find", "open", "find", "update"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &memory{prs: tt.prs, race: tt.race}
			got, err := forge.Sync(t.Context(), m, req, tt.branch, tt.closeWhenDone)
			if err != nil {
				t.Fatalf("Sync: %v", err)
			}
			if got.Action != tt.wantAction {
				t.Errorf("Action = %q, want %q", got.Action, tt.wantAction)
			}
			number := 0
			if got.PullRequest != nil {
				number = got.PullRequest.Number
			}
			if number != tt.wantNumber {
				t.Errorf("PullRequest.Number = %d, want %d", number, tt.wantNumber)
			}
			if diff := cmp.Diff(tt.wantCalls, m.calls); diff != "" {
				t.Errorf("calls mismatch (-want +got):\n%s", diff)
			}
			if tt.wantAction == forge.Closed && got.PullRequest.State != forge.StateClosed {
				t.Errorf("closed pull request reported as %q", got.PullRequest.State)
			}
		})
	}
}

func TestSyncErrors(t *testing.T) {
	req := forge.Request{Head: "tagflow/app", Base: "main", Title: "t"}
	for _, op := range []string{"find", "open", "update", "close"} {
		t.Run(op, func(t *testing.T) {
			m := &memory{failOn: op}
			branch := forge.Branch{Head: "c1", Pending: true}
			switch op {
			case "update":
				m.prs = []forge.PullRequest{{Number: 1, State: forge.StateOpen, Title: "old"}}
			case "close":
				m.prs = []forge.PullRequest{{Number: 1, State: forge.StateOpen, Title: "t"}}
				branch.Pending = false
			}
			if _, err := forge.Sync(t.Context(), m, req, branch, true); err == nil || err.Error() != op+" failed" {
				t.Errorf("Sync error = %v, want %q", err, op+" failed")
			}
		})
	}
}

func TestSyncRaceWithoutWinner(t *testing.T) {
	// The forge says one exists, but none is open when asked again (closed in between):
	// the error says both.
	m := &memory{race: &forge.PullRequest{Number: 3, State: forge.StateClosed, Head: "x"}}
	_, err := forge.Sync(t.Context(), m, forge.Request{Head: "b", Base: "main"}, forge.Branch{Head: "c1", Pending: true}, false)
	if !errors.Is(err, forge.ErrAlreadyExists) {
		t.Fatalf("Sync error = %v, want ErrAlreadyExists", err)
	}
}
