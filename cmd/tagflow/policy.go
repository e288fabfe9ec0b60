package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tagflow/tagflow/policy"
)

// listTags lists the tags of image in its registry for `tagflow policy test IMAGE`;
// tests replace it.
var listTags = listRegistryTags

// policyTestOptions are the inputs of `tagflow policy test`, validated.
type policyTestOptions struct {
	spec     policy.Spec
	tagsFile string // "-" for stdin; "" when image is set
	image    string
	registry registryFlags
	json     bool
}

func newPolicyCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "policy",
		Short: "Work with image policies",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newPolicyTestCmd())
	return cmd
}

// policyTestFlags are the raw flag values of `tagflow policy test`.
type policyTestFlags struct {
	semver, alphabetical, numerical, pattern, extract, tagsFile, output string
	registry                                                            registryFlags
}

func newPolicyTestCmd() *cobra.Command {
	var fl policyTestFlags
	cmd := &cobra.Command{
		Use: "test (--semver RANGE | --alphabetical asc|desc | --numerical asc|desc) " +
			"[--filter-pattern RE] [--filter-extract TPL] (--tags-file FILE | IMAGE)",
		Short: "Show which tag a policy picks from a list of tags, and why",
		Long: `Show which tag a policy picks from a list of tags, and why.

The tags come from a file, one per line ("-" for stdin; blank lines are ignored), or
from IMAGE's registry. The chosen tag is printed alone on the first line, followed by
the explanation; with -o json, one object whose "tag" is the chosen tag.

Exit status: 0 when a tag was chosen, 1 when none matched, 2 for invalid arguments.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := policyTestOptionsFrom(cmd, args, fl)
			if err != nil {
				return err
			}
			return policyTest(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), cmd.InOrStdin(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&fl.semver, "semver", "", "pick the greatest version within this semver range")
	f.StringVar(&fl.alphabetical, "alphabetical", "", "pick the greatest (asc) or least (desc) tag byte-wise")
	f.StringVar(&fl.numerical, "numerical", "", "pick the greatest (asc) or least (desc) number")
	f.StringVar(&fl.pattern, "filter-pattern", "", "keep only tags matching this regular expression (unanchored)")
	f.StringVar(&fl.extract, "filter-extract", "", "order by this expansion of the pattern's groups ($1, $name)")
	f.StringVar(&fl.tagsFile, "tags-file", "", `read the tags from this file, one per line ("-" for stdin)`)
	f.StringVarP(&fl.output, "output", "o", "text", "output format: text or json")
	addRegistryFlags(f, &fl.registry)
	return cmd
}

// policyTestOptionsFrom checks the arguments and builds the spec; every error exits 2.
func policyTestOptionsFrom(cmd *cobra.Command, args []string, fl policyTestFlags) (policyTestOptions, error) {
	var opts policyTestOptions
	changed := cmd.Flags().Changed
	var set []string
	for _, name := range []string{"semver", "alphabetical", "numerical"} {
		if changed(name) {
			set = append(set, "--"+name)
		}
	}
	if len(set) != 1 {
		return opts, usageErrorf("policy test needs exactly one of --semver, --alphabetical and --numerical, got %d%s", len(set), listed(set))
	}
	switch {
	case len(args) > 1:
		return opts, usageErrorf("policy test takes at most one IMAGE, got %d arguments", len(args))
	case len(args) == 1 && changed("tags-file"):
		return opts, usageErrorf("policy test takes either --tags-file or IMAGE, not both")
	case len(args) == 0 && !changed("tags-file"):
		return opts, usageErrorf("policy test needs --tags-file FILE or IMAGE")
	case changed("tags-file") && fl.tagsFile == "":
		return opts, usageErrorf("--tags-file needs a file name, or - for stdin")
	}
	if fl.output != "text" && fl.output != "json" {
		return opts, usageErrorf("unknown output format %q: want text or json", fl.output)
	}
	opts.tagsFile, opts.json = fl.tagsFile, fl.output == "json"
	if len(args) == 1 {
		opts.image = args[0]
		opts.registry = fl.registry
	}
	switch {
	case changed("semver"):
		opts.spec.SemVer = &policy.SemVerSpec{Range: fl.semver}
	case changed("alphabetical"):
		opts.spec.Alphabetical = &policy.OrderSpec{Order: fl.alphabetical}
	default:
		opts.spec.Numerical = &policy.OrderSpec{Order: fl.numerical}
	}
	if changed("filter-pattern") || changed("filter-extract") {
		opts.spec.Filter = &policy.FilterSpec{Pattern: fl.pattern, Extract: fl.extract}
	}
	return opts, nil
}

func listed(flags []string) string {
	if len(flags) == 0 {
		return ""
	}
	return " (" + strings.Join(flags, ", ") + ")"
}

// policyTest builds the policy, reads the tags, selects and prints. It exits 2 for an
// invalid policy and 1 when no tag is chosen or the tags cannot be read.
func policyTest(ctx context.Context, stdout, stderr io.Writer, stdin io.Reader, opts policyTestOptions) error {
	p, err := policy.New(opts.spec)
	if err != nil {
		return usageErrorf("%v", err)
	}
	tags, err := loadTags(ctx, stdin, opts)
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	res, selErr := p.Select(tags)
	if err := printSelection(stdout, stderr, res, selErr, opts.json); err != nil {
		return &exitError{code: 1, err: fmt.Errorf("writing the result: %w", err)}
	}
	if selErr != nil {
		return &exitError{code: 1, err: selErr}
	}
	return nil
}

// loadTags reads the tags file, or lists the image's tags.
func loadTags(ctx context.Context, stdin io.Reader, opts policyTestOptions) ([]string, error) {
	if opts.image != "" {
		return listTags(ctx, opts.image, opts.registry) // its errors say "listing tags of IMAGE"
	}
	if opts.tagsFile == "-" {
		tags, err := readTags(stdin)
		if err != nil {
			return nil, fmt.Errorf("reading tags from stdin: %w", err)
		}
		return tags, nil
	}
	f, err := os.Open(opts.tagsFile)
	if err != nil {
		return nil, fmt.Errorf("reading tags: %w", err)
	}
	defer func() { _ = f.Close() }()
	tags, err := readTags(f)
	if err != nil {
		return nil, fmt.Errorf("reading tags from %s: %w", opts.tagsFile, err)
	}
	return tags, nil
}

// readTags reads one tag per line, dropping a trailing CR and skipping blank lines.
func readTags(r io.Reader) ([]string, error) {
	var tags []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		tags = append(tags, line)
	}
	return tags, sc.Err()
}

// policyTestJSON is the -o json output: the chosen tag beside the explanation's fields.
type policyTestJSON struct {
	Tag string `json:"tag"`
	policy.Explanation
}

// printSelection writes the result. In text, a chosen tag goes alone on the first line
// of stdout, then the explanation; with no tag chosen, the explanation goes to stderr
// so that stdout stays empty. JSON always goes to stdout.
func printSelection(stdout, stderr io.Writer, res policy.Result, selErr error, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(policyTestJSON{Tag: res.Tag, Explanation: res.Explanation})
	}
	if selErr != nil {
		_, err := io.WriteString(stderr, res.Explanation.String())
		return err
	}
	_, err := fmt.Fprintf(stdout, "%s\n%s", res.Tag, res.Explanation.String())
	return err
}
