package updater

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
)

// diffContext is the number of unchanged lines around each hunk, as in git diff.
const diffContext = 3

// WriteUnifiedDiff writes the change of the file at path (a slash path relative to the
// repository root) from old to new as a git-style unified diff ("diff --git a/path b/path")
// that `git apply` reproduces byte for byte, line ends included. It writes nothing when old
// and new are equal.
func WriteUnifiedDiff(w io.Writer, path string, old, new []byte) error {
	if bytes.Equal(old, new) {
		return nil
	}
	a, b := splitLines(old), splitLines(new)
	ops := diffLines(a, b)
	bw := bufio.NewWriter(w)
	writeDiffHeader(bw, path)
	for _, h := range hunks(ops) {
		writeHunk(bw, a, b, ops[h[0]:h[1]])
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing diff of %s: %w", path, err)
	}
	return nil
}

// splitLines splits data after each '\n'; a last line without one is kept as it is.
func splitLines(data []byte) []string {
	var lines []string
	for line := range strings.Lines(string(data)) {
		lines = append(lines, line)
	}
	return lines
}

func writeDiffHeader(w *bufio.Writer, path string) {
	a, b := quotePath("a/"+path), quotePath("b/"+path)
	tab := ""
	if strings.Contains(path, " ") {
		tab = "\t" // git marks the end of a name with spaces this way
	}
	fmt.Fprintf(w, "diff --git %s %s\n--- %s%s\n+++ %s%s\n", a, b, a, tab, b, tab)
}

// quotePath quotes a path the way git does (core.quotePath): names with a double quote, a
// backslash, a control character or a non-ASCII byte are written as C strings.
func quotePath(p string) string {
	needs := false
	for i := 0; i < len(p); i++ {
		if c := p[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			needs = true
			break
		}
	}
	if !needs {
		return p
	}
	var sb strings.Builder
	sb.WriteByte('"')
	for i := 0; i < len(p); i++ {
		switch c := p[i]; c {
		case '"', '\\':
			sb.WriteByte('\\')
			sb.WriteByte(c)
		case '\a', '\b', '\t', '\n', '\v', '\f', '\r':
			sb.WriteByte('\\')
			sb.WriteByte("abtnvfr"[strings.IndexByte("\a\b\t\n\v\f\r", c)])
		default:
			if c < 0x20 || c >= 0x7f {
				fmt.Fprintf(&sb, "\\%03o", c)
			} else {
				sb.WriteByte(c)
			}
		}
	}
	sb.WriteByte('"')
	return sb.String()
}

// hunks groups ops into hunks, each a range [start, end) of ops with at most diffContext
// unchanged lines before the first and after the last change.
func hunks(ops []diffOp) [][2]int {
	var out [][2]int
	for i := 0; i < len(ops); i++ {
		if ops[i].kind == ' ' {
			continue
		}
		start := max(i-diffContext, 0)
		end := min(i+1+diffContext, len(ops))
		if n := len(out); n > 0 && start <= out[n-1][1] {
			out[n-1][1] = end
		} else {
			out = append(out, [2]int{start, end})
		}
	}
	return out
}

func writeHunk(w *bufio.Writer, a, b []string, ops []diffOp) {
	var oldLen, newLen int
	for _, op := range ops {
		if op.kind != '+' {
			oldLen++
		}
		if op.kind != '-' {
			newLen++
		}
	}
	fmt.Fprintf(w, "@@ -%s +%s @@\n", hunkRange(ops[0].a, oldLen), hunkRange(ops[0].b, newLen))
	for _, op := range ops {
		var line string
		if op.kind == '+' {
			line = b[op.b]
		} else {
			line = a[op.a]
		}
		// A bufio.Writer keeps its first error; WriteUnifiedDiff checks it at Flush.
		_ = w.WriteByte(op.kind)
		_, _ = w.WriteString(line)
		if !strings.HasSuffix(line, "\n") {
			_, _ = w.WriteString("\n\\ No newline at end of file\n")
		}
	}
}

// hunkRange formats the start and length of one side of a hunk as git does: a range of one
// line has no length, an empty range starts at the line before it.
func hunkRange(start, n int) string {
	switch n {
	case 0:
		return fmt.Sprintf("%d,0", start)
	case 1:
		return fmt.Sprintf("%d", start+1)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}
