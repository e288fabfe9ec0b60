package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/controller-runtime/pkg/client"

	imagev1 "github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/internal/testenv"
	"github.com/tagflow/tagflow/internal/testenv/envtest"
)

func TestFlags(t *testing.T) {
	fs := flag.NewFlagSet("tagflow-controller", flag.ContinueOnError)
	o := bindFlags(fs)
	err := fs.Parse([]string{"--concurrent=8", "--watch-label-selector=shard=a", "--no-cross-namespace-refs",
		"--default-service-account=tagflow-scanner", "--storage-path=/var/lib/tagflow", "--debounce=2s"})
	if err != nil {
		t.Fatal(err)
	}
	if o.concurrent != 8 || o.watchLabelSelector != "shard=a" || !o.noCrossNamespace ||
		o.defaultSA != "tagflow-scanner" || o.storagePath != "/var/lib/tagflow" || o.debounce != 2*time.Second {
		t.Errorf("parsed options %+v", o)
	}
}

func TestCacheOptions(t *testing.T) {
	opts, err := cacheOptions("sharding.fluxcd.io/key=shard1")
	if err != nil {
		t.Fatal(err)
	}
	if len(opts.ByObject) != 3 {
		t.Fatalf("ByObject has %d kinds, want the three tagflow kinds", len(opts.ByObject))
	}
	for obj, by := range opts.ByObject {
		if !by.Label.Matches(labels.Set{"sharding.fluxcd.io/key": "shard1"}) || by.Label.Matches(labels.Set{}) {
			t.Errorf("%T: selector %s", obj, by.Label)
		}
	}
	if opts, err := cacheOptions(""); err != nil || opts.ByObject != nil {
		t.Errorf("cacheOptions(\"\") = %+v, %v; want no restriction", opts, err)
	}
	if _, err := cacheOptions("a in ("); err == nil {
		t.Error("cacheOptions accepted an invalid selector")
	}
}

// TestRun starts the manager against a real API server with leader election, sharding and
// the health and metrics endpoints, checks that it becomes ready and reconciles the objects
// of its shard only, and stops it.
func TestRun(t *testing.T) {
	cfg, c := envtest.Start(t)
	o := bindFlags(flag.NewFlagSet("tagflow-controller", flag.ContinueOnError))
	o.healthAddr, o.metricsAddr = testenv.FreeAddr(t), testenv.FreeAddr(t)
	o.leaderNamespace = "default"
	o.storagePath = t.TempDir()
	o.watchLabelSelector = "shard=a"
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- run(ctx, cfg, o) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run() = %v", err)
		}
	}()
	waitOK(t, "http://"+o.healthAddr+"/readyz")
	waitOK(t, "http://"+o.metricsAddr+"/metrics")

	other := newPolicy("other", nil)
	pol := newPolicy("app", map[string]string{"shard": "a"})
	for _, p := range []*imagev1.ImagePolicy{other, pol} {
		if err := c.Create(t.Context(), p); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(90 * time.Second)
	for !reconciled(t, c, pol) {
		if time.Now().After(deadline) {
			t.Fatalf("the policy of the shard was not reconciled: %+v", pol.Status)
		}
		time.Sleep(200 * time.Millisecond)
	}
	for range 10 {
		if reconciled(t, c, other) {
			t.Fatalf("a policy outside the shard was reconciled: %+v", other.Status)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func newPolicy(name string, labels map[string]string) *imagev1.ImagePolicy {
	pol := &imagev1.ImagePolicy{}
	pol.Name, pol.Namespace, pol.Labels = name, "default", labels
	pol.Spec.ImageRepositoryRef.Name = "missing"
	pol.Spec.Policy.SemVer = &imagev1.SemVerPolicy{Range: "1.x"}
	return pol
}

// reconciled reads pol and reports whether the controller has handled it.
func reconciled(t *testing.T, c client.Client, pol *imagev1.ImagePolicy) bool {
	t.Helper()
	if err := c.Get(t.Context(), client.ObjectKeyFromObject(pol), pol); err != nil {
		t.Fatal(err)
	}
	return len(pol.Status.Conditions) > 0 || len(pol.Finalizers) > 0
}

func waitOK(t *testing.T, url string) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	var last string
	for time.Now().Before(deadline) {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
			last = resp.Status
		} else {
			last = err.Error()
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("%s never answered 200: %s", url, fmt.Sprint(last))
}
