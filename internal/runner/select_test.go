package runner_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/tagflow/tagflow/internal/config"
	"github.com/tagflow/tagflow/internal/demo"
	"github.com/tagflow/tagflow/internal/runner"
)

// TestMinAge checks that a tag becomes a candidate only once it was first seen minAge ago,
// by the store's first-seen times and the runner's clock.
func TestMinAge(t *testing.T) {
	f := newFixture(t)
	data, err := os.ReadFile(f.cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg := strings.Replace(string(data), "  policy:\n", "  minAge: 1h\n  policy:\n", 1)
	if err := os.WriteFile(f.cfg, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	set, err := config.Load(f.cfg)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	passAt := func(at time.Time) runner.Summary {
		r, err := runner.New(set, runner.Options{StateDir: f.stateDir, Now: func() time.Time { return at }})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		sum, err := r.Once(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		pol := r.ImagePolicies()[0]
		if pol.Status.Explanation == nil {
			t.Fatalf("no explanation at %v", at)
		}
		return sum
	}
	if sum := passAt(now); sum.OK() || !strings.Contains(sum[1].Message, "no tag") {
		t.Errorf("with every tag seen just now the policy chose one: %+v", sum[1])
	}
	if err := f.reg.Push(t.Context(), demo.ImageRepo, "6.9.0"); err != nil {
		t.Fatal(err)
	}
	sum := passAt(now.Add(90 * time.Minute))
	if !sum.OK() {
		t.Fatalf("90 minutes later the pass failed: %+v", sum)
	}
	// 6.9.0 was first seen just now, so 6.1.0 (first seen 90 minutes ago) wins.
	if !strings.HasSuffix(sum[1].Message, "resolved to 6.1.0") {
		t.Errorf("policy message = %q, want 6.1.0 (6.9.0 is too young)", sum[1].Message)
	}
}

func TestMetrics(t *testing.T) {
	f := newFixture(t)
	set, err := config.Load(f.cfg)
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	r, err := runner.New(set, runner.Options{StateDir: f.stateDir, Metrics: runner.NewMetrics(reg)})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := r.Once(t.Context()); err != nil {
		t.Fatal(err)
	}
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, mf := range families {
		for _, m := range mf.GetMetric() {
			switch {
			case m.GetCounter() != nil:
				got[mf.GetName()] += m.GetCounter().GetValue()
			case m.GetGauge() != nil:
				got[mf.GetName()] += m.GetGauge().GetValue()
			case m.GetHistogram() != nil:
				got[mf.GetName()+"_count"] += float64(m.GetHistogram().GetSampleCount())
			}
		}
	}
	want := map[string]float64{
		"tagflow_scans_total":                       1,
		"tagflow_repository_tags":                   2,
		"tagflow_scan_duration_seconds_count":       1,
		"tagflow_policy_selections_total":           1,
		"tagflow_policy_git_behind":                 0,
		"tagflow_automation_runs_total":             1,
		"tagflow_automation_commits_total":          1,
		"tagflow_automation_duration_seconds_count": 1,
		"tagflow_object_ready":                      3,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("metrics after one pass mismatch (-want +got):\n%s", diff)
	}
}
