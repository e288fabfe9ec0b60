package updater

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"text/template"

	"github.com/google/go-cmp/cmp"
)

const markedApp = "image: ghcr.io/org/app:1.0.0 # {\"$imagepolicy\": \"apps:app\"}\n"

func TestUpdateRefusesPathsOutsideTheCheckout(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	writeFile(t, filepath.Join(outside, "a.yaml"), markedApp)
	symlink(t, outside, filepath.Join(root, "escape"))
	for _, p := range []string{"..", "../x", "a/../../x", "/etc", outside} {
		if _, err := Update(t.Context(), root, p, testImages); !errors.Is(err, ErrUnsafePath) {
			t.Errorf("Update(path %q) error = %v, want ErrUnsafePath", p, err)
		}
	}
	if _, err := Update(t.Context(), root, "escape", testImages); err == nil {
		t.Errorf("Update(path through a symlink leaving the checkout) = nil error, want one")
	}
	if got, _ := os.ReadFile(filepath.Join(outside, "a.yaml")); string(got) != markedApp {
		t.Errorf("file outside the checkout changed to %q", got)
	}
}

func TestUpdateSubPathAndRelativeNames(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "clusters", "prod", "app.yaml"), markedApp)
	writeFile(t, filepath.Join(root, "clusters", "dev", "app.yaml"), markedApp)
	res, err := Update(t.Context(), root, "./clusters/prod/", testImages)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"clusters/prod/app.yaml"}, res.Files()); diff != "" {
		t.Errorf("Files() mismatch (-want +got):\n%s", diff)
	}
	if got, _ := os.ReadFile(filepath.Join(root, "clusters", "dev", "app.yaml")); string(got) != markedApp {
		t.Errorf("file outside the update path changed to %q", got)
	}
}

func TestUpdateKeepsModeAndLeavesNoTemporaryFiles(t *testing.T) {
	root := t.TempDir()
	name := filepath.Join(root, "app.yaml")
	writeFile(t, name, markedApp)
	if err := os.Chmod(name, 0o640); err != nil {
		t.Fatal(err)
	}
	if _, err := Update(t.Context(), root, ".", testImages); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(name)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o640 {
		t.Errorf("mode after update = %v, want 0640", fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(root)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries after update, want only app.yaml", len(entries))
	}
	if got, _ := os.ReadFile(name); !strings.Contains(string(got), "ghcr.io/org/app:2.0.1") {
		t.Errorf("content after update = %q", got)
	}
}

func TestUpdateDryRunWritesNothing(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "a", "app.yaml"), markedApp)
	var files []string
	res, err := Update(t.Context(), root, ".", testImages, WithDryRun(func(f string, old, new []byte) {
		files = append(files, f)
		if string(old) != markedApp || !strings.Contains(string(new), "2.0.1") {
			t.Errorf("dry run got old %q new %q", old, new)
		}
	}))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a/app.yaml"}, files); diff != "" {
		t.Errorf("dry-run files mismatch (-want +got):\n%s", diff)
	}
	if len(res.Changes()) != 1 {
		t.Errorf("Changes() = %v, want one", res.Changes())
	}
	if got, _ := os.ReadFile(filepath.Join(root, "a", "app.yaml")); string(got) != markedApp {
		t.Errorf("dry run wrote %q", got)
	}
}

func TestUpdateSkipsGitDirectory(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, ".git", "app.yaml"), markedApp)
	writeFile(t, filepath.Join(root, "sub", ".git", "app.yaml"), markedApp)
	res, err := Update(t.Context(), root, ".", testImages)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.FileChanges) != 0 {
		t.Errorf("FileChanges = %v, want none", res.FileChanges)
	}
}

func TestUpdateOptionsAndCancel(t *testing.T) {
	if _, err := Update(t.Context(), t.TempDir(), ".", nil, WithWorkers(0)); err == nil {
		t.Error("WithWorkers(0) accepted")
	}
	if _, err := Update(t.Context(), t.TempDir(), ".", nil, WithDryRun(nil)); err == nil {
		t.Error("WithDryRun(nil) accepted")
	}
	if _, err := Update(t.Context(), filepath.Join(t.TempDir(), "missing"), ".", nil); err == nil {
		t.Error("missing root accepted")
	}
	ctx, cancel := contextWithCancel(t)
	cancel()
	if _, err := Update(ctx, t.TempDir(), ".", nil); err == nil {
		t.Error("cancelled context gave no error")
	}
}

func TestResultAccessors(t *testing.T) {
	dep := ObjectIdentifier{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "apps", Name: "web"}
	job := ObjectIdentifier{APIVersion: "batch/v1", Kind: "Job", Name: "migrate"}
	c1 := Change{OldValue: "a:1", NewValue: "a:2", Setter: "apps:a"}
	c2 := Change{OldValue: "1", NewValue: "2", Setter: "apps:a:tag"}
	var r Result
	r.add("z.yaml", dep, c2)
	r.add("a.yaml", job, c1)
	r.add("a.yaml", dep, c1)
	if diff := cmp.Diff([]string{"a.yaml", "z.yaml"}, r.Files()); diff != "" {
		t.Errorf("Files() mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]Change{c1, c2}, r.Changes()); diff != "" {
		t.Errorf("Changes() mismatch (-want +got):\n%s", diff)
	}
	want := ObjectChanges{dep: {c1, c2}, job: {c1}}
	if diff := cmp.Diff(want, r.Objects()); diff != "" {
		t.Errorf("Objects() mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]ObjectIdentifier{dep, job}, r.Objects().IDs()); diff != "" {
		t.Errorf("IDs() mismatch (-want +got):\n%s", diff)
	}
}

func TestParseSetter(t *testing.T) {
	for in, want := range map[string]Setter{
		"ns:p":        {Policy: "ns:p"},
		"ns:p:tag":    {Policy: "ns:p", Field: FieldTag},
		"ns:p:name":   {Policy: "ns:p", Field: FieldName},
		"ns:p:digest": {Policy: "ns:p", Field: FieldDigest},
	} {
		got, err := ParseSetter(in)
		if err != nil || got != want || got.String() != in {
			t.Errorf("ParseSetter(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "p", "ns:", ":p", "ns:p:sha", "ns:p:tag:x", "ns: p"} {
		if _, err := ParseSetter(in); err == nil {
			t.Errorf("ParseSetter(%q) accepted", in)
		}
	}
}

func TestRender(t *testing.T) {
	for _, tc := range []struct {
		v     string
		style quoteStyle
		flow  bool
		want  string
	}{
		{"1.2.3", stylePlain, false, "1.2.3"},
		{"ghcr.io/org/app:1.2.3@sha256:abc", stylePlain, false, "ghcr.io/org/app:1.2.3@sha256:abc"},
		{"v1", stylePlain, false, "v1"},
		{"1.10", stylePlain, false, `"1.10"`},
		{"012", stylePlain, false, `"012"`},
		{"true", stylePlain, false, `"true"`},
		{"yes", stylePlain, false, `"yes"`},
		{"null", stylePlain, false, `"null"`},
		{"~", stylePlain, false, `"~"`},
		{"", stylePlain, false, `""`},
		{"1e3", stylePlain, false, `"1e3"`},
		{"1:20", stylePlain, false, `"1:20"`},
		{"2001-12-14", stylePlain, false, `"2001-12-14"`},
		{"a: b", stylePlain, false, `"a: b"`},
		{"a #b", stylePlain, false, `"a #b"`},
		{"a#b", stylePlain, false, "a#b"},
		{"-x", stylePlain, false, "-x"},
		{"- x", stylePlain, false, `"- x"`},
		{"*x", stylePlain, false, `"*x"`},
		{"a,b", stylePlain, false, "a,b"},
		{"a,b", stylePlain, true, `"a,b"`},
		{" x", stylePlain, false, `" x"`},
		{`a"b\c`, styleDouble, false, `"a\"b\\c"`},
		{"it's", styleSingle, false, `'it''s'`},
		{"tab\there", styleSingle, false, `"tab\there"`},
		{"1.10", styleSingle, false, `'1.10'`},
	} {
		if got := render(tc.v, tc.style, tc.flow); got != tc.want {
			t.Errorf("render(%q, %v, flow %v) = %s, want %s", tc.v, tc.style, tc.flow, got, tc.want)
		}
	}
}

// TestFastPathAcceptsCommonFiles makes sure the golden files of the common shapes go
// through the lexer, and the unusual ones do not.
func TestFastPathAcceptsCommonFiles(t *testing.T) {
	for name, want := range map[string]bool{
		"indentation/original/two-space.yaml":          true,
		"indentation/original/four-space.yaml":         true,
		"indentation/original/compact.yml":             true,
		"crlf/original/deploy.yaml":                    true,
		"quoting/original/values.yaml":                 true,
		"kustomization/original/overlay/Kustomization": true,
		"cronjob/original/cronjob.yaml":                false, // a flow sequence of args
		"multidoc/original/all.yaml":                   true,
		"flow-block/original/config.yaml":              false,
		"anchors/original/values.yaml":                 false,
		"head-comment/original/deploy.yaml":            false,
		"layout/original/non-ascii-key.yaml":           false,
	} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if _, got := lexTargets(data); got != want {
			t.Errorf("lexTargets(%s) accepted = %v, want %v", name, got, want)
		}
	}
}

func contextWithCancel(t *testing.T) (context.Context, context.CancelFunc) {
	return context.WithCancel(t.Context())
}

// TestResultFeedsFluxTemplate renders a Flux commit-message template over a Result.
func TestResultFeedsFluxTemplate(t *testing.T) {
	const msg = `Files:
{{range $f, $_ := .Changed.FileChanges}}- {{$f}}
{{end}}Objects:
{{range $id, $_ := .Changed.Objects}}- {{$id.Kind}} {{$id.Name}}
{{end}}Images:
{{range .Changed.Changes}}- {{.NewValue}} ({{.Setter}})
{{end}}`
	var r Result
	r.add("b.yaml", ObjectIdentifier{Kind: "Job", Name: "b"}, Change{OldValue: "x:1", NewValue: "x:2", Setter: "ns:x"})
	r.add("a.yaml", ObjectIdentifier{Kind: "Deployment", Name: "a"}, Change{OldValue: "1", NewValue: "2", Setter: "ns:x:tag"})
	var b strings.Builder
	if err := template.Must(template.New("m").Parse(msg)).Execute(&b, map[string]any{"Changed": &r}); err != nil {
		t.Fatal(err)
	}
	want := "Files:\n- a.yaml\n- b.yaml\nObjects:\n- Deployment a\n- Job b\nImages:\n- 2 (ns:x:tag)\n- x:2 (ns:x)\n"
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("template output mismatch (-want +got):\n%s", diff)
	}
}
