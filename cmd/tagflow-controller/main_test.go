package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/controller-runtime/pkg/client"

	imagev1 "github.com/tagflow/tagflow/api/v1alpha1"
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

// freeAddr returns a free loopback address.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// TestRun starts the manager against a real API server with leader election and the
// health and metrics endpoints, checks that it becomes ready and reconciles, and stops it.
func TestRun(t *testing.T) {
	cfg, c := envtest.Start(t)
	o := bindFlags(flag.NewFlagSet("tagflow-controller", flag.ContinueOnError))
	o.healthAddr, o.metricsAddr = freeAddr(t), freeAddr(t)
	o.leaderNamespace = "default"
	o.storagePath = t.TempDir()
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

	pol := &imagev1.ImagePolicy{}
	pol.Name, pol.Namespace = "app", "default"
	pol.Spec.ImageRepositoryRef.Name = "missing"
	pol.Spec.Policy.SemVer = &imagev1.SemVerPolicy{Range: "1.x"}
	if err := c.Create(t.Context(), pol); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		if err := c.Get(t.Context(), client.ObjectKeyFromObject(pol), pol); err != nil {
			t.Fatal(err)
		}
		if len(pol.Status.Conditions) > 0 && len(pol.Finalizers) > 0 {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("the policy was not reconciled: %+v", pol.Status)
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
