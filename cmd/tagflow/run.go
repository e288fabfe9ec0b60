package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/spf13/cobra"

	"github.com/tagflow/tagflow/internal/config"
	"github.com/tagflow/tagflow/internal/runner"
	"github.com/tagflow/tagflow/internal/server"
)

// DefaultListen is where `tagflow run` serves HTTP.
const defaultListen = "127.0.0.1:9440"

// killAtEnv names a test-only environment variable: when set to a hook point of the runner
// (such as "pushed"), the process kills itself with SIGKILL there, to test crash recovery.
const killAtEnv = "TAGFLOW_TEST_KILL_AT"

// runOptions are the flags of `tagflow run`.
type runOptions struct {
	paths    []string
	once     bool
	stateDir string
	listen   string
	serve    bool
	debounce time.Duration
}

func newRunCmd() *cobra.Command {
	var opts runOptions
	cmd := &cobra.Command{
		Use:   "run -f PATH... [--once]",
		Short: "Run the standalone daemon, or one pass with --once",
		Long: `Run tagflow without Kubernetes. The configuration is YAML files (or directories of them)
holding ImageRepository, ImagePolicy and ImageUpdateAutomation objects, Flux GitRepository
objects and Secrets.

The daemon scans each ImageRepository on its interval, re-evaluates the ImagePolicies of a
repository when its tags change, and runs each ImageUpdateAutomation on its interval and
shortly after a policy it uses changes (changes close together make one commit). Tags,
statuses and clone caches are kept in --state-dir and survive restarts. It serves /healthz,
/readyz, /metrics and a read-only JSON API on --listen.

With --once it scans everything, evaluates every policy, runs every automation, prints a
summary and exits 0 when every object is ready and 1 otherwise.`,
		Example: `  tagflow run --once -f config/
  tagflow run -f config/ --state-dir /var/lib/tagflow --listen 127.0.0.1:9440`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if len(opts.paths) == 0 {
				return usageErrorf("run needs at least one -f PATH")
			}
			opts.serve = !opts.once || cmd.Flags().Changed("listen")
			return run(cmd.Context(), cmd.OutOrStdout(), opts)
		},
	}
	f := cmd.Flags()
	f.StringArrayVarP(&opts.paths, "file", "f", nil, "configuration file or directory (repeatable)")
	f.BoolVar(&opts.once, "once", false, "make one pass over every object, print a summary and exit")
	f.StringVar(&opts.stateDir, "state-dir", defaultStateDir(), "directory for tags, statuses and clone caches")
	f.StringVar(&opts.listen, "listen", defaultListen, "address for /healthz, /readyz, /metrics and /api (with --once only when given)")
	f.DurationVar(&opts.debounce, "debounce", runner.DefaultDebounce, "how long an automation waits after a policy change for more changes")
	return cmd
}

// defaultStateDir is $XDG_STATE_HOME/tagflow, or ~/.local/state/tagflow.
func defaultStateDir() string {
	if d := os.Getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "tagflow")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".local", "state", "tagflow")
	}
	return ".tagflow"
}

// run loads the configuration and runs the daemon or one pass.
func run(ctx context.Context, w io.Writer, opts runOptions) error {
	set, err := config.Load(opts.paths...)
	if err != nil {
		return fmt.Errorf("loading configuration:\n%w", err)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	r, err := runner.New(set, runner.Options{
		StateDir: opts.stateDir,
		Debounce: opts.debounce,
		Metrics:  runner.NewMetrics(reg),
		Hook:     killHook(os.Getenv(killAtEnv)),
	})
	if err != nil {
		return err
	}
	defer r.Close()
	if opts.serve {
		stop, err := serve(ctx, opts.listen, server.New(r, reg))
		if err != nil {
			return err
		}
		defer stop()
	}
	if !opts.once {
		return r.Run(ctx)
	}
	sum, err := r.Once(ctx)
	if err != nil {
		return err
	}
	if err := sum.WriteTable(w); err != nil {
		return err
	}
	if !sum.OK() {
		return &exitError{code: 1}
	}
	return nil
}

// serve listens on addr and serves h until the returned function is called.
func serve(ctx context.Context, addr string, h http.Handler) (func(), error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listening on %s: %w", addr, err)
	}
	log := logr.FromContextOrDiscard(ctx)
	log.Info("serving", "address", l.Addr().String())
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(l); !errors.Is(err, http.ErrServerClosed) {
			log.Error(err, "serving HTTP failed")
		}
	}()
	return func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			log.Error(err, "stopping HTTP server failed")
		}
		<-done
	}, nil
}

// killHook returns a runner hook that kills the process with SIGKILL at the named point,
// or nil when point is empty. It exists for crash-recovery tests.
func killHook(point string) runner.Hook {
	if point == "" {
		return nil
	}
	return func(p string) {
		if p == point {
			_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
		}
	}
}
