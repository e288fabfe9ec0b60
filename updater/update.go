package updater

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// ErrUnsafePath is returned for an update path that is absolute or leaves the checkout.
var ErrUnsafePath = errors.New("update path must be relative and stay inside the checkout")

// Update rewrites, in place, the marked fields of the YAML files under path inside the
// checkout at root, so that they name the images the policies chose. Files are *.yaml,
// *.yml and Kustomization, .git directories are skipped, symbolic links are not followed,
// and nothing outside root is read or written. Each changed file is replaced atomically and
// keeps its mode.
//
// The Result lists the changes and the problems found (unknown policies, files that are not
// valid YAML, markers that cannot be applied); a file with a problem is still updated where
// it can be, unless it cannot be parsed. The error is non-nil only when the update could not
// run at all: a bad path, an unreadable root, or a cancelled ctx.
func Update(ctx context.Context, root, path string, images Images, opts ...Option) (*Result, error) {
	o, err := makeOptions(opts)
	if err != nil {
		return nil, err
	}
	rel := filepath.Clean(path)
	if !filepath.IsLocal(rel) {
		return nil, fmt.Errorf("updating %q in %s: %w", path, root, ErrUnsafePath)
	}
	checkout, err := os.OpenRoot(root)
	if err != nil {
		return nil, fmt.Errorf("opening checkout: %w", err)
	}
	defer checkout.Close()
	base, err := checkout.OpenRoot(rel)
	if err != nil {
		return nil, fmt.Errorf("opening update path %q in %s: %w", path, root, err)
	}
	defer base.Close()
	res := run(ctx, base, filepath.ToSlash(rel), images, o)
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("updating %s: %w", root, err)
	}
	return res, nil
}

// run walks base with one goroutine and updates files with o.workers others.
func run(ctx context.Context, base *os.Root, rel string, images Images, o options) *Result {
	jobs := make(chan []fileJob, 16)
	w := &walker{base: base, baseRel: rel, jobs: jobs}
	go w.walk(ctx)
	var mu sync.Mutex
	results := make([]Result, o.workers)
	var wg sync.WaitGroup
	for i := range results {
		wg.Go(func() {
			wk := worker{images: images, opts: o, mu: &mu, res: &results[i]}
			for batch := range jobs {
				for _, j := range batch {
					if ctx.Err() == nil {
						wk.file(j)
					}
					j.dir.release()
				}
			}
		})
	}
	wg.Wait()
	total := &Result{FileChanges: map[string]ObjectChanges{}, Problems: w.problems}
	for _, r := range results {
		for f, oc := range r.FileChanges {
			total.FileChanges[f] = oc
		}
		total.Problems = append(total.Problems, r.Problems...)
	}
	sortProblems(total.Problems)
	return total
}

// worker updates files one at a time, reusing its read buffer.
type worker struct {
	images Images
	opts   options
	mu     *sync.Mutex // serializes dry-run calls
	res    *Result
	buf    []byte
}

func (wk *worker) file(j fileJob) {
	if wk.buf == nil {
		wk.buf = make([]byte, 0, 64<<10)
	}
	data, err := readFile(j.dir, j.name, wk.buf)
	if err != nil {
		wk.problem(j.rel(), "reading: "+err.Error())
		return
	}
	wk.buf = data[:0]
	if !hasMarkerToken(data) {
		return
	}
	u := updateBytes(data, wk.images, wk.opts.parser)
	rel := j.rel()
	for _, p := range u.problems {
		p.File = rel
		wk.res.Problems = append(wk.res.Problems, p)
	}
	if u.out == nil || !wk.save(j, rel, data, u.out) {
		return
	}
	for _, c := range u.changes {
		wk.res.add(rel, c.id, c.Change)
	}
}

// save writes the new content, or hands it to the dry-run function.
func (wk *worker) save(j fileJob, rel string, old, out []byte) bool {
	if wk.opts.dryRun != nil {
		wk.mu.Lock()
		defer wk.mu.Unlock()
		wk.opts.dryRun(rel, append([]byte(nil), old...), out)
		return true
	}
	fi, err := j.dir.root.Lstat(j.name)
	if err == nil {
		err = writeAtomic(j.dir.root, j.name, out, fi.Mode())
	}
	if err != nil {
		wk.problem(rel, "writing: "+err.Error())
		return false
	}
	return true
}

func (wk *worker) problem(rel, msg string) {
	wk.res.Problems = append(wk.res.Problems, Problem{File: rel, Kind: ProblemIO, Message: msg})
}
