package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// Ref names what to check out, as Flux's checkout.ref does. Exactly one of Branch, Tag,
// SemVer or Commit is the checkout; Commit may come with Branch to say where to look for it.
// Only a Branch checkout can be pushed to; the others need WithPushBranch.
type Ref struct {
	// Branch is a branch name such as "main".
	Branch string
	// Tag is a tag name such as "v1.2.3".
	Tag string
	// SemVer is a semver range (Masterminds/semver) such as ">=1.0.0 <2.0.0"; the checkout is
	// the tag with the greatest version in range at the time of each run.
	SemVer string
	// Commit is a full commit hash.
	Commit string
}

// Author is who commits are made by (author and committer).
type Author struct {
	// Name is the display name, such as "tagflow bot".
	Name string
	// Email is the address, such as "bot@example.com".
	Email string
}

// Changes says what an UpdateFunc changed in the worktree.
type Changes struct {
	// Files are the paths the update wrote or removed, relative to the worktree root, with
	// forward slashes. No files means nothing changed: no commit and no push.
	Files []string
	// TemplateData is the value the commit message template is executed with (Flux's
	// .AutomationObject, .Changed, .Values).
	TemplateData any
}

// UpdateFunc applies an update to the worktree checked out at dir. It may be called more than
// once per Run, each time on a fresh checkout, when a push has to be retried.
type UpdateFunc func(ctx context.Context, dir string) (Changes, error)

// Result is what a Run did.
type Result struct {
	// Pushed reports whether a commit was pushed.
	Pushed bool
	// Commit is the full hash of the commit pushed; empty when nothing was pushed.
	Commit string
	// Base is the full hash of the checkout head the update was applied on.
	Base string
	// Branch is the branch pushed to, or that would have been pushed to.
	Branch string
	// Message is the commit message of the commit made, pushed or not; empty when the update
	// changed nothing.
	Message string
	// Changed reports that the update changed the checkout: the push branch holds (or, after
	// an error, was to hold) a commit the checkout branch does not have. For a push branch
	// other than the checkout branch, false means nothing is left to update.
	Changed bool
	// Head is the full hash of the push branch's head on the remote after the run: the
	// pushed commit, or what the branch already held; empty when the branch does not exist.
	Head string
	// Attempts is how many times the update was applied (1 unless a push was rejected).
	Attempts int
}

// Repo is one remote repository, checkout ref and push target, with its clone cache.
// A Repo is safe for concurrent use; runs on the same clone are serialized.
type Repo struct {
	url    remoteURL
	ref    Ref
	opts   options
	auth   *transportAuth
	signer signer
	dir    string
	mu     *sync.Mutex
}

// New validates the URL, the checkout ref and the options, and returns a Repo. It does no
// network I/O: the clone happens on the first Run.
func New(url string, ref Ref, opts ...Option) (*Repo, error) {
	o := defaults()
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return nil, fmt.Errorf("configuring git repository: %w", err)
		}
	}
	u, err := parseURL(url, o.allowHTTP)
	if err != nil {
		return nil, err
	}
	if err := checkRef(ref, o.pushBranch); err != nil {
		return nil, err
	}
	if o.pushRefspec != "" {
		if err := checkRefspecSource(o.pushRefspec, pushBranchOf(ref, o)); err != nil {
			return nil, fmt.Errorf("configuring git repository: %w", err)
		}
	}
	auth, err := newTransportAuth(u, &o)
	if err != nil {
		return nil, err
	}
	s, err := newSigner(o)
	if err != nil {
		return nil, err
	}
	dir := cacheDir(o.cacheDir, u, ref)
	return &Repo{url: u, ref: ref, opts: o, auth: auth, signer: s, dir: dir, mu: dirLock(dir)}, nil
}

// Dir is the worktree directory of the clone cache. Its content belongs to the Repo between
// calls; read it only from an UpdateFunc.
func (r *Repo) Dir() string { return r.dir }

// pushBranch is the branch commits go to.
func (r *Repo) pushBranch() string { return pushBranchOf(r.ref, r.opts) }

func pushBranchOf(ref Ref, o options) string {
	if o.pushBranch != "" {
		return o.pushBranch
	}
	return ref.Branch
}

// switching reports whether pushes go to a branch other than the checkout branch, which is
// then rebuilt from the checkout head and force-pushed with a lease.
func (r *Repo) switching() bool {
	return r.pushBranch() != r.ref.Branch || r.ref.Commit != ""
}

func checkRef(ref Ref, pushBranch string) error {
	if ref.Branch == "" && ref.Tag == "" && ref.SemVer == "" && ref.Commit == "" {
		return errors.New("checkout ref: one of branch, tag, semver or commit is required")
	}
	if ref.Tag != "" && (ref.Branch != "" || ref.Commit != "" || ref.SemVer != "") {
		return errors.New("checkout ref: tag cannot be combined with branch, semver or commit")
	}
	if ref.SemVer != "" && (ref.Branch != "" || ref.Commit != "") {
		return errors.New("checkout ref: semver cannot be combined with branch or commit")
	}
	if ref.SemVer != "" {
		if err := checkSemVer(ref.SemVer); err != nil {
			return err
		}
	}
	if ref.Commit != "" && !isFullHash(ref.Commit) {
		return fmt.Errorf("checkout ref: commit %q is not a full hash", ref.Commit)
	}
	if ref.Branch != "" {
		if err := checkBranchName(ref.Branch); err != nil {
			return fmt.Errorf("checkout ref: %w", err)
		}
	}
	if ref.Branch == "" || ref.Commit != "" {
		if pushBranch == "" || pushBranch == ref.Branch {
			return errors.New("checkout ref: a tag, semver or commit checkout needs a push branch other than the checkout branch")
		}
	}
	return nil
}

// dirLocks serializes runs on one clone directory within the process.
var dirLocks sync.Map

func dirLock(dir string) *sync.Mutex {
	m, _ := dirLocks.LoadOrStore(dir, new(sync.Mutex))
	return m.(*sync.Mutex)
}
