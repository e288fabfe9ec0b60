package v1alpha1_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	kjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"

	"github.com/tagflow/tagflow/api/v1alpha1"
)

const samplesDir = "../../config/samples"

// TestSamplesDecodeStrictly proves every sample is listed in the samples kustomization and
// decodes into its Go type with no unknown or duplicate field, so the samples and the types
// cannot drift apart.
func TestSamplesDecodeStrictly(t *testing.T) {
	listed := kustomizationResources(t)
	files, err := filepath.Glob(filepath.Join(samplesDir, "*.yaml"))
	if err != nil {
		t.Fatalf("listing samples: %v", err)
	}
	kinds := map[string]bool{}
	for _, path := range files {
		base := filepath.Base(path)
		if base == "kustomization.yaml" {
			continue
		}
		if !slices.Contains(listed, base) {
			t.Errorf("%s is not listed in %s/kustomization.yaml", base, samplesDir)
		}
		t.Run(base, func(t *testing.T) {
			kinds[decodeSample(t, path)] = true
		})
	}
	for _, kind := range []string{v1alpha1.ImageRepositoryKind, v1alpha1.ImagePolicyKind, v1alpha1.ImageUpdateAutomationKind} {
		if !kinds[kind] {
			t.Errorf("no sample of kind %s in %s", kind, samplesDir)
		}
	}
}

// TestStrictDecodingRejectsUnknownFields proves the decoding used above rejects unknown,
// wrongly cased and duplicate fields, so TestSamplesDecodeStrictly cannot pass vacuously.
func TestStrictDecodingRejectsUnknownFields(t *testing.T) {
	const head = "apiVersion: image.tagflow.dev/v1alpha1\nkind: ImagePolicy\nspec:\n  imageRepositoryRef: {name: x}\n  policy: {semver: {range: 1.x}}\n"
	tests := []struct{ name, extra, want string }{
		{name: "unknown", extra: "  maxAge: 1h\n", want: "maxAge"},
		{name: "wrong case", extra: "  minage: 1h\n", want: "minage"},
		{name: "duplicate", extra: "  suspend: true\n  suspend: false\n", want: "suspend"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p v1alpha1.ImagePolicy
			err := decodeStrict([]byte(head+tt.extra), &p)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("decodeStrict: got error %v, want one naming %s", err, tt.want)
			}
		})
	}
}

// decodeStrict decodes YAML into v, rejecting duplicate and unknown fields. Field names
// are case-sensitive, as in the API server: yaml.UnmarshalStrict alone would accept minage
// for minAge, because encoding/json matches names case-insensitively.
func decodeStrict(data []byte, v any) error {
	if err := yaml.UnmarshalStrict(data, v); err != nil {
		return err
	}
	js, err := yaml.YAMLToJSONStrict(data)
	if err != nil {
		return err
	}
	strictErrs, err := kjson.UnmarshalStrict(js, v, kjson.DisallowUnknownFields, kjson.DisallowDuplicateFields)
	if err != nil {
		return err
	}
	return errors.Join(strictErrs...)
}

// decodeSample decodes the sample at path into the type of its kind and returns the kind.
func decodeSample(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading sample: %v", err)
	}
	var head struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
	}
	if err := yaml.Unmarshal(data, &head); err != nil {
		t.Fatalf("reading apiVersion and kind: %v", err)
	}
	if want := v1alpha1.GroupVersion.String(); head.APIVersion != want {
		t.Errorf("apiVersion = %q, want %q", head.APIVersion, want)
	}
	var obj any
	switch head.Kind {
	case v1alpha1.ImageRepositoryKind:
		obj = &v1alpha1.ImageRepository{}
	case v1alpha1.ImagePolicyKind:
		obj = &v1alpha1.ImagePolicy{}
	case v1alpha1.ImageUpdateAutomationKind:
		obj = &v1alpha1.ImageUpdateAutomation{}
	default:
		t.Fatalf("unknown kind %q", head.Kind)
	}
	if err := decodeStrict(data, obj); err != nil {
		t.Errorf("decoding %s strictly: %v", head.Kind, err)
	}
	return head.Kind
}

// kustomizationResources returns the resources listed in the samples kustomization.
func kustomizationResources(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(samplesDir, "kustomization.yaml"))
	if err != nil {
		t.Fatalf("reading samples kustomization: %v", err)
	}
	var k struct {
		Resources []string `json:"resources"`
	}
	if err := yaml.Unmarshal(data, &k); err != nil {
		t.Fatalf("decoding samples kustomization: %v", err)
	}
	return k.Resources
}
