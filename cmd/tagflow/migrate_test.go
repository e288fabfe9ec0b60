package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMigrateYAML(t *testing.T) {
	tests := []struct {
		name         string
		in           string
		want         string
		wantFindings []string
	}{{
		name: "v1 objects keep every other byte",
		in: "---\n# repo\napiVersion: image.toolkit.fluxcd.io/v1   # flux\nkind: ImageRepository\nmetadata:\n  name: app\nspec:\n  image: ghcr.io/org/app\n  interval: 5m\n" +
			"---\napiVersion: \"image.toolkit.fluxcd.io/v1\"\r\nkind: ImagePolicy\r\nmetadata: {name: app, namespace: apps}\r\nspec:\r\n  imageRepositoryRef: {name: app}\r\n  policy:\r\n    semver: {range: '>=1.0.0'}\r\n",
		want: "---\n# repo\napiVersion: image.tagflow.dev/v1alpha1   # flux\nkind: ImageRepository\nmetadata:\n  name: app\nspec:\n  image: ghcr.io/org/app\n  interval: 5m\n" +
			"---\napiVersion: \"image.tagflow.dev/v1alpha1\"\r\nkind: ImagePolicy\r\nmetadata: {name: app, namespace: apps}\r\nspec:\r\n  imageRepositoryRef: {name: app}\r\n  policy:\r\n    semver: {range: '>=1.0.0'}\r\n",
	}, {
		name: "other kinds and groups are left alone",
		in:   "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: repo\n",
		want: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: repo\n",
	}, {
		name: "v1beta2 automation",
		in:   "apiVersion: image.toolkit.fluxcd.io/v1beta2\nkind: ImageUpdateAutomation\nmetadata:\n  name: auto\nspec:\n  sourceRef: {kind: GitRepository, name: repo}\n  update: {path: ./, strategy: Setters}\n",
		want: "apiVersion: image.tagflow.dev/v1alpha1\nkind: ImageUpdateAutomation\nmetadata:\n  name: auto\nspec:\n  sourceRef: {kind: GitRepository, name: repo}\n  update: {path: ./, strategy: Setters}\n",
	}, {
		name: "v1alpha1 is reported and not rewritten",
		in:   "apiVersion: image.toolkit.fluxcd.io/v1alpha1\nkind: ImageUpdateAutomation\nmetadata:\n  name: old\nspec:\n  checkout:\n    gitRepositoryRef: {name: repo}\n",
		want: "apiVersion: image.toolkit.fluxcd.io/v1alpha1\nkind: ImageUpdateAutomation\nmetadata:\n  name: old\nspec:\n  checkout:\n    gitRepositoryRef: {name: repo}\n",
		wantFindings: []string{
			"document 1 (ImageUpdateAutomation default/old): apiVersion: image.toolkit.fluxcd.io/v1alpha1 (v1alpha1) has a different shape; upgrade it to image.toolkit.fluxcd.io/v1 with Flux first",
		},
	}, {
		name: "unsupported values and unknown fields are reported, the rest migrated",
		in:   "apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImageRepository\nmetadata:\n  name: acr\n  namespace: apps\nspec:\n  image: x.azurecr.io/app\n  provider: azure\n  serviceAccountName: puller\n  accessFrom:\n    namespaceSelectors:\n    - matchLabels: {a: b}\n      matchExpressions: []\n  cache: true\n",
		want: "apiVersion: image.tagflow.dev/v1alpha1\nkind: ImageRepository\nmetadata:\n  name: acr\n  namespace: apps\nspec:\n  image: x.azurecr.io/app\n  provider: azure\n  serviceAccountName: puller\n  accessFrom:\n    namespaceSelectors:\n    - matchLabels: {a: b}\n      matchExpressions: []\n  cache: true\n",
		wantFindings: []string{
			"document 1 (ImageRepository apps/acr): spec.accessFrom.namespaceSelectors[0].matchExpressions: unknown field, tagflow has no equivalent",
			"document 1 (ImageRepository apps/acr): spec.cache: unknown field, tagflow has no equivalent",
			"document 1 (ImageRepository apps/acr): spec.provider: azure registry login is not supported; use a dockerconfigjson secretRef",
			"document 1 (ImageRepository apps/acr): spec.serviceAccountName: service account image pull secrets are not read; use secretRef",
		},
	}, {
		name: "empty documents and comments only",
		in:   "# nothing\n---\n---\n",
		want: "# nothing\n---\n---\n",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := migrateYAML([]byte(tt.in))
			if err != nil {
				t.Fatalf("migrateYAML: %v", err)
			}
			if diff := cmp.Diff(tt.want, string(got.data)); diff != "" {
				t.Errorf("migrateYAML() output mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantFindings, got.findings); diff != "" {
				t.Errorf("migrateYAML() findings mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMigrateInPlace(t *testing.T) {
	dir := t.TempDir()
	ok := filepath.Join(dir, "ok.yaml")
	bad := filepath.Join(dir, "sub", "bad.yml")
	writeTestFile(t, ok, "apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImagePolicy\nmetadata:\n  name: p\n")
	writeTestFile(t, bad, "apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImageRepository\nmetadata:\n  name: r\nspec:\n  provider: aws\n")
	writeTestFile(t, filepath.Join(dir, "notes.txt"), "apiVersion: image.toolkit.fluxcd.io/v1\n")

	var out, report bytes.Buffer
	err := migrate(t.Context(), &out, migrateOptions{paths: []string{dir}, inPlace: true, report: &report})
	if code := exitCode(err); code != 1 {
		t.Errorf("migrate exit code = %d, want 1 (a finding); err %v", code, err)
	}
	if got, want := out.String(), "migrated 2 objects in 2 files\n"; got != want {
		t.Errorf("migrate printed %q, want %q", got, want)
	}
	if !strings.Contains(report.String(), bad+": document 1 (ImageRepository default/r): spec.provider: aws") {
		t.Errorf("report does not name the file, document and field:\n%s", report.String())
	}
	for _, f := range []string{ok, bad} {
		if data := readTestFile(t, f); !strings.HasPrefix(data, "apiVersion: image.tagflow.dev/v1alpha1\n") {
			t.Errorf("%s was not rewritten:\n%s", f, data)
		}
	}
	if data := readTestFile(t, filepath.Join(dir, "notes.txt")); !strings.Contains(data, "fluxcd") {
		t.Errorf("a non-YAML file in a directory was rewritten")
	}
}

func TestMigrateToStdout(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.yaml"), filepath.Join(dir, "b.yaml")
	writeTestFile(t, a, "apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImagePolicy\nmetadata:\n  name: p\n")
	writeTestFile(t, b, "apiVersion: image.toolkit.fluxcd.io/v1beta2\nkind: ImagePolicy\nmetadata:\n  name: q\n")
	var out, report bytes.Buffer
	if err := migrate(t.Context(), &out, migrateOptions{paths: []string{a, b}, report: &report}); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	want := "apiVersion: image.tagflow.dev/v1alpha1\nkind: ImagePolicy\nmetadata:\n  name: p\n---\napiVersion: image.tagflow.dev/v1alpha1\nkind: ImagePolicy\nmetadata:\n  name: q\n"
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("stdout mismatch (-want +got):\n%s", diff)
	}
	if got := readTestFile(t, a); !strings.Contains(got, "fluxcd") {
		t.Errorf("migrate without --in-place changed %s", a)
	}
}

func writeTestFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readTestFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
