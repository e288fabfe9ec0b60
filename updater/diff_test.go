package updater

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestWriteUnifiedDiff(t *testing.T) {
	var b bytes.Buffer
	old := "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n"
	new := "a\nB\nc\nd\ne\nf\ng\nh\ni\nj\nk"
	if err := WriteUnifiedDiff(&b, "dir/f.yaml", []byte(old), []byte(new)); err != nil {
		t.Fatal(err)
	}
	want := `diff --git a/dir/f.yaml b/dir/f.yaml
--- a/dir/f.yaml
+++ b/dir/f.yaml
@@ -1,5 +1,5 @@
 a
-b
+B
 c
 d
 e
@@ -8,3 +8,4 @@
 h
 i
 j
+k
\ No newline at end of file
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("WriteUnifiedDiff() mismatch (-want +got):\n%s", diff)
	}
	b.Reset()
	if err := WriteUnifiedDiff(&b, "same", []byte(old), []byte(old)); err != nil || b.Len() != 0 {
		t.Errorf("WriteUnifiedDiff(equal) = %q, %v; want nothing", b.String(), err)
	}
}

func TestQuotePath(t *testing.T) {
	for in, want := range map[string]string{
		"a/b.yaml":     "a/b.yaml",
		"a/my app.yml": "a/my app.yml",
		"a/größe.yaml": `"a/gr\303\266\303\237e.yaml"`,
		`a/q"\.yaml`:   `"a/q\"\\.yaml"`,
		"a/tab\t.yaml": `"a/tab\t.yaml"`,
	} {
		if got := quotePath(in); got != want {
			t.Errorf("quotePath(%q) = %s, want %s", in, got, want)
		}
	}
}

// diffPair is an old and a new file content for the git apply test.
type diffPair struct{ name, old, new string }

// TestWriteUnifiedDiffGitApply checks with the real git that the patches apply and give the
// new content byte for byte: CRLF, missing final newlines, empty files, odd names and random
// line edits.
func TestWriteUnifiedDiffGitApply(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	pairs := []diffPair{
		{"crlf.yaml", "a: 1\r\nb: 2\r\nc: 3\r\n", "a: 1\r\nb: \"3\"\r\nc: 3\r\n"},
		{"no-eol.yaml", "a: 1\nb: 2", "a: 1\nb: 3"},
		{"add-eol.yaml", "a: 1", "a: 1\n"},
		{"drop-eol.yaml", "a: 1\n", "a: 1"},
		{"from-empty.yaml", "", "a: 1\n"},
		{"to-empty.yaml", "a: 1\nb: 2\n", ""},
		{"my app/with space.yaml", "x\ny\n", "x\nz\n"},
		{"ünïcödé.yaml", "x\n", "y\n"},
		{"mixed.yaml", "a\r\nb\nc\r\n", "a\r\nB\nc\r\n"},
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 40 {
		old := randomLines(r, r.IntN(30))
		pairs = append(pairs, diffPair{fmt.Sprintf("random/%02d.yaml", i), old, mutateLines(r, old)})
	}
	dir := t.TempDir()
	git(t, dir, "init", "-q")
	var patch bytes.Buffer
	for _, p := range pairs {
		writeFile(t, filepath.Join(dir, p.name), p.old)
		if err := WriteUnifiedDiff(&patch, p.name, []byte(p.old), []byte(p.new)); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, filepath.Join(dir, "..", "change.patch"), patch.String())
	git(t, dir, "apply", "--whitespace=nowarn", filepath.Join(dir, "..", "change.patch"))
	for _, p := range pairs {
		got, err := os.ReadFile(filepath.Join(dir, p.name))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != p.new {
			t.Errorf("after git apply, %s = %q, want %q", p.name, got, p.new)
		}
	}
}

func git(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func randomLines(r *rand.Rand, n int) string {
	var b strings.Builder
	for range n {
		fmt.Fprintf(&b, "line %d\n", r.IntN(8))
	}
	return b.String()
}

func mutateLines(r *rand.Rand, s string) string {
	lines := splitLines([]byte(s))
	for range r.IntN(6) + 1 {
		i := r.IntN(len(lines) + 1)
		switch r.IntN(3) {
		case 0:
			lines = append(lines[:i], append([]string{fmt.Sprintf("new %d\r\n", r.IntN(5))}, lines[i:]...)...)
		case 1:
			if i < len(lines) {
				lines = append(lines[:i], lines[i+1:]...)
			}
		default:
			if i < len(lines) {
				lines[i] = "changed\n"
			}
		}
	}
	if r.IntN(4) == 0 && len(lines) > 0 {
		lines[len(lines)-1] = strings.TrimSuffix(lines[len(lines)-1], "\n")
	}
	return strings.Join(lines, "")
}
