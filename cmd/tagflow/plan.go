package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tagflow/tagflow/updater"
)

// planOptions are the flags of `tagflow plan`.
type planOptions struct {
	dir    string
	images []string
	// files is the configuration of the -f mode (plan_config.go).
	files []string
}

func newPlanCmd() *cobra.Command {
	var opts planOptions
	cmd := &cobra.Command{
		Use:   "plan {--dir DIR --image NS:POLICY=NAME:TAG[@DIGEST]... | -f PATH...}",
		Short: "Show the manifest updates that chosen images would make, as a diff",
		Long: `Show, as a git diff on stdout, how the {"$imagepolicy": ...} markers in the YAML files
under DIR would be updated if each policy had chosen the given image. DIR is left untouched;
` + "`git apply`" + ` in DIR reproduces the change byte for byte. Problems (unknown policies, files
that are not valid YAML, markers that cannot be applied) go to stderr.

With -f, the images come from the configuration instead: every ImageRepository is scanned,
every ImagePolicy selects its tag, and each ImageUpdateAutomation's repository is cloned into
a temporary directory; the diff of every automation is printed. Nothing is committed or pushed.

Exit status: 0 on success (even with no changes), 1 if problems were found, 2 on bad arguments.`,
		Example: `  tagflow plan --dir ./clusters/prod --image apps:podinfo=ghcr.io/stefanprodan/podinfo:6.7.0
  tagflow plan --dir . --image apps:app=ghcr.io/org/app:1.2.3@sha256:... | git apply
  tagflow plan -f ./tagflow-config/`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 0 {
				return usageErrorf("plan takes no arguments, got %q", args)
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			if len(opts.files) > 0 {
				if opts.dir != "" || len(opts.images) > 0 {
					return usageErrorf("-f cannot be combined with --dir or --image")
				}
				return planConfig(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), opts)
			}
			return planDir(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.dir, "dir", "", "directory of YAML manifests to plan the update for (a Git checkout)")
	f.StringArrayVar(&opts.images, "image", nil, "NS:POLICY=NAME:TAG[@DIGEST], the image a policy chose; repeatable")
	f.StringArrayVarP(&opts.files, "file", "f", nil, "configuration file or directory: scan, select and clone as tagflow run would, pushing nothing; repeatable")
	return cmd
}

// planDir computes the update of the files under opts.dir in memory and writes it to w as a
// git diff, and the problems found to errw, one per line. Problems make it return an error
// with exit status 1, bad options one with exit status 2.
func planDir(ctx context.Context, w, errw io.Writer, opts planOptions) error {
	if opts.dir == "" {
		return usageErrorf("--dir is required")
	}
	if fi, err := os.Stat(opts.dir); err != nil || !fi.IsDir() {
		return usageErrorf("--dir %q is not a directory", opts.dir)
	}
	images, err := parseImageFlags(opts.images)
	if err != nil {
		return err
	}
	dir := opts.dir
	type change struct{ old, new []byte }
	changed := map[string]change{}
	res, err := updater.Update(ctx, dir, ".", images, updater.WithDryRun(func(file string, old, new []byte) {
		changed[file] = change{old, new}
	}))
	if err != nil {
		return fmt.Errorf("planning the update of %s: %w", dir, err)
	}
	for _, file := range slices.Sorted(maps.Keys(changed)) {
		c := changed[file]
		if err := updater.WriteUnifiedDiff(w, file, c.old, c.new); err != nil {
			return err
		}
	}
	for _, p := range res.Problems {
		if _, err := fmt.Fprintln(errw, p); err != nil {
			return fmt.Errorf("writing problems: %w", err)
		}
	}
	if n := len(res.Problems); n > 0 {
		return &exitError{code: 1, err: fmt.Errorf("%d problem(s) found in %s", n, dir)}
	}
	return nil
}

// parseImageFlags parses the --image values NS:POLICY=NAME:TAG[@DIGEST].
func parseImageFlags(flags []string) (updater.Images, error) {
	images := updater.Images{}
	for _, f := range flags {
		policy, ref, ok := strings.Cut(f, "=")
		if !ok {
			return nil, usageErrorf("--image %q: want NS:POLICY=NAME:TAG[@DIGEST]", f)
		}
		s, err := updater.ParseSetter(policy)
		if err != nil || s.Field != updater.FieldImage {
			return nil, usageErrorf("--image %q: policy must be NAMESPACE:NAME", f)
		}
		if _, dup := images[s.Policy]; dup {
			return nil, usageErrorf("--image %q: policy %s given twice", f, s.Policy)
		}
		img, err := parseImageRef(ref)
		if err != nil {
			return nil, usageErrorf("--image %q: %v", f, err)
		}
		images[s.Policy] = img
	}
	return images, nil
}

// parseImageRef splits NAME:TAG[@DIGEST]; the tag is after the last ':' that follows the
// last '/', so a registry port is part of the name.
func parseImageRef(ref string) (updater.Image, error) {
	nameTag, digest, hasDigest := strings.Cut(ref, "@")
	if hasDigest && !strings.Contains(digest, ":") {
		return updater.Image{}, fmt.Errorf("digest %q must be ALGORITHM:HEX", digest)
	}
	i := strings.LastIndexByte(nameTag, ':')
	if i <= strings.LastIndexByte(nameTag, '/') || i == len(nameTag)-1 || i == 0 {
		return updater.Image{}, fmt.Errorf("want NAME:TAG[@DIGEST]")
	}
	return updater.Image{Name: nameTag[:i], Tag: nameTag[i+1:], Digest: digest}, nil
}
