package runner_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/internal/config"
	"github.com/tagflow/tagflow/internal/runner"
	"github.com/tagflow/tagflow/internal/testenv/registry"
)

const platformConfig = `apiVersion: image.tagflow.dev/v1alpha1
kind: ImageRepository
metadata: {name: app}
spec: {image: %q, interval: 1h, insecure: true}
---
apiVersion: image.tagflow.dev/v1alpha1
kind: ImagePolicy
metadata: {name: app}
spec:
  imageRepositoryRef: {name: app}
  policy: {semver: {range: ">=1.0.0"}}
  platforms: [linux/amd64, linux/arm64]
  digestReflectionPolicy: IfNotPresent
`

// TestPlatforms checks against a real registry that a newer tag lacking a required
// platform is passed over, and that the explanation says so.
func TestPlatforms(t *testing.T) {
	reg := registry.Start(t, registry.PlainHTTP)
	want := reg.PushIndex(t, "app", "1.0.0", "linux/amd64", "linux/arm64")
	reg.PushIndex(t, "app", "1.1.0", "linux/amd64")
	dir := t.TempDir()
	cfg := filepath.Join(dir, "tagflow.yaml")
	if err := os.WriteFile(cfg, fmt.Appendf(nil, platformConfig, reg.Ref("app")), 0o644); err != nil {
		t.Fatal(err)
	}
	set, err := config.Load(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r, err := runner.New(set, runner.Options{StateDir: filepath.Join(dir, "state")})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	sum, err := r.Once(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if !sum.OK() {
		t.Fatalf("pass failed: %+v", sum)
	}
	pol := r.ImagePolicies()[0]
	if diff := cmp.Diff(&v1alpha1.ImageRef{Name: reg.Ref("app"), Tag: "1.0.0", Digest: want}, pol.Status.LatestRef); diff != "" {
		t.Errorf("latestRef mismatch (-want +got):\n%s", diff)
	}
	dropped := pol.Status.Explanation.Dropped
	wantDropped := []v1alpha1.DroppedTags{{Reason: "missing a required platform", Count: 1, Examples: []string{"1.1.0"}}}
	if diff := cmp.Diff(wantDropped, dropped); diff != "" {
		t.Errorf("explanation dropped mismatch (-want +got):\n%s", diff)
	}
}
