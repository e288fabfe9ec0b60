package updater

import (
	"bytes"
	"unicode/utf8"
)

// The fast path: a line lexer for the common shape of Kubernetes manifests (block mappings
// and sequences of one-line plain or quoted scalars, comments, "---" separators). It finds the
// same targets as the full parse for the files it accepts and gives up on anything else:
// flow collections, block scalars, anchors, aliases, tags, multi-line scalars, escapes, tabs,
// comment-only marker lines. FuzzFastPathMatchesFullParse checks the two agree.

// frame is an open block collection.
type frame struct {
	indent int
	seq    bool
	meta   bool // the root's first metadata mapping
}

// opener is a line that may start a nested collection: "key:" or "-" with no value.
type opener struct {
	set    bool // there is one: the previous line was an opener
	indent int
	key    bool // "key:" rather than "-"
	meta   bool // the root's first "metadata:"
}

// lexer holds the state of the fast path over one file.
type lexer struct {
	data     []byte
	stack    []frame
	open     opener
	targets  []target
	docStart int // index in targets of the current document's first target
	id       ObjectIdentifier
	seen     idKey // identifying keys seen in this document
	line     int
}

// lexTargets returns the marked scalars of data, or false if data is not in the subset the
// lexer understands.
func lexTargets(data []byte) ([]target, bool) {
	if !plainText(data) {
		return nil, false
	}
	lx := &lexer{data: data}
	start := 0
	for start < len(data) {
		end := bytes.IndexByte(data[start:], '\n')
		next := len(data)
		if end < 0 {
			end = len(data)
		} else {
			end += start
			next = end + 1
		}
		lx.line++
		lineEnd := end
		if lineEnd > start && data[lineEnd-1] == '\r' {
			lineEnd--
		}
		if !lx.lexLine(start, lineEnd) {
			return nil, false
		}
		start = next
	}
	lx.endDocument()
	return lx.targets, true
}

// plainText reports whether data has no tab, BOM, lone carriage return, invalid UTF-8 or
// character that YAML reads as a line break or refuses.
func plainText(data []byte) bool {
	for i := 0; i < len(data); {
		b := data[i]
		if b < utf8.RuneSelf {
			if (b < 0x20 && b != '\n' && b != '\r') || b == 0x7F || (b == '\r' && (i+1 >= len(data) || data[i+1] != '\n')) {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError || !printable(r) {
			return false
		}
		i += size
	}
	return true
}

func (lx *lexer) lexLine(start, end int) bool {
	line := lx.data[start:end]
	indent := 0
	for indent < len(line) && line[indent] == ' ' {
		indent++
	}
	rest := line[indent:]
	switch {
	case len(rest) == 0:
		return true
	case rest[0] == '#':
		return !bytes.Contains(rest, markerToken)
	case indent == 0 && bytes.HasPrefix(rest, []byte("---")):
		if len(bytes.TrimRight(rest[3:], " ")) != 0 {
			return false
		}
		lx.endDocument()
		return true
	}
	return lx.node(start+indent, indent)
}

// endDocument gives the targets of the finished document its identifier and starts the next.
func (lx *lexer) endDocument() {
	for i := lx.docStart; i < len(lx.targets); i++ {
		lx.targets[i].id = lx.id
	}
	lx.docStart = len(lx.targets)
	lx.id = ObjectIdentifier{}
	lx.seen = 0
	lx.stack = lx.stack[:0]
	lx.open = opener{}
}

// node lexes a sequence item or a mapping entry starting at byte off, column col.
func (lx *lexer) node(off, col int) bool {
	d := lx.data
	if d[off] == '-' && (off+1 == len(d) || d[off+1] == ' ' || d[off+1] == '\n' || d[off+1] == '\r') {
		if !lx.place(col, true) {
			return false
		}
		p := off + 1
		for p < len(d) && d[p] == ' ' {
			p++
		}
		if p == len(d) || d[p] == '\n' || d[p] == '\r' || d[p] == '#' {
			if p < len(d) && d[p] == '#' && (p == off+1 || bytes.Contains(lineAt(d, p), markerToken)) {
				return false
			}
			lx.open = opener{set: true, indent: col}
			return true
		}
		if k, _ := keyAt(d, p); k != nil {
			lx.stack = append(lx.stack, frame{indent: col + p - off})
			return lx.entry(p, col+p-off)
		}
		return lx.scalar(p, 0)
	}
	if !lx.place(col, false) {
		return false
	}
	return lx.entry(off, col)
}

// place finds the collection a line at column col belongs to, opening or closing
// collections as the indentation says; it fails where YAML would not be valid.
func (lx *lexer) place(col int, seq bool) bool {
	if o := lx.open; o.set {
		lx.open = opener{}
		if col > o.indent || (seq && o.key && col == o.indent) {
			lx.stack = append(lx.stack, frame{indent: col, seq: seq, meta: o.meta})
			return true
		}
	}
	if len(lx.stack) == 0 {
		if col != 0 {
			return false
		}
		lx.stack = append(lx.stack, frame{indent: 0, seq: seq})
		return true
	}
	for len(lx.stack) > 0 {
		top := lx.stack[len(lx.stack)-1]
		closesCompact := !seq && top.seq && top.indent == col && len(lx.stack) > 1 && lx.stack[len(lx.stack)-2].indent == col
		if top.indent <= col && !closesCompact {
			return top.indent == col && top.seq == seq
		}
		lx.stack = lx.stack[:len(lx.stack)-1]
	}
	return false
}

// entry lexes "key: value" at byte off, column col, after the line was placed.
func (lx *lexer) entry(off, col int) bool {
	d := lx.data
	key, p := keyAt(d, off)
	if key == nil {
		return false
	}
	for p < len(d) && d[p] == ' ' {
		p++
	}
	k := lx.identity(key)
	if p == len(d) || d[p] == '\n' || d[p] == '\r' || d[p] == '#' {
		if p < len(d) && d[p] == '#' && (d[p-1] != ' ' || bytes.Contains(lineAt(d, p), markerToken)) {
			return false
		}
		lx.open = opener{set: true, indent: col, key: true, meta: k == keyMetadata}
		return true
	}
	return lx.scalar(p, k)
}

// idKey is a bit set of the keys that identify a document.
type idKey uint8

const (
	keyAPIVersion idKey = 1 << iota
	keyKind
	keyMetadata
	keyName
	keyNamespace
)

// identity returns which identifying key key is (apiVersion and kind at the root, name and
// namespace in the root's first metadata mapping) when it is seen for the first time in
// the document, or 0.
func (lx *lexer) identity(key []byte) idKey {
	var k idKey
	switch {
	case lx.stack[0].seq:
	case len(lx.stack) == 1:
		switch string(key) {
		case "apiVersion":
			k = keyAPIVersion
		case "kind":
			k = keyKind
		case "metadata":
			k = keyMetadata
		}
	case len(lx.stack) == 2 && lx.stack[1].meta:
		switch string(key) {
		case "name":
			k = keyName
		case "namespace":
			k = keyNamespace
		}
	}
	if k == 0 || lx.seen&k != 0 {
		return 0
	}
	lx.seen |= k
	return k
}

// setIdentity records the value of an identifying key.
func (lx *lexer) setIdentity(k idKey, value string) {
	switch k {
	case keyAPIVersion:
		lx.id.APIVersion = value
	case keyKind:
		lx.id.Kind = value
	case keyName:
		lx.id.Name = value
	case keyNamespace:
		lx.id.Namespace = value
	}
}

// scalar lexes the one-line scalar at p, the value of identifying key k (or 0 for any
// other value), and its comment. It records a target when the comment is a marker.
func (lx *lexer) scalar(p int, k idKey) bool {
	v, ok := lexScalar(lx.data, p)
	if !ok {
		return false
	}
	if k != 0 {
		lx.setIdentity(k, v.value())
	}
	if !bytes.Contains(v.comment, markerToken) {
		return true
	}
	if m, ok := parseMarker(string(v.comment)); ok {
		lx.targets = append(lx.targets, target{line: lx.line, start: p, end: v.end, style: v.style, value: v.value(), setter: m})
	}
	return true
}
