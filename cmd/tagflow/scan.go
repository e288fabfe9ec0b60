package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/tagflow/tagflow/scanner"
)

// listRegistryTags lists the tags of image as `tagflow scan IMAGE` does, with the
// registry flags given (by default anonymous, system CAs, HTTPS only, and the default
// exclusion list). `tagflow policy test IMAGE` uses it.
func listRegistryTags(ctx context.Context, image string, reg registryFlags) ([]string, error) {
	s, err := newScanner(scanOptions{image: image, registryFlags: reg}, nil)
	if err != nil {
		return nil, err
	}
	return s.List(ctx, image)
}

// registryFlags are the flags that say how to reach a registry; `scan` and `policy test`
// share them.
type registryFlags struct {
	secretFile string
	insecure   bool
	caFile     string
	certFile   string
	keyFile    string
}

// addRegistryFlags binds the registry flags to f.
func addRegistryFlags(f *pflag.FlagSet, r *registryFlags) {
	f.StringVar(&r.secretFile, "secret-file", "", "docker config JSON with credentials (the .dockerconfigjson of a pull secret)")
	f.BoolVar(&r.insecure, "insecure", false, "allow plain HTTP")
	f.StringVar(&r.caFile, "ca-file", "", "PEM file of extra CA certificates to trust")
	f.StringVar(&r.certFile, "cert-file", "", "PEM client certificate for mutual TLS (with --key-file)")
	f.StringVar(&r.keyFile, "key-file", "", "PEM key of the client certificate")
}

// scanOptions are the flags of `tagflow scan`.
type scanOptions struct {
	registryFlags
	image    string
	tag      string
	output   string
	pageSize int
	exclude  []string
	timeout  time.Duration
}

func newScanCmd() *cobra.Command {
	var opts scanOptions
	cmd := &cobra.Command{
		Use:   "scan IMAGE",
		Short: "List the tags of an image repository",
		Long: `List the tags of an image repository, as an ImageRepository scan does: follow
pagination, drop excluded tags (default ^.*\.sig$), and with --tag resolve that tag's
digest (the index digest for multi-platform images).`,
		Example: `  tagflow scan ghcr.io/stefanprodan/podinfo
  tagflow scan localhost:5000/app --insecure --tag 1.2.3 -o json
  tagflow scan registry.example.com/app --secret-file config.json --ca-file ca.crt`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErrorf("scan takes one IMAGE, got %d arguments", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.image = args[0]
			if opts.output != "text" && opts.output != "json" {
				return usageErrorf("--output must be text or json, not %q", opts.output)
			}
			return scan(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), opts)
		},
	}
	f := cmd.Flags()
	addRegistryFlags(f, &opts.registryFlags)
	f.StringVar(&opts.tag, "tag", "", "also resolve the digest of this tag")
	f.StringVarP(&opts.output, "output", "o", "text", "output format: text (one tag per line) or json")
	f.IntVar(&opts.pageSize, "page-size", scanner.DefaultPageSize, "tags asked for per request (some registries cap it, Quay at 100)")
	f.StringArrayVar(&opts.exclude, "exclude", nil, "regular expression of tags to drop; repeatable; replaces the default ^.*\\.sig$")
	f.DurationVar(&opts.timeout, "timeout", scanner.DefaultTimeout, "time limit for the listing")
	return cmd
}

// scanResult is the JSON output of `tagflow scan`.
type scanResult struct {
	Image  string   `json:"image"`
	Count  int      `json:"count"`
	Tags   []string `json:"tags"`
	Tag    string   `json:"tag,omitempty"`
	Digest string   `json:"digest,omitempty"`
}

// scan lists the tags of opts.image and writes them to w; progress goes to stderr.
func scan(ctx context.Context, w, stderr io.Writer, opts scanOptions) error {
	s, err := newScanner(opts, stderr)
	if err != nil {
		return err
	}
	tags, err := s.List(ctx, opts.image)
	if err != nil {
		return err
	}
	res := scanResult{Image: opts.image, Count: len(tags), Tags: tags, Tag: opts.tag}
	if res.Tags == nil {
		res.Tags = []string{}
	}
	if opts.tag != "" {
		if res.Digest, err = s.Digest(ctx, opts.image, opts.tag); err != nil {
			return err
		}
	}
	return writeScan(w, stderr, opts.output, res)
}

// writeScan prints the result as text (tags one per line, the digest on stderr) or JSON.
func writeScan(w, stderr io.Writer, output string, res scanResult) error {
	if output == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	for _, t := range res.Tags {
		if _, err := fmt.Fprintln(w, t); err != nil {
			return err
		}
	}
	if res.Digest != "" {
		fmt.Fprintf(stderr, "digest of %s: %s\n", res.Tag, res.Digest)
	}
	return nil
}

// newScanner builds a scanner from the flags. Progress is reported to stderr from the
// second page on, so that a short list prints nothing extra.
func newScanner(opts scanOptions, stderr io.Writer) (*scanner.Scanner, error) {
	so := []scanner.Option{
		scanner.WithInsecure(opts.insecure),
		scanner.WithExclusionList(opts.exclude...),
	}
	if opts.pageSize != 0 {
		so = append(so, scanner.WithPageSize(opts.pageSize))
	}
	if opts.timeout != 0 {
		so = append(so, scanner.WithTimeout(opts.timeout))
	}
	fileOpts, err := scanFileOptions(opts.registryFlags)
	if err != nil {
		return nil, err
	}
	so = append(so, fileOpts...)
	if stderr != nil {
		so = append(so, scanner.WithProgress(func(p scanner.Progress) {
			if p.Pages > 1 {
				fmt.Fprintf(stderr, "page %d: %d tags\n", p.Pages, p.Tags)
			}
		}))
	}
	return scanner.New(so...)
}

// scanFileOptions reads the credential and certificate files named by the flags.
func scanFileOptions(opts registryFlags) ([]scanner.Option, error) {
	var so []scanner.Option
	if opts.secretFile != "" {
		data, err := os.ReadFile(opts.secretFile)
		if err != nil {
			return nil, usageErrorf("reading --secret-file: %v", err)
		}
		so = append(so, scanner.WithDockerConfigJSON(data))
	}
	if opts.caFile != "" {
		data, err := os.ReadFile(opts.caFile)
		if err != nil {
			return nil, usageErrorf("reading --ca-file: %v", err)
		}
		so = append(so, scanner.WithCA(data))
	}
	if (opts.certFile == "") != (opts.keyFile == "") {
		return nil, usageErrorf("--cert-file and --key-file go together")
	}
	if opts.certFile != "" {
		cert, err := os.ReadFile(opts.certFile)
		if err != nil {
			return nil, usageErrorf("reading --cert-file: %v", err)
		}
		key, err := os.ReadFile(opts.keyFile)
		if err != nil {
			return nil, usageErrorf("reading --key-file: %v", err)
		}
		so = append(so, scanner.WithClientCertificate(cert, key))
	}
	return so, nil
}
