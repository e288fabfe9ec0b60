package updater

import (
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tagflow/tagflow/internal/testenv"
)

var update = flag.Bool("update", false, "regenerate the golden files under testdata")

const testDigest = "sha256:6745aaad46d795c9836632e1fb62f24b7e7f4c843144da8e47a5465c411a14be"

// testImages are the policies every golden case runs with.
var testImages = Images{
	"apps:app":         {Name: "ghcr.io/org/app", Tag: "2.0.1"},
	"apps:pinned":      {Name: "ghcr.io/org/pinned", Tag: "v1.4.0", Digest: testDigest},
	"apps:num":         {Name: "registry.example.com:5000/team/api", Tag: "1.10"},
	"apps:unchanged":   {Name: "ghcr.io/org/same", Tag: "1.0.0"},
	"flux:policy":      {Name: "index.repo.fake/updated", Tag: "v1.0.1"},
	"flux:with-digest": {Name: "index.repo.fake/image", Tag: "v1.0.0", Digest: testDigest},
}

// goldenSetup prepares what Git fixtures cannot hold, in the copy of the original tree.
var goldenSetup = map[string]func(t *testing.T, dir string){
	"symlink": func(t *testing.T, dir string) {
		symlink(t, "/etc/tagflow-test/secret.yaml", filepath.Join(dir, "abs-link.yaml"))
		symlink(t, "../../outside.yaml", filepath.Join(dir, "apps", "up-link.yaml"))
		symlink(t, "../deploy.yaml", filepath.Join(dir, "apps", "in-link.yaml"))
		symlink(t, "/etc", filepath.Join(dir, "outside-dir"))
		symlink(t, "apps", filepath.Join(dir, "inside-dir"))
	},
	"skip": func(t *testing.T, dir string) {
		writeFile(t, filepath.Join(dir, ".git", "marked.yaml"), "image: x:1 # {\"$imagepolicy\": \"apps:app\"}\n")
	},
}

// TestGolden runs every testdata/<case>/original tree through both parsers and compares the
// whole tree with testdata/<case>/expected, and the changes and problems with
// testdata/<case>/result.txt.
func TestGolden(t *testing.T) {
	cases, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		if !c.IsDir() {
			continue
		}
		t.Run(c.Name(), func(t *testing.T) {
			caseDir := filepath.Join("testdata", c.Name())
			auto := runGolden(t, c.Name(), parseAuto)
			full := runGolden(t, c.Name(), parseFull)
			if diff := cmp.Diff(full.report, auto.report); diff != "" {
				t.Errorf("fast path result differs from full parse (-full +auto):\n%s", diff)
			}
			if diff := cmp.Diff(full.tree, auto.tree); diff != "" {
				t.Errorf("fast path tree differs from full parse (-full +auto):\n%s", diff)
			}
			if *update {
				regenerate(t, caseDir, auto.dir, auto.report)
			}
			if diff := cmp.Diff(testenv.ReadTree(t, filepath.Join(caseDir, "expected")), auto.tree); diff != "" {
				t.Errorf("tree mismatch (-want +got):\n%s", diff)
			}
			want, _ := os.ReadFile(filepath.Join(caseDir, "result.txt"))
			if diff := cmp.Diff(string(want), auto.report); diff != "" {
				t.Errorf("result mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

type goldenRun struct {
	dir    string
	tree   map[string]string
	report string
}

func runGolden(t *testing.T, name string, p parser) goldenRun {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("testdata", name, "original"))); err != nil {
		t.Fatal(err)
	}
	if setup := goldenSetup[name]; setup != nil {
		setup(t, dir)
	}
	res, err := Update(t.Context(), dir, ".", testImages, withParser(p), WithWorkers(2))
	if err != nil {
		t.Fatalf("Update() error = %v", err)
	}
	return goldenRun{dir: dir, tree: testenv.ReadTree(t, dir), report: formatResult(res)}
}

// formatResult prints a Result one line per change or problem, in a deterministic order.
func formatResult(r *Result) string {
	var b strings.Builder
	for _, f := range r.Files() {
		oc := r.FileChanges[f]
		for _, id := range oc.IDs() {
			for _, c := range oc[id] {
				fmt.Fprintf(&b, "change %s [%s|%s|%s|%s] %s: %q -> %q\n", f, id.APIVersion, id.Kind,
					id.Namespace, id.Name, c.Setter, c.OldValue, c.NewValue)
			}
		}
	}
	for _, p := range r.Problems {
		fmt.Fprintf(&b, "problem %s %s\n", p.Kind, p)
	}
	return b.String()
}

func regenerate(t *testing.T, caseDir, got, report string) {
	t.Helper()
	exp := filepath.Join(caseDir, "expected")
	if err := os.RemoveAll(exp); err != nil {
		t.Fatal(err)
	}
	tree := testenv.ReadTree(t, got)
	for _, name := range slices.Sorted(maps.Keys(tree)) {
		writeFile(t, filepath.Join(exp, filepath.FromSlash(name)), tree[name])
	}
	writeFile(t, filepath.Join(caseDir, "result.txt"), report)
}

func writeFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, target, name string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, name); err != nil {
		t.Fatal(err)
	}
}
