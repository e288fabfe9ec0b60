package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tagflow/tagflow/internal/demo"
)

// demoConfig starts a demo registry and repository and returns the configuration file.
func demoConfig(t *testing.T) (string, *demo.Repository) {
	t.Helper()
	reg, err := demo.StartRegistry()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reg.Close() })
	if err := reg.Push(t.Context(), demo.ImageRepo, demo.Tags...); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	image := reg.Image(demo.ImageRepo)
	repo, err := demo.CreateRepository(filepath.Join(dir, "fleet.git"), demo.Branch, demo.Manifests(image))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := demo.WriteConfig(filepath.Join(dir, "config"), image, repo.URL())
	if err != nil {
		t.Fatal(err)
	}
	return cfg, repo
}

func TestRunOnce(t *testing.T) {
	cfg, repo := demoConfig(t)
	var out bytes.Buffer
	err := run(t.Context(), &out, runOptions{paths: []string{cfg}, once: true, stateDir: t.TempDir()})
	if err != nil {
		t.Fatalf("run --once: %v\n%s", err, out.String())
	}
	for _, want := range []string{"KIND", "NAMESPACE/NAME", "ImageUpdateAutomation  default/fleet    True   pushed commit"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, out.String())
		}
	}
	if log, err := repo.Log(demo.Branch); err != nil || len(log) != 2 {
		t.Errorf("branch has %d commits (err %v), want 2", len(log), err)
	}
}

func TestRunOnceFailureExitsOne(t *testing.T) {
	cfg, _ := demoConfig(t)
	data, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg, bytes.Replace(data, []byte(demo.Range), []byte(">=99.0.0"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err = run(t.Context(), &out, runOptions{paths: []string{cfg}, once: true, stateDir: t.TempDir()})
	if code := exitCode(err); code != 1 {
		t.Errorf("run --once with a failing policy exited %d, want 1", code)
	}
	if !strings.Contains(out.String(), "ImagePolicy            default/podinfo  False") {
		t.Errorf("summary does not show the failing policy:\n%s", out.String())
	}
}

func TestRunBadConfig(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "bad.yaml")
	writeTestFile(t, cfg, "apiVersion: image.tagflow.dev/v1alpha1\nkind: ImagePolicy\nmetadata:\n  name: p\nspec:\n  bogus: 1\n")
	err := run(t.Context(), &bytes.Buffer{}, runOptions{paths: []string{cfg}, once: true, stateDir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "bad.yaml") {
		t.Errorf("run with a bad config = %v, want an error naming the file", err)
	}
}

func TestDemo(t *testing.T) {
	var out bytes.Buffer
	if err := runDemo(t.Context(), &out, demoOptions{}); err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	for _, want := range []string{"\ncommit ", "+          image: 127.0.0.1:", "/demo/podinfo:6.2.3 # {\"$imagepolicy\": \"default:podinfo\"}", "==> Next steps"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo output lacks %q:\n%s", want, out.String())
		}
	}
}
