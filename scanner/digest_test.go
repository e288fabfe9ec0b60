package scanner

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
)

func TestDigest(t *testing.T) {
	tr := newTestRegistry(t, true)
	single := tr.pushTags(t, "app", "1.0.0")
	index := tr.pushIndex(t, "app", "2.0.0", "linux/amd64", "linux/arm64")
	s := tr.newScanner(t)
	tests := []struct {
		tag  string
		want string
	}{
		{tag: "1.0.0", want: single.String()},
		{tag: "2.0.0", want: index.String()},
	}
	for _, tc := range tests {
		t.Run(tc.tag, func(t *testing.T) {
			got, err := s.Digest(t.Context(), tr.image("app"), tc.tag)
			if err != nil {
				t.Fatalf("Digest: %v", err)
			}
			if got != tc.want {
				t.Errorf("Digest(%s) = %s, want %s", tc.tag, got, tc.want)
			}
		})
	}
	_, err := s.Digest(t.Context(), tr.image("app"), "9.9.9")
	assertError(t, err, ErrNotFound, "resolving the digest of "+tr.image("app")+":9.9.9")
	_, err = s.Digest(t.Context(), tr.image("app"), "bad tag")
	assertError(t, err, ErrInvalidConfig, "parsing tag")
}

// TestDigestWithoutHeader falls back to hashing the manifest when HEAD has no digest.
func TestDigestWithoutHeader(t *testing.T) {
	tr := newTestRegistry(t, true)
	want := tr.pushTags(t, "app", "1.0.0")
	tr.fault = func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method != http.MethodHead {
			return false
		}
		w.WriteHeader(http.StatusOK)
		return true
	}
	got, err := tr.newScanner(t).Digest(t.Context(), tr.image("app"), "1.0.0")
	if err != nil {
		t.Fatalf("Digest: %v", err)
	}
	if got != want.String() {
		t.Errorf("Digest = %s, want %s", got, want)
	}
}

func TestPlatforms(t *testing.T) {
	tr := newTestRegistry(t, true)
	tr.pushIndex(t, "app", "multi", "linux/amd64", "linux/arm64/v8", "linux/arm/v7")
	tr.pushIndex(t, "app", "amd64-only", "linux/amd64")
	tr.pushTags(t, "app", "no-platform")
	img, err := random.Image(128, 1)
	if err != nil {
		t.Fatal(err)
	}
	img, err = mutate.ConfigFile(img, &v1.ConfigFile{OS: "linux", Architecture: "arm64"})
	if err != nil {
		t.Fatal(err)
	}
	tr.pushImage(t, "app", img, "single")
	s := tr.newScanner(t)
	tests := []struct {
		tag           string
		wantPlatforms []string
		wantMissing   []string
	}{
		{tag: "multi", wantPlatforms: []string{"linux/amd64", "linux/arm64/v8", "linux/arm/v7"}},
		{tag: "amd64-only", wantPlatforms: []string{"linux/amd64"}, wantMissing: []string{"linux/arm64"}},
		{tag: "single", wantPlatforms: []string{"linux/arm64"}, wantMissing: []string{"linux/amd64"}},
		{tag: "no-platform", wantMissing: []string{"linux/amd64", "linux/arm64"}},
	}
	for _, tc := range tests {
		t.Run(tc.tag, func(t *testing.T) {
			got, err := s.Platforms(t.Context(), tr.image("app"), tc.tag)
			if err != nil {
				t.Fatalf("Platforms: %v", err)
			}
			if diff := cmp.Diff(tc.wantPlatforms, got); diff != "" {
				t.Errorf("Platforms() mismatch (-want +got):\n%s", diff)
			}
			missing, err := s.MissingPlatforms(t.Context(), tr.image("app"), tc.tag, "linux/amd64", "linux/arm64")
			if err != nil {
				t.Fatalf("MissingPlatforms: %v", err)
			}
			if diff := cmp.Diff(tc.wantMissing, missing); diff != "" {
				t.Errorf("MissingPlatforms() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestListFetchesNoManifests proves that listing never pays for a platform check.
func TestListFetchesNoManifests(t *testing.T) {
	tr := newTestRegistry(t, true)
	tr.pushIndex(t, "app", "multi", "linux/amd64", "linux/arm64")
	var manifests int
	tr.fault = func(_ http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path == "/v2/app/manifests/multi" {
			manifests++
		}
		return false
	}
	if _, err := tr.newScanner(t).List(t.Context(), tr.image("app")); err != nil {
		t.Fatal(err)
	}
	if manifests != 0 {
		t.Errorf("List fetched the manifest %d times, want 0", manifests)
	}
}
