package updater

import (
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
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

// TestFastPathMatchesFullParseGenerated is a deterministic companion of the fuzz test: it
// builds many small files from manifest-like lines (indentation, keys, quoted and plain
// values, markers valid and not, comments, separators, CRLF) and compares the two paths on
// every file the lexer accepts.
func TestFastPathMatchesFullParseGenerated(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	accepted, changed := 0, 0
	n := 20000
	if testing.Short() {
		n = 2000
	}
	for range n {
		data := []byte(generatedFile(r))
		full := updateBytes(data, fuzzImages, parseFull)
		if _, ok := lexTargets(data); !ok {
			continue
		}
		accepted++
		fast := updateBytes(data, fuzzImages, parseAuto)
		if fast.out != nil {
			changed++
		}
		if diff := cmp.Diff(full, fast, cmp.AllowUnexported(fileUpdate{}, objectChange{})); diff != "" {
			t.Fatalf("fast path differs from full parse for\n%s\n(-full +fast):\n%s", data, diff)
		}
	}
	t.Logf("the lexer accepted %d of %d generated files, %d with changes", accepted, n, changed)
	if accepted < n/20 {
		t.Errorf("the lexer accepted only %d of %d generated files", accepted, n)
	}
}

var (
	genKeys   = []string{"apiVersion", "kind", "metadata", "name", "namespace", "image", "tag", "spec", "a.b/c-d", "x"}
	genValues = []string{"v1", "Deployment", "app:1.0", `"app:1.0"`, `'it''s'`, "1.9", "-1", `""`, "a#b",
		"ghcr.io/o/a:1", "true", "~", "a: b", "x #y", `"open`, "{a: b}", "[a]", "|", "&a x", "*a", "!!str x", "- x", "@x", "é"}
	genMarkers = []string{`# {"$imagepolicy": "apps:app"}`, `#{"$imagepolicy":"apps:num:tag"}`,
		`# {"$imagepolicy": "apps:pinned:digest"}`, `# {"$imagepolicy": "nope:x"}`, `# {"$imagepolicy": "bad"}`,
		`# {"$imagepolicy": 1}`, `# plain comment`, `# {"$imagepolicy": "a:b:tag", "n": "x"}`}
)

func generatedFile(r *rand.Rand) string {
	var b strings.Builder
	eol := "\n"
	if r.IntN(5) == 0 {
		eol = "\r\n"
	}
	levels := []int{0} // indentations open so far
	opened := false
	for range r.IntN(16) + 1 {
		ind := levels[r.IntN(len(levels))]
		if opened {
			ind = levels[len(levels)-1] + []int{2, 2, 4, 0, 1}[r.IntN(5)]
		}
		if r.IntN(20) == 0 {
			ind += 1 + r.IntN(3) // now and then a wrong indentation
		}
		levels = append(levels[:0:0], levels...)
		for len(levels) > 1 && levels[len(levels)-1] > ind {
			levels = levels[:len(levels)-1]
		}
		if levels[len(levels)-1] != ind {
			levels = append(levels, ind)
		}
		indent := strings.Repeat(" ", ind)
		key := genKeys[r.IntN(len(genKeys))]
		val := genValues[r.IntN(len(genValues))]
		if r.IntN(2) == 0 {
			val = genValues[r.IntN(10)] // mostly simple values
		}
		var line string
		opened = false
		switch r.IntN(10) {
		case 0, 1, 2:
			line = indent + key + ": " + val
		case 3, 4:
			line, opened = indent+key+":", true
		case 5:
			line = indent + "- " + val
		case 6:
			line = indent + "- " + key + ": " + val
			levels = append(levels, ind+2)
		case 7:
			line = indent + genMarkers[r.IntN(len(genMarkers))]
		case 8:
			line, levels = "---", []int{0}
		default:
			line = ""
		}
		if line != "" && line != "---" && r.IntN(2) == 0 {
			line += " " + genMarkers[r.IntN(len(genMarkers))]
		}
		b.WriteString(line + eol)
	}
	return b.String()
}
