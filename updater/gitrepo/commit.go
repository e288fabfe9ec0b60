package gitrepo

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"text/template"
	"time"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// DefaultMessageTemplate is the commit message used unless WithMessageTemplate is given:
// Flux's default first line followed by one line per change, over Flux's template data
// (.Changed.Changes with .OldValue, .NewValue and .Setter). Data without .Changed gives the
// first line alone.
const DefaultMessageTemplate = `Update from image update automation
{{- with .Changed}}{{with .Changes}}

{{range .}}- {{.OldValue}} -> {{.NewValue}}{{with .Setter}} ({{.}}){{end}}
{{end}}{{end}}{{end}}`

func parseMessage(text string) (*template.Template, error) {
	t, err := template.New("commit message").Parse(text)
	if err != nil {
		return nil, fmt.Errorf("parsing commit message template: %w", err)
	}
	return t, nil
}

// renderMessage executes the template; a message never ends without a newline.
func renderMessage(t *template.Template, data any) (string, error) {
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return "", fmt.Errorf("rendering commit message: %w", err)
	}
	msg := strings.TrimRight(b.String(), "\n")
	if strings.TrimSpace(msg) == "" {
		return "", errors.New("rendering commit message: the message is empty")
	}
	return msg + "\n", nil
}

// errNoChange means the update left the tree as it was.
var errNoChange = errors.New("no change")

// commit stages the changed files and commits them on HEAD. It returns errNoChange when
// the staged tree equals the parent's.
func (r *Repo) commit(repo *gogit.Repository, ch Changes) (plumbing.Hash, string, error) {
	wt, err := repo.Worktree()
	if err != nil {
		return plumbing.ZeroHash, "", fmt.Errorf("opening worktree: %w", err)
	}
	if err := stage(wt, r.dir, ch.Files); err != nil {
		return plumbing.ZeroHash, "", err
	}
	msg, err := renderMessage(r.opts.message, ch.TemplateData)
	if err != nil {
		return plumbing.ZeroHash, "", err
	}
	sig := &object.Signature{Name: r.opts.author.Name, Email: r.opts.author.Email, When: time.Now()}
	opts := &gogit.CommitOptions{Author: sig, Committer: sig}
	if r.signer != nil {
		opts.Signer = r.signer
	}
	h, err := wt.Commit(msg, opts)
	if errors.Is(err, gogit.ErrEmptyCommit) {
		return plumbing.ZeroHash, "", errNoChange
	}
	if err != nil {
		return plumbing.ZeroHash, "", fmt.Errorf("committing: %w", err)
	}
	return h, msg, nil
}

// stage adds files that exist and removes those that do not.
func stage(wt *gogit.Worktree, dir string, files []string) error {
	for _, f := range files {
		p, err := cleanRelPath(f)
		if err != nil {
			return err
		}
		_, statErr := os.Lstat(filepath.Join(dir, filepath.FromSlash(p)))
		switch {
		case statErr == nil:
			_, err = wt.Add(p)
		case errors.Is(statErr, os.ErrNotExist):
			_, err = wt.Remove(p)
		default:
			err = statErr
		}
		// A path that is neither on disk nor in the index changed nothing.
		if err != nil && !errors.Is(err, index.ErrEntryNotFound) {
			return fmt.Errorf("staging %s: %w", p, err)
		}
	}
	return nil
}

// cleanRelPath checks that a changed path stays inside the worktree and outside .git.
func cleanRelPath(p string) (string, error) {
	c := path.Clean(filepath.ToSlash(p))
	if p == "" || path.IsAbs(c) || c == "." || c == ".." || strings.HasPrefix(c, "../") {
		return "", fmt.Errorf("staging %q: path is not inside the worktree", p)
	}
	if c == ".git" || strings.HasPrefix(c, ".git/") {
		return "", fmt.Errorf("staging %q: path is inside .git", p)
	}
	return c, nil
}
