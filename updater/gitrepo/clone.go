package gitrepo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
)

const remoteName = gogit.DefaultRemoteName

// cacheDir is the clone directory of a URL and ref: a hash, so that neither credentials nor
// path-hostile characters end up in the file system.
func cacheDir(root string, u remoteURL, ref Ref) string {
	sum := sha256.Sum256([]byte(u.clean + "\x00" + refKey(ref)))
	return filepath.Join(root, hex.EncodeToString(sum[:16]))
}

func refKey(ref Ref) string {
	switch {
	case ref.SemVer != "":
		return "semver:" + ref.SemVer
	case ref.Commit != "":
		return "commit:" + ref.Commit + "@" + ref.Branch
	case ref.Tag != "":
		return "tag:" + ref.Tag
	}
	return "branch:" + ref.Branch
}

// describeRef names a ref for messages: "branch main", "tag v1", "commit 0a1b2c3".
func describeRef(ref Ref) string {
	switch {
	case ref.SemVer != "":
		return "semver range " + ref.SemVer
	case ref.Commit != "":
		return "commit " + shortHash(ref.Commit)
	case ref.Tag != "":
		return "tag " + ref.Tag
	}
	return "branch " + ref.Branch
}

// checkout brings the clone cache to the remote state of the checkout ref: it opens (or
// creates) the clone, fetches, and hard-resets the worktree onto a local branch at the
// checkout head, which it returns. A cache that cannot be used while the remote can be
// listed is deleted and cloned again.
func (r *Repo) checkout(ctx context.Context) (*gogit.Repository, plumbing.Hash, error) {
	repo, err := r.openCache()
	if err == nil {
		var head plumbing.Hash
		if head, err = r.fetchAndReset(ctx, repo); err == nil {
			return repo, head, nil
		}
		// A missing ref, or a remote that cannot be listed, is not the cache's fault.
		if errors.Is(err, gogit.NoMatchingRefSpecError{}) {
			return nil, plumbing.ZeroHash, err
		}
		if _, lsErr := r.listRemote(ctx, repo); lsErr != nil {
			return nil, plumbing.ZeroHash, err
		}
	}
	if rmErr := os.RemoveAll(r.dir); rmErr != nil {
		return nil, plumbing.ZeroHash, fmt.Errorf("removing clone cache: %w", rmErr)
	}
	if repo, err = r.openCache(); err != nil {
		return nil, plumbing.ZeroHash, err
	}
	head, err := r.fetchAndReset(ctx, repo)
	if err != nil {
		return nil, plumbing.ZeroHash, err
	}
	return repo, head, nil
}

// openCache opens the clone in r.dir, or initialises an empty one with the remote set.
func (r *Repo) openCache() (*gogit.Repository, error) {
	repo, err := gogit.PlainOpen(r.dir)
	if err == nil {
		return repo, r.ensureRemote(repo)
	}
	if !errors.Is(err, gogit.ErrRepositoryNotExists) {
		return nil, fmt.Errorf("opening clone cache: %w", err)
	}
	if err := os.MkdirAll(r.dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating clone cache: %w", err)
	}
	repo, err = gogit.PlainInit(r.dir, false)
	if err != nil {
		return nil, fmt.Errorf("initialising clone cache: %w", err)
	}
	return repo, r.ensureRemote(repo)
}

// ensureRemote points the remote at the clean URL (it never holds credentials).
func (r *Repo) ensureRemote(repo *gogit.Repository) error {
	rem, err := repo.Remote(remoteName)
	if err == nil && len(rem.Config().URLs) == 1 && rem.Config().URLs[0] == r.url.clean {
		return nil
	}
	_ = repo.DeleteRemote(remoteName)
	_, err = repo.CreateRemote(&config.RemoteConfig{Name: remoteName, URLs: []string{r.url.clean}})
	if err != nil {
		return fmt.Errorf("configuring remote: %w", err)
	}
	return nil
}

// fetchAndReset fetches the checkout ref and hard-resets the worktree to it. A semver
// checkout is the tag it resolves to now.
func (r *Repo) fetchAndReset(ctx context.Context, repo *gogit.Repository) (plumbing.Hash, error) {
	ref := r.ref
	if ref.SemVer != "" {
		tag, err := r.latestTag(ctx, repo)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		ref = Ref{Tag: tag}
	}
	if err := r.fetch(ctx, repo, describeRef(ref), fetchRefspecs(ref), r.fetchDepth()); err != nil {
		return plumbing.ZeroHash, err
	}
	head, err := resolveCheckout(repo, ref)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	return head, resetTo(repo, r.localBranch(), head)
}

func fetchRefspecs(ref Ref) []config.RefSpec {
	switch {
	case ref.Tag != "":
		return []config.RefSpec{config.RefSpec("+refs/tags/" + ref.Tag + ":refs/tags/" + ref.Tag)}
	case ref.Branch != "":
		return []config.RefSpec{branchFetchRefspec(ref.Branch)}
	}
	return []config.RefSpec{config.RefSpec("+refs/heads/*:refs/remotes/" + remoteName + "/*")}
}

func branchFetchRefspec(branch string) config.RefSpec {
	return config.RefSpec(fmt.Sprintf("+refs/heads/%s:refs/remotes/%s/%s", branch, remoteName, branch))
}

// fetchDepth is 0 (everything) for commit checkouts: the commit may be anywhere in history.
func (r *Repo) fetchDepth() int {
	if r.ref.Commit != "" {
		return 0
	}
	return r.opts.depth
}

// fetch fetches specs; what names them in errors.
func (r *Repo) fetch(ctx context.Context, repo *gogit.Repository, what string, specs []config.RefSpec, depth int) error {
	err := repo.FetchContext(ctx, &gogit.FetchOptions{
		RemoteName:   remoteName,
		RefSpecs:     specs,
		Depth:        depth,
		Tags:         gogit.NoTags,
		Force:        true,
		Auth:         r.auth.method,
		CABundle:     r.auth.caBundle,
		ClientCert:   r.auth.clientCert,
		ClientKey:    r.auth.clientKey,
		ProxyOptions: r.auth.proxy,
	})
	if err != nil && !errors.Is(err, gogit.NoErrAlreadyUpToDate) {
		return fmt.Errorf("fetching %s from %s: %w", what, r.url.clean, err)
	}
	return nil
}

// resolveCheckout finds the commit ref names in the fetched references.
func resolveCheckout(repo *gogit.Repository, ref Ref) (plumbing.Hash, error) {
	if ref.Commit != "" {
		h := plumbing.NewHash(ref.Commit)
		if _, err := repo.CommitObject(h); err != nil {
			return plumbing.ZeroHash, fmt.Errorf("resolving commit %s: %w", ref.Commit, err)
		}
		return h, nil
	}
	name := plumbing.NewRemoteReferenceName(remoteName, ref.Branch)
	if ref.Tag != "" {
		name = plumbing.NewTagReferenceName(ref.Tag)
	}
	resolved, err := repo.Reference(name, true)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("resolving %s: %w", describeRef(ref), err)
	}
	// An annotated tag points at a tag object; the checkout is its commit.
	if tag, err := repo.TagObject(resolved.Hash()); err == nil {
		c, err := tag.Commit()
		if err != nil {
			return plumbing.ZeroHash, fmt.Errorf("resolving tag %s: %w", ref.Tag, err)
		}
		return c.Hash, nil
	}
	return resolved.Hash(), nil
}

// localBranch is the branch commits are made on: the push branch.
func (r *Repo) localBranch() plumbing.ReferenceName {
	return plumbing.NewBranchReferenceName(r.pushBranch())
}

// resetTo points branch at head, makes it HEAD, and hard-resets the worktree (removing
// untracked files an earlier update may have left).
func resetTo(repo *gogit.Repository, branch plumbing.ReferenceName, head plumbing.Hash) error {
	if err := repo.Storer.SetReference(plumbing.NewHashReference(branch, head)); err != nil {
		return fmt.Errorf("setting %s: %w", branch, err)
	}
	if err := repo.Storer.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, branch)); err != nil {
		return fmt.Errorf("setting HEAD: %w", err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		return fmt.Errorf("opening worktree: %w", err)
	}
	if err := wt.Reset(&gogit.ResetOptions{Commit: head, Mode: gogit.HardReset}); err != nil {
		return fmt.Errorf("resetting worktree to %s: %w", head, err)
	}
	if err := wt.Clean(&gogit.CleanOptions{Dir: true}); err != nil {
		return fmt.Errorf("cleaning worktree: %w", err)
	}
	return nil
}
