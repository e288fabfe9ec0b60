package controller

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	fluxmeta "github.com/fluxcd/pkg/apis/meta"
	sourcev1 "github.com/fluxcd/source-controller/api/v1"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
	"sigs.k8s.io/controller-runtime/pkg/client"

	imagev1 "github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/internal/testenv/gitserver"
	"github.com/tagflow/tagflow/internal/testenv/registry"
	"github.com/tagflow/tagflow/scanner/store"
)

const deployTemplate = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  template:
    spec:
      containers:
      - name: app
        image: IMAGE:TAG # {"$imagepolicy": "NS:app"}
`

func deployment(image, tag, ns string) string {
	return strings.NewReplacer("IMAGE", image, "TAG", tag, "NS", ns).Replace(deployTemplate)
}

// chain is the objects of one repository → policy → automation chain.
type chain struct {
	ns     string
	image  string
	repo   *imagev1.ImageRepository
	policy *imagev1.ImagePolicy
	auto   *imagev1.ImageUpdateAutomation
}

func newChain(ns, image string) *chain {
	c := &chain{ns: ns, image: image}
	c.repo = &imagev1.ImageRepository{
		ObjectMeta: metav1.ObjectMeta{Name: "app", Namespace: ns},
		Spec:       imagev1.ImageRepositorySpec{Image: image, Interval: metav1.Duration{Duration: 2 * time.Second}},
	}
	c.policy = &imagev1.ImagePolicy{
		ObjectMeta: metav1.ObjectMeta{Name: "app", Namespace: ns},
		Spec: imagev1.ImagePolicySpec{
			ImageRepositoryRef: imagev1.NamespacedObjectReference{Name: "app"},
			Policy:             imagev1.ImagePolicyChoice{SemVer: &imagev1.SemVerPolicy{Range: "1.x"}},
		},
	}
	c.auto = &imagev1.ImageUpdateAutomation{
		ObjectMeta: metav1.ObjectMeta{Name: "app", Namespace: ns},
		Spec: imagev1.ImageUpdateAutomationSpec{
			// An hour: every run in the tests comes from a watch, not from the interval.
			Interval: metav1.Duration{Duration: time.Hour},
			GitSpec: &imagev1.GitSpec{
				Checkout: &imagev1.GitCheckoutSpec{Reference: imagev1.GitRepositoryRef{Branch: "main"}},
				Commit:   imagev1.CommitSpec{Author: imagev1.CommitUser{Name: "tagflow", Email: "tagflow@example.com"}},
			},
		},
	}
	return c
}

func (c *chain) create(t *testing.T) {
	t.Helper()
	create(t, c.repo)
	create(t, c.policy)
	create(t, c.auto)
}

// waitPushed waits until the automation has pushed the tag and its lastPushCommit is the
// head of main, and checks that the file changed by exactly the tag.
func (c *chain) waitPushed(t *testing.T, srv *gitserver.Server, tag, before string) string {
	t.Helper()
	return c.waitPushedTo(t, srv, "main", tag, before)
}

// waitPushedTo is waitPushed on branch.
func (c *chain) waitPushedTo(t *testing.T, srv *gitserver.Server, branch, tag, before string) string {
	t.Helper()
	var head string
	waitFor(t, "a pushed commit with "+tag, func() (bool, string) {
		if err := get(t, c.auto); err != nil {
			return false, err.Error()
		}
		head = srv.Head(t, "app", branch)
		if head == before || c.auto.Status.LastPushCommit != head {
			return false, "lastPushCommit " + c.auto.Status.LastPushCommit + ", head " + head + "; " + describe(c.auto)
		}
		return true, ""
	})
	got := string(srv.ReadFile(t, "app", head, "deploy/app.yaml"))
	if want := deployment(c.image, tag, c.ns); got != want {
		t.Errorf("deploy/app.yaml at %s:\n%s\nwant:\n%s", head, got, want)
	}
	if changed := srv.Git(t, "app", "diff", "--name-only", before, head); changed != "deploy/app.yaml" {
		t.Errorf("commit changed %q, want only deploy/app.yaml", changed)
	}
	return head
}

// checkAllReady checks that every object of the chain is Ready and kstatus Current.
func (c *chain) checkAllReady(t *testing.T) {
	t.Helper()
	for _, o := range []struct {
		obj  object
		kind string
	}{{c.repo, imagev1.ImageRepositoryKind}, {c.policy, imagev1.ImagePolicyKind}, {c.auto, imagev1.ImageUpdateAutomationKind}} {
		waitFor(t, o.kind+" ready", func() (bool, string) {
			if err := get(t, o.obj); err != nil {
				return false, err.Error()
			}
			r := condition(o.obj, imagev1.ReadyCondition)
			return r != nil && r.Status == metav1.ConditionTrue && o.obj.GetObservedGeneration() == o.obj.GetGeneration(), describe(o.obj)
		})
		checkKstatus(t, o.obj, o.kind, status.CurrentStatus)
	}
}

// TestChainHTTP runs the whole chain against a plain-HTTP registry and a Flux
// GitRepository over smart HTTP with basic auth: the first tag is written, a newer tag
// pushed later is written by a second commit, and deleting the objects cleans up.
func TestChainHTTP(t *testing.T) {
	needEnv(t)
	ns := namespace(t, nil)
	reg := registry.Start(t, registry.PlainHTTP)
	reg.PushTags(t, "team/app", "1.0.0", "1.1.0", "2.0.0")
	git := gitserver.Start(t, gitserver.Options{})
	image := reg.Ref("team/app")
	git.CreateRepo(t, "app", map[string]string{"deploy/app.yaml": deployment(image, "1.0.0", ns)}, "main")
	initial := git.Head(t, "app", "main")

	create(t, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "git", Namespace: ns},
		StringData: map[string]string{"username": git.Username, "password": git.Password}})
	source := &sourcev1.GitRepository{
		ObjectMeta: metav1.ObjectMeta{Name: "app", Namespace: ns},
		Spec: sourcev1.GitRepositorySpec{URL: git.HTTPURL("app"), Interval: metav1.Duration{Duration: time.Minute},
			SecretRef: &fluxmeta.LocalObjectReference{Name: "git"}, Reference: &sourcev1.GitRepositoryRef{Branch: "main"}},
	}
	create(t, source)
	c := newChain(ns, image)
	c.repo.Spec.Insecure = true
	c.auto.Spec.SourceRef = &imagev1.CrossNamespaceSourceReference{Kind: "GitRepository", Name: "app"}
	c.auto.Spec.GitSpec.Checkout = nil // from the GitRepository
	c.create(t)

	first := c.waitPushed(t, git, "1.1.0", initial)
	c.checkAllReady(t)
	if c.repo.Status.LastScanResult.TagCount != 3 || c.repo.Status.CanonicalImageName != image {
		t.Errorf("lastScanResult %+v, canonicalImageName %q", c.repo.Status.LastScanResult, c.repo.Status.CanonicalImageName)
	}
	if got := c.auto.Status.ObservedPolicies["app"]; got.Tag != "1.1.0" {
		t.Errorf("observedPolicies %v", c.auto.Status.ObservedPolicies)
	}

	// A new tag reaches Git through the scan interval, the revision watch and the
	// latestRef watch, without touching any object.
	reg.PushTags(t, "team/app", "1.2.0")
	c.waitPushed(t, git, "1.2.0", first)
	waitFor(t, "previous ref recorded", func() (bool, string) {
		if err := get(t, c.policy); err != nil {
			return false, err.Error()
		}
		p := c.policy.Status.ObservedPreviousRef
		return p != nil && p.Tag == "1.1.0", describe(c.policy)
	})

	// A change of the GitRepository's spec starts the automation: here, another branch.
	release := git.CommitFromClone(t, "app", "release", map[string]string{"deploy/app.yaml": deployment(image, "1.0.0", ns)}, "release branch")
	if err := get(t, source); err != nil {
		t.Fatal(err)
	}
	source.Spec.Reference.Branch = "release"
	if err := k8s.Update(t.Context(), source); err != nil {
		t.Fatal(err)
	}
	c.waitPushedTo(t, git, "release", "1.2.0", release)

	checkPushEvent(t, c)
	checkDeletion(t, c)
}

// checkPushEvent checks that the automation recorded an event for its push.
func checkPushEvent(t *testing.T, c *chain) {
	t.Helper()
	waitFor(t, "a push event", func() (bool, string) {
		var list eventsv1.EventList
		if err := k8s.List(t.Context(), &list, client.InNamespace(c.ns)); err != nil {
			return false, err.Error()
		}
		for _, e := range list.Items {
			if e.Regarding.Kind == imagev1.ImageUpdateAutomationKind && e.Reason == imagev1.SucceededReason &&
				strings.HasPrefix(e.Note, "pushed commit") {
				return true, ""
			}
		}
		return false, fmt.Sprintf("%d events, none for the push", len(list.Items))
	})
}

// checkDeletion deletes the chain and checks that the stored tags and the clone cache are
// gone and the objects with them.
func checkDeletion(t *testing.T, c *chain) {
	t.Helper()
	key := store.Key{Namespace: c.ns, Name: c.repo.Name}
	if _, err := tagStore.Get(t.Context(), key); err != nil {
		t.Fatalf("tags before deletion: %v", err)
	}
	cache := storageFile(GitCacheDirName, c.ns, c.auto.Name)
	if _, err := os.Stat(cache); err != nil {
		t.Fatalf("clone cache before deletion: %v", err)
	}
	for _, obj := range []object{c.auto, c.policy, c.repo} {
		if err := k8s.Delete(t.Context(), obj); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "deletion of "+obj.GetName(), func() (bool, string) {
			err := get(t, obj)
			return err != nil, "finalizers " + strings.Join(obj.GetFinalizers(), ",")
		})
	}
	if _, err := tagStore.Get(t.Context(), key); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("tags after deletion: %v, want ErrNotFound", err)
	}
	if _, err := os.Stat(cache); !os.IsNotExist(err) {
		t.Errorf("clone cache after deletion: %v, want it gone", err)
	}
}

// TestChainSSH runs the whole chain against a TLS registry with basic auth (credentials
// and CA from Secrets) and an inline git.url over SSH with a key and known_hosts.
func TestChainSSH(t *testing.T) {
	needEnv(t)
	ns := namespace(t, nil)
	reg := registry.Start(t, registry.TLSAuth)
	reg.PushTags(t, "team/app", "1.0.0", "1.3.0")
	git := gitserver.Start(t, gitserver.Options{SSH: true})
	image := reg.Ref("team/app")
	git.CreateRepo(t, "app", map[string]string{"deploy/app.yaml": deployment(image, "1.0.0", ns)}, "main")
	initial := git.Head(t, "app", "main")

	create(t, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "pull", Namespace: ns},
		Type: corev1.SecretTypeDockerConfigJson,
		Data: map[string][]byte{corev1.DockerConfigJsonKey: reg.DockerConfigJSON()}})
	create(t, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "ca", Namespace: ns},
		Data: map[string][]byte{"ca.crt": reg.CAPEM}})
	create(t, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "ssh", Namespace: ns},
		Data: map[string][]byte{"identity": git.ClientKeyPEM, "known_hosts": git.KnownHosts}})
	c := newChain(ns, image)
	c.repo.Spec.SecretRef = &imagev1.LocalObjectReference{Name: "pull"}
	c.repo.Spec.CertSecretRef = &imagev1.LocalObjectReference{Name: "ca"}
	c.auto.Spec.GitSpec.URL = git.SSHURL("app")
	c.auto.Spec.GitSpec.SecretRef = &imagev1.LocalObjectReference{Name: "ssh"}
	c.create(t)

	c.waitPushed(t, git, "1.3.0", initial)
	c.checkAllReady(t)
}

// TestSuspendedAutomation: a suspended automation pushes nothing even when its policy
// changes; resuming it pushes.
func TestSuspendedAutomation(t *testing.T) {
	needEnv(t)
	ns := namespace(t, nil)
	reg := registry.Start(t, registry.PlainHTTP)
	reg.PushTags(t, "team/app", "1.0.0", "1.4.0")
	git := gitserver.Start(t, gitserver.Options{})
	image := reg.Ref("team/app")
	git.CreateRepo(t, "app", map[string]string{"deploy/app.yaml": deployment(image, "1.0.0", ns)}, "main")
	initial := git.Head(t, "app", "main")
	create(t, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "git", Namespace: ns},
		StringData: map[string]string{"username": git.Username, "password": git.Password}})
	c := newChain(ns, image)
	c.repo.Spec.Insecure = true
	c.auto.Spec.GitSpec.URL = git.HTTPURL("app")
	c.auto.Spec.GitSpec.SecretRef = &imagev1.LocalObjectReference{Name: "git"}
	c.auto.Spec.Suspend = true
	c.create(t)

	waitCondition(t, c.policy, imagev1.ReadyCondition, metav1.ConditionTrue, imagev1.SucceededReason)
	for range 15 { // the policy change would start a run after the debounce delay
		time.Sleep(poll)
		if head := git.Head(t, "app", "main"); head != initial {
			t.Fatalf("suspended automation pushed %s", head)
		}
	}
	if err := get(t, c.auto); err != nil {
		t.Fatal(err)
	}
	if c.auto.Status.LastAutomationRunTime != nil {
		t.Fatalf("suspended automation ran: %+v", c.auto.Status)
	}
	c.auto.Spec.Suspend = false
	if err := k8s.Update(t.Context(), c.auto); err != nil {
		t.Fatal(err)
	}
	c.waitPushed(t, git, "1.4.0", initial)
}
