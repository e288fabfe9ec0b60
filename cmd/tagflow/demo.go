package main

import (
	"context"
	"io"

	"github.com/go-logr/logr"
	"github.com/spf13/cobra"

	"github.com/tagflow/tagflow/internal/demo"
)

// demoOptions are the flags of `tagflow demo`.
type demoOptions struct {
	dir string
}

func newDemoCmd() *cobra.Command {
	var opts demoOptions
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Show tagflow at work on a local registry and Git repository",
		Long: `Start an in-process registry on loopback seeded with tags of a sample image, create a
local bare Git repository with manifests that carry markers, run one 'run --once' pass
against them and print the commit tagflow made. Nothing leaves the machine and no cluster
is needed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if f := cmd.Flag("log-level"); f != nil && !f.Changed {
				// The demo's output says what happened; logs only when asked for.
				ctx = logr.NewContext(ctx, logr.Discard())
			}
			return runDemo(ctx, cmd.OutOrStdout(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.dir, "dir", "", "keep the demo's repository, configuration and state here (default: a temporary directory, removed)")
	return cmd
}

// runDemo runs the demo.
func runDemo(ctx context.Context, w io.Writer, opts demoOptions) error {
	return demo.Run(ctx, w, demo.Options{Dir: opts.dir})
}
