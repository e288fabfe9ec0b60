package forgetest

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tagflow/tagflow/internal/forge"
)

// Opened checks that c finds nothing from req.Head into req.Base, that Open of req returns
// want, and that Find then lists want alone.
func Opened(t *testing.T, c forge.Client, req forge.Request, want forge.PullRequest) {
	t.Helper()
	prs, err := c.Find(t.Context(), req.Head, req.Base)
	if err != nil || len(prs) != 0 {
		t.Fatalf("Find() before Open = %v, %v; want none", prs, err)
	}

	opened, err := c.Open(t.Context(), req)
	if err != nil {
		t.Fatalf("Open() error = %v", err)
	}
	if diff := cmp.Diff(want, opened); diff != "" {
		t.Errorf("Open() mismatch (-want +got):\n%s", diff)
	}

	prs, err = c.Find(t.Context(), req.Head, req.Base)
	if err != nil {
		t.Fatalf("Find() error = %v", err)
	}
	if diff := cmp.Diff([]forge.PullRequest{want}, prs); diff != "" {
		t.Errorf("Find() after Open mismatch (-want +got):\n%s", diff)
	}
}

// Updated checks that Update of number to req returns want.
func Updated(t *testing.T, c forge.Client, number int, req forge.Request, want forge.PullRequest) {
	t.Helper()
	updated, err := c.Update(t.Context(), number, req)
	if err != nil {
		t.Fatalf("Update() error = %v", err)
	}
	if diff := cmp.Diff(want, updated); diff != "" {
		t.Errorf("Update() mismatch (-want +got):\n%s", diff)
	}
}

// RefusedThenClosed checks that a second Open of req, while number is open, is refused
// with forge.ErrAlreadyExists and an error that starts with op, and that after Close of
// number Find reports it closed.
func RefusedThenClosed(t *testing.T, c forge.Client, req forge.Request, number int, op string) {
	t.Helper()
	_, err := c.Open(t.Context(), req)
	if !errors.Is(err, forge.ErrAlreadyExists) {
		t.Errorf("second Open() error = %v, want ErrAlreadyExists", err)
	}
	if err != nil && !strings.HasPrefix(err.Error(), op) {
		t.Errorf("second Open() error = %q, want it to say what was being done", err)
	}

	if err := c.Close(t.Context(), number); err != nil {
		t.Fatalf("Close() error = %v", err)
	}
	prs, err := c.Find(t.Context(), req.Head, req.Base)
	if err != nil || len(prs) != 1 || prs[0].State != forge.StateClosed || prs[0].Number != number {
		t.Errorf("Find() after Close = %v, %v; want %d closed", prs, err, number)
	}
}

// CheckListed checks that Find's answer prs holds the numbers last down to 1, newest
// first, as many in each state as states says.
func CheckListed(t *testing.T, prs []forge.PullRequest, last int, states map[forge.State]int) {
	t.Helper()
	var numbers, wantNumbers []int
	got := map[forge.State]int{}
	for _, pr := range prs {
		numbers = append(numbers, pr.Number)
		got[pr.State]++
	}
	for n := last; n >= 1; n-- {
		wantNumbers = append(wantNumbers, n)
	}
	if diff := cmp.Diff(wantNumbers, numbers); diff != "" {
		t.Errorf("Find() numbers (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(states, got); diff != "" {
		t.Errorf("Find() states (-want +got):\n%s", diff)
	}
}

// CheckAuthError checks that err, from call ("Find()"), wraps forge.ErrAuth and does not
// carry token.
func CheckAuthError(t *testing.T, call string, err error, token string) {
	t.Helper()
	if !errors.Is(err, forge.ErrAuth) {
		t.Errorf("%s error = %v, want ErrAuth", call, err)
	}
	if err != nil && strings.Contains(err.Error(), token) {
		t.Errorf("%s error = %q carries the token", call, err)
	}
}
