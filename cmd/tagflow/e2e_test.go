package main

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/internal/testenv"
	"github.com/tagflow/tagflow/internal/testenv/gitserver"
	"github.com/tagflow/tagflow/internal/testenv/registry"
)

// e2e is the acceptance setup: a real registry process, a real git server, configuration
// files in a temp dir and the tagflow binary built from this package.
type e2e struct {
	reg      *registry.Server
	git      *gitserver.Server
	bin      string
	cfgDir   string
	stateDir string
}

const e2eManifest = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  template:
    spec:
      containers:
        - name: app
          image: %s:1.0.0 # {"$imagepolicy": "default:app"}
`

// e2eImageObjects is the ImageRepository (its image is the format argument) and the
// ImagePolicy of the end-to-end configurations.
const e2eImageObjects = `apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageRepository
metadata:
  name: app
spec:
  image: %s
  interval: 1h
  insecure: true
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata:
  name: app
spec:
  imageRepositoryRef:
    name: app
  policy:
    semver:
      range: ">=1.0.0"
---
`

const e2eConfig = `apiVersion: v1
kind: Secret
metadata:
  name: git-auth
data:
%s
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: fleet
spec:
  url: %s
  ref:
    branch: main
  secretRef:
    name: git-auth
---
%s
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageUpdateAutomation
metadata:
  name: fleet
spec:
  interval: 1h
  sourceRef:
    kind: GitRepository
    name: fleet
  git:
    commit:
      author:
        name: tagflow
        email: tagflow@example.com
      messageTemplate: "Update app to {{range .Changed.Changes}}{{.NewValue}}{{end}}"
  update:
    path: ./deploy
`

// buildTagflow builds the tagflow binary into a temporary directory.
func buildTagflow(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a registry, a git server and the tagflow binary")
	}
	bin := filepath.Join(t.TempDir(), "tagflow")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("building tagflow: %v\n%s", err, out)
	}
	return bin
}

// newE2E starts the servers and writes the configuration; with ssh the automation pushes
// over SSH (identity and known_hosts), else over HTTP with basic auth.
func newE2E(t *testing.T, bin string, ssh bool) *e2e {
	t.Helper()
	e := &e2e{reg: registry.Start(t, registry.PlainHTTP), git: gitserver.Start(t, gitserver.Options{SSH: ssh}), bin: bin}
	dir := t.TempDir()
	image := e.reg.Ref("app")
	e.reg.PushTags(t, "app", "1.0.0", "1.1.0")
	e.git.CreateRepo(t, "fleet", map[string]string{"deploy/app.yaml": fmt.Sprintf(e2eManifest, image)}, "main")
	e.cfgDir, e.stateDir = filepath.Join(dir, "config"), filepath.Join(dir, "state")
	secret := map[string][]byte{"username": []byte(e.git.Username), "password": []byte(e.git.Password)}
	url := e.git.HTTPURL("fleet")
	if ssh {
		secret = map[string][]byte{"identity": e.git.ClientKeyPEM, "known_hosts": e.git.KnownHosts}
		url = e.git.SSHURL("fleet")
	}
	var data strings.Builder
	for k, v := range secret {
		fmt.Fprintf(&data, "  %s: %s\n", k, base64.StdEncoding.EncodeToString(v))
	}
	cfg := fmt.Sprintf(e2eConfig, strings.TrimSuffix(data.String(), "\n"), url, fmt.Sprintf(e2eImageObjects, image))
	writeTestFile(t, filepath.Join(e.cfgDir, "tagflow.yaml"), cfg)
	return e
}

// run runs the binary with args and extra environment, and returns its exit status and
// output; -1 means it was killed by a signal.
func (e *e2e) run(t *testing.T, env []string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(e.bin, append([]string{"run", "-f", e.cfgDir, "--state-dir", e.stateDir}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, string(out)
	case errors.As(err, &ee):
		return ee.ExitCode(), string(out)
	default:
		t.Fatalf("running tagflow: %v", err)
		return 0, ""
	}
}

// once runs `run --once` and fails the test unless it exits 0.
func (e *e2e) once(t *testing.T) {
	t.Helper()
	code, out := e.run(t, nil, "--once")
	if code != 0 {
		t.Fatalf("run --once exited %d:\n%s", code, out)
	}
	t.Logf("run --once:\n%s", out)
}

// commits returns the subjects of the commits on main, newest first.
func (e *e2e) commits(t *testing.T) []string {
	t.Helper()
	return strings.Split(e.git.Git(t, "fleet", "log", "--format=%s", "main"), "\n")
}

func (e *e2e) status(t *testing.T) map[string]map[string]json.RawMessage {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(e.stateDir, "status.json"))
	if err != nil {
		t.Fatal(err)
	}
	var st map[string]map[string]json.RawMessage
	if err := json.Unmarshal(data, &st); err != nil {
		t.Fatalf("status.json is not valid JSON: %v", err)
	}
	return st
}

// checkConsistent checks that the remote's file names tag, and that the stored statuses
// agree with the remote: the policy chose tag, and the automation observed the remote head.
func (e *e2e) checkConsistent(t *testing.T, tag string) {
	t.Helper()
	file := string(e.git.ReadFile(t, "fleet", "main", "deploy/app.yaml"))
	if want := e.reg.Ref("app") + ":" + tag + " #"; !strings.Contains(file, want) {
		t.Errorf("deploy/app.yaml on main does not name %s:\n%s", tag, file)
	}
	st := e.status(t)
	var pol v1alpha1.ImagePolicyStatus
	var auto v1alpha1.ImageUpdateAutomationStatus
	if err := errors.Join(json.Unmarshal(st["imagePolicies"]["default/app"], &pol),
		json.Unmarshal(st["imageUpdateAutomations"]["default/fleet"], &auto)); err != nil {
		t.Fatal(err)
	}
	if pol.LatestRef == nil || pol.LatestRef.Tag != tag {
		t.Errorf("stored latestRef = %+v, want tag %s", pol.LatestRef, tag)
	}
	if want := "main@sha1:" + e.git.Head(t, "fleet", "main"); auto.ObservedSourceRevision != want {
		t.Errorf("stored observedSourceRevision = %q, want the remote head %q", auto.ObservedSourceRevision, want)
	}
	if got := auto.ObservedPolicies["app"].Tag; got != tag {
		t.Errorf("stored observedPolicies[app] = %q, want %s", got, tag)
	}
}

// TestEndToEnd is the acceptance test of the standalone mode, with the real registry and git
// server and the tagflow binary run as a subprocess.
func TestEndToEnd(t *testing.T) {
	bin := buildTagflow(t)
	t.Run("commits", func(t *testing.T) { testCommits(t, newE2E(t, bin, false)) })
	t.Run("commits over ssh", func(t *testing.T) { testCommits(t, newE2E(t, bin, true)) })
	t.Run("killed at points", func(t *testing.T) { testKilledAtPoints(t, newE2E(t, bin, false)) })
	t.Run("killed at random", func(t *testing.T) { testKilledAtRandom(t, newE2E(t, bin, false)) })
	t.Run("daemon stops on SIGTERM", func(t *testing.T) { testSIGTERM(t, newE2E(t, bin, false)) })
}

// testSIGTERM starts the daemon, waits for its first commit, stops it with SIGTERM and
// expects a clean exit and a state that a following run agrees with.
func testSIGTERM(t *testing.T, e *e2e) {
	addr := testenv.FreeAddr(t)
	cmd := exec.Command(e.bin, "run", "-f", e.cfgDir, "--state-dir", e.stateDir, "--listen", addr)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for len(e.commits(t)) < 2 {
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("the daemon made no commit:\n%s", out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	checkEndpoints(t, "http://"+addr)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("the daemon exited with %v after SIGTERM:\n%s", err, out.String())
	}
	e.once(t)
	if n := len(e.commits(t)); n != 2 {
		t.Errorf("after the daemon and a rerun main has %d commits, want 2", n)
	}
	e.checkConsistent(t, "1.1.0")
}

// testCommits: one commit with the expected diff, none when nothing is new, one more after
// a new tag, on top of a commit someone else pushed meanwhile.
func testCommits(t *testing.T, e *e2e) {

	e.once(t)
	want := []string{"Update app to " + e.reg.Ref("app") + ":1.1.0"}
	if diff := cmp.Diff(want, e.commits(t)[:1]); diff != "" {
		t.Errorf("first commit mismatch (-want +got):\n%s", diff)
	}
	wantDiff := fmt.Sprintf("-          image: %[1]s:1.0.0 # {\"$imagepolicy\": \"default:app\"}\n+          image: %[1]s:1.1.0 # {\"$imagepolicy\": \"default:app\"}", e.reg.Ref("app"))
	if diff := e.git.Git(t, "fleet", "show", "--format=", "--unified=0", "main"); !strings.HasSuffix(diff, wantDiff) {
		t.Errorf("the commit's diff is not exactly the image line:\n%s", diff)
	}
	if n := len(e.commits(t)); n != 2 {
		t.Fatalf("after the first run main has %d commits, want 2", n)
	}
	e.checkConsistent(t, "1.1.0")

	e.once(t)
	if n := len(e.commits(t)); n != 2 {
		t.Errorf("a second run with nothing new made a commit: %d commits, want 2", n)
	}

	e.git.CommitFromClone(t, "fleet", "main", map[string]string{"README.md": "edited by a human\n"}, "Human edit")
	e.reg.PushTags(t, "app", "1.2.0")
	e.once(t)
	want = []string{"Update app to " + e.reg.Ref("app") + ":1.2.0", "Human edit"}
	if diff := cmp.Diff(want, e.commits(t)[:2]); diff != "" {
		t.Errorf("after a human commit and a new tag, commits mismatch (-want +got):\n%s", diff)
	}
	if n := len(e.commits(t)); n != 4 {
		t.Errorf("after a new tag main has %d commits, want 4", n)
	}
	e.checkConsistent(t, "1.2.0")
}

// testKilledAtPoints kills the process with SIGKILL after the scan, after the selection,
// and after the push but before the status is saved; the rerun leaves exactly one commit
// per new tag and statuses that agree with the remote.
func testKilledAtPoints(t *testing.T, e *e2e) {
	e.once(t)
	commits := 2
	for i, point := range []string{"scanned", "selected", "pushed"} {
		tag := fmt.Sprintf("1.%d.0", i+2)
		e.reg.PushTags(t, "app", tag)
		if code, out := e.run(t, []string{killAtEnv + "=" + point}, "--once"); code != -1 {
			t.Fatalf("run killed at %q exited %d, want killed:\n%s", point, code, out)
		}
		e.once(t)
		commits++
		if n := len(e.commits(t)); n != commits {
			t.Errorf("killed at %q, then rerun: main has %d commits, want %d", point, n, commits)
		}
		e.checkConsistent(t, tag)
	}
}

// testKilledAtRandom kills runs after delays spread over the length of a whole run (as
// measured first), so that the kills land before, during and after the push.
func testKilledAtRandom(t *testing.T, e *e2e) {
	e.reg.PushTags(t, "app", "1.9.0")
	start := time.Now()
	e.once(t)
	runTime := time.Since(start)
	commits := 2
	for i := range 6 {
		delay := runTime * time.Duration(i+1) / 6
		tag := fmt.Sprintf("2.%d.0", i)
		e.reg.PushTags(t, "app", tag)
		cmd := exec.Command(e.bin, "run", "-f", e.cfgDir, "--state-dir", e.stateDir, "--listen", "127.0.0.1:0", "--once")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(delay)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait() // killed: the error is the signal
		t.Logf("killed after %v of a %v run: pushed before the kill: %t", delay, runTime, len(e.commits(t)) > commits)
		e.once(t)
		commits++
		if n := len(e.commits(t)); n != commits {
			t.Errorf("killed after %v, then rerun: main has %d commits, want %d", delay, n, commits)
		}
		e.checkConsistent(t, tag)
	}
}

// checkEndpoints reads the daemon's endpoints once it is ready.
func checkEndpoints(t *testing.T, base string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz never answered 200 (last error %v)", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`tagflow_automation_commits_total{name="fleet",namespace="default"} 1`,
		`tagflow_policy_git_behind{name="app",namespace="default"} 0`,
		`tagflow_repository_tags{name="app",namespace="default"} 2`,
		"go_goroutines",
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	var out strings.Builder
	if err := get(t.Context(), &out, getOptions{kind: "policies", server: base, output: "table"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "/app:1.1.0") {
		t.Errorf("tagflow get policies against the daemon:\n%s", out.String())
	}
}
