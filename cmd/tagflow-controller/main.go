// Command tagflow-controller runs tagflow as a Kubernetes controller: a controller-runtime
// manager with leader election, metrics and health endpoints, serving the image.tagflow.dev
// kinds.
package main

import (
	"flag"
	"fmt"
	"log/slog"
	"os"

	"github.com/go-logr/logr"

	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	imagev1 "github.com/tagflow/tagflow/api/v1alpha1"
)

// options are the manager's command-line settings.
type options struct {
	metricsAddr    string
	healthAddr     string
	leaderElection bool
	leaderID       string
}

func main() {
	var o options
	flag.StringVar(&o.metricsAddr, "metrics-addr", ":8080", "The address the Prometheus metrics endpoint binds to.")
	flag.StringVar(&o.healthAddr, "health-addr", ":9440", "The address the /healthz and /readyz probes bind to.")
	flag.BoolVar(&o.leaderElection, "enable-leader-election", true, "Elect a leader so that only one replica reconciles at a time.")
	flag.StringVar(&o.leaderID, "leader-election-id", "tagflow-controller-leader-election", "The name of the Lease used for leader election.")
	logLevel := flag.String("log-level", "info", "Log level: debug, info, warn or error.")
	logFormat := flag.String("log-format", "json", "Log format: json or text.")
	flag.Parse()
	logger, err := newLogger(*logLevel, *logFormat)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tagflow-controller:", err)
		os.Exit(2)
	}
	ctrl.SetLogger(logger)

	if err := run(o); err != nil {
		ctrl.Log.Error(err, "manager stopped")
		os.Exit(1)
	}
}

func newScheme() *runtime.Scheme {
	s := runtime.NewScheme()
	utilruntime.Must(clientgoscheme.AddToScheme(s))
	utilruntime.Must(imagev1.AddToScheme(s))
	return s
}

func run(o options) error {
	mgr, err := ctrl.NewManager(ctrl.GetConfigOrDie(), ctrl.Options{
		Scheme:                 newScheme(),
		Metrics:                metricsserver.Options{BindAddress: o.metricsAddr},
		HealthProbeBindAddress: o.healthAddr,
		LeaderElection:         o.leaderElection,
		LeaderElectionID:       o.leaderID,
	})
	if err != nil {
		return err
	}
	if err := mgr.AddHealthzCheck("healthz", healthz.Ping); err != nil {
		return err
	}
	if err := mgr.AddReadyzCheck("readyz", healthz.Ping); err != nil {
		return err
	}
	return mgr.Start(ctrl.SetupSignalHandler())
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
