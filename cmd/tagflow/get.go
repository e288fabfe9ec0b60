package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/internal/server"
)

// getOptions are the flags of `tagflow get`.
type getOptions struct {
	kind      string
	server    string
	output    string
	namespace string
}

// getKinds lists the KIND arguments of `tagflow get`, with their aliases, and the API
// resources each one shows.
var getKinds = []struct {
	names     []string
	resources []string
}{
	{[]string{"all", "images"}, []string{server.ImageRepositories, server.ImagePolicies, server.ImageUpdateAutomations}},
	{[]string{"repositories", "repository", "repo", "imagerepositories", "imagerepository"}, []string{server.ImageRepositories}},
	{[]string{"policies", "policy", "imagepolicies", "imagepolicy"}, []string{server.ImagePolicies}},
	{[]string{"updates", "update", "automations", "automation", "imageupdateautomations", "imageupdateautomation"}, []string{server.ImageUpdateAutomations}},
}

// resourcesFor resolves a KIND argument.
func resourcesFor(kind string) ([]string, bool) {
	for _, k := range getKinds {
		if slices.Contains(k.names, kind) {
			return k.resources, true
		}
	}
	return nil, false
}

func newGetCmd() *cobra.Command {
	opts := getOptions{kind: "all"}
	cmd := &cobra.Command{
		Use:   "get [all|repositories|policies|updates]",
		Short: "Show the objects of a running tagflow daemon and their status",
		Long: `Show the objects of a running 'tagflow run' daemon, read from its JSON API, with columns
like 'flux get images': the last scan of each ImageRepository, the latest image of each
ImagePolicy and the last run of each ImageUpdateAutomation.`,
		Example: `  tagflow get
  tagflow get policies -o yaml
  tagflow get updates --server http://127.0.0.1:9440 -n apps`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.kind = strings.ToLower(args[0])
			}
			if _, ok := resourcesFor(opts.kind); !ok {
				return usageErrorf("unknown kind %q: use all, repositories, policies or updates", opts.kind)
			}
			if opts.output != "table" && opts.output != "json" && opts.output != "yaml" {
				return usageErrorf("--output must be table, json or yaml, not %q", opts.output)
			}
			return get(cmd.Context(), cmd.OutOrStdout(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.server, "server", "http://"+defaultListen, "URL of the daemon's HTTP endpoint")
	f.StringVarP(&opts.output, "output", "o", "table", "output format: table, json or yaml")
	f.StringVarP(&opts.namespace, "namespace", "n", "", "only objects of this namespace (default all)")
	return cmd
}

// objectLists holds what get fetched.
type objectLists struct {
	repositories *v1alpha1.ImageRepositoryList
	policies     *v1alpha1.ImagePolicyList
	automations  *v1alpha1.ImageUpdateAutomationList
}

// get fetches the objects of the kind from the daemon and prints them.
func get(ctx context.Context, w io.Writer, opts getOptions) error {
	resources, _ := resourcesFor(opts.kind)
	var lists objectLists
	for _, res := range resources {
		var err error
		switch res {
		case server.ImageRepositories:
			lists.repositories = &v1alpha1.ImageRepositoryList{}
			err = fetch(ctx, opts, res, lists.repositories)
		case server.ImagePolicies:
			lists.policies = &v1alpha1.ImagePolicyList{}
			err = fetch(ctx, opts, res, lists.policies)
		case server.ImageUpdateAutomations:
			lists.automations = &v1alpha1.ImageUpdateAutomationList{}
			err = fetch(ctx, opts, res, lists.automations)
		}
		if err != nil {
			return err
		}
	}
	if opts.output == "table" {
		return printTables(w, lists)
	}
	return printObjects(w, opts.output, lists)
}

// fetch reads one resource list from the daemon into v.
func fetch(ctx context.Context, opts getOptions, resource string, v any) error {
	url := strings.TrimSuffix(opts.server, "/") + server.APIPrefix + resource
	if opts.namespace != "" {
		url += "/" + opts.namespace
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("reading %s: %w", url, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("reading %s (is 'tagflow run' listening there?): %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("reading %s: %s", url, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		return fmt.Errorf("decoding %s: %w", url, err)
	}
	return nil
}

// printObjects prints the lists as JSON or YAML: one list for one kind, a v1 List of every
// object for several.
func printObjects(w io.Writer, format string, lists objectLists) error {
	var out any
	var items []any
	for _, l := range []any{lists.repositories, lists.policies, lists.automations} {
		switch l := l.(type) {
		case *v1alpha1.ImageRepositoryList:
			if l != nil {
				out, items = l, appendItems(items, l.Items)
			}
		case *v1alpha1.ImagePolicyList:
			if l != nil {
				out, items = l, appendItems(items, l.Items)
			}
		case *v1alpha1.ImageUpdateAutomationList:
			if l != nil {
				out, items = l, appendItems(items, l.Items)
			}
		}
	}
	if lists.repositories != nil && lists.automations != nil {
		out = map[string]any{"apiVersion": "v1", "kind": "List", "items": items}
	}
	data, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding objects: %w", err)
	}
	if format == "yaml" {
		if data, err = yaml.JSONToYAML(data); err != nil {
			return fmt.Errorf("encoding objects: %w", err)
		}
	} else {
		data = append(data, '\n')
	}
	_, err = w.Write(data)
	return err
}

func appendItems[T any](items []any, add []T) []any {
	for i := range add {
		items = append(items, &add[i])
	}
	return items
}

// printTables prints one table per fetched kind, separated by a blank line.
func printTables(w io.Writer, lists objectLists) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	prefix := ""
	all := lists.repositories != nil && lists.automations != nil
	sep := false
	if l := lists.repositories; l != nil {
		if all {
			prefix = "imagerepository/"
		}
		fmt.Fprintln(tw, "NAMESPACE\tNAME\tLAST SCAN\tSUSPENDED\tREADY\tMESSAGE")
		for _, o := range l.Items {
			fmt.Fprintf(tw, "%s\t%s%s\t%s\t%t\t%s\n", o.Namespace, prefix, o.Name, lastScan(o.Status.LastScanResult), o.Spec.Suspend, ready(o.Status.Conditions))
		}
		sep = true
	}
	if l := lists.policies; l != nil {
		if all {
			prefix = "imagepolicy/"
		}
		if sep {
			fmt.Fprintln(tw)
		}
		fmt.Fprintln(tw, "NAMESPACE\tNAME\tLATEST IMAGE\tREADY\tMESSAGE")
		for _, o := range l.Items {
			fmt.Fprintf(tw, "%s\t%s%s\t%s\t%s\n", o.Namespace, prefix, o.Name, latestImage(o.Status.LatestRef), ready(o.Status.Conditions))
		}
		sep = true
	}
	if l := lists.automations; l != nil {
		if all {
			prefix = "imageupdateautomation/"
		}
		if sep {
			fmt.Fprintln(tw)
		}
		fmt.Fprintln(tw, "NAMESPACE\tNAME\tLAST RUN\tSUSPENDED\tREADY\tMESSAGE")
		for _, o := range l.Items {
			fmt.Fprintf(tw, "%s\t%s%s\t%s\t%t\t%s\n", o.Namespace, prefix, o.Name, timeOrDash(o.Status.LastAutomationRunTime), o.Spec.Suspend, ready(o.Status.Conditions))
		}
	}
	return tw.Flush()
}

// ready returns the Ready condition's status and message as two tab-separated cells.
func ready(conds []metav1.Condition) string {
	for _, c := range conds {
		if c.Type == v1alpha1.ReadyCondition {
			return string(c.Status) + "\t" + c.Message
		}
	}
	return "Unknown\tnot reconciled yet"
}

func lastScan(r *v1alpha1.ScanResult) string {
	if r == nil {
		return "-"
	}
	return timeOrDash(&r.ScanTime)
}

func latestImage(r *v1alpha1.ImageRef) string {
	if r == nil {
		return "-"
	}
	return r.String()
}

func timeOrDash(t *metav1.Time) string {
	if t == nil || t.IsZero() {
		return "-"
	}
	return t.Format(time.RFC3339)
}
