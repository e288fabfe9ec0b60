package runner_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/internal/config"
	"github.com/tagflow/tagflow/internal/demo"
	"github.com/tagflow/tagflow/internal/runner"
)

// fixture is a demo registry and Git repository with a configuration for them.
type fixture struct {
	reg      *demo.Registry
	repo     *demo.Repository
	image    string
	cfg      string
	stateDir string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	reg, err := demo.StartRegistry()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reg.Close() })
	image := reg.Image(demo.ImageRepo)
	if err := reg.Push(t.Context(), demo.ImageRepo, "6.0.0", "6.1.0"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	repo, err := demo.CreateRepository(filepath.Join(dir, "fleet.git"), demo.Branch, demo.Manifests(image))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := demo.WriteConfig(filepath.Join(dir, "config"), image, repo.URL())
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{reg: reg, repo: repo, image: image, cfg: cfg, stateDir: filepath.Join(dir, "state")}
}

// once loads the configuration and makes one pass with a new Runner on the state dir, and
// closes it; its statuses stay readable.
func (f *fixture) once(t *testing.T) (runner.Summary, *runner.Runner) {
	t.Helper()
	set, err := config.Load(f.cfg)
	if err != nil {
		t.Fatalf("loading config: %v", err)
	}
	r, err := runner.New(set, runner.Options{StateDir: f.stateDir})
	if err != nil {
		t.Fatalf("runner.New: %v", err)
	}
	defer r.Close()
	sum, err := r.Once(t.Context())
	if err != nil {
		t.Fatalf("Once: %v", err)
	}
	return sum, r
}

func (f *fixture) commits(t *testing.T) []string {
	t.Helper()
	log, err := f.repo.Log(demo.Branch)
	if err != nil {
		t.Fatal(err)
	}
	return log
}

func TestOnceCommitsOncePerChange(t *testing.T) {
	f := newFixture(t)
	sum, r := f.once(t)
	if !sum.OK() {
		t.Fatalf("first pass not OK: %+v", sum)
	}
	log := f.commits(t)
	if len(log) != 2 {
		t.Fatalf("after the first pass the branch has %d commits, want 2 (seed + update)", len(log))
	}
	autos := r.ImageUpdateAutomations()
	if got := autos[0].Status.LastPushCommit; got != log[0] {
		t.Errorf("lastPushCommit = %q, want the branch head %q", got, log[0])
	}
	pols := r.ImagePolicies()
	want := &v1alpha1.ImageRef{Name: f.image, Tag: "6.1.0"}
	if diff := cmp.Diff(want, pols[0].Status.LatestRef); diff != "" {
		t.Errorf("latestRef mismatch (-want +got):\n%s", diff)
	}

	if sum, _ := f.once(t); !sum.OK() {
		t.Fatalf("second pass not OK: %+v", sum)
	}
	if got := len(f.commits(t)); got != 2 {
		t.Errorf("a pass with nothing new made a commit: %d commits, want 2", got)
	}

	if err := f.reg.Push(t.Context(), demo.ImageRepo, "6.2.0"); err != nil {
		t.Fatal(err)
	}
	sum, r = f.once(t)
	if !sum.OK() {
		t.Fatalf("third pass not OK: %+v", sum)
	}
	if got := len(f.commits(t)); got != 3 {
		t.Errorf("after a new tag the branch has %d commits, want 3", got)
	}
	pol := r.ImagePolicies()[0]
	if pol.Status.ObservedPreviousRef == nil || pol.Status.ObservedPreviousRef.Tag != "6.1.0" {
		t.Errorf("observedPreviousRef = %+v, want tag 6.1.0", pol.Status.ObservedPreviousRef)
	}
}

func TestStatusSurvivesRestart(t *testing.T) {
	f := newFixture(t)
	f.once(t)
	set, err := config.Load(f.cfg)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := runner.New(set, runner.Options{StateDir: f.stateDir})
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Close()
	if sum := r2.Summary(); !sum.OK() {
		t.Errorf("statuses read back after a restart are not ready: %+v", sum)
	}
	repo := r2.ImageRepositories()[0]
	if repo.Status.LastScanResult == nil || repo.Status.LastScanResult.TagCount != 2 {
		t.Errorf("lastScanResult after restart = %+v, want 2 tags", repo.Status.LastScanResult)
	}
	if repo.APIVersion != "image.tagflow.dev/v1alpha1" || repo.Kind != "ImageRepository" {
		t.Errorf("served object has apiVersion %q kind %q", repo.APIVersion, repo.Kind)
	}
}

func TestOnceReportsFailures(t *testing.T) {
	f := newFixture(t)
	data, err := os.ReadFile(f.cfg)
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(data), demo.Range, ">=9.0.0", 1)
	if err := os.WriteFile(f.cfg, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	sum, r := f.once(t)
	if sum.OK() {
		t.Fatalf("a policy matching no tag passed: %+v", sum)
	}
	pol := r.ImagePolicies()[0]
	if expl := pol.Status.Explanation; expl == nil || expl.TagCount != 2 {
		t.Errorf("explanation = %+v, want one counting 2 tags", expl)
	}
	got := map[string]string{}
	for _, row := range sum {
		got[row.Kind] = row.Ready
	}
	want := map[string]string{"ImageRepository": "True", "ImagePolicy": "False", "ImageUpdateAutomation": "False"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ready per kind mismatch (-want +got):\n%s", diff)
	}
	if n := len(f.commits(t)); n != 1 {
		t.Errorf("a failed pass made commits: %d, want 1", n)
	}
}

func TestNewForgetsRemovedObjects(t *testing.T) {
	f := newFixture(t)
	f.once(t)
	data, err := os.ReadFile(f.cfg)
	if err != nil {
		t.Fatal(err)
	}
	docs := strings.Split(string(data), "---\n")
	if err := os.WriteFile(f.cfg, []byte(strings.Join(docs[:2], "---\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	set, err := config.Load(f.cfg)
	if err != nil {
		t.Fatal(err)
	}
	r, err := runner.New(set, runner.Options{StateDir: f.stateDir})
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	status, err := os.ReadFile(filepath.Join(f.stateDir, "status.json"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(status), "default/fleet") || !strings.Contains(string(status), "default/podinfo") {
		t.Errorf("status.json after removing the automation:\n%s", status)
	}
}
