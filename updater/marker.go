package updater

import (
	"bytes"
	"encoding/json"
	"strings"
)

// markerKey is the JSON key of a marker; files without it (quotes included) are not parsed.
const markerKey = "$imagepolicy"

// markerToken is what a file must contain to be parsed at all.
var markerToken = []byte(`"` + markerKey + `"`)

// hasMarkerToken reports whether data may hold a marker.
func hasMarkerToken(data []byte) bool {
	return bytes.Contains(data, markerToken)
}

// parseMarker reads a comment as Flux does: the text after the leading '#' characters must be
// a JSON object of strings with the key "$imagepolicy". It returns the marker value and whether
// the comment is a marker at all; the value is not validated here.
func parseMarker(comment string) (string, bool) {
	if !strings.Contains(comment, `"`+markerKey+`"`) {
		return "", false
	}
	text := strings.TrimLeft(comment, "#")
	var obj map[string]string
	if err := json.Unmarshal([]byte(text), &obj); err != nil {
		return "", false
	}
	v, ok := obj[markerKey]
	if !ok || v == "" {
		return "", false
	}
	return v, true
}

// lastLine returns the last line of a multi-line comment, the one nearest the node it
// belongs to.
func lastLine(comment string) string {
	if i := strings.LastIndexByte(comment, '\n'); i >= 0 {
		return comment[i+1:]
	}
	return comment
}

// markersIn returns the marker values found on the lines of a comment or text.
func markersIn(text string) []string {
	if !strings.Contains(text, `"`+markerKey+`"`) {
		return nil
	}
	var out []string
	for line := range strings.Lines(text) {
		i := strings.IndexByte(line, '#')
		if i < 0 {
			continue
		}
		if v, ok := parseMarker(strings.TrimRight(line[i:], "\r\n")); ok {
			out = append(out, v)
		}
	}
	return out
}
