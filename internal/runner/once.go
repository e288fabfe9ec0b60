package runner

import (
	"context"
	"fmt"
	"io"
	"sync"
	"text/tabwriter"

	"github.com/tagflow/tagflow/internal/config"
)

// scanConcurrency is how many repositories Once scans at a time.
const scanConcurrency = 4

// Row is one object in a Summary.
type Row struct {
	Kind      string
	Namespace string
	Name      string
	// Ready is the Ready condition's status: True, False or Unknown; Suspended for a
	// suspended object.
	Ready   string
	Message string
}

// Summary is the state of every object after a pass.
type Summary []Row

// OK reports whether every object that is not suspended is ready.
func (s Summary) OK() bool {
	for _, r := range s {
		if r.Ready != "True" && r.Ready != "Suspended" {
			return false
		}
	}
	return true
}

// WriteTable prints the summary as a table: KIND, NAMESPACE/NAME, READY, MESSAGE.
func (s Summary) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tNAMESPACE/NAME\tREADY\tMESSAGE")
	for _, r := range s {
		fmt.Fprintf(tw, "%s\t%s/%s\t%s\t%s\n", r.Kind, r.Namespace, r.Name, r.Ready, r.Message)
	}
	return tw.Flush()
}

// Once makes one full pass in dependency order: it scans every repository, then evaluates
// every policy, then runs every automation, and returns the summary. It stops early only
// when ctx is cancelled.
func (r *Runner) Once(ctx context.Context) (Summary, error) {
	r.scanAll(ctx)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r.opts.Hook("scanned")
	for _, pol := range r.set.Policies {
		if !pol.Spec.Suspend {
			r.selectTag(ctx, pol)
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	r.opts.Hook("selected")
	for _, auto := range r.set.Automations {
		if !auto.Spec.Suspend {
			r.automate(ctx, auto)
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	r.opts.Hook("automated")
	r.setReady()
	return r.Summary(), nil
}

// scanAll scans every repository that is not suspended, scanConcurrency at a time (the
// scanner's per-host limits apply on top).
func (r *Runner) scanAll(ctx context.Context) {
	sem := make(chan struct{}, scanConcurrency)
	var wg sync.WaitGroup
	for _, repo := range r.set.Repositories {
		if repo.Spec.Suspend {
			continue
		}
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			r.scan(ctx, repo)
		})
	}
	wg.Wait()
}

// Summary returns the state of every object, in configuration order.
func (r *Runner) Summary() Summary {
	var s Summary
	for _, o := range r.set.Repositories {
		st := r.status.repository(key(o.Namespace, o.Name))
		s = append(s, row(config.KindImageRepository, o.Namespace, o.Name, o.Spec.Suspend, st.Conditions))
	}
	for _, o := range r.set.Policies {
		st := r.status.policy(key(o.Namespace, o.Name))
		s = append(s, row(config.KindImagePolicy, o.Namespace, o.Name, o.Spec.Suspend, st.Conditions))
	}
	for _, o := range r.set.Automations {
		st := r.status.automation(key(o.Namespace, o.Name))
		s = append(s, row(config.KindImageUpdateAutomation, o.Namespace, o.Name, o.Spec.Suspend, st.Conditions))
	}
	return s
}
