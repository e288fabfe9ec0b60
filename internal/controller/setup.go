package controller

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	sourcev1 "github.com/fluxcd/source-controller/api/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/controller"

	"github.com/tagflow/tagflow/scanner"
	"github.com/tagflow/tagflow/scanner/store"
	"github.com/tagflow/tagflow/updater/gitrepo"
)

// Name is the controller's name in events and as the field manager.
const Name = "tagflow-controller"

// Files and directories under Options.StoragePath.
const (
	// StoreFile is the tag store.
	StoreFile = "tags.db"
	// GitCacheDirName holds the clone caches, one directory per automation.
	GitCacheDirName = "git"
)

// Options configures the reconcilers that Setup registers.
type Options struct {
	// StoragePath is the directory of the tag store and the clone caches. Required.
	StoragePath string
	// Concurrent is how many objects of each kind are reconciled at once. The default is 4.
	Concurrent int
	// Tenancy holds the multi-tenancy settings.
	Tenancy Tenancy
	// DependencyRequeue is how long to wait for a missing or unscanned dependency. The
	// default is DefaultDependencyRequeue.
	DependencyRequeue time.Duration
	// Debounce is how long an automation waits after a policy change. The default is
	// DefaultDebounce.
	Debounce time.Duration
	// ScannerOptions configure the root scanner (rate limits, retries, transport).
	ScannerOptions []scanner.Option
	// GitOptions are added to every automation's repository options.
	GitOptions []gitrepo.Option
}

// Setup opens the tag store and registers the ImageRepository, ImagePolicy and
// ImageUpdateAutomation reconcilers with mgr. The caller closes the store when the manager
// has stopped.
func Setup(ctx context.Context, mgr ctrl.Manager, opts Options) (*store.Store, error) {
	if opts.StoragePath == "" {
		return nil, fmt.Errorf("setting up the reconcilers: a storage path is required")
	}
	if err := os.MkdirAll(opts.StoragePath, 0o750); err != nil {
		return nil, fmtErr("creating the storage directory", err)
	}
	st, err := store.Open(filepath.Join(opts.StoragePath, StoreFile))
	if err != nil {
		return nil, fmtErr("opening the tag store", err)
	}
	if err := mgr.Add(&storeCollector{reader: mgr.GetAPIReader(), store: st}); err != nil {
		return nil, errorsJoinClose(fmtErr("adding the store collector", err), st)
	}
	if err := register(ctx, mgr, st, opts); err != nil {
		return nil, errorsJoinClose(err, st)
	}
	return st, nil
}

// register builds the root scanner and the three reconcilers.
func register(ctx context.Context, mgr ctrl.Manager, st *store.Store, opts Options) error {
	root, err := scanner.New(opts.ScannerOptions...)
	if err != nil {
		return fmtErr("making the root scanner", err)
	}
	if opts.Concurrent <= 0 {
		opts.Concurrent = 4
	}
	copts := controller.Options{MaxConcurrentReconciles: opts.Concurrent}
	events := mgr.GetEventRecorder(Name)
	repos := &ImageRepositoryReconciler{Client: mgr.GetClient(), APIReader: mgr.GetAPIReader(), Events: events,
		Store: st, Scanner: root, Tenancy: opts.Tenancy}
	if err := repos.SetupWithManager(mgr, copts); err != nil {
		return fmtErr("setting up the ImageRepository reconciler", err)
	}
	pols := &ImagePolicyReconciler{Client: mgr.GetClient(), APIReader: mgr.GetAPIReader(), Events: events,
		Store: st, Scanner: root, Tenancy: opts.Tenancy, DependencyRequeue: opts.DependencyRequeue}
	if err := pols.SetupWithManager(ctx, mgr, copts); err != nil {
		return fmtErr("setting up the ImagePolicy reconciler", err)
	}
	autos := &ImageUpdateAutomationReconciler{Client: mgr.GetClient(), APIReader: mgr.GetAPIReader(), Events: events,
		GitCacheDir: filepath.Join(opts.StoragePath, GitCacheDirName), GitOptions: opts.GitOptions,
		Tenancy: opts.Tenancy, Debounce: opts.Debounce, DependencyRequeue: opts.DependencyRequeue,
		WatchGitRepositories: hasGitRepositories(mgr)}
	mgr.GetLogger().Info("setting up the reconcilers", "watchgitrepositories", autos.WatchGitRepositories)
	if err := autos.SetupWithManager(ctx, mgr, copts); err != nil {
		return fmtErr("setting up the ImageUpdateAutomation reconciler", err)
	}
	return nil
}

// hasGitRepositories reports whether Flux's GitRepository kind is both in the manager's
// scheme and served by the API server, so that it can be watched.
func hasGitRepositories(mgr ctrl.Manager) bool {
	gvk := sourcev1.GroupVersion.WithKind(sourcev1.GitRepositoryKind)
	if !mgr.GetScheme().Recognizes(gvk) {
		return false
	}
	_, err := mgr.GetRESTMapper().RESTMapping(gvk.GroupKind(), gvk.Version)
	return err == nil
}

// errorsJoinClose closes c and returns err joined with the close error, if any.
func errorsJoinClose(err error, c interface{ Close() error }) error {
	if cerr := c.Close(); cerr != nil {
		return errors.Join(err, fmtErr("closing the tag store", cerr))
	}
	return err
}
