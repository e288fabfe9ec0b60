package updater

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
)

// quoteStyle is how a scalar is written in the file.
type quoteStyle uint8

const (
	stylePlain quoteStyle = iota
	styleDouble
	styleSingle
)

// render writes v in the style of the scalar it replaces. A plain scalar stays plain only if
// v would read back as the same string; otherwise it gets double quotes, as Flux does.
func render(v string, style quoteStyle, flow bool) string {
	switch {
	case style == styleSingle && singleQuotable(v):
		return "'" + strings.ReplaceAll(v, "'", "''") + "'"
	case style == stylePlain && plainSafe(v, flow):
		return v
	}
	return quoteDouble(v)
}

// quoteDouble returns v as a double-quoted YAML scalar.
func quoteDouble(v string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range v {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == utf8.RuneError || !printable(r):
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// singleQuotable reports whether v can be written between single quotes on one line.
func singleQuotable(v string) bool {
	for _, r := range v {
		if r == '\t' || r == utf8.RuneError || !printable(r) {
			return false
		}
	}
	return true
}

// printable reports whether YAML allows r unescaped (tab and line breaks excluded).
func printable(r rune) bool {
	switch {
	case r >= 0x20 && r <= 0x7E:
		return true
	case r == 0x85 || r == 0xFEFF || r == 0x2028 || r == 0x2029:
		return false
	case r >= 0xA0 && r <= 0xD7FF, r >= 0xE000 && r <= 0xFFFD, r >= 0x10000 && r <= 0x10FFFF:
		return true
	}
	return false
}

// yaml11Bools are the YAML 1.1 booleans that YAML 1.2 reads as strings; Kubernetes tools
// built on YAML 1.1 parsers read them as booleans, so they are quoted too.
var yaml11Bools = map[string]bool{
	"y": true, "Y": true, "yes": true, "Yes": true, "YES": true,
	"n": true, "N": true, "no": true, "No": true, "NO": true,
	"on": true, "On": true, "ON": true, "off": true, "Off": true, "OFF": true,
}

// yaml11Sexagesimal matches YAML 1.1 base-60 numbers such as 1:20.
var yaml11Sexagesimal = regexp.MustCompile(`^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$`)

// plainSafe reports whether v, written as a plain scalar, reads back as the string v.
func plainSafe(v string, flow bool) bool {
	if v == "" || v != strings.TrimSpace(v) || yaml11Bools[v] || yaml11Sexagesimal.MatchString(v) {
		return false
	}
	for _, r := range v {
		if r == utf8.RuneError || !printable(r) {
			return false
		}
	}
	doc := "k: " + v
	if flow {
		doc = "[" + v + "]"
	}
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(doc), &n); err != nil || len(n.Content) != 1 {
		return false
	}
	c := n.Content[0].Content
	want := 2
	if flow {
		want = 1
	}
	if len(c) != want {
		return false
	}
	s := c[want-1]
	return s.Kind == yaml.ScalarNode && s.Style == 0 && s.ShortTag() == "!!str" && s.Value == v &&
		s.LineComment == ""
}
