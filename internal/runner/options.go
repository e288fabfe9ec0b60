package runner

import (
	"context"
	"errors"
	"time"

	"github.com/tagflow/tagflow/scanner"
	"github.com/tagflow/tagflow/updater"
	"github.com/tagflow/tagflow/updater/gitrepo"
)

// Defaults of Options.
const (
	// DefaultDebounce is how long an automation waits after a policy change for further
	// changes before it runs, so that they go into one commit.
	DefaultDebounce = 5 * time.Second
	// DefaultMinRetry is the first wait before retrying an object after a transient error.
	DefaultMinRetry = 5 * time.Second
	// DefaultMaxRetry caps the wait between retries; the object's interval caps it too.
	DefaultMaxRetry = 5 * time.Minute
	// DefaultShutdownGrace is how long an automation run in flight may go on after the
	// runner is stopped, so that a push is finished rather than cut.
	DefaultShutdownGrace = 30 * time.Second
)

// UpdateFunc rewrites the marked fields of the files under path (relative to the worktree
// root) so that they name images, and says what it changed and what it could not do.
type UpdateFunc func(ctx context.Context, root, path string, images updater.Images) (*updater.Result, error)

// Hook is called at named points, for tests that interrupt the process there: "pushed"
// after an automation pushed and before its status is saved, and, in Once, "scanned",
// "selected" and "automated" after each phase.
type Hook func(point string)

// Options configure a Runner. StateDir is required; every other field has a default
// stated with it.
type Options struct {
	// StateDir holds the tag store, the statuses and the Git clone cache.
	StateDir string
	// Update applies policies to a worktree. The default is updater.Update.
	Update UpdateFunc
	// Debounce is how long an automation waits after a policy change. The default is
	// DefaultDebounce.
	Debounce time.Duration
	// MinRetry and MaxRetry bound the exponential backoff after transient errors. The
	// defaults are DefaultMinRetry and DefaultMaxRetry.
	MinRetry, MaxRetry time.Duration
	// ShutdownGrace is how long an automation run may go on after the context is
	// cancelled. The default is DefaultShutdownGrace.
	ShutdownGrace time.Duration
	// Scanner is the root scanner each repository's scanner is derived from (sharing its
	// per-host limits). The default is scanner.New().
	Scanner *scanner.Scanner
	// GitOptions are added to every automation's Git options, after those from the
	// configuration.
	GitOptions []gitrepo.Option
	// Metrics records what the runner does. The default records into an unregistered set.
	Metrics *Metrics
	// Now is the clock. The default is time.Now.
	Now func() time.Time
	// Hook is called at named points of a pass. The default does nothing.
	Hook Hook
}

// withDefaults returns opts with every unset field defaulted, or an error for a missing
// required field.
func (o Options) withDefaults() (Options, error) {
	if o.StateDir == "" {
		return o, errors.New("runner options: StateDir is required")
	}
	if o.Update == nil {
		o.Update = func(ctx context.Context, root, path string, images updater.Images) (*updater.Result, error) {
			return updater.Update(ctx, root, path, images)
		}
	}
	if o.Debounce <= 0 {
		o.Debounce = DefaultDebounce
	}
	if o.MinRetry <= 0 {
		o.MinRetry = DefaultMinRetry
	}
	if o.MaxRetry <= 0 {
		o.MaxRetry = DefaultMaxRetry
	}
	if o.ShutdownGrace <= 0 {
		o.ShutdownGrace = DefaultShutdownGrace
	}
	if o.Scanner == nil {
		s, err := scanner.New()
		if err != nil {
			return o, err
		}
		o.Scanner = s
	}
	if o.Metrics == nil {
		o.Metrics = NewMetrics(nil)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Hook == nil {
		o.Hook = func(string) {}
	}
	return o, nil
}
