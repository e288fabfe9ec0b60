package runner

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/internal/adapt"
	"github.com/tagflow/tagflow/internal/config"
	"github.com/tagflow/tagflow/scanner/store"
	"github.com/tagflow/tagflow/updater/gitrepo"
)

// Names of the things the runner keeps in its state dir.
const (
	tagStoreFileName = "tags.db"
	gitCacheDirName  = "git"
)

// Runner reconciles the objects of one configuration. Its methods are safe for concurrent
// use.
type Runner struct {
	set    *config.Set
	opts   Options
	store  *store.Store
	status *statusFile

	mu       sync.Mutex
	gitRepos map[string]preparedRepo
	ready    bool
}

// New opens the state in opts.StateDir (creating it when needed) for the objects of set.
// The caller closes the Runner.
func New(set *config.Set, opts Options) (*Runner, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(opts.StateDir, 0o700); err != nil {
		return nil, fmt.Errorf("creating state dir: %w", err)
	}
	st, err := openStatusFile(opts.StateDir)
	if err != nil {
		return nil, err
	}
	tags, err := store.Open(filepath.Join(opts.StateDir, tagStoreFileName))
	if err != nil {
		return nil, fmt.Errorf("opening tag store: %w", err)
	}
	r := &Runner{set: set, opts: opts, store: tags, status: st, gitRepos: map[string]preparedRepo{}}
	if err := r.prune(); err != nil {
		tags.Close()
		return nil, err
	}
	return r, nil
}

// prune forgets the tags and statuses of objects that are no longer configured.
func (r *Runner) prune() error {
	keys, err := r.store.Keys(context.Background())
	if err != nil {
		return fmt.Errorf("listing stored tags: %w", err)
	}
	for _, k := range keys {
		if _, ok := r.set.Repository(k.Namespace, k.Name); !ok {
			if err := r.store.Delete(context.Background(), k); err != nil {
				return fmt.Errorf("forgetting tags of %s: %w", k, err)
			}
		}
	}
	return r.status.retain(r.set)
}

// Close closes the tag store.
func (r *Runner) Close() error {
	return r.store.Close()
}

// Ready reports whether the runner has finished its first pass, so that its statuses
// describe every object.
func (r *Runner) Ready() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.ready
}

func (r *Runner) setReady() {
	r.mu.Lock()
	r.ready = true
	r.mu.Unlock()
}

// key returns "namespace/name".
func key(namespace, name string) string {
	return namespace + "/" + name
}

// policyRepository returns the namespace and name of the ImageRepository a policy reads.
func policyRepository(p *v1alpha1.ImagePolicy) (string, string) {
	ns := p.Spec.ImageRepositoryRef.Namespace
	if ns == "" {
		ns = p.Namespace
	}
	return ns, p.Spec.ImageRepositoryRef.Name
}

// preparedRepo is an automation's Git repository with the settings it was built from.
type preparedRepo struct {
	repo *gitrepo.Repo
	git  adapt.Git
}
