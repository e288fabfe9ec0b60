package config

import (
	"bytes"
	"strings"
)

// document is one YAML document of a file.
type document struct {
	// index is the 1-based position of the document among the file's non-empty documents.
	index int
	data  []byte
}

// splitDocuments splits a multi-document YAML file at its "---" lines. Documents holding
// nothing but blank lines and comments are dropped and not counted, so "document 2" is the
// second document a reader sees, whether or not the file starts with "---".
func splitDocuments(data []byte) []document {
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	var docs []document
	var cur []byte
	flush := func() {
		if !isBlankDocument(cur) {
			docs = append(docs, document{index: len(docs) + 1, data: cur})
		}
		cur = nil
	}
	for _, line := range bytes.SplitAfter(data, []byte("\n")) {
		if isSeparator(line) {
			flush()
			continue
		}
		cur = append(cur, line...)
	}
	flush()
	return docs
}

// isSeparator reports whether line is a document separator: "---" followed by nothing but
// blanks or a comment.
func isSeparator(line []byte) bool {
	rest, ok := bytes.CutPrefix(line, []byte("---"))
	if !ok {
		return false
	}
	rest = bytes.TrimSpace(rest)
	return len(rest) == 0 || rest[0] == '#'
}

// isBlankDocument reports whether data holds only blank lines, comments and document end
// markers.
func isBlankDocument(data []byte) bool {
	for line := range strings.Lines(string(data)) {
		line = strings.TrimSpace(line)
		if line != "" && line != "..." && !strings.HasPrefix(line, "#") {
			return false
		}
	}
	return true
}
