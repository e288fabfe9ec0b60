package updater

import (
	"bytes"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// skipProperties skips an anchor (&a) and a tag (!t) written before a scalar on its line.
func skipProperties(data []byte, off int) (int, bool) {
	for off < len(data) && (data[off] == '&' || data[off] == '!') {
		for off < len(data) && !isBlank(data[off]) && data[off] != '\n' {
			off++
		}
		for off < len(data) && isBlank(data[off]) {
			off++
		}
		if off >= len(data) || data[off] == '\n' || data[off] == '\r' {
			return 0, false
		}
	}
	return off, true
}

func isBlank(b byte) bool { return b == ' ' || b == '\t' }

// scanDouble returns the offset just past the double-quoted scalar starting at off, or -1.
func scanDouble(data []byte, off int) int {
	for i := off + 1; i < len(data); i++ {
		switch data[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return -1
}

// scanSingle returns the offset just past the single-quoted scalar starting at off, or -1.
func scanSingle(data []byte, off int) int {
	for i := off + 1; i < len(data); i++ {
		if data[i] != '\'' {
			continue
		}
		if i+1 < len(data) && data[i+1] == '\'' {
			i++
			continue
		}
		return i + 1
	}
	return -1
}

// scanPlain returns the offset just past the one-line plain scalar starting at off: it ends
// before a comment (" #"), a flow indicator in flow context, or the line end, without
// trailing blanks.
func scanPlain(data []byte, off int, flow bool) int {
	end := off
	for i := off; i < len(data); i++ {
		b := data[i]
		if b == '\n' || b == '\r' || (b == '#' && i > off && isBlank(data[i-1])) {
			break
		}
		if flow && (b == ',' || b == ']' || b == '}') {
			break
		}
		if b == ':' && (i+1 == len(data) || isBlank(data[i+1]) || data[i+1] == '\n' || data[i+1] == '\r' || data[i+1] == ',') {
			break
		}
		if !isBlank(b) {
			end = i + 1
		}
	}
	return end
}

// readsAs reports whether the scalar bytes raw, in style, read back as value.
func readsAs(raw []byte, style quoteStyle, value string) bool {
	switch style {
	case stylePlain:
		return string(raw) == value
	case styleSingle:
		if len(raw) < 2 || bytes.IndexByte(raw, '\n') >= 0 {
			return decodes(raw, value)
		}
		return strings.ReplaceAll(string(raw[1:len(raw)-1]), "''", "'") == value
	}
	if len(raw) < 2 || bytes.IndexByte(raw, '\\') >= 0 || bytes.IndexByte(raw, '\n') >= 0 {
		return decodes(raw, value)
	}
	return string(raw[1:len(raw)-1]) == value
}

// decodes reports whether raw, parsed as a YAML document, is the string value.
func decodes(raw []byte, value string) bool {
	var s string
	err := yaml.Unmarshal(raw, &s)
	return err == nil && s == value
}
