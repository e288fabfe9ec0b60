package envtest_test

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	imagev1 "github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/internal/testenv/envtest"
)

const samplesDir = "../../../config/samples"

// TestSamplesAreDefaultedAndValidated runs one API server for its subtests: the samples are
// accepted and defaulted by the CRD schemas, and invalid objects are rejected by them.
func TestSamplesAreDefaultedAndValidated(t *testing.T) {
	_, c := envtest.Start(t)
	t.Run("ImageRepository", func(t *testing.T) { testImageRepositorySample(t, c) })
	t.Run("ImagePolicy", func(t *testing.T) { testImagePolicySample(t, c) })
	t.Run("ImageUpdateAutomation", func(t *testing.T) { testImageUpdateAutomationSample(t, c) })
	t.Run("invalid", func(t *testing.T) { testInvalidObjectsRejected(t, c) })
	t.Run("valid", func(t *testing.T) { testValidEdgeCasesAccepted(t, c) })
}

// testValidEdgeCasesAccepted proves the validation rules are not too strict: objects
// close to the rejected ones are accepted.
func testValidEdgeCasesAccepted(t *testing.T, c client.Client) {
	meta := func(name string) metav1.ObjectMeta { return metav1.ObjectMeta{Name: name, Namespace: "default"} }
	minute := metav1.Duration{Duration: time.Minute}
	author := imagev1.CommitSpec{Author: imagev1.CommitUser{Email: "bot@example.com"}}
	tests := []struct {
		name string
		obj  client.Object
	}{{
		name: "image on a registry with a port",
		obj:  &imagev1.ImageRepository{ObjectMeta: meta("port"), Spec: imagev1.ImageRepositorySpec{Image: "localhost:5000/team/app", Interval: minute}},
	}, {
		name: "digest reflection Always with an interval",
		obj: &imagev1.ImagePolicy{ObjectMeta: meta("always"), Spec: imagev1.ImagePolicySpec{
			ImageRepositoryRef:     imagev1.NamespacedObjectReference{Name: "podinfo", Namespace: "other"},
			Policy:                 imagev1.ImagePolicyChoice{Alphabetical: &imagev1.AlphabeticalPolicy{Order: imagev1.OrderDesc}},
			DigestReflectionPolicy: imagev1.ReflectAlways,
			Interval:               &minute,
		}},
	}, {
		name: "Flux style sourceRef",
		obj: &imagev1.ImageUpdateAutomation{ObjectMeta: meta("flux-style"), Spec: imagev1.ImageUpdateAutomationSpec{
			SourceRef: &imagev1.CrossNamespaceSourceReference{Kind: "GitRepository", Name: "flux-system"},
			GitSpec:   &imagev1.GitSpec{Commit: author, Push: &imagev1.PushSpec{Refspec: "refs/heads/auto:refs/for/main"}},
			Interval:  minute,
		}},
	}, {
		name: "scp-like git.url",
		obj: &imagev1.ImageUpdateAutomation{ObjectMeta: meta("scp-like"), Spec: imagev1.ImageUpdateAutomationSpec{
			GitSpec:  &imagev1.GitSpec{URL: "git@github.com:example/fleet.git", SecretRef: &imagev1.LocalObjectReference{Name: "ssh"}, Commit: author},
			Interval: minute,
		}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := c.Create(t.Context(), tt.obj); err != nil {
				t.Fatalf("Create: %v", err)
			}
		})
	}
}

func testImageRepositorySample(t *testing.T, c client.Client) {
	var repo imagev1.ImageRepository
	got := createSample(t, c, "image_v1alpha1_imagerepository.yaml", &repo, &imagev1.ImageRepository{})
	if diff := cmp.Diff([]string{`^.*\.sig$`}, got.Spec.ExclusionList); diff != "" {
		t.Errorf("spec.exclusionList default mismatch (-want +got):\n%s", diff)
	}
	if got.Spec.Provider != imagev1.GenericProvider {
		t.Errorf("spec.provider = %q, want the default %q", got.Spec.Provider, imagev1.GenericProvider)
	}
	if got.Spec.Interval.Duration != 5*time.Minute {
		t.Errorf("spec.interval = %v, want 5m", got.Spec.Interval.Duration)
	}
	if got.Status.ObservedGeneration != -1 {
		t.Errorf("status.observedGeneration = %d, want the default -1", got.Status.ObservedGeneration)
	}
}

func testImagePolicySample(t *testing.T, c client.Client) {
	var pol imagev1.ImagePolicy
	got := createSample(t, c, "image_v1alpha1_imagepolicy.yaml", &pol, &imagev1.ImagePolicy{})
	if got.Spec.DigestReflectionPolicy != imagev1.ReflectNever {
		t.Errorf("spec.digestReflectionPolicy = %q, want the default Never", got.Spec.DigestReflectionPolicy)
	}
	if got.Spec.MinAge == nil || got.Spec.MinAge.Duration != time.Hour {
		t.Errorf("spec.minAge = %v, want 1h", got.Spec.MinAge)
	}
	if diff := cmp.Diff([]string{"linux/amd64", "linux/arm64"}, got.Spec.Platforms); diff != "" {
		t.Errorf("spec.platforms mismatch (-want +got):\n%s", diff)
	}
}

func testImageUpdateAutomationSample(t *testing.T, c client.Client) {
	var auto imagev1.ImageUpdateAutomation
	got := createSample(t, c, "image_v1alpha1_imageupdateautomation.yaml", &auto, &imagev1.ImageUpdateAutomation{})
	if got.Spec.Update == nil || got.Spec.Update.Strategy != imagev1.UpdateStrategySetters || got.Spec.Update.Path != "./apps" {
		t.Errorf("spec.update = %+v, want the default strategy Setters and path ./apps", got.Spec.Update)
	}
	if got.Spec.Interval.Duration != 30*time.Minute {
		t.Errorf("spec.interval = %v, want 30m", got.Spec.Interval.Duration)
	}
	if push := got.Spec.GitSpec.Push; push == nil || push.Branch != "image-updates" {
		t.Errorf("spec.git.push = %+v, want branch image-updates", push)
	}

	// The status subresource takes the (+) pull request status.
	got.Status.PullRequest = &imagev1.PullRequestStatus{URL: "https://github.com/example/fleet/pull/7", Number: 7}
	if err := c.Status().Update(t.Context(), got); err != nil {
		t.Fatalf("updating the status: %v", err)
	}
	var back imagev1.ImageUpdateAutomation
	if err := c.Get(t.Context(), client.ObjectKeyFromObject(got), &back); err != nil {
		t.Fatalf("reading back: %v", err)
	}
	if diff := cmp.Diff(got.Status.PullRequest, back.Status.PullRequest); diff != "" {
		t.Errorf("status.pullRequest mismatch (-want +got):\n%s", diff)
	}
}

// createSample decodes the sample file into obj, creates it, and returns it as read back
// from the API server into back.
func createSample[T client.Object](t *testing.T, c client.Client, file string, obj, back T) T {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(samplesDir, file))
	if err != nil {
		t.Fatalf("reading sample: %v", err)
	}
	if err := yaml.UnmarshalStrict(data, obj); err != nil {
		t.Fatalf("decoding sample %s: %v", file, err)
	}
	if err := c.Create(t.Context(), obj); err != nil {
		t.Fatalf("creating sample %s: %v", file, err)
	}
	if err := c.Get(t.Context(), client.ObjectKeyFromObject(obj), back); err != nil {
		t.Fatalf("reading back sample %s: %v", file, err)
	}
	return back
}

// testInvalidObjectsRejected proves the CRD schemas (enums, patterns, CEL rules) reach the
// API server: each object is rejected with an Invalid error naming the problem.
func testInvalidObjectsRejected(t *testing.T, c client.Client) {
	meta := func(name string) metav1.ObjectMeta { return metav1.ObjectMeta{Name: name, Namespace: "default"} }
	repoRef := imagev1.NamespacedObjectReference{Name: "podinfo"}
	semver := imagev1.ImagePolicyChoice{SemVer: &imagev1.SemVerPolicy{Range: "1.x"}}
	git := func(url string) *imagev1.GitSpec {
		return &imagev1.GitSpec{URL: url, Commit: imagev1.CommitSpec{Author: imagev1.CommitUser{Email: "bot@example.com"}}}
	}
	tests := []struct {
		name string
		obj  client.Object
		want string
	}{{
		name: "two policies",
		obj: &imagev1.ImagePolicy{ObjectMeta: meta("two-policies"), Spec: imagev1.ImagePolicySpec{
			ImageRepositoryRef: repoRef,
			Policy:             imagev1.ImagePolicyChoice{SemVer: semver.SemVer, Alphabetical: &imagev1.AlphabeticalPolicy{}},
		}},
		want: "exactly one of semver, alphabetical and numerical",
	}, {
		name: "no policy",
		obj:  &imagev1.ImagePolicy{ObjectMeta: meta("no-policy"), Spec: imagev1.ImagePolicySpec{ImageRepositoryRef: repoRef}},
		want: "exactly one of semver, alphabetical and numerical",
	}, {
		name: "bad order enum",
		obj: &imagev1.ImagePolicy{ObjectMeta: meta("bad-order"), Spec: imagev1.ImagePolicySpec{
			ImageRepositoryRef: repoRef,
			Policy:             imagev1.ImagePolicyChoice{Numerical: &imagev1.NumericalPolicy{Order: "up"}},
		}},
		want: "spec.policy.numerical.order",
	}, {
		name: "interval without digest reflection Always",
		obj: &imagev1.ImagePolicy{ObjectMeta: meta("interval"), Spec: imagev1.ImagePolicySpec{
			ImageRepositoryRef: repoRef, Policy: semver, Interval: &metav1.Duration{Duration: time.Minute},
		}},
		want: "spec.interval is only accepted when spec.digestReflectionPolicy is Always",
	}, {
		name: "bad platform",
		obj: &imagev1.ImagePolicy{ObjectMeta: meta("bad-platform"), Spec: imagev1.ImagePolicySpec{
			ImageRepositoryRef: repoRef, Policy: semver, Platforms: []string{"amd64"},
		}},
		want: "spec.platforms[0]",
	}, {
		name: "image with a tag",
		obj: &imagev1.ImageRepository{ObjectMeta: meta("tagged"), Spec: imagev1.ImageRepositorySpec{
			Image: "ghcr.io/org/app:1.0", Interval: metav1.Duration{Duration: time.Minute},
		}},
		want: "image must not include a tag",
	}, {
		name: "bad provider enum",
		obj: &imagev1.ImageRepository{ObjectMeta: meta("bad-provider"), Spec: imagev1.ImageRepositorySpec{
			Image: "ghcr.io/org/app", Interval: metav1.Duration{Duration: time.Minute}, Provider: "docker",
		}},
		want: "spec.provider",
	}, {
		name: "sourceRef and git.url",
		obj: &imagev1.ImageUpdateAutomation{ObjectMeta: meta("both-sources"), Spec: imagev1.ImageUpdateAutomationSpec{
			SourceRef: &imagev1.CrossNamespaceSourceReference{Kind: "GitRepository", Name: "flux-system"},
			GitSpec:   git("https://github.com/example/fleet.git"),
			Interval:  metav1.Duration{Duration: time.Minute},
		}},
		want: "exactly one of spec.sourceRef and spec.git.url",
	}, {
		name: "neither sourceRef nor git.url",
		obj: &imagev1.ImageUpdateAutomation{ObjectMeta: meta("no-source"), Spec: imagev1.ImageUpdateAutomationSpec{
			GitSpec: git(""), Interval: metav1.Duration{Duration: time.Minute},
		}},
		want: "exactly one of spec.sourceRef and spec.git.url",
	}, {
		name: "pull request without push branch",
		obj: &imagev1.ImageUpdateAutomation{ObjectMeta: meta("pr-no-branch"), Spec: imagev1.ImageUpdateAutomationSpec{
			GitSpec: func() *imagev1.GitSpec {
				g := git("https://github.com/example/fleet.git")
				g.PullRequest = &imagev1.PullRequestSpec{Provider: imagev1.GitHubProvider, SecretRef: imagev1.LocalObjectReference{Name: "token"}}
				return g
			}(),
			Interval: metav1.Duration{Duration: time.Minute},
		}},
		want: "git.pullRequest needs git.push.branch",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := c.Create(t.Context(), tt.obj)
			if !apierrors.IsInvalid(err) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Create: got error %v, want an Invalid error containing %q", err, tt.want)
			}
		})
	}
}

// TestVersionsMatchMakefile keeps the default binary names in step with what the Makefile
// builds, so `go test` outside make finds the same binaries.
func TestVersionsMatchMakefile(t *testing.T) {
	makefile := readRepoFile(t, "Makefile")
	if m := regexp.MustCompile(`(?m)^KUBE_VERSION := (\S+)$`).FindStringSubmatch(makefile); m == nil || m[1] != envtest.KubeVersion {
		t.Errorf("Makefile KUBE_VERSION = %v, want %s", m, envtest.KubeVersion)
	}
	gomod := readRepoFile(t, "hack/envtest/go.mod")
	if m := regexp.MustCompile(`(?m)^\s*go\.etcd\.io/etcd/server/v3 (\S+)`).FindStringSubmatch(gomod); m == nil || m[1] != envtest.EtcdVersion {
		t.Errorf("hack/envtest/go.mod etcd server version = %v, want %s", m, envtest.EtcdVersion)
	}
}

func readRepoFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("../../..", path))
	if err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	return string(data)
}

// TestMissingBinaryIsAnError proves a missing binary is reported (and tells how to build
// it) rather than skipped.
func TestMissingBinaryIsAnError(t *testing.T) {
	t.Setenv(envtest.APIServerBinEnv, filepath.Join(t.TempDir(), "kube-apiserver"))
	e, err := envtest.New()
	if err == nil {
		_ = e.Stop()
		t.Fatal("New with a missing kube-apiserver succeeded")
	}
	if !errors.Is(err, envtest.ErrMissingBinary) || !strings.Contains(err.Error(), "make test-deps") {
		t.Fatalf("New with a missing kube-apiserver: got %v, want ErrMissingBinary telling to run make test-deps", err)
	}
}
