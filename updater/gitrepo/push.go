package gitrepo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-logr/logr"
)

// keptRefPrefix holds commits whose push the remote refused, so that they stay reachable in
// the clone cache until the next run.
const keptRefPrefix = "refs/tagflow/unpushed/"

// target is what a push branch other than the checkout branch held on the remote before the
// update; the zero value means "does not exist" (or "same-branch flow").
type target struct {
	exists bool
	head   plumbing.Hash
	// modified is set when the head is not a commit by tagflow's author.
	modified *BranchModifiedError
}

// target fetches the push branch when it differs from the checkout branch, so that its head
// can serve as the lease of the forced push and be compared with the new commit.
func (r *Repo) target(ctx context.Context, repo *gogit.Repository) (target, error) {
	if !r.switching() {
		return target{}, nil
	}
	remoteRef := plumbing.NewRemoteReferenceName(remoteName, r.pushBranch())
	_, exists, err := r.remoteHead(ctx, repo, r.pushBranch())
	if err != nil || !exists {
		_ = repo.Storer.RemoveReference(remoteRef)
		return target{}, err
	}
	specs := []config.RefSpec{branchFetchRefspec(r.pushBranch())}
	if err := r.fetch(ctx, repo, "push branch "+r.pushBranch(), specs, r.opts.depth); err != nil {
		return target{}, err
	}
	ref, err := repo.Reference(remoteRef, true)
	if err != nil {
		return target{}, fmt.Errorf("resolving push branch %s: %w", r.pushBranch(), err)
	}
	t := target{exists: true, head: ref.Hash()}
	c, err := repo.CommitObject(t.head)
	if err != nil {
		return target{}, fmt.Errorf("reading push branch head %s: %w", t.head, err)
	}
	if !r.madeByUs(c) {
		t.modified = &BranchModifiedError{Branch: r.pushBranch(), Head: t.head.String(),
			Author: c.Author.Name + " <" + c.Author.Email + ">", Committer: c.Committer.Name + " <" + c.Committer.Email + ">"}
	}
	return t, nil
}

// madeByUs reports whether c was authored and committed with tagflow's author email, the
// sign (as for Renovate) that the branch holds only what tagflow wrote: a person's commit on
// top, an amend or a merge of the base changes the head's author or committer.
func (r *Repo) madeByUs(c *object.Commit) bool {
	email := r.opts.author.Email
	return strings.EqualFold(c.Author.Email, email) && strings.EqualFold(c.Committer.Email, email)
}

// holdsSameChange reports whether the push branch already is the new commit's tree on top of
// base, in which case pushing again would only rewrite the branch for nothing.
func (t target) holdsSameChange(repo *gogit.Repository, base, h plumbing.Hash) (bool, error) {
	if !t.exists {
		return false, nil
	}
	theirs, err := repo.CommitObject(t.head)
	if err != nil {
		return false, fmt.Errorf("reading push branch head %s: %w", t.head, err)
	}
	ours, err := repo.CommitObject(h)
	if err != nil {
		return false, fmt.Errorf("reading commit %s: %w", h, err)
	}
	sameParent := len(theirs.ParentHashes) == 1 && theirs.ParentHashes[0] == base
	return sameParent && theirs.TreeHash == ours.TreeHash, nil
}

// remoteHead lists the remote and returns the head of branch, if it exists.
func (r *Repo) remoteHead(ctx context.Context, repo *gogit.Repository, branch string) (plumbing.Hash, bool, error) {
	refs, err := r.listRemote(ctx, repo)
	if err != nil {
		return plumbing.ZeroHash, false, err
	}
	name := plumbing.NewBranchReferenceName(branch)
	for _, ref := range refs {
		if ref.Name() == name {
			return ref.Hash(), true, nil
		}
	}
	return plumbing.ZeroHash, false, nil
}

// listRemote lists the remote's references (git ls-remote).
func (r *Repo) listRemote(ctx context.Context, repo *gogit.Repository) ([]*plumbing.Reference, error) {
	rem, err := repo.Remote(remoteName)
	if err != nil {
		return nil, fmt.Errorf("listing remote references: %w", err)
	}
	refs, err := rem.ListContext(ctx, &gogit.ListOptions{
		Auth: r.auth.method, CABundle: r.auth.caBundle, ClientCert: r.auth.clientCert,
		ClientKey: r.auth.clientKey, ProxyOptions: r.auth.proxy,
	})
	if err != nil {
		return nil, fmt.Errorf("listing references of %s: %w", r.url.clean, err)
	}
	return refs, nil
}

// pushBranchRef pushes commit h (the local push branch) to the push branch. The checkout
// branch is pushed without force; another push branch with a lease on its previous head.
func (r *Repo) pushBranchRef(ctx context.Context, repo *gogit.Repository, t target, base, h plumbing.Hash) error {
	name := plumbing.NewBranchReferenceName(r.pushBranch())
	spec := config.RefSpec(name.String() + ":" + name.String())
	var progress limitedBuffer
	opts := r.pushOptions([]config.RefSpec{spec}, &progress)
	if t.exists {
		opts.ForceWithLease = &gogit.ForceWithLease{RefName: name, Hash: t.head}
	}
	err := repo.PushContext(ctx, opts)
	if err == nil || errors.Is(err, gogit.NoErrAlreadyUpToDate) {
		return nil
	}
	expected, expectExists := base, true
	if r.switching() {
		expected, expectExists = t.head, t.exists
	}
	head, exists, lsErr := r.remoteHead(ctx, repo, r.pushBranch())
	if lsErr == nil && (exists != expectExists || head != expected) {
		return fmt.Errorf("%w: %w", errRetry, err)
	}
	return r.pushFailed(repo, "branch "+r.pushBranch(), h, progress.String(), err)
}

// pushRefspec makes the extra push of the configured refspec, with the same options.
func (r *Repo) pushRefspec(ctx context.Context, repo *gogit.Repository, h plumbing.Hash) error {
	var progress limitedBuffer
	// The source always names the commit just pushed; go-git would silently skip a source
	// it cannot find among local references.
	_, dst, _ := strings.Cut(r.opts.pushRefspec, ":")
	opts := r.pushOptions([]config.RefSpec{config.RefSpec(h.String() + ":" + dst)}, &progress)
	err := repo.PushContext(ctx, opts)
	if err == nil || errors.Is(err, gogit.NoErrAlreadyUpToDate) {
		return nil
	}
	return r.pushFailed(repo, "refspec "+r.opts.pushRefspec, h, progress.String(), err)
}

func (r *Repo) pushOptions(specs []config.RefSpec, progress *limitedBuffer) *gogit.PushOptions {
	return &gogit.PushOptions{
		RemoteName:   remoteName,
		RefSpecs:     specs,
		Options:      r.opts.pushOptions,
		Progress:     progress,
		Auth:         r.auth.method,
		CABundle:     r.auth.caBundle,
		ClientCert:   r.auth.clientCert,
		ClientKey:    r.auth.clientKey,
		ProxyOptions: r.auth.proxy,
	}
}

// pushFailed keeps the refused commit under a local reference and describes the failure: a
// RemoteRejectedError when the remote answered with a refusal, a plain error otherwise.
func (r *Repo) pushFailed(repo *gogit.Repository, what string, h plumbing.Hash, remoteMsg string, err error) error {
	kept := plumbing.ReferenceName(keptRefPrefix + r.pushBranch())
	if setErr := repo.Storer.SetReference(plumbing.NewHashReference(kept, h)); setErr != nil {
		kept = ""
	}
	if !isRemoteRefusal(err) {
		return fmt.Errorf("pushing commit %s to %s: %w", shortHash(h.String()), what, err)
	}
	return &RemoteRejectedError{
		Branch: what, Commit: h.String(), KeptRef: kept.String(),
		RemoteMessage: remoteLines(remoteMsg), Err: err,
	}
}

// isRemoteRefusal recognises go-git's report-status errors, the remote's answer to a push.
func isRemoteRefusal(err error) bool {
	s := err.Error()
	return strings.Contains(s, "command error on ") || strings.Contains(s, "unpack error")
}

// remoteLines keeps the non-empty lines the remote printed (hook output among them).
func remoteLines(s string) string {
	var out []string
	for _, l := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' }) {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// limitedBuffer collects what the remote prints during a push, up to a limit.
type limitedBuffer struct{ b bytes.Buffer }

const remoteMessageLimit = 8 << 10

// Write implements io.Writer; it never fails, it drops what exceeds the limit.
func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := remoteMessageLimit - l.b.Len(); room > 0 {
		l.b.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (l *limitedBuffer) String() string { return l.b.String() }

// headOr is the push branch's head before the run: the branch's own head when it differs
// from the checkout branch (none when it does not exist), else the checkout head.
func (t target) headOr(base plumbing.Hash, switching bool) string {
	switch {
	case !switching:
		return base.String()
	case t.exists:
		return t.head.String()
	}
	return ""
}

// DeletePushBranch deletes the push branch on the remote if it still points at head (a
// Result.Head), and does nothing if it no longer exists. It refuses when the push branch is
// the checkout branch. The head is checked by listing the remote just before the push, whose
// delete command the remote applies only if the branch is still at the hash it advertised.
func (r *Repo) DeletePushBranch(ctx context.Context, head string) error {
	if r.pushBranch() == r.ref.Branch || r.opts.pushBranch == "" {
		return fmt.Errorf("deleting push branch %s: it is the checkout branch", r.pushBranch())
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	repo, err := r.openCache()
	if err != nil {
		return err
	}
	cur, exists, err := r.remoteHead(ctx, repo, r.pushBranch())
	switch {
	case err != nil:
		return err
	case !exists:
		return nil
	case cur.String() != head:
		return fmt.Errorf("deleting push branch %s: it moved to %s, not %s; left as it is", r.pushBranch(), shortHash(cur.String()), shortHash(head))
	}
	name := plumbing.NewBranchReferenceName(r.pushBranch())
	var progress limitedBuffer
	err = repo.PushContext(ctx, r.pushOptions([]config.RefSpec{config.RefSpec(":" + name.String())}, &progress))
	if err == nil || errors.Is(err, gogit.NoErrAlreadyUpToDate) {
		logr.FromContextOrDiscard(ctx).V(1).Info("deleted push branch", "branch", r.pushBranch())
		return nil
	}
	if msg := remoteLines(progress.String()); msg != "" {
		return fmt.Errorf("deleting push branch %s: %w; remote said: %s", r.pushBranch(), err, msg)
	}
	return fmt.Errorf("deleting push branch %s: %w", r.pushBranch(), err)
}
