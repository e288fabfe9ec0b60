package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/tagflow/tagflow/internal/config"
	"github.com/tagflow/tagflow/internal/runner"
)

// Options configure Run.
type Options struct {
	// Dir holds the demo's files (the bare repository, the configuration and the state
	// dir). The default is a temporary directory that Run removes.
	Dir string
}

// ErrNotReady is returned when the demo pass left an object not ready.
var ErrNotReady = errors.New("the demo pass did not succeed")

// Run starts the registry, creates the repository and the configuration, makes one pass
// of the runner and prints what happened to w, ending with the commit and the next steps.
func Run(ctx context.Context, w io.Writer, opts Options) error {
	dir := opts.Dir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "tagflow-demo-")
		if err != nil {
			return fmt.Errorf("creating demo dir: %w", err)
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	reg, err := StartRegistry()
	if err != nil {
		return err
	}
	defer reg.Close()
	image := reg.Image(ImageRepo)
	fmt.Fprintf(w, "==> Registry on %s with %s tags %v\n", reg.Host(), ImageRepo, Tags)
	if err := reg.Push(ctx, ImageRepo, Tags...); err != nil {
		return err
	}
	repo, err := CreateRepository(filepath.Join(dir, "fleet.git"), Branch, Manifests(image))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "==> Git repository %s (branch %s) with manifests under apps/ at %s:6.0.0\n", repo.URL(), Branch, image)
	cfg, err := WriteConfig(filepath.Join(dir, "config"), image, repo.URL())
	if err != nil {
		return fmt.Errorf("writing demo configuration: %w", err)
	}
	fmt.Fprintf(w, "==> Configuration %s: semver range %q\n==> tagflow run --once -f %s\n\n", cfg, Range, cfg)
	if err := pass(ctx, w, cfg, filepath.Join(dir, "state")); err != nil {
		return err
	}
	fmt.Fprintf(w, "\n==> The commit tagflow pushed (git log -p -1 %s)\n\n", Branch)
	if err := repo.ShowHead(w, Branch); err != nil {
		return fmt.Errorf("showing the commit: %w", err)
	}
	_, err = io.WriteString(w, nextSteps)
	return err
}

// pass loads the configuration and makes one pass of the runner, printing its summary.
func pass(ctx context.Context, w io.Writer, cfg, stateDir string) error {
	set, err := config.Load(cfg)
	if err != nil {
		return fmt.Errorf("loading demo configuration: %w", err)
	}
	r, err := runner.New(set, runner.Options{StateDir: stateDir})
	if err != nil {
		return err
	}
	defer r.Close()
	sum, err := r.Once(ctx)
	if err != nil {
		return err
	}
	if err := sum.WriteTable(w); err != nil {
		return err
	}
	if !sum.OK() {
		return ErrNotReady
	}
	return nil
}

// nextSteps tells the user how to point tagflow at their own registry and repository.
const nextSteps = `
==> Next steps
  1. Write a config file for your image, like the demo's (tagflow run -f reads files or
     directories of multi-document YAML; Flux's image.toolkit.fluxcd.io/v1 objects work
     as they are, and 'tagflow migrate -f PATH' rewrites them to tagflow's apiVersion):
       ImageRepository  spec.image: ghcr.io/you/app, spec.secretRef: a dockerconfigjson Secret
       ImagePolicy      spec.policy.semver.range: ">=1.0.0"
       ImageUpdateAutomation  spec.git.url: https://github.com/you/fleet.git or
                        ssh://git@github.com/you/fleet.git with spec.git.secretRef
  2. Mark the fields to update in your manifests:
       image: ghcr.io/you/app:1.0.0 # {"$imagepolicy": "default:app"}
  3. Try it once, then run it as a daemon:
       tagflow run --once -f config/
       tagflow run -f config/ --state-dir /var/lib/tagflow --listen 127.0.0.1:9440
       tagflow get images
`
