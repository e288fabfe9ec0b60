package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"
)

// tagflowImageAPIVersion is what Flux's image kinds are rewritten to.
const tagflowImageAPIVersion = "image.tagflow.dev/v1alpha1"

// migratableVersions are Flux's image apiVersions whose objects have the v1 shape.
var migratableVersions = map[string]bool{
	"image.toolkit.fluxcd.io/v1":      true,
	"image.toolkit.fluxcd.io/v1beta2": true,
	"image.toolkit.fluxcd.io/v1beta1": true,
}

// migrateOptions are the flags of `tagflow migrate`.
type migrateOptions struct {
	paths   []string
	inPlace bool
	// report receives the findings (stderr), so that stdout stays valid YAML.
	report io.Writer
}

func newMigrateCmd() *cobra.Command {
	var opts migrateOptions
	cmd := &cobra.Command{
		Use:   "migrate -f PATH...",
		Short: "Rewrite Flux image automation objects to tagflow's apiVersion",
		Long: `Rewrite the apiVersion of Flux's ImageRepository, ImagePolicy and ImageUpdateAutomation
objects (image.toolkit.fluxcd.io/v1, v1beta2, v1beta1) to image.tagflow.dev/v1alpha1.

Only the bytes of the apiVersion values change: comments, order, quoting and line ends stay.
Anything tagflow cannot take over as it is (fields it does not know, cloud provider logins,
service accounts, older apiVersions) is reported on stderr, and the exit status is then 1.
Without --in-place the rewritten YAML is printed to stdout.`,
		Example: `  tagflow migrate -f clusters/prod/image-automation.yaml > tagflow.yaml
  tagflow migrate -f clusters/prod --in-place`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if len(opts.paths) == 0 {
				return usageErrorf("migrate needs at least one -f PATH")
			}
			opts.report = cmd.ErrOrStderr()
			return migrate(cmd.Context(), cmd.OutOrStdout(), opts)
		},
	}
	cmd.Flags().StringArrayVarP(&opts.paths, "file", "f", nil, "YAML file or directory to migrate (repeatable)")
	cmd.Flags().BoolVar(&opts.inPlace, "in-place", false, "rewrite the files instead of printing them")
	return cmd
}

// migrate rewrites every YAML file in opts.paths and reports what it could not map.
func migrate(ctx context.Context, w io.Writer, opts migrateOptions) error {
	files, err := yamlFiles(opts.paths)
	if err != nil {
		return err
	}
	var findings, migrated int
	for i, file := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		res, err := migrateFile(file)
		if err != nil {
			return err
		}
		for _, f := range res.findings {
			fmt.Fprintln(opts.report, f)
		}
		findings += len(res.findings)
		migrated += res.migrated
		if err := emitMigrated(w, file, res, opts.inPlace, i > 0); err != nil {
			return err
		}
	}
	if opts.inPlace {
		fmt.Fprintf(w, "migrated %d objects in %d files\n", migrated, len(files))
	}
	if findings > 0 {
		return &exitError{code: 1, err: fmt.Errorf("%d findings need attention before tagflow can use these objects", findings)}
	}
	return nil
}

// emitMigrated writes the result to the file (in place) or to w.
func emitMigrated(w io.Writer, file string, res migrateResult, inPlace, separate bool) error {
	if !inPlace {
		if separate && !bytes.HasPrefix(res.data, []byte("---")) {
			if _, err := io.WriteString(w, "---\n"); err != nil {
				return err
			}
		}
		_, err := w.Write(res.data)
		return err
	}
	if res.migrated == 0 {
		return nil
	}
	return writeFileAtomic(file, res.data)
}

// yamlFiles expands directories into their *.yaml and *.yml files, in lexical order.
func yamlFiles(paths []string) ([]string, error) {
	var files []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", p, err)
		}
		if !info.IsDir() {
			files = append(files, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && path != p && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			if ext := filepath.Ext(path); !d.IsDir() && (ext == ".yaml" || ext == ".yml") {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("walking %s: %w", p, err)
		}
	}
	return files, nil
}

// writeFileAtomic replaces file with data through a temporary file and a rename, keeping
// the file mode.
func writeFileAtomic(file string, data []byte) error {
	info, err := os.Stat(file)
	if err != nil {
		return fmt.Errorf("writing %s: %w", file, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), "."+filepath.Base(file)+".*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", file, err)
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr, os.Chmod(tmp.Name(), info.Mode().Perm())); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("writing %s: %w", file, err)
	}
	if err := os.Rename(tmp.Name(), file); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("writing %s: %w", file, err)
	}
	return nil
}

// migrateResult is one file after migration.
type migrateResult struct {
	data     []byte
	migrated int
	findings []string
}

// migrateFile rewrites the apiVersions of one file and collects its findings.
func migrateFile(file string) (migrateResult, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return migrateResult{}, fmt.Errorf("reading %s: %w", file, err)
	}
	res, err := migrateYAML(data)
	if err != nil {
		return migrateResult{}, fmt.Errorf("parsing %s: %w", file, err)
	}
	for i, f := range res.findings {
		res.findings[i] = file + ": " + f
	}
	return res, nil
}

// migrateYAML rewrites the apiVersion values of Flux image objects in a multi-document YAML
// stream. Only the bytes of those values change.
func migrateYAML(data []byte) (migrateResult, error) {
	res := migrateResult{data: bytes.Clone(data)}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var lines []int // line number (1-based) of each apiVersion value to rewrite, with its old value
	var olds []string
	for doc := 1; ; doc++ {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return migrateResult{}, fmt.Errorf("document %d: %w", doc, err)
		}
		obj := documentObject(&n)
		if obj == nil {
			continue
		}
		findings, rewrite := checkObject(obj)
		for _, f := range findings {
			res.findings = append(res.findings, fmt.Sprintf("document %d (%s): %s", doc, obj.describe(), f))
		}
		if rewrite {
			lines = append(lines, obj.apiVersion.Line)
			olds = append(olds, obj.apiVersion.Value)
		}
	}
	for i := len(lines) - 1; i >= 0; i-- {
		out, ok := replaceOnLine(res.data, lines[i], olds[i], tagflowImageAPIVersion)
		if !ok {
			return migrateResult{}, fmt.Errorf("line %d: apiVersion %q not found as written", lines[i], olds[i])
		}
		res.data = out
		res.migrated++
	}
	return res, nil
}

// replaceOnLine replaces the first occurrence of old on the given 1-based line.
func replaceOnLine(data []byte, line int, old, repl string) ([]byte, bool) {
	start := 0
	for l := 1; l < line; l++ {
		i := bytes.IndexByte(data[start:], '\n')
		if i < 0 {
			return nil, false
		}
		start += i + 1
	}
	end := len(data)
	if i := bytes.IndexByte(data[start:], '\n'); i >= 0 {
		end = start + i
	}
	j := bytes.Index(data[start:end], []byte(old))
	if j < 0 {
		return nil, false
	}
	at := start + j
	out := make([]byte, 0, len(data)+len(repl)-len(old))
	out = append(out, data[:at]...)
	out = append(out, repl...)
	return append(out, data[at+len(old):]...), true
}
