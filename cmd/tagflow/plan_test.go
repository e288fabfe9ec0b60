package main

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tagflow/tagflow/internal/testenv"
)

var updatePlan = flag.Bool("update", false, "regenerate testdata/plan.diff and testdata/plan/expected")

var planImages = []string{
	"--image", "apps:app=ghcr.io/org/app:2.0.1",
	"--image", "apps:side=registry.example.com:5000/side:1.10@sha256:6745aaad46d795c9836632e1fb62f24b7e7f4c843144da8e47a5465c411a14be",
}

// TestPlanDirGitApply runs `tagflow plan` on a copy of testdata/plan/original in a Git
// repository, checks the directory is untouched, compares the diff with testdata/plan.diff,
// then applies it with the real `git apply` and compares the tree with testdata/plan/expected.
func TestPlanDirGitApply(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	repo := t.TempDir()
	if err := os.CopyFS(repo, os.DirFS("testdata/plan/original")); err != nil {
		t.Fatal(err)
	}
	runGit(t, repo, "init", "-q")
	before := testenv.ReadTree(t, repo)
	stdout, stderr, code := runPlan(t, append([]string{"plan", "--dir", repo}, planImages...)...)
	if code != 0 || stderr != "" {
		t.Fatalf("plan exit code %d, stderr %q; want 0 and nothing", code, stderr)
	}
	if diff := cmp.Diff(before, testenv.ReadTree(t, repo)); diff != "" {
		t.Errorf("plan changed --dir (-before +after):\n%s", diff)
	}
	patch := filepath.Join(t.TempDir(), "plan.diff")
	if err := os.WriteFile(patch, []byte(stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	runGit(t, repo, "apply", "--whitespace=nowarn", patch)
	if *updatePlan {
		writePlanGolden(t, repo, stdout)
	}
	want, err := os.ReadFile("testdata/plan.diff")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), stdout); diff != "" {
		t.Errorf("plan diff mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(testenv.ReadTree(t, "testdata/plan/expected"), testenv.ReadTree(t, repo)); diff != "" {
		t.Errorf("tree after git apply mismatch (-want +got):\n%s", diff)
	}
}

func TestPlanExitCodes(t *testing.T) {
	dir := t.TempDir()
	writePlanFile(t, filepath.Join(dir, "a.yaml"), "image: x:1 # {\"$imagepolicy\": \"apps:gone\"}\nother: y:1 # {\"$imagepolicy\": \"apps:app\"}\n")
	writePlanFile(t, filepath.Join(dir, "t.yaml"), "{{- if .Values.enabled }}\nimage: x:1 # {\"$imagepolicy\": \"apps:app\"}\n{{- end }}\n")
	clean := t.TempDir()
	writePlanFile(t, filepath.Join(clean, "a.yaml"), "image: ghcr.io/org/app:2.0.1 # {\"$imagepolicy\": \"apps:app\"}\n")
	app := []string{"--image", "apps:app=ghcr.io/org/app:2.0.1"}
	for _, tc := range []struct {
		name      string
		args      []string
		code      int
		stdout    string
		stderrHas []string
	}{
		{"no changes", append([]string{"plan", "--dir", clean}, app...), 0, "", nil},
		{"problems", append([]string{"plan", "--dir", dir}, app...), 1, "diff --git a/a.yaml b/a.yaml",
			[]string{`a.yaml:1: marker "apps:gone" names unknown policy "apps:gone"`, "t.yaml: not valid YAML", "2 problem(s) found"}},
		{"no dir", append([]string{"plan"}, app...), 2, "", []string{"--dir is required"}},
		{"missing dir", []string{"plan", "--dir", filepath.Join(dir, "nope")}, 2, "", []string{"is not a directory"}},
		{"argument", []string{"plan", "--dir", clean, "extra"}, 2, "", []string{"no arguments"}},
		{"no equals", []string{"plan", "--dir", clean, "--image", "apps:app"}, 2, "", []string{"NS:POLICY=NAME:TAG"}},
		{"no tag", []string{"plan", "--dir", clean, "--image", "apps:app=localhost:5000/app"}, 2, "", []string{"NAME:TAG"}},
		{"bad policy", []string{"plan", "--dir", clean, "--image", "app=x:1"}, 2, "", []string{"NAMESPACE:NAME"}},
		{"field in policy", []string{"plan", "--dir", clean, "--image", "apps:app:tag=x:1"}, 2, "", []string{"NAMESPACE:NAME"}},
		{"bad digest", []string{"plan", "--dir", clean, "--image", "apps:app=x:1@abc"}, 2, "", []string{"ALGORITHM:HEX"}},
		{"twice", []string{"plan", "--dir", clean, "--image", "apps:app=x:1", "--image", "apps:app=x:2"}, 2, "", []string{"given twice"}},
		{"unknown flag", []string{"plan", "--dir", clean, "--nope"}, 2, "", []string{"unknown flag"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, code := runPlan(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit code = %d, want %d (stderr %q)", code, tc.code, stderr)
			}
			if !strings.HasPrefix(stdout, tc.stdout) || (tc.stdout == "" && stdout != "") {
				t.Errorf("stdout = %q, want it to start with %q", stdout, tc.stdout)
			}
			for _, s := range tc.stderrHas {
				if !strings.Contains(stderr, s) {
					t.Errorf("stderr = %q, want it to contain %q", stderr, s)
				}
			}
		})
	}
}

func TestParseImageRef(t *testing.T) {
	got, err := parseImageRef("localhost:5000/team/app:1.2@sha256:abc")
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "localhost:5000/team/app" || got.Tag != "1.2" || got.Digest != "sha256:abc" {
		t.Errorf("parseImageRef() = %+v", got)
	}
}

// runPlan runs the root command and returns stdout, stderr (with the message main would
// print) and the exit code.
func runPlan(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errw bytes.Buffer
	cmd := newRootCmd()
	cmd.SetOut(&out)
	cmd.SetErr(&errw)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(t.Context())
	if err != nil {
		errw.WriteString(err.Error())
	}
	return out.String(), errw.String(), exitCode(err)
}

func writePlanGolden(t *testing.T, repo, diff string) {
	t.Helper()
	writePlanFile(t, "testdata/plan.diff", diff)
	if err := os.RemoveAll("testdata/plan/expected"); err != nil {
		t.Fatal(err)
	}
	for name, content := range testenv.ReadTree(t, repo) {
		writePlanFile(t, filepath.Join("testdata/plan/expected", filepath.FromSlash(name)), content)
	}
}

func writePlanFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func runGit(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}
