package fence

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/tagflow/tagflow"

// rule forbids a set of import path prefixes in the transitive dependencies of a package.
type rule struct {
	pkg       string
	forbidden []string
}

var runtimeFree = []string{"sigs.k8s.io/controller-runtime", "k8s.io/client-go"}

var rules = []rule{
	{pkg: "./policy/...", forbidden: []string{"k8s.io/", "sigs.k8s.io/controller-runtime"}},
	{pkg: "./scanner/...", forbidden: []string{"k8s.io/", "sigs.k8s.io/controller-runtime"}},
	{pkg: "./updater/...", forbidden: runtimeFree},
	{pkg: "./api/...", forbidden: runtimeFree},
	{pkg: "./cmd/tagflow", forbidden: runtimeFree},
}

type listedPackage struct {
	ImportPath string
	Deps       []string
	Imports    []string
}

func TestDependencyFence(t *testing.T) {
	for _, r := range rules {
		t.Run(strings.Trim(r.pkg, "./"), func(t *testing.T) {
			pkgs := goList(t, r.pkg)
			if len(pkgs) == 0 {
				t.Fatalf("go list %s found no packages", r.pkg)
			}
			for _, p := range pkgs {
				for _, dep := range p.Deps {
					if prefix, bad := forbiddenBy(dep, r.forbidden); bad {
						t.Errorf("%s depends on %s (forbidden prefix %q): %s", p.ImportPath, dep, prefix, why(t, p.ImportPath, dep))
					}
				}
			}
		})
	}
}

// TestFenceCatchesViolations proves the check itself can fail: the controller package is
// allowed to import controller-runtime and the rule would flag it.
func TestFenceCatchesViolations(t *testing.T) {
	pkgs := goList(t, "sigs.k8s.io/controller-runtime/pkg/client")
	found := false
	for _, p := range pkgs {
		for _, dep := range p.Deps {
			if _, bad := forbiddenBy(dep, runtimeFree); bad {
				found = true
			}
		}
	}
	if !found {
		t.Fatal("the fence found no client-go dependency in controller-runtime's client: the check is broken")
	}
}

func forbiddenBy(dep string, prefixes []string) (string, bool) {
	for _, p := range prefixes {
		if dep == strings.TrimSuffix(p, "/") || strings.HasPrefix(dep, p) {
			return p, true
		}
	}
	return "", false
}

func goList(t *testing.T, pattern string) []listedPackage {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "go", "list", "-json=ImportPath,Deps,Imports", pattern)
	cmd.Dir = repoRoot(t)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %s: %v\n%s", pattern, err, stderr.String())
	}
	var pkgs []listedPackage
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p listedPackage
		if err := dec.Decode(&p); err != nil {
			t.Fatalf("decoding go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// why names the direct import of pkg through which dep arrives, to make a failure actionable.
func why(t *testing.T, pkg, dep string) string {
	t.Helper()
	for _, p := range goList(t, pkg) {
		for _, imp := range p.Imports {
			if imp == dep {
				return "imported directly"
			}
			for _, sub := range goList(t, imp) {
				for _, d := range sub.Deps {
					if d == dep {
						return "through " + imp
					}
				}
			}
		}
	}
	return "through an indirect import"
}

func repoRoot(t *testing.T) string {
	t.Helper()
	out, err := exec.CommandContext(t.Context(), "go", "list", "-m", "-f", "{{.Dir}}", module).Output()
	if err != nil {
		t.Fatalf("locating the module root: %v", err)
	}
	return strings.TrimSpace(string(out))
}
