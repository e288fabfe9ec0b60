package gitrepo_test

import (
	"errors"
	"strings"
	"sync"
	"testing"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/tagflow/tagflow/internal/testenv/gitserver"
	"github.com/tagflow/tagflow/updater/gitrepo"
)

func TestRunFirstPushThenNoChange(t *testing.T) {
	forEachTransport(t, func(t *testing.T, s *gitserver.Server, tr transport) {
		name := newRepoName(t, s)
		base := s.Head(t, name, "main")
		r := newRepo(t, s, tr, name, gitrepo.Ref{Branch: "main"})
		update, _ := setImage("1.1.0", nil)

		got, err := r.Run(t.Context(), update)
		if err != nil {
			t.Fatalf("Run() error = %v", err)
		}
		head := s.Head(t, name, "main")
		wantMsg := "Update from image update automation\n\n- app:1.0.0 -> app:1.1.0 (apps:app)\n"
		want := gitrepo.Result{Pushed: true, Commit: head, Base: base, Branch: "main", Message: wantMsg, Changed: true, Head: head, Attempts: 1}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Run() mismatch (-want +got):\n%s", diff)
		}
		if got := s.Git(t, name, "log", "-1", "--format=%an <%ae>|%cn <%ce>|%P", head); got != "tagflow bot <bot@tagflow.invalid>|tagflow bot <bot@tagflow.invalid>|"+base {
			t.Errorf("pushed commit author|committer|parents = %q", got)
		}
		if got := s.Git(t, name, "log", "-1", "--format=%B", head); got+"\n" != wantMsg {
			t.Errorf("pushed commit message = %q, want %q", got, wantMsg)
		}
		if got := string(s.ReadFile(t, name, head, "deploy.yaml")); !strings.Contains(got, "app:1.1.0") {
			t.Errorf("deploy.yaml at head = %q, want app:1.1.0", got)
		}

		again, err := r.Run(t.Context(), update)
		if err != nil {
			t.Fatalf("second Run() error = %v", err)
		}
		wantAgain := gitrepo.Result{Base: head, Branch: "main", Head: head, Attempts: 1}
		if diff := cmp.Diff(wantAgain, again); diff != "" {
			t.Errorf("second Run() mismatch (-want +got):\n%s", diff)
		}
		if got := s.Head(t, name, "main"); got != head {
			t.Errorf("head after a run without change = %s, want %s", got, head)
		}
	})
}

func TestRunRetriesOnTopOfAConcurrentCommit(t *testing.T) {
	forEachTransport(t, func(t *testing.T, s *gitserver.Server, tr transport) {
		name := newRepoName(t, s)
		r := newRepo(t, s, tr, name, gitrepo.Ref{Branch: "main"})
		var theirs string
		update, calls := setImage("1.2.0", func(attempt int) {
			if attempt == 1 {
				theirs = s.CommitFromClone(t, name, "main", map[string]string{"other.txt": "theirs\n"}, "Someone else's change")
			}
		})

		got, err := r.Run(t.Context(), update)
		if err != nil {
			t.Fatalf("Run() error = %v", err)
		}
		if got.Attempts != 2 || calls.Load() != 2 || !got.Pushed {
			t.Errorf("Run() = %+v after %d update calls, want pushed after 2 attempts", got, calls.Load())
		}
		head := s.Head(t, name, "main")
		if got.Commit != head || got.Base != theirs {
			t.Errorf("Run() commit %s on base %s, want head %s on their commit %s", got.Commit, got.Base, head, theirs)
		}
		if parent := s.Git(t, name, "rev-parse", head+"^"); parent != theirs {
			t.Errorf("parent of our commit = %s, want their commit %s", parent, theirs)
		}
		if got := string(s.ReadFile(t, name, head, "other.txt")); got != "theirs\n" {
			t.Errorf("other.txt at head = %q, their change is lost", got)
		}
		if got := string(s.ReadFile(t, name, head, "deploy.yaml")); !strings.Contains(got, "app:1.2.0") {
			t.Errorf("deploy.yaml at head = %q, our change is lost", got)
		}
	})
}

func TestRunGivesUpAfterMaxAttempts(t *testing.T) {
	s := gitserver.Start(t, gitserver.Options{})
	name := newRepoName(t, s)
	r := newRepo(t, s, transports[0], name, gitrepo.Ref{Branch: "main"}, gitrepo.WithMaxAttempts(3))
	update, calls := setImage("1.3.0", func(attempt int) {
		s.CommitFromClone(t, name, "main", map[string]string{"race.txt": strings.Repeat("x", attempt)}, "race")
	})

	got, err := r.Run(t.Context(), update)
	t.Logf("exhausted error: %v", err)
	if !errors.Is(err, gitrepo.ErrPushRejected) {
		t.Fatalf("Run() error = %v, want ErrPushRejected", err)
	}
	var rejected *gitrepo.PushRejectedError
	if !errors.As(err, &rejected) || rejected.Attempts != 3 || rejected.Branch != "main" {
		t.Errorf("Run() error = %#v, want a PushRejectedError for main after 3 attempts", err)
	}
	if got.Pushed || got.Attempts != 3 || calls.Load() != 3 {
		t.Errorf("Run() = %+v after %d update calls, want nothing pushed after 3 attempts", got, calls.Load())
	}
}

func TestRunRejectedByHookKeepsTheCommit(t *testing.T) {
	forEachTransport(t, func(t *testing.T, s *gitserver.Server, tr transport) {
		name := newRepoName(t, s)
		base := s.Head(t, name, "main")
		s.SetHook(t, name, "pre-receive", "echo 'policy: main is frozen until Monday' >&2\nexit 1\n")
		r := newRepo(t, s, tr, name, gitrepo.Ref{Branch: "main"})
		update, calls := setImage("1.4.0", nil)

		got, err := r.Run(t.Context(), update)
		if !errors.Is(err, gitrepo.ErrRemoteRejected) {
			t.Fatalf("Run() error = %v, want ErrRemoteRejected", err)
		}
		t.Logf("hook error: %v", err)
		if !strings.Contains(err.Error(), "main is frozen until Monday") {
			t.Errorf("Run() error = %q, want the remote's message", err)
		}
		if got.Pushed || got.Attempts != 1 || calls.Load() != 1 || s.Head(t, name, "main") != base {
			t.Errorf("Run() = %+v after %d calls, want one attempt and nothing pushed", got, calls.Load())
		}
		var rejected *gitrepo.RemoteRejectedError
		if !errors.As(err, &rejected) {
			t.Fatalf("Run() error is %T, want *RemoteRejectedError", err)
		}
		assertKept(t, r.Dir(), rejected, base)

		s.SetHook(t, name, "pre-receive", "exit 0\n")
		got, err = r.Run(t.Context(), update)
		if err != nil || !got.Pushed || got.Base != base {
			t.Fatalf("Run() after the hook was lifted = %+v, %v; want a push on %s", got, err, base)
		}
	})
}

// assertKept checks that the refused commit is in the clone cache, on top of base.
func assertKept(t *testing.T, dir string, rejected *gitrepo.RemoteRejectedError, base string) {
	t.Helper()
	repo, err := gogit.PlainOpen(dir)
	if err != nil {
		t.Fatalf("opening the clone cache: %v", err)
	}
	ref, err := repo.Reference(plumbing.ReferenceName(rejected.KeptRef), true)
	if err != nil {
		t.Fatalf("kept reference %q: %v", rejected.KeptRef, err)
	}
	c, err := repo.CommitObject(ref.Hash())
	if err != nil {
		t.Fatalf("reading the kept commit: %v", err)
	}
	if c.Hash.String() != rejected.Commit || len(c.ParentHashes) != 1 || c.ParentHashes[0].String() != base {
		t.Errorf("kept commit %s with parents %v, want %s on %s", c.Hash, c.ParentHashes, rejected.Commit, base)
	}
}

func TestRunPushBranchIsRebuiltFromTheMovedBase(t *testing.T) {
	forEachTransport(t, func(t *testing.T, s *gitserver.Server, tr transport) {
		name := newRepoName(t, s)
		r := newRepo(t, s, tr, name, gitrepo.Ref{Branch: "main"}, gitrepo.WithPushBranch("auto"))
		update, _ := setImage("2.0.0", nil)

		first, err := r.Run(t.Context(), update)
		if err != nil || !first.Pushed || first.Branch != "auto" {
			t.Fatalf("first Run() = %+v, %v; want a push to auto", first, err)
		}
		if parent := s.Git(t, name, "rev-parse", "auto^"); parent != s.Head(t, name, "main") {
			t.Errorf("auto^ = %s, want main's head", parent)
		}

		unchanged, err := r.Run(t.Context(), update)
		if err != nil || unchanged.Pushed || s.Head(t, name, "auto") != first.Commit {
			t.Errorf("Run() with auto already up to date = %+v, %v; want no push", unchanged, err)
		}
		if !unchanged.Changed || unchanged.Head != first.Commit || unchanged.Message != first.Message {
			t.Errorf("Run() with auto already up to date = %+v; want Changed with auto's head %s and the message", unchanged, first.Commit)
		}

		moved := s.CommitFromClone(t, name, "main", map[string]string{"other.txt": "new base\n"}, "Move main")
		second, err := r.Run(t.Context(), update)
		if err != nil || !second.Pushed {
			t.Fatalf("Run() after main moved = %+v, %v; want a push", second, err)
		}
		auto := s.Head(t, name, "auto")
		if auto != second.Commit || second.Base != moved || s.Git(t, name, "rev-parse", "auto^") != moved {
			t.Errorf("auto = %s with parent %s, want %s rebuilt on %s", auto, s.Git(t, name, "rev-parse", "auto^"), second.Commit, moved)
		}
		if s.Head(t, name, "main") != moved {
			t.Errorf("main moved to %s, want it left at %s", s.Head(t, name, "main"), moved)
		}
	})
}

func TestRunPushBranchLeaseRetriesWhenTheBranchMoves(t *testing.T) {
	s := gitserver.Start(t, gitserver.Options{})
	name := newRepoName(t, s)
	r := newRepo(t, s, transports[0], name, gitrepo.Ref{Branch: "main"}, gitrepo.WithPushBranch("auto"))
	if _, err := r.Run(t.Context(), mustSetImage("3.0.0")); err != nil {
		t.Fatalf("first Run() error = %v", err)
	}
	// Another tagflow replica (same author) rebuilds the branch while this one works.
	update, calls := setImage("3.1.0", func(attempt int) {
		if attempt == 1 {
			s.CommitAs(t, name, "auto", map[string]string{"other.txt": "replica\n"}, "Another replica", "tagflow bot", "bot@tagflow.invalid")
		}
	})

	got, err := r.Run(t.Context(), update)
	if err != nil || !got.Pushed || got.Attempts != 2 || calls.Load() != 2 {
		t.Fatalf("Run() = %+v, %v after %d calls; want a push after 2 attempts", got, err, calls.Load())
	}
	if s.Head(t, name, "auto") != got.Commit || got.Head != got.Commit || s.Git(t, name, "rev-parse", "auto^") != s.Head(t, name, "main") {
		t.Errorf("auto is not our commit on main's head")
	}
}

func TestRunPushBranchModifiedBySomeoneElseIsLeftAlone(t *testing.T) {
	s := gitserver.Start(t, gitserver.Options{})
	name := newRepoName(t, s)
	r := newRepo(t, s, transports[0], name, gitrepo.Ref{Branch: "main"}, gitrepo.WithPushBranch("auto"))
	if _, err := r.Run(t.Context(), mustSetImage("3.0.0")); err != nil {
		t.Fatalf("first Run() error = %v", err)
	}
	// A person pushes a fix to the pull request branch while tagflow is about to push.
	var human string
	update, _ := setImage("3.1.0", func(attempt int) {
		if attempt == 1 {
			human = s.CommitFromClone(t, name, "auto", map[string]string{"fix.txt": "by hand\n"}, "A human edits the PR branch")
		}
	})
	got, err := r.Run(t.Context(), update)
	var modified *gitrepo.BranchModifiedError
	if !errors.As(err, &modified) || !errors.Is(err, gitrepo.ErrBranchModified) {
		t.Fatalf("Run() error = %v, want a BranchModifiedError", err)
	}
	if got.Pushed || s.Head(t, name, "auto") != human || got.Head != human || modified.Head != human {
		t.Errorf("Run() = %+v; auto at %s; want the human commit %s kept and reported", got, s.Head(t, name, "auto"), human)
	}
	if !strings.Contains(modified.Author, gitserver.OtherEmail) || !strings.Contains(err.Error(), "delete the branch") {
		t.Errorf("error %q does not name the author or the way out", err)
	}

	// Later runs leave it alone too; the update runs (a dry run shows its diff) but
	// nothing is committed.
	again, calls := setImage("3.2.0", nil)
	if res, err := r.Run(t.Context(), again); !errors.Is(err, gitrepo.ErrBranchModified) || calls.Load() != 1 || res.Changed || res.Pushed {
		t.Errorf("second Run() = %+v, %v after %d update calls; want ErrBranchModified after one call, nothing committed", res, err, calls.Load())
	}
	if s.Head(t, name, "auto") != human {
		t.Errorf("auto moved to %s, want %s", s.Head(t, name, "auto"), human)
	}

	// Once the branch is deleted, tagflow rebuilds it.
	s.Git(t, name, "branch", "-D", "auto")
	rebuilt, err := r.Run(t.Context(), mustSetImage("3.2.0"))
	if err != nil || !rebuilt.Pushed || !rebuilt.Changed || s.Head(t, name, "auto") != rebuilt.Commit {
		t.Fatalf("Run() after the branch was deleted = %+v, %v; want a push", rebuilt, err)
	}
}

func TestDeletePushBranch(t *testing.T) {
	s := gitserver.Start(t, gitserver.Options{})
	name := newRepoName(t, s)
	r := newRepo(t, s, transports[0], name, gitrepo.Ref{Branch: "main"}, gitrepo.WithPushBranch("auto"))
	res, err := r.Run(t.Context(), mustSetImage("4.0.0"))
	if err != nil || !res.Pushed {
		t.Fatalf("Run() = %+v, %v", res, err)
	}
	if err := r.DeletePushBranch(t.Context(), strings.Repeat("a", 40)); err == nil || !strings.Contains(err.Error(), "moved") {
		t.Errorf("DeletePushBranch(stale head) error = %v, want it refused", err)
	}
	if s.Head(t, name, "auto") != res.Head {
		t.Fatalf("auto was deleted with a stale head")
	}
	if err := r.DeletePushBranch(t.Context(), res.Head); err != nil {
		t.Fatalf("DeletePushBranch() error = %v", err)
	}
	if s.Head(t, name, "auto") != "" || s.Head(t, name, "main") == "" {
		t.Errorf("after DeletePushBranch: auto=%q main=%q, want auto gone and main kept", s.Head(t, name, "auto"), s.Head(t, name, "main"))
	}
	if err := r.DeletePushBranch(t.Context(), res.Head); err != nil {
		t.Errorf("DeletePushBranch() of a missing branch error = %v, want nil", err)
	}
	same := newRepo(t, s, transports[0], name, gitrepo.Ref{Branch: "main"})
	if err := same.DeletePushBranch(t.Context(), s.Head(t, name, "main")); err == nil {
		t.Errorf("DeletePushBranch() on the checkout branch: no error")
	}
}

func mustSetImage(tag string) gitrepo.UpdateFunc {
	f, _ := setImage(tag, nil)
	return f
}

func TestRunPushRefspecAndOptions(t *testing.T) {
	s := gitserver.Start(t, gitserver.Options{})
	for _, tc := range []struct{ refspec, dst string }{
		{"refs/heads/auto:refs/heads/review", "refs/heads/review"},
		{"HEAD:refs/for/main", "refs/for/main"},
	} {
		t.Run(tc.refspec, func(t *testing.T) {
			name := newRepoName(t, s)
			s.Git(t, name, "config", "receive.advertisePushOptions", "true")
			seen := t.TempDir() + "/options"
			s.SetHook(t, name, "pre-receive", "i=0\nwhile [ $i -lt ${GIT_PUSH_OPTION_COUNT:-0} ]; do\n"+
				"  eval echo \\$GIT_PUSH_OPTION_$i >> "+seen+"\n  i=$((i+1))\ndone\n")
			r := newRepo(t, s, transports[0], name, gitrepo.Ref{Branch: "main"},
				gitrepo.WithPushBranch("auto"),
				gitrepo.WithPushRefspec(tc.refspec),
				gitrepo.WithPushOptions(map[string]string{"topic": "tagflow"}))

			got, err := r.Run(t.Context(), mustSetImage("4.0.0"))
			if err != nil || !got.Pushed {
				t.Fatalf("Run() = %+v, %v; want a push", got, err)
			}
			auto, dst := s.Head(t, name, "auto"), s.Git(t, name, "rev-parse", tc.dst)
			if auto != got.Commit || dst != got.Commit {
				t.Errorf("auto = %s, %s = %s, want both %s", auto, tc.dst, dst, got.Commit)
			}
			opts := strings.Fields(readFile(t, seen))
			if diff := cmp.Diff([]string{"topic=tagflow", "topic=tagflow"}, opts, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("push options seen by the hook, one per push (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRunTagSemVerAndCommitCheckouts(t *testing.T) {
	s := gitserver.Start(t, gitserver.Options{})
	name := newRepoName(t, s)
	first := s.Head(t, name, "main")
	s.Git(t, name, "tag", "-a", "-m", "release", "v1.0.0", "main")
	later := s.CommitFromClone(t, name, "main", map[string]string{"later.txt": "later\n"}, "Later work")
	s.Git(t, name, "tag", "v1.1.0", later)
	latest := s.CommitFromClone(t, name, "main", map[string]string{"latest.txt": "latest\n"}, "Latest work")
	s.Git(t, name, "tag", "v2.0.0", latest)

	for _, tc := range []struct {
		name     string
		ref      gitrepo.Ref
		branch   string
		wantBase string
	}{
		{"tag", gitrepo.Ref{Tag: "v1.0.0"}, "from-tag", first},
		{"semver", gitrepo.Ref{SemVer: ">=1.0.0 <2.0.0"}, "from-semver", later},
		{"commit", gitrepo.Ref{Branch: "main", Commit: first}, "from-commit", first},
		{"commit without branch", gitrepo.Ref{Commit: first}, "from-bare-commit", first},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRepo(t, s, transports[0], name, tc.ref, gitrepo.WithPushBranch(tc.branch))
			got, err := r.Run(t.Context(), mustSetImage("5.0.0"))
			if err != nil || !got.Pushed || got.Base != tc.wantBase {
				t.Fatalf("Run() = %+v, %v; want a push on %s", got, err, tc.wantBase)
			}
			if parent := s.Git(t, name, "rev-parse", tc.branch+"^"); parent != tc.wantBase {
				t.Errorf("%s^ = %s, want %s", tc.branch, parent, tc.wantBase)
			}
			if s.Head(t, name, "main") != latest {
				t.Errorf("main moved; only %s may be pushed to", tc.branch)
			}
		})
	}
}

func TestRunFileURL(t *testing.T) {
	s := gitserver.Start(t, gitserver.Options{})
	name := newRepoName(t, s)
	r, err := gitrepo.New("file://"+s.RepoPath(name), gitrepo.Ref{Branch: "main"}, gitrepo.WithCacheDir(t.TempDir()))
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}
	got, err := r.Run(t.Context(), mustSetImage("6.0.0"))
	if err != nil || !got.Pushed || s.Head(t, name, "main") != got.Commit {
		t.Fatalf("Run() = %+v, %v; want a push to main", got, err)
	}
}

func TestRunConcurrentRunsShareOneCache(t *testing.T) {
	s := gitserver.Start(t, gitserver.Options{})
	name := newRepoName(t, s)
	cache := t.TempDir()
	tags := []string{"10.0.0", "10.1.0", "10.2.0"}
	results := make([]gitrepo.Result, len(tags))
	errs := make([]error, len(tags))
	var wg sync.WaitGroup
	for i, tag := range tags {
		r := newRepo(t, s, transports[0], name, gitrepo.Ref{Branch: "main"}, gitrepo.WithCacheDir(cache))
		wg.Go(func() { results[i], errs[i] = r.Run(t.Context(), mustSetImage(tag)) })
	}
	wg.Wait()
	for i := range tags {
		if errs[i] != nil || !results[i].Pushed || results[i].Attempts != 1 {
			t.Errorf("Run(%s) = %+v, %v; want one push at the first attempt", tags[i], results[i], errs[i])
		}
	}
	if got := s.Git(t, name, "rev-list", "--count", "main"); got != "4" {
		t.Errorf("main has %s commits, want the initial one and one per run", got)
	}
}
