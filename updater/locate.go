package updater

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
)

// locator finds the marked scalars of a file with a full YAML parse.
type locator struct {
	data       []byte
	lineStarts []int
	targets    []target
	problems   []Problem
}

// parseTargets parses every document of data and returns its marked scalars and the markers
// it found in places that cannot be updated. An error means data is not valid YAML.
func parseTargets(data []byte) (targets []target, problems []Problem, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml parser panicked: %v", r)
		}
	}()
	l := &locator{data: data, lineStarts: lineStarts(data)}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return l.targets, l.problems, nil
		}
		if err != nil {
			return nil, nil, err
		}
		l.document(&doc)
	}
}

func lineStarts(data []byte) []int {
	starts := []int{0}
	for i, b := range data {
		if b == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

func (l *locator) document(doc *yaml.Node) {
	l.detached(doc, doc.HeadComment, doc.LineComment, doc.FootComment)
	if len(doc.Content) == 0 {
		return
	}
	root := doc.Content[0]
	l.value(root, identify(root), false)
}

// identify reads apiVersion, kind, metadata.namespace and metadata.name of a document.
func identify(root *yaml.Node) ObjectIdentifier {
	var id ObjectIdentifier
	id.APIVersion = scalarValue(lookup(root, "apiVersion"))
	id.Kind = scalarValue(lookup(root, "kind"))
	meta := lookup(root, "metadata")
	id.Namespace = scalarValue(lookup(meta, "namespace"))
	id.Name = scalarValue(lookup(meta, "name"))
	return id
}

// lookup returns the value of the first key named key in a block mapping, or nil.
func lookup(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := m.Content[i]; k.Kind == yaml.ScalarNode && k.Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func scalarValue(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

// collection walks the children of a mapping or sequence.
func (l *locator) collection(n *yaml.Node, id ObjectIdentifier, flow bool) {
	flow = flow || n.Style&yaml.FlowStyle != 0
	if n.Kind == yaml.SequenceNode {
		for _, item := range n.Content {
			l.value(item, id, flow)
		}
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if m, ok := parseMarker(k.LineComment); ok && v.Kind != yaml.ScalarNode {
			l.notScalar(k, m, v)
			l.detached(k, k.HeadComment, k.FootComment)
		} else {
			l.detached(k, k.HeadComment, k.LineComment, k.FootComment)
		}
		l.value(v, id, flow)
	}
}

// value handles a node in value position: a mapping value or a sequence item. Like Flux, it
// takes the marker from the line comment, or, when there is none, from the head comment.
func (l *locator) value(n *yaml.Node, id ObjectIdentifier, flow bool) {
	comment, rest := n.LineComment, []string{n.HeadComment, n.FootComment}
	if comment == "" {
		head := n.HeadComment
		comment = lastLine(head)
		rest[0] = strings.TrimSuffix(head[:len(head)-len(comment)], "\n")
	}
	if m, ok := parseMarker(comment); ok {
		l.marked(n, id, flow, m)
	} else {
		rest = append(rest, comment)
	}
	l.detached(n, rest...)
	switch n.Kind {
	case yaml.MappingNode, yaml.SequenceNode:
		l.collection(n, id, flow)
	case yaml.ScalarNode:
		if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
			for _, m := range markersIn(n.Value) {
				l.problem(n.Line, ProblemBlockScalar, m, "marker "+strconv.Quote(m)+
					" is text inside a block scalar, not a comment; it is not applied")
			}
		}
	}
}

// marked records a marked node as a target, or reports why it cannot be one.
func (l *locator) marked(n *yaml.Node, id ObjectIdentifier, flow bool, m string) {
	if n.Kind != yaml.ScalarNode {
		l.notScalar(n, m, n)
		return
	}
	if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		l.problem(n.Line, ProblemBlockScalar, m, "marker "+strconv.Quote(m)+" is on a block scalar (| or >), which cannot be updated")
		return
	}
	t, ok := l.locate(n, flow)
	if !ok {
		l.problem(n.Line, ProblemUnsupported, m, "marker "+strconv.Quote(m)+" is on a scalar that spans lines, which cannot be updated in place")
		return
	}
	t.id, t.flow, t.setter = id, flow, m
	l.targets = append(l.targets, t)
}

func (l *locator) notScalar(at *yaml.Node, m string, v *yaml.Node) {
	what := map[yaml.Kind]string{yaml.MappingNode: "a mapping", yaml.SequenceNode: "a sequence", yaml.AliasNode: "an alias (mark the anchor instead)"}[v.Kind]
	l.problem(at.Line, ProblemNotScalar, m, "marker "+strconv.Quote(m)+" is on "+what+", not a scalar")
}

// detached reports markers in comments that apply to no value.
func (l *locator) detached(n *yaml.Node, comments ...string) {
	for _, c := range comments {
		for _, m := range markersIn(c) {
			l.problem(n.Line, ProblemNotScalar, m, "marker "+strconv.Quote(m)+
				" applies to no value: put it at the end of the value's line, or on the line above a sequence item")
		}
	}
}

func (l *locator) problem(line int, kind ProblemKind, setter, msg string) {
	l.problems = append(l.problems, Problem{Line: line, Kind: kind, Setter: setter, Message: msg})
}

// locate finds the bytes of a scalar node from its line and column (which count runes),
// and checks that they read back as the node's value.
func (l *locator) locate(n *yaml.Node, flow bool) (target, bool) {
	off, ok := l.offset(n.Line, n.Column)
	if !ok {
		return target{}, false
	}
	off, ok = skipProperties(l.data, off)
	if !ok {
		return target{}, false
	}
	t := target{line: n.Line, start: off, value: n.Value}
	switch {
	case n.Style&yaml.DoubleQuotedStyle != 0:
		t.style, t.end = styleDouble, scanDouble(l.data, off)
	case n.Style&yaml.SingleQuotedStyle != 0:
		t.style, t.end = styleSingle, scanSingle(l.data, off)
	default:
		t.style, t.end = stylePlain, scanPlain(l.data, off, flow)
	}
	if t.end <= off || !readsAs(l.data[off:t.end], t.style, n.Value) {
		return target{}, false
	}
	return t, true
}

// offset converts a 1-based line and rune column to a byte offset.
func (l *locator) offset(line, col int) (int, bool) {
	if line < 1 || line > len(l.lineStarts) || col < 1 {
		return 0, false
	}
	off := l.lineStarts[line-1]
	for range col - 1 {
		if off >= len(l.data) || l.data[off] == '\n' {
			return 0, false
		}
		_, size := utf8.DecodeRune(l.data[off:])
		off += size
	}
	return off, off < len(l.data)
}
