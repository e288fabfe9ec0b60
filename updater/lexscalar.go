package updater

import (
	"bytes"
	"strings"
)

// The tokens of the fast path: simple keys and one-line scalars with their comments.

// lineAt returns the rest of the line from p.
func lineAt(d []byte, p int) []byte {
	if i := bytes.IndexByte(d[p:], '\n'); i >= 0 {
		return d[p : p+i]
	}
	return d[p:]
}

// keyAt reads a simple key ("name", "app.kubernetes.io/name") followed by ':' and a space or
// the line end. It returns the key and the offset after the ':', or nil if there is none.
func keyAt(d []byte, off int) ([]byte, int) {
	p := off
	for p < len(d) && p-off < 1000 && keyByte(d[p], p == off) {
		p++
	}
	if p == off || p >= len(d) || d[p] != ':' {
		return nil, 0
	}
	if p+1 < len(d) && d[p+1] != ' ' && d[p+1] != '\n' && d[p+1] != '\r' {
		return nil, 0
	}
	return d[off:p], p + 1
}

func keyByte(b byte, first bool) bool {
	switch {
	case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z', b >= '0' && b <= '9', b == '_', b == '.', b == '/':
		return true
	}
	return !first && b == '-'
}

// lexed is a scalar read by lexScalar.
type lexed struct {
	raw     []byte // between the quotes, if any
	end     int
	style   quoteStyle
	comment []byte
}

// value returns the string the scalar holds.
func (v lexed) value() string {
	if v.style == styleSingle {
		return strings.ReplaceAll(string(v.raw), "''", "'")
	}
	return string(v.raw)
}

// lexScalar reads a one-line scalar at p and the comment after it.
func lexScalar(d []byte, p int) (lexed, bool) {
	line := lineAt(d, p)
	line = bytes.TrimSuffix(line, []byte("\r"))
	var v lexed
	var n int
	switch line[0] {
	case '"':
		i := bytes.IndexByte(line[1:], '"')
		if i < 0 || bytes.IndexByte(line[:i+1], '\\') >= 0 {
			return v, false
		}
		n, v.raw, v.style = i+2, line[1:i+1], styleDouble
	case '\'':
		i := closingSingle(line)
		if i < 0 {
			return v, false
		}
		n, v.raw, v.style = i+1, line[1:i], styleSingle
	default:
		if !plainStart(line) {
			return v, false
		}
		n = plainLen(line)
		if n < 0 {
			return v, false
		}
		v.raw = line[:n]
	}
	v.end = p + n
	tail := line[n:]
	c := bytes.TrimLeft(tail, " ")
	switch {
	case len(c) == 0:
	case c[0] == '#' && len(c) < len(tail):
		v.comment = c
	default:
		return v, false
	}
	return v, true
}

func closingSingle(line []byte) int {
	for i := 1; i < len(line); i++ {
		if line[i] != '\'' {
			continue
		}
		if i+1 < len(line) && line[i+1] == '\'' {
			i++
			continue
		}
		return i
	}
	return -1
}

// plainStart reports whether a plain scalar may start the line: not with an indicator.
func plainStart(line []byte) bool {
	if strings.IndexByte("?:,[]{}#&*!|>'\"%@`", line[0]) >= 0 {
		return false
	}
	return line[0] != '-' || (len(line) > 1 && line[1] != ' ')
}

// plainLen returns the length of the plain scalar at the start of line, without trailing
// spaces, or -1 if it holds ": " or ends with ':'.
func plainLen(line []byte) int {
	n := len(line)
	if i := bytes.Index(line, []byte(" #")); i >= 0 {
		n = i
	}
	s := bytes.TrimRight(line[:n], " ")
	if bytes.Contains(s, []byte(": ")) || bytes.HasSuffix(s, []byte(":")) {
		return -1
	}
	return len(s)
}
