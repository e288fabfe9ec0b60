package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tagflow/tagflow/internal/demo"
	"github.com/tagflow/tagflow/internal/testenv"
)

func TestPlanConfig(t *testing.T) {
	cfg, repo := demoConfig(t)
	before, err := repo.Log(demo.Branch)
	if err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := runPlan(t, "plan", "-f", cfg)
	if code != 0 || stderr != "" {
		t.Fatalf("plan -f exited %d, stderr:\n%s", code, stderr)
	}
	if !strings.HasPrefix(stdout, "diff --git ") {
		t.Fatalf("plan -f printed no diff:\n%s", stdout)
	}
	after, err := repo.Log(demo.Branch)
	if err != nil || len(after) != len(before) || after[0] != before[0] {
		t.Errorf("plan -f changed the remote branch: %v -> %v (err %v)", before, after, err)
	}

	// Applied to a clone, the diff gives the tree that a real run pushes.
	planned := filepath.Join(t.TempDir(), "planned")
	runGit(t, filepath.Dir(planned), "clone", "-q", "--branch", demo.Branch, repo.URL(), planned)
	apply := exec.Command("git", "apply", "-")
	apply.Dir, apply.Stdin = planned, strings.NewReader(stdout)
	if out, err := apply.CombinedOutput(); err != nil {
		t.Fatalf("git apply: %v\n%s\ndiff:\n%s", err, out, stdout)
	}
	var out bytes.Buffer
	if err := run(t.Context(), &out, runOptions{paths: []string{cfg}, once: true, stateDir: t.TempDir()}); err != nil {
		t.Fatalf("run --once: %v\n%s", err, out.String())
	}
	pushed := filepath.Join(t.TempDir(), "pushed")
	runGit(t, filepath.Dir(pushed), "clone", "-q", "--branch", demo.Branch, repo.URL(), pushed)
	if diff := cmp.Diff(testenv.ReadTree(t, pushed), testenv.ReadTree(t, planned)); diff != "" {
		t.Errorf("planned tree differs from the pushed one (-pushed +planned):\n%s", diff)
	}
}

func TestPlanConfigProblems(t *testing.T) {
	cfg, _ := demoConfig(t)
	data, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	noMatch := filepath.Join(t.TempDir(), "no-match.yaml")
	if err := os.WriteFile(noMatch, bytes.Replace(data, []byte(demo.Range), []byte(">=99.0.0"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	invalid := filepath.Join(t.TempDir(), "invalid.yaml")
	if err := os.WriteFile(invalid, []byte("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{name: "no tag matches", args: []string{"-f", noMatch}, code: 1, stderr: "no tag matches"},
		{name: "invalid configuration", args: []string{"-f", invalid}, code: 2, stderr: `document 1 (Pod default/p): unknown kind "Pod"`},
		{name: "-f with --dir", args: []string{"-f", cfg, "--dir", "."}, code: 2, stderr: "-f cannot be combined with --dir or --image"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := runPlan(t, append([]string{"plan"}, tt.args...)...)
			if code != tt.code || !strings.Contains(stderr, tt.stderr) {
				t.Errorf("plan %v exited %d with stderr:\n%s\nwant exit %d and %q", tt.args, code, stderr, tt.code, tt.stderr)
			}
		})
	}
}
