package updater

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fuzzImages resolve the markers the fuzzer is most likely to keep from the seeds.
var fuzzImages = Images{
	"apps:app":    {Name: "ghcr.io/org/app", Tag: "2.0.1"},
	"apps:num":    {Name: "reg:5000/api", Tag: "1.10"},
	"apps:pinned": {Name: "ghcr.io/org/pinned", Tag: "v1.4.0", Digest: testDigest},
	"a:b":         {Name: "x", Tag: "true"},
}

var fuzzSeeds = []string{
	"image: app:1 # {\"$imagepolicy\": \"apps:app\"}\n",
	"- app:1 # {\"$imagepolicy\": \"apps:app\"}\n",
	"a:\n- b: '1' # {\"$imagepolicy\": \"apps:num:tag\"}\n  c: d\n",
	"---\nk: v\n---\nkind: K\nmetadata:\n  name: n\nx: \"y\" # {\"$imagepolicy\": \"a:b:tag\"}\r\n",
	"a: b\n  c: d # {\"$imagepolicy\": \"a:b\"}\n",
	"a: b # {\"$imagepolicy\": \"a:b\"}\n  - c\n",
	"a:\n  b: 1 # {\"$imagepolicy\": \"a:b:tag\"}\n c: 2\n",
	"metadata: x\nmetadata:\n  name: y\nv: 1 #{\"$imagepolicy\":\"apps:pinned\"}\n",
}

// FuzzFastPathMatchesFullParse checks that, whenever the line lexer accepts a file, it
// finds what the full YAML parse finds: the same bytes out, changes and problems.
func FuzzFastPathMatchesFullParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	_ = filepath.WalkDir("testdata", func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() && filepath.Base(filepath.Dir(filepath.Dir(p))) != "expected" {
			if data, err := os.ReadFile(p); err == nil && hasMarkerToken(data) {
				f.Add(data)
			}
		}
		return nil
	})
	f.Fuzz(func(t *testing.T, data []byte) {
		full := updateBytes(data, fuzzImages, parseFull)
		if _, ok := lexTargets(data); !ok {
			return
		}
		fast := updateBytes(data, fuzzImages, parseAuto)
		opts := cmp.AllowUnexported(fileUpdate{}, objectChange{})
		if diff := cmp.Diff(full, fast, opts); diff != "" {
			t.Errorf("fast path differs from full parse for %q (-full +fast):\n%s", data, diff)
		}
	})
}
