package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	sourcev1 "github.com/fluxcd/source-controller/api/v1"
	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	imagev1 "github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/internal/controller"
)

// newScheme holds the built-in kinds, tagflow's kinds and Flux's GitRepository.
func newScheme() *runtime.Scheme {
	s := runtime.NewScheme()
	utilruntime.Must(clientgoscheme.AddToScheme(s))
	utilruntime.Must(imagev1.AddToScheme(s))
	utilruntime.Must(sourcev1.AddToScheme(s))
	return s
}

// run starts the manager with the reconcilers and blocks until ctx is done.
func run(ctx context.Context, cfg *rest.Config, o *options) error {
	cacheOpts, err := cacheOptions(o.watchLabelSelector)
	if err != nil {
		return err
	}
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                  newScheme(),
		Cache:                   cacheOpts,
		Metrics:                 metricsserver.Options{BindAddress: o.metricsAddr},
		HealthProbeBindAddress:  o.healthAddr,
		LeaderElection:          o.leaderElection,
		LeaderElectionID:        o.leaderID,
		LeaderElectionNamespace: o.leaderNamespace,
	})
	if err != nil {
		return fmt.Errorf("creating the manager: %w", err)
	}
	if err := mgr.AddHealthzCheck("healthz", healthz.Ping); err != nil {
		return fmt.Errorf("adding the health check: %w", err)
	}
	if err := mgr.AddReadyzCheck("readyz", healthz.Ping); err != nil {
		return fmt.Errorf("adding the readiness check: %w", err)
	}
	st, err := controller.Setup(ctx, mgr, controller.Options{
		StoragePath:       o.storagePath,
		Concurrent:        o.concurrent,
		Tenancy:           controller.Tenancy{NoCrossNamespaceRefs: o.noCrossNamespace, DefaultServiceAccount: o.defaultSA},
		DependencyRequeue: o.requeueDependency,
		Debounce:          o.debounce,
	})
	if err != nil {
		return err
	}
	defer st.Close()
	ctrl.Log.Info("starting manager", "storagepath", o.storagePath, "concurrent", o.concurrent,
		"watchlabelselector", o.watchLabelSelector, "nocrossnamespacerefs", o.noCrossNamespace)
	return mgr.Start(ctx)
}

// cacheOptions restricts the cache of tagflow's kinds to the objects matching selector, so
// that several controllers can share the objects of a cluster (sharding). Every kind of a
// chain (repository, policy, automation) must be in the same shard.
func cacheOptions(selector string) (cache.Options, error) {
	if selector == "" {
		return cache.Options{}, nil
	}
	sel, err := labels.Parse(selector)
	if err != nil {
		return cache.Options{}, fmt.Errorf("parsing --watch-label-selector %q: %w", selector, err)
	}
	by := cache.ByObject{Label: sel}
	return cache.Options{ByObject: map[client.Object]cache.ByObject{
		&imagev1.ImageRepository{}:       by,
		&imagev1.ImagePolicy{}:           by,
		&imagev1.ImageUpdateAutomation{}: by,
	}}, nil
}

// newLogger returns a structured logger writing to stderr through slog.
func newLogger(level, format string) (logr.Logger, error) {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(level)); err != nil {
		return logr.Logger{}, fmt.Errorf("parsing --log-level %q: %w", level, err)
	}
	opts := &slog.HandlerOptions{Level: lvl}
	switch format {
	case "json":
		return logr.FromSlogHandler(slog.NewJSONHandler(os.Stderr, opts)), nil
	case "text":
		return logr.FromSlogHandler(slog.NewTextHandler(os.Stderr, opts)), nil
	default:
		return logr.Logger{}, fmt.Errorf("unknown --log-format %q: want json or text", format)
	}
}
