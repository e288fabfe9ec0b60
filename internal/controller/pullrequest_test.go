package controller

import (
	"fmt"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	imagev1 "github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/internal/testenv/giteaserver"
	"github.com/tagflow/tagflow/internal/testenv/registry"
)

// TestChainPullRequest runs the chain with a pull request on a real Gitea: the first tag
// opens a pull request recorded in status.pullRequest with an event, and a newer tag
// updates the same pull request.
func TestChainPullRequest(t *testing.T) {
	needEnv(t)
	ns := namespace(t, nil)
	reg := registry.Start(t, registry.PlainHTTP)
	reg.PushTags(t, "team/app", "1.0.0", "1.1.0")
	gitea := giteaserver.Start(t)
	image := reg.Ref("team/app")
	url := gitea.CreateRepo(t, "app", map[string]string{"deploy/app.yaml": deployment(image, "1.0.0", ns)}, "main")

	create(t, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "git", Namespace: ns},
		StringData: map[string]string{"username": gitea.Username, "password": gitea.Password}})
	create(t, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "forge", Namespace: ns},
		StringData: map[string]string{"token": gitea.Token}})
	c := newChain(ns, image)
	c.repo.Spec.Insecure = true
	g := c.auto.Spec.GitSpec
	g.URL, g.SecretRef = url, &imagev1.LocalObjectReference{Name: "git"}
	g.Push = &imagev1.PushSpec{Branch: "tagflow/app"}
	g.PullRequest = &imagev1.PullRequestSpec{Provider: imagev1.GiteaProvider, URL: gitea.URL,
		SecretRef: imagev1.LocalObjectReference{Name: "forge"},
		Title:     "Update app to {{ range .Changed.Changes }}{{ .NewValue }}{{ end }}"}
	c.create(t)

	first := waitPullRequest(t, c, gitea, image+":1.1.0")
	c.checkAllReady(t)
	if msg := condition(c.auto, imagev1.ReadyCondition).Message; !strings.Contains(msg, fmt.Sprintf("pull request #%d", first.Number)) {
		t.Errorf("Ready message %q does not name the pull request", msg)
	}
	checkPullRequestEvent(t, c)

	reg.PushTags(t, "team/app", "1.2.0")
	second := waitPullRequest(t, c, gitea, image+":1.2.0")
	if second.Number != first.Number {
		t.Errorf("a newer tag opened #%d, want #%d updated", second.Number, first.Number)
	}
	var all []giteaserver.PullRequest
	gitea.API(t, "GET", "/repos/"+gitea.Username+"/app/pulls?state=all", nil, &all)
	if len(all) != 1 {
		t.Errorf("Gitea has %d pull requests, want 1", len(all))
	}
}

// waitPullRequest waits until status.pullRequest names an open pull request whose title on
// Gitea ends with ref, and returns it.
func waitPullRequest(t *testing.T, c *chain, gitea *giteaserver.Server, ref string) giteaserver.PullRequest {
	t.Helper()
	var pr giteaserver.PullRequest
	waitFor(t, "a pull request for "+ref, func() (bool, string) {
		if err := get(t, c.auto); err != nil {
			return false, err.Error()
		}
		st := c.auto.Status.PullRequest
		if st == nil || st.Number == 0 {
			return false, "no status.pullRequest; " + describe(c.auto)
		}
		pr = gitea.PR(t, "app", st.Number)
		ok := st.URL == pr.HTMLURL && st.State == "open" && st.Branch == "tagflow/app" && pr.Title == "Update app to "+ref
		return ok, fmt.Sprintf("status %+v, pull request %q", *st, pr.Title)
	})
	return pr
}

// checkPullRequestEvent checks that the automation recorded an event for its pull request.
func checkPullRequestEvent(t *testing.T, c *chain) {
	t.Helper()
	waitFor(t, "a pull request event", func() (bool, string) {
		var list eventsv1.EventList
		if err := k8s.List(t.Context(), &list, client.InNamespace(c.ns)); err != nil {
			return false, err.Error()
		}
		for _, e := range list.Items {
			if e.Regarding.Kind == imagev1.ImageUpdateAutomationKind && e.Action == "PullRequest" &&
				strings.HasPrefix(e.Note, "opened pull request #") {
				return true, ""
			}
		}
		return false, fmt.Sprintf("%d events, none for the pull request", len(list.Items))
	})
}
