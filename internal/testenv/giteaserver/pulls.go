package giteaserver

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// CreatePR opens a pull request from head into base in the administrator's repository
// repo and returns it.
func (s *Server) CreatePR(t testing.TB, repo, head, base, title string) PullRequest {
	t.Helper()
	var pr PullRequest
	in := map[string]string{"head": head, "base": base, "title": title}
	s.API(t, http.MethodPost, s.repoPath(repo)+"/pulls", in, &pr)
	return pr
}

// PR returns pull request number of repo as the API reports it.
func (s *Server) PR(t testing.TB, repo string, number int) PullRequest {
	t.Helper()
	var pr PullRequest
	s.API(t, http.MethodGet, s.pullPath(repo, number), nil, &pr)
	return pr
}

// Merge merges pull request number of repo with a merge commit and waits until the API
// reports it merged. Gitea checks whether a new pull request can be merged in the
// background and answers 405 "Please try again later" until it has, so the merge is
// retried until then.
func (s *Server) Merge(t testing.TB, repo string, number int) {
	t.Helper()
	if err := s.merge(repo, number); err != nil {
		t.Fatalf("merging pull request %d of %s: %v", number, repo, err)
	}
}

func (s *Server) merge(repo string, number int) error {
	deadline := time.Now().Add(startTimeout)
	for {
		err := s.call(http.MethodPost, s.pullPath(repo, number)+"/merge", map[string]string{"Do": "merge"}, nil)
		if err == nil {
			break
		}
		var apiErr *APIError
		if !errors.As(err, &apiErr) || !retryableMerge(apiErr) || time.Now().After(deadline) {
			return err
		}
		time.Sleep(200 * time.Millisecond) // poll interval
	}
	return s.waitPR(repo, number, func(pr PullRequest) bool { return pr.Merged })
}

// retryableMerge reports whether a refused merge is Gitea still checking the pull request
// (405 "Please try again later") or its head moving under it (409 "head out of date").
func retryableMerge(e *APIError) bool {
	return e.StatusCode == http.StatusMethodNotAllowed && strings.Contains(e.Body, "try again later") ||
		e.StatusCode == http.StatusConflict && strings.Contains(e.Body, "out of date")
}

// ClosePR closes pull request number of repo without merging it.
func (s *Server) ClosePR(t testing.TB, repo string, number int) {
	t.Helper()
	s.API(t, http.MethodPatch, s.pullPath(repo, number), map[string]string{"state": "closed"}, nil)
	if err := s.waitPR(repo, number, func(pr PullRequest) bool { return pr.State == "closed" }); err != nil {
		t.Fatalf("closing pull request %d of %s: %v", number, repo, err)
	}
}

// waitPR polls pull request number of repo until done holds.
func (s *Server) waitPR(repo string, number int, done func(PullRequest) bool) error {
	deadline := time.Now().Add(startTimeout)
	for {
		var pr PullRequest
		err := s.call(http.MethodGet, s.pullPath(repo, number), nil, &pr)
		if err == nil && done(pr) {
			return nil
		}
		if time.Now().After(deadline) && err != nil {
			return fmt.Errorf("waiting for pull request %d: %w", number, err)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("waiting for pull request %d: still state %q, merged %v", number, pr.State, pr.Merged)
		}
		time.Sleep(200 * time.Millisecond) // poll interval
	}
}

func (s *Server) pullPath(repo string, number int) string {
	return fmt.Sprintf("%s/pulls/%d", s.repoPath(repo), number)
}

func (s *Server) issuePath(repo string, number int) string {
	return fmt.Sprintf("%s/issues/%d", s.repoPath(repo), number)
}
