package demo

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Repository is a local bare Git repository, reachable at a file:// URL.
type Repository struct {
	dir string
}

// CreateRepository creates a bare repository in dir whose branch holds one commit with
// files (slash paths to contents), made with a temporary worktree next to it.
func CreateRepository(dir, branch string, files map[string]string) (*Repository, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	ref := plumbing.NewBranchReferenceName(branch)
	_, err = gogit.PlainInitWithOptions(dir, &gogit.PlainInitOptions{Bare: true, InitOptions: gogit.InitOptions{DefaultBranch: ref}})
	if err != nil {
		return nil, fmt.Errorf("creating bare repository: %w", err)
	}
	work, err := os.MkdirTemp(filepath.Dir(dir), ".seed-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	if err := seed(work, dir, ref, files); err != nil {
		return nil, fmt.Errorf("seeding repository: %w", err)
	}
	return &Repository{dir: dir}, nil
}

// seed commits files in a new worktree at work and pushes them to the bare repository.
func seed(work, bare string, ref plumbing.ReferenceName, files map[string]string) error {
	repo, err := gogit.PlainInitWithOptions(work, &gogit.PlainInitOptions{InitOptions: gogit.InitOptions{DefaultBranch: ref}})
	if err != nil {
		return err
	}
	wt, err := repo.Worktree()
	if err != nil {
		return err
	}
	for p, content := range files {
		full := filepath.Join(work, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			return err
		}
		if _, err := wt.Add(p); err != nil {
			return err
		}
	}
	sig := &object.Signature{Name: "Demo User", Email: "demo@example.com", When: time.Now()}
	if _, err := wt.Commit("Add podinfo manifests", &gogit.CommitOptions{Author: sig}); err != nil {
		return err
	}
	if _, err := repo.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{bare}}); err != nil {
		return err
	}
	return repo.Push(&gogit.PushOptions{RefSpecs: []config.RefSpec{config.RefSpec(ref + ":" + ref)}})
}

// URL returns the file:// URL of the repository.
func (r *Repository) URL() string {
	return "file://" + filepath.ToSlash(r.dir)
}

// Log returns the hashes of the commits of branch, newest first.
func (r *Repository) Log(branch string) ([]string, error) {
	repo, err := gogit.PlainOpen(r.dir)
	if err != nil {
		return nil, err
	}
	head, err := repo.Reference(plumbing.NewBranchReferenceName(branch), true)
	if err != nil {
		return nil, fmt.Errorf("reading branch %s: %w", branch, err)
	}
	iter, err := repo.Log(&gogit.LogOptions{From: head.Hash()})
	if err != nil {
		return nil, err
	}
	var hashes []string
	err = iter.ForEach(func(c *object.Commit) error {
		hashes = append(hashes, c.Hash.String())
		return nil
	})
	return hashes, err
}

// ShowHead prints the newest commit of branch the way `git log -p -1` does: hash, author,
// date, the indented message, then the diff against its first parent.
func (r *Repository) ShowHead(w io.Writer, branch string) error {
	repo, err := gogit.PlainOpen(r.dir)
	if err != nil {
		return err
	}
	head, err := repo.Reference(plumbing.NewBranchReferenceName(branch), true)
	if err != nil {
		return fmt.Errorf("reading branch %s: %w", branch, err)
	}
	c, err := repo.CommitObject(head.Hash())
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "commit %s\nAuthor: %s <%s>\nDate:   %s\n\n", c.Hash, c.Author.Name, c.Author.Email,
		c.Author.When.Format("Mon Jan 2 15:04:05 2006 -0700"))
	for _, line := range strings.Split(strings.TrimRight(c.Message, "\n"), "\n") {
		fmt.Fprintf(w, "    %s\n", line)
	}
	fmt.Fprintln(w)
	parent, err := c.Parent(0)
	if err != nil {
		return nil
	}
	patch, err := parent.Patch(c)
	if err != nil {
		return fmt.Errorf("diffing %s: %w", c.Hash, err)
	}
	_, err = io.WriteString(w, patch.String())
	return err
}
