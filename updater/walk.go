package updater

import (
	"context"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
)

// dirRef is an open directory shared by the jobs for its files; the last one closes it.
type dirRef struct {
	root     *os.Root
	rel      string   // slash path relative to the checkout root
	dir      *os.File // the directory itself, for its descriptor
	fd       int
	ownsRoot bool
	refs     atomic.Int64
}

func (d *dirRef) release() {
	if d.refs.Add(-1) != 0 {
		return
	}
	_ = d.dir.Close()
	if d.ownsRoot {
		_ = d.root.Close()
	}
}

// fileJob is a candidate file: its directory and name.
type fileJob struct {
	dir  *dirRef
	name string
}

// rel returns the file's slash path relative to the checkout root.
func (j fileJob) rel() string { return path.Join(j.dir.rel, j.name) }

// batchSize is how many files of a directory go to a worker at once: batches keep the
// channel (and the system calls that wake goroutines) out of the per-file cost.
const batchSize = 32

// walker lists the candidate files under the update path.
type walker struct {
	base     *os.Root // the update path
	baseRel  string   // the update path relative to the checkout root
	jobs     chan<- []fileJob
	problems []Problem
}

// isCandidate reports whether a file name is one Flux updates.
func isCandidate(name string) bool {
	return strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml") || name == "Kustomization"
}

// walk sends a job for every candidate file, depth first, skipping .git directories and not
// following symbolic links. It closes the jobs channel when done.
func (w *walker) walk(ctx context.Context) {
	defer close(w.jobs)
	pending := []string{"."}
	for len(pending) > 0 && ctx.Err() == nil {
		dir := pending[len(pending)-1]
		pending = pending[:len(pending)-1]
		pending = w.dir(dir, pending)
	}
}

// dir lists one directory (relative to the update path), sends its candidate files and
// returns pending with its subdirectories added.
func (w *walker) dir(dir string, pending []string) []string {
	rel := path.Join(w.baseRel, dir)
	root := w.base
	if dir != "." {
		r, err := w.base.OpenRoot(dir)
		if err != nil {
			w.problem(rel, "opening directory: "+err.Error())
			return pending
		}
		root = r
	}
	f, err := openDir(root)
	if err != nil {
		w.problem(rel, "opening directory: "+err.Error())
		if dir != "." {
			_ = root.Close()
		}
		return pending
	}
	entries, err := f.ReadDir(-1)
	if err != nil {
		w.problem(rel, "listing directory: "+err.Error())
	}
	ref := &dirRef{root: root, rel: rel, dir: f, fd: int(f.Fd()), ownsRoot: dir != "."}
	ref.refs.Store(1)
	var batch []fileJob
	for _, e := range entries {
		name := e.Name()
		switch t := e.Type(); {
		case t.IsDir() && name != ".git":
			pending = append(pending, path.Join(dir, name))
		case t&fs.ModeSymlink != 0:
			w.symlink(root, rel, name)
		case t.IsRegular() && isCandidate(name):
			ref.refs.Add(1)
			batch = append(batch, fileJob{dir: ref, name: name})
			if len(batch) == batchSize {
				w.jobs <- batch
				batch = nil
			}
		}
	}
	if len(batch) > 0 {
		w.jobs <- batch
	}
	ref.release()
	return pending
}

// symlink reports a symbolic link that leaves the checkout. No link is followed: one that
// stays inside points at a file or directory that is updated where it is, if it is under
// the update path.
func (w *walker) symlink(dir *os.Root, rel, name string) {
	target, err := dir.Readlink(name)
	if err != nil {
		w.problem(path.Join(rel, name), "reading symbolic link: "+err.Error())
		return
	}
	t := filepath.ToSlash(target)
	if !filepath.IsAbs(target) && !path.IsAbs(t) {
		if j := path.Join(rel, t); j != ".." && !strings.HasPrefix(j, "../") {
			return
		}
	}
	w.problems = append(w.problems, Problem{File: path.Join(rel, name), Kind: ProblemSymlink,
		Message: "symbolic link to " + strconv.Quote(target) + " leaves the checkout; not followed"})
}

func (w *walker) problem(rel, msg string) {
	w.problems = append(w.problems, Problem{File: rel, Kind: ProblemIO, Message: msg})
}
