package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/internal/testenv/giteaserver"
	"github.com/tagflow/tagflow/internal/testenv/registry"
)

// prConfig is an automation that pushes to tagflow/app and opens a pull request on Gitea.
const prConfig = `apiVersion: v1
kind: Secret
metadata:
  name: git-auth
data:
  username: %s
  password: %s
---
apiVersion: v1
kind: Secret
metadata:
  name: gitea-token
data:
  token: %s
---
%s
apiVersion: image.tagflow.dev/v1alpha1
kind: ImageUpdateAutomation
metadata:
  name: fleet
spec:
  interval: 1h
  git:
    url: %s
    secretRef:
      name: git-auth
    checkout:
      ref:
        branch: main
    push:
      branch: tagflow/app
    commit:
      author:
        name: tagflow
        email: tagflow@example.com
      messageTemplate: "Update app to {{range .Changed.Changes}}{{.NewValue}}{{end}}"
    pullRequest:
      provider: gitea
      url: %s
      secretRef:
        name: gitea-token
      title: 'chore: update {{range .Changed.Changes}}{{.NewValue}}{{end}}'
      body: |
        Automated by {{.AutomationObject}}.
        {{range .Changed.Changes}}
        - {{.OldValue}} -> {{.NewValue}}
        {{- end}}
      labels: [automated, images]
      deleteBranchWhenDone: true
  update:
    path: ./deploy
`

// prE2E is a real registry, a real Gitea and tagflow run as a subprocess.
type prE2E struct {
	*e2e
	gitea *giteaserver.Server
}

func newPullRequestE2E(t *testing.T, bin string) *prE2E {
	t.Helper()
	e := &prE2E{e2e: &e2e{reg: registry.Start(t, registry.PlainHTTP), bin: bin}, gitea: giteaserver.Start(t)}
	image := e.reg.Ref("app")
	e.reg.PushTags(t, "app", "1.0.0", "1.1.0")
	cloneURL := e.gitea.CreateRepo(t, "fleet", map[string]string{"deploy/app.yaml": fmt.Sprintf(e2eManifest, image)}, "main")
	dir := t.TempDir()
	e.cfgDir, e.stateDir = filepath.Join(dir, "config"), filepath.Join(dir, "state")
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	cfg := fmt.Sprintf(prConfig, b64(e.gitea.Username), b64(e.gitea.Password), b64(e.gitea.Token), fmt.Sprintf(e2eImageObjects, image), cloneURL, e.gitea.URL)
	writeTestFile(t, filepath.Join(e.cfgDir, "tagflow.yaml"), cfg)
	return e
}

// pulls lists the repository's pull requests in every state, newest first.
func (e *prE2E) pulls(t *testing.T) []giteaserver.PullRequest {
	t.Helper()
	var prs []giteaserver.PullRequest
	e.gitea.API(t, "GET", "/repos/"+e.gitea.Username+"/fleet/pulls?state=all&limit=50", nil, &prs)
	return prs
}

// branchCommits lists the subjects of the commits on branch that main does not have.
func (e *prE2E) branchCommits(t *testing.T, branch string) []string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "clone")
	u, err := url.Parse(e.gitea.HTTPURL("fleet"))
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(e.gitea.Username, e.gitea.Password)
	run := func(args ...string) string {
		out, err := exec.Command("git", args...).CombinedOutput()
		if err != nil {
			t.Fatalf("git %s: %v\n%s", args[0], err, out)
		}
		return strings.TrimSpace(string(out))
	}
	run("clone", "--quiet", "--no-checkout", u.String(), dir)
	log := run("-C", dir, "log", "--format=%s", "origin/main..origin/"+branch)
	if log == "" {
		return nil
	}
	return strings.Split(log, "\n")
}

// automationStatus reads the stored status of the automation.
func (e *prE2E) automationStatus(t *testing.T) v1alpha1.ImageUpdateAutomationStatus {
	t.Helper()
	var st v1alpha1.ImageUpdateAutomationStatus
	if err := json.Unmarshal(e.status(t)["imageUpdateAutomations"]["default/fleet"], &st); err != nil {
		t.Fatal(err)
	}
	return st
}

// TestPullRequestEndToEnd is the acceptance test of the pull request flow against a real
// Gitea: open, update with one commit, no duplicate after the merge, a fresh pull request
// for a new change, a branch someone else pushed to left alone, and the branch deleted when
// nothing is left to update.
func TestPullRequestEndToEnd(t *testing.T) {
	e := newPullRequestE2E(t, buildTagflow(t))
	image := e.reg.Ref("app")
	const branch = "tagflow/app"

	// The first change opens a pull request with the rendered title, body and labels.
	e.once(t)
	prs := e.pulls(t)
	if len(prs) != 1 {
		t.Fatalf("after the first run there are %d pull requests, want 1: %+v", len(prs), prs)
	}
	first := prs[0]
	wantBody := fmt.Sprintf("Automated by default/fleet.\n\n- %[1]s:1.0.0 -> %[1]s:1.1.0", image)
	if first.Title != "chore: update "+image+":1.1.0" || strings.TrimSpace(first.Body) != wantBody || first.State != "open" ||
		first.Head.Ref != branch || first.Base.Ref != "main" {
		t.Errorf("opened pull request = %+v, want title, body %q, open, %s -> main", first, wantBody, branch)
	}
	if diff := cmp.Diff([]string{"automated", "images"}, first.LabelNames()); diff != "" {
		t.Errorf("labels mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"Update app to " + image + ":1.1.0"}, e.branchCommits(t, branch)); diff != "" {
		t.Errorf("branch commits mismatch (-want +got):\n%s", diff)
	}
	st := e.automationStatus(t)
	wantStatus := &v1alpha1.PullRequestStatus{URL: first.HTMLURL, Number: first.Number, State: "open", Branch: branch}
	if diff := cmp.Diff(wantStatus, st.PullRequest); diff != "" {
		t.Errorf("status.pullRequest mismatch (-want +got):\n%s", diff)
	}
	if msg := readyMessage(st); !strings.Contains(msg, fmt.Sprintf("opened pull request #%d", first.Number)) {
		t.Errorf("Ready message = %q, want it to say the pull request was opened", msg)
	}

	// Nothing new: no push, no edit, no second pull request.
	head, _ := e.gitea.BranchHead(t, "fleet", branch)
	e.once(t)
	if again, _ := e.gitea.BranchHead(t, "fleet", branch); again != head || len(e.pulls(t)) != 1 {
		t.Errorf("a run with nothing new moved the branch (%s -> %s) or opened a pull request", head, again)
	}

	// A newer tag updates the same pull request; the branch still holds one commit.
	e.reg.PushTags(t, "app", "1.2.0")
	e.once(t)
	prs = e.pulls(t)
	if len(prs) != 1 || prs[0].Number != first.Number || prs[0].Title != "chore: update "+image+":1.2.0" {
		t.Fatalf("after a newer tag pull requests = %+v, want #%d retitled for 1.2.0", prs, first.Number)
	}
	if diff := cmp.Diff([]string{"Update app to " + image + ":1.2.0"}, e.branchCommits(t, branch)); diff != "" {
		t.Errorf("branch commits after the update mismatch (-want +got):\n%s", diff)
	}

	// Merged on the server: the next run opens no duplicate and, with nothing left to
	// update, deletes the branch.
	e.gitea.Merge(t, "fleet", first.Number)
	e.once(t)
	prs = e.pulls(t)
	if len(prs) != 1 || !prs[0].Merged {
		t.Errorf("after the merge pull requests = %+v, want only the merged one", prs)
	}
	if _, exists := e.gitea.BranchHead(t, "fleet", branch); exists {
		t.Errorf("branch %s still exists with nothing left to update", branch)
	}
	if st := e.automationStatus(t); st.PullRequest == nil || st.PullRequest.State != "merged" ||
		!strings.HasSuffix(readyMessage(st), fmt.Sprintf("pull request #%d (%s) is merged; deleted branch '%s'", first.Number, first.HTMLURL, branch)) {
		t.Errorf("status after the merge = %+v, %q; want the merged pull request and the deleted branch", st.PullRequest, readyMessage(st))
	}

	// A new change starts fresh: a new pull request on a branch rebuilt from main.
	e.reg.PushTags(t, "app", "1.3.0")
	e.once(t)
	prs = e.pulls(t)
	if len(prs) != 2 || prs[0].Number == first.Number || prs[0].State != "open" || prs[0].Title != "chore: update "+image+":1.3.0" {
		t.Fatalf("after a new change pull requests = %+v, want a new open one for 1.3.0", prs)
	}
	if diff := cmp.Diff([]string{"Update app to " + image + ":1.3.0"}, e.branchCommits(t, branch)); diff != "" {
		t.Errorf("branch commits of the fresh pull request mismatch (-want +got):\n%s", diff)
	}
	second := prs[0]

	// Someone pushes to the branch: tagflow reports it and leaves branch and PR alone.
	human := e.gitea.PushCommit(t, "fleet", branch, map[string]string{"NOTES.md": "reviewed\n"}, "Reviewer", "reviewer@example.com")
	e.reg.PushTags(t, "app", "1.4.0")
	code, out := e.run(t, nil, "--once")
	if code != 1 || !strings.Contains(out, "PushBranchModified") && !strings.Contains(out, "modified by someone else") {
		t.Errorf("run --once with a modified branch exited %d, want 1 and the reason:\n%s", code, out)
	}
	if got, _ := e.gitea.BranchHead(t, "fleet", branch); got != human {
		t.Errorf("branch head = %s, want the reviewer's commit %s kept", got, human)
	}
	if pr := e.gitea.PR(t, "fleet", second.Number); pr.Title != second.Title || pr.State != "open" {
		t.Errorf("pull request after the reviewer's push = %+v, want it untouched", pr)
	}
	// plan still shows the change, and says that a run would not push it.
	plan := exec.Command(e.bin, "plan", "-f", e.cfgDir)
	var stdout, stderr strings.Builder
	plan.Stdout, plan.Stderr = &stdout, &stderr
	if err := plan.Run(); err != nil || !strings.Contains(stdout.String(), "+          image: "+image+":1.4.0") ||
		!strings.Contains(stderr.String(), "a run would not push this change") {
		t.Errorf("plan with a modified branch: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	st = e.automationStatus(t)
	if c := readyCondition(st); c == nil || c.Reason != v1alpha1.PushBranchModifiedReason || st.PullRequest == nil || st.PullRequest.Number != second.Number {
		t.Errorf("status after the reviewer's push: Ready %+v, pullRequest %+v; want PushBranchModified and #%d", c, st.PullRequest, second.Number)
	}

	// Without spec.git.pullRequest, status.pullRequest goes; the branch is still protected.
	cfgFile := filepath.Join(e.cfgDir, "tagflow.yaml")
	data, err := os.ReadFile(cfgFile)
	if err != nil {
		t.Fatal(err)
	}
	before, after, ok := strings.Cut(string(data), "    pullRequest:\n")
	_, rest, ok2 := strings.Cut(after, "      deleteBranchWhenDone: true\n")
	if !ok || !ok2 {
		t.Fatalf("cannot cut pullRequest out of the configuration")
	}
	writeTestFile(t, cfgFile, before+rest)
	if code, out := e.run(t, nil, "--once"); code != 1 {
		t.Errorf("run --once without pullRequest exited %d, want 1:\n%s", code, out)
	}
	if st := e.automationStatus(t); st.PullRequest != nil || readyCondition(st).Reason != v1alpha1.PushBranchModifiedReason {
		t.Errorf("status without pullRequest: %+v, Ready %+v; want no pullRequest, still PushBranchModified", st.PullRequest, readyCondition(st))
	}
	if got, _ := e.gitea.BranchHead(t, "fleet", branch); got != human {
		t.Errorf("branch head = %s, want the reviewer's commit %s kept", got, human)
	}
}

func readyCondition(st v1alpha1.ImageUpdateAutomationStatus) *metav1.Condition {
	for i := range st.Conditions {
		if st.Conditions[i].Type == "Ready" {
			return &st.Conditions[i]
		}
	}
	return nil
}

func readyMessage(st v1alpha1.ImageUpdateAutomationStatus) string {
	if c := readyCondition(st); c != nil {
		return c.Message
	}
	return ""
}
