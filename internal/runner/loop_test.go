package runner_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tagflow/tagflow/internal/config"
	"github.com/tagflow/tagflow/internal/demo"
	"github.com/tagflow/tagflow/internal/runner"
)

const batchConfig = `apiVersion: image.tagflow.dev/v1alpha1
kind: ImageRepository
metadata: {name: %[1]s}
spec: {image: "%[2]s/demo/%[1]s", interval: 200ms, insecure: true}
---
apiVersion: image.tagflow.dev/v1alpha1
kind: ImagePolicy
metadata: {name: %[1]s}
spec:
  imageRepositoryRef: {name: %[1]s}
  policy: {semver: {range: ">=1.0.0"}}
---
`

const batchAutomation = `apiVersion: image.tagflow.dev/v1alpha1
kind: ImageUpdateAutomation
metadata: {name: fleet}
spec:
  interval: 1h
  git:
    url: %s
    checkout: {ref: {branch: main}}
    commit: {author: {name: tagflow, email: tagflow@example.com}}
`

// TestRunBatchesPolicyChanges runs the daemon, pushes a new tag to two repositories and
// expects one commit holding both changes, made without waiting for the automation's
// interval.
func TestRunBatchesPolicyChanges(t *testing.T) {
	reg, err := demo.StartRegistry()
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	files := map[string]string{}
	var cfg strings.Builder
	for _, app := range []string{"a", "b"} {
		if err := reg.Push(t.Context(), "demo/"+app, "1.0.0"); err != nil {
			t.Fatal(err)
		}
		files[app+".yaml"] = fmt.Sprintf("image: %s:1.0.0 # {\"$imagepolicy\": \"default:%s\"}\n", reg.Image("demo/"+app), app)
		fmt.Fprintf(&cfg, batchConfig, app, reg.Host())
	}
	dir := t.TempDir()
	repo, err := demo.CreateRepository(filepath.Join(dir, "fleet.git"), "main", files)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&cfg, batchAutomation, repo.URL())
	cfgFile := filepath.Join(dir, "tagflow.yaml")
	if err := os.WriteFile(cfgFile, []byte(cfg.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	set, err := config.Load(cfgFile)
	if err != nil {
		t.Fatal(err)
	}
	r, err := runner.New(set, runner.Options{StateDir: filepath.Join(dir, "state"), Debounce: 3 * time.Second, MinRetry: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	waitFor(t, "the first pass", func() bool { return r.Ready() && r.Summary().OK() })

	for _, app := range []string{"a", "b"} {
		if err := reg.Push(t.Context(), "demo/"+app, "1.1.0"); err != nil {
			t.Fatal(err)
		}
	}
	var log []string
	waitFor(t, "a commit", func() bool {
		log, err = repo.Log("main")
		return err == nil && len(log) > 1
	})
	if len(log) != 2 {
		t.Fatalf("main has %d commits, want 2 (seed and one batched update)", len(log))
	}
	var show strings.Builder
	if err := repo.ShowHead(&show, "main"); err != nil {
		t.Fatal(err)
	}
	for _, app := range []string{"a", "b"} {
		if want := fmt.Sprintf("+image: %s:1.1.0", reg.Image("demo/"+app)); !strings.Contains(show.String(), want) {
			t.Errorf("the commit lacks %q; changes were not batched:\n%s", want, show.String())
		}
	}
}

// waitFor polls cond until it holds, failing the test after a generous deadline.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
