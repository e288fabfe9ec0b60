package main

import (
	"flag"
	"time"

	"github.com/tagflow/tagflow/internal/controller"
)

// options are the manager's command-line settings.
type options struct {
	metricsAddr        string
	healthAddr         string
	leaderElection     bool
	leaderID           string
	leaderNamespace    string
	logLevel           string
	logFormat          string
	storagePath        string
	concurrent         int
	watchLabelSelector string
	noCrossNamespace   bool
	defaultSA          string
	requeueDependency  time.Duration
	debounce           time.Duration
}

// bindFlags registers the flags on fs and returns the options they fill.
func bindFlags(fs *flag.FlagSet) *options {
	o := &options{}
	fs.StringVar(&o.metricsAddr, "metrics-addr", ":8080", "The address the Prometheus metrics endpoint binds to; 0 disables it.")
	fs.StringVar(&o.healthAddr, "health-addr", ":9440", "The address the /healthz and /readyz probes bind to.")
	fs.BoolVar(&o.leaderElection, "enable-leader-election", true, "Elect a leader so that only one replica reconciles at a time.")
	fs.StringVar(&o.leaderID, "leader-election-id", "tagflow-controller-leader-election", "The name of the Lease used for leader election.")
	fs.StringVar(&o.leaderNamespace, "leader-election-namespace", "", "The namespace of the leader election Lease. The default is the pod's namespace.")
	fs.StringVar(&o.logLevel, "log-level", "info", "Log level: debug, info, warn or error.")
	fs.StringVar(&o.logFormat, "log-format", "json", "Log format: json or text.")
	fs.StringVar(&o.storagePath, "storage-path", "/data", "The directory of the tag store and the Git clone caches.")
	fs.IntVar(&o.concurrent, "concurrent", 4, "How many objects of each kind are reconciled at once.")
	fs.StringVar(&o.watchLabelSelector, "watch-label-selector", "", "Reconcile only the objects matching this label selector (sharding), such as 'sharding.fluxcd.io/key=shard1'.")
	fs.BoolVar(&o.noCrossNamespace, "no-cross-namespace-refs", false, "Deny every reference to an object in another namespace, whatever its accessFrom says.")
	fs.StringVar(&o.defaultSA, "default-service-account", "", "The service account whose image pull secrets an ImageRepository without spec.serviceAccountName and spec.secretRef uses.")
	fs.DurationVar(&o.requeueDependency, "requeue-dependency", controller.DefaultDependencyRequeue, "How long to wait before looking again for a missing or unscanned dependency.")
	fs.DurationVar(&o.debounce, "debounce", controller.DefaultDebounce, "How long an automation waits after a selected policy changes, so that changes together make one commit.")
	return o
}
