package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tagflow/tagflow/internal/testenv/registry"
)

func TestScanRealRegistry(t *testing.T) {
	srv := registry.Start(t, registry.TLSAuth)
	digests := srv.PushTags(t, "app", "1.0.0", "1.1.0", "1.1.0.sig", "2.0.0")
	dir := t.TempDir()
	secret := filepath.Join(dir, "config.json")
	if err := os.WriteFile(secret, srv.DockerConfigJSON(), 0o600); err != nil {
		t.Fatal(err)
	}

	t.Run("text", func(t *testing.T) {
		out := runScan(t, "scan", srv.Ref("app"), "--secret-file", secret, "--ca-file", srv.CAFile)
		if diff := cmp.Diff("1.0.0\n1.1.0\n2.0.0\n", out); diff != "" {
			t.Errorf("output mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("json with digest", func(t *testing.T) {
		out := runScan(t, "scan", srv.Ref("app"), "--secret-file", secret, "--ca-file", srv.CAFile,
			"--tag", "1.1.0", "-o", "json", "--exclude", "^2")
		var got scanResult
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("decoding %q: %v", out, err)
		}
		want := scanResult{
			Image: srv.Ref("app"), Count: 3, Tags: []string{"1.0.0", "1.1.0", "1.1.0.sig"},
			Tag: "1.1.0", Digest: digests["1.1.0"],
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("JSON mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("progress for many pages", func(t *testing.T) {
		var stderr bytes.Buffer
		cmd := newRootCmd()
		cmd.SetOut(&bytes.Buffer{})
		cmd.SetErr(&stderr)
		cmd.SetArgs([]string{"scan", srv.Ref("app"), "--secret-file", secret, "--ca-file", srv.CAFile, "--page-size", "2"})
		if err := cmd.ExecuteContext(t.Context()); err != nil {
			t.Fatalf("scan: %v", err)
		}
		if !strings.Contains(stderr.String(), "page 2: 4 tags") {
			t.Errorf("stderr %q has no page counter", stderr.String())
		}
	})
	t.Run("without credentials", func(t *testing.T) {
		cmd := newRootCmd()
		cmd.SetOut(&bytes.Buffer{})
		cmd.SetArgs([]string{"scan", srv.Ref("app"), "--ca-file", srv.CAFile})
		err := cmd.ExecuteContext(t.Context())
		if err == nil || !strings.Contains(err.Error(), "authentication failed") || exitCode(err) != 1 {
			t.Errorf("scan without credentials: error %v (exit %d), want an authentication error and exit 1", err, exitCode(err))
		}
	})
}

func TestScanUsage(t *testing.T) {
	for name, args := range map[string][]string{
		"no image":         {"scan"},
		"bad output":       {"scan", "example.com/app", "-o", "yaml"},
		"missing file":     {"scan", "example.com/app", "--ca-file", "/nonexistent/ca.crt"},
		"cert without key": {"scan", "example.com/app", "--cert-file", "c.pem"},
	} {
		cmd := newRootCmd()
		cmd.SetOut(&bytes.Buffer{})
		cmd.SetErr(&bytes.Buffer{})
		cmd.SetArgs(args)
		if code := exitCode(cmd.ExecuteContext(t.Context())); code != 2 {
			t.Errorf("%s: exit code %d, want 2", name, code)
		}
	}
}

// runScan runs the CLI with args and returns its standard output.
func runScan(t *testing.T, args ...string) string {
	t.Helper()
	var out, stderr bytes.Buffer
	cmd := newRootCmd()
	cmd.SetOut(&out)
	cmd.SetErr(&stderr)
	cmd.SetArgs(args)
	if err := cmd.ExecuteContext(t.Context()); err != nil {
		t.Fatalf("tagflow %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return out.String()
}

// helperArgsEnv makes the test binary run the CLI with these arguments (a JSON array).
const helperArgsEnv = "TAGFLOW_TEST_CLI_ARGS"

// TestMainHelper is not a test: it runs the CLI in a child process started by runCLI,
// so that the child can get its own environment (SSL_CERT_FILE is read once per process).
func TestMainHelper(t *testing.T) {
	args := os.Getenv(helperArgsEnv)
	if args == "" {
		t.Skip("runs only as the child process of runCLI")
	}
	var argv []string
	if err := json.Unmarshal([]byte(args), &argv); err != nil {
		t.Fatalf("decoding %s: %v", helperArgsEnv, err)
	}
	cmd := newRootCmd()
	cmd.SetArgs(argv)
	os.Exit(exitCode(cmd.ExecuteContext(t.Context())))
}

// runCLI runs the CLI in a child process with extra environment and returns its stdout.
func runCLI(t *testing.T, env []string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestMainHelper$")
	argv, err := json.Marshal(args)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Env = append(os.Environ(), append(env, helperArgsEnv+"="+string(argv))...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	if err != nil {
		err = fmt.Errorf("%w: %s", err, stderr.String())
	}
	return stdout.String(), err
}

// TestPolicyTestListsFromRegistry checks the wiring of listTags: `tagflow policy test
// IMAGE` picks from the tags in the registry, reached with the same registry flags as scan.
func TestPolicyTestListsFromRegistry(t *testing.T) {
	srv := registry.Start(t, registry.TLSAuth)
	srv.PushTags(t, "app", "1.0.0", "1.2.0", "1.10.0", "2.0.0-rc.1", "1.10.0.sig")
	secret := filepath.Join(t.TempDir(), "config.json")
	if err := os.WriteFile(secret, srv.DockerConfigJSON(), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := runCLI(t, nil, "policy", "test", "--semver", ">=1.0.0", "--ca-file", srv.CAFile, "--secret-file", secret, srv.Ref("app"))
	if err != nil {
		t.Fatalf("tagflow policy test: %v", err)
	}
	if first, _, _ := strings.Cut(out, "\n"); first != "1.10.0" {
		t.Errorf("policy test chose %q, want 1.10.0; output:\n%s", first, out)
	}
	if _, err := runCLI(t, nil, "policy", "test", "--semver", ">=1.0.0", "--ca-file", srv.CAFile, srv.Ref("app")); err == nil {
		t.Error("policy test without credentials succeeded against a registry that requires them")
	}
}
