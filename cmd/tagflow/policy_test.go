package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tagflow/tagflow/policy"
)

// runTagflow runs the CLI as main does and returns stdout, stderr and the exit status.
func runTagflow(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := newRootCmd()
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetIn(strings.NewReader(stdin))
	err := cmd.ExecuteContext(t.Context())
	return out.String(), errOut.String(), exitCode(err)
}

// TestPolicyTestAcceptance is the acceptance check of issue 3.
func TestPolicyTestAcceptance(t *testing.T) {
	out, errOut, code := runTagflow(t, "", "policy", "test", "--semver", "1.0.x", "--tags-file", "testdata/policy/tags.txt")
	if code != 0 {
		t.Fatalf("exit status %d, stderr %q", code, errOut)
	}
	if first, _, _ := strings.Cut(out, "\n"); first != "1.0.1" {
		t.Errorf("first line = %q, want %q (output %q)", first, "1.0.1", out)
	}
	for _, want := range []string{"policy: semver \"1.0.x\"", "6 considered", "1.0.0.1, 1.0.0p", "outside the range: 1 (1.2.0)", "winner: 1.0.1"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestPolicyTestStdin(t *testing.T) {
	stdin := "rel-2\r\n\r\n  \nrel-10\r\nrel-9\nlatest\n"
	out, errOut, code := runTagflow(t, stdin, "policy", "test", "--numerical", "asc",
		"--filter-pattern", `^rel-(?P<n>\d+)$`, "--filter-extract", "$n", "--tags-file", "-")
	if code != 0 {
		t.Fatalf("exit status %d, stderr %q", code, errOut)
	}
	if first, _, _ := strings.Cut(out, "\n"); first != "rel-10" {
		t.Errorf("first line = %q, want rel-10 (output %q)", first, out)
	}
}

func TestPolicyTestJSON(t *testing.T) {
	out, errOut, code := runTagflow(t, "", "policy", "test", "--semver", "1.0.x", "--tags-file", "testdata/policy/tags.txt", "-o", "json")
	if code != 0 {
		t.Fatalf("exit status %d, stderr %q", code, errOut)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	want := map[string]any{
		"tag": "1.0.1", "winner": "1.0.1", "policy": "semver", "range": "1.0.x",
		"considered": 6.0, "matched": 6.0, "parsed": 4.0,
		"rejected": []any{
			map[string]any{"reason": policy.ReasonNotSemVer, "count": 2.0, "tags": []any{"1.0.0.1", "1.0.0p"}},
			map[string]any{"reason": policy.ReasonOutOfRange, "count": 1.0, "tags": []any{"1.2.0"}},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("JSON mismatch (-want +got):\n%s", diff)
	}
}

func TestPolicyTestNoMatch(t *testing.T) {
	out, errOut, code := runTagflow(t, "latest\n2.0.0\n", "policy", "test", "--semver", "1.0.x", "--tags-file", "-")
	if code != 1 {
		t.Errorf("exit status %d, want 1", code)
	}
	if out != "" {
		t.Errorf("stdout = %q, want it empty when no tag is chosen", out)
	}
	if !strings.Contains(errOut, "outside the range: 1 (2.0.0)") {
		t.Errorf("stderr lacks the explanation:\n%s", errOut)
	}
	out, _, code = runTagflow(t, "latest\n", "policy", "test", "--semver", "1.0.x", "--tags-file", "-", "-o", "json")
	if code != 1 || !strings.Contains(out, `"tag": ""`) || !strings.Contains(out, `"considered": 1`) {
		t.Errorf("json no-match: exit %d, stdout %s; want 1 and the explanation", code, out)
	}
}

func TestPolicyTestExitCodes(t *testing.T) {
	tags := filepath.Join("testdata", "policy", "tags.txt")
	tests := []struct {
		name  string
		stdin string
		args  []string
		want  int
	}{
		{"no policy", "", []string{"--tags-file", tags}, 2},
		{"two policies", "", []string{"--semver", "*", "--numerical", "asc", "--tags-file", tags}, 2},
		{"bad range", "", []string{"--semver", "*-*", "--tags-file", tags}, 2},
		{"empty range", "", []string{"--semver", "", "--tags-file", tags}, 2},
		{"bad order", "", []string{"--alphabetical", "up", "--tags-file", tags}, 2},
		{"bad regex", "", []string{"--alphabetical", "asc", "--filter-pattern", "(", "--tags-file", tags}, 2},
		{"unknown group", "", []string{"--alphabetical", "asc", "--filter-pattern", "(?P<a>x)", "--filter-extract", "$b", "--tags-file", tags}, 2},
		{"group number too high", "", []string{"--alphabetical", "asc", "--filter-pattern", "(x)", "--filter-extract", "$2", "--tags-file", tags}, 2},
		{"no tags source", "", []string{"--semver", "*"}, 2},
		{"file and image", "", []string{"--semver", "*", "--tags-file", tags, "ghcr.io/org/app"}, 2},
		{"two images", "", []string{"--semver", "*", "a", "b"}, 2},
		{"empty file name", "", []string{"--semver", "*", "--tags-file", ""}, 2},
		{"bad output", "", []string{"--semver", "*", "--tags-file", tags, "-o", "yaml"}, 2},
		{"unknown flag", "", []string{"--semver", "*", "--tags-file", tags, "--nope"}, 2},
		{"chosen", "", []string{"--alphabetical", "", "--tags-file", tags}, 0},
		{"missing file", "", []string{"--semver", "*", "--tags-file", filepath.Join(t.TempDir(), "none")}, 1},
		{"no tags", "\n\n", []string{"--semver", "*", "--tags-file", "-"}, 1},
		{"not a number", "1\nlatest\n", []string{"--numerical", "asc", "--tags-file", "-"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errOut, code := runTagflow(t, tt.stdin, append([]string{"policy", "test"}, tt.args...)...)
			if code != tt.want {
				t.Errorf("exit status %d, want %d (stderr %q)", code, tt.want, errOut)
			}
		})
	}
}

// TestPolicyTestImage swaps listTags, so it must not run in parallel with other tests.
func TestPolicyTestImage(t *testing.T) {
	orig := listTags
	t.Cleanup(func() { listTags = orig })

	listTags = func(_ context.Context, image string, reg registryFlags) ([]string, error) {
		if image != "ghcr.io/org/app" {
			return nil, errors.New("unexpected image " + image)
		}
		if !reg.insecure || reg.caFile != "ca.pem" {
			return nil, fmt.Errorf("registry flags not passed on: %+v", reg)
		}
		return []string{"v1.0.0", "v1.1.0", "latest"}, nil
	}
	out, errOut, code := runTagflow(t, "", "policy", "test", "--semver", "1.x", "--insecure", "--ca-file", "ca.pem", "ghcr.io/org/app")
	if code != 0 || !strings.HasPrefix(out, "v1.1.0\n") {
		t.Errorf("exit %d, stdout %q, stderr %q; want 0 and v1.1.0", code, out, errOut)
	}

	listTags = func(context.Context, string, registryFlags) ([]string, error) {
		return nil, errors.New("registry down")
	}
	_, _, code = runTagflow(t, "", "policy", "test", "--semver", "1.x", "ghcr.io/org/app")
	if code != 1 {
		t.Errorf("exit status %d when listing fails, want 1", code)
	}
}

func TestReadTags(t *testing.T) {
	got, err := readTags(strings.NewReader("a\r\n\nb\n \r\nc"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a", "b", "c"}, got); diff != "" {
		t.Errorf("readTags mismatch (-want +got):\n%s", diff)
	}
	if _, err := readTags(strings.NewReader(strings.Repeat("x", 2<<20))); err == nil {
		t.Error("readTags accepted a 2 MiB line")
	}
	if _, err := os.Stat("testdata/policy/tags.txt"); err != nil {
		t.Fatal(err)
	}
}
