package forgetest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// ReadFile returns the recorded response testdata/name, failing the test when it cannot
// be read. A test runs in its package's directory, so testdata is the package's own.
func ReadFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Errorf("reading recorded response: %v", err)
	}
	return b
}

// DecodeFile decodes the recorded JSON response testdata/name into v.
func DecodeFile(t testing.TB, name string, v any) {
	t.Helper()
	if err := json.Unmarshal(ReadFile(t, name), v); err != nil {
		t.Errorf("decoding %s: %v", name, err)
	}
}

// Examples are recorded JSON responses decoded once, by file name, for a fake to copy and
// change.
type Examples map[string]any

// LoadExamples decodes the recorded responses in testdata named names.
func LoadExamples(t testing.TB, names ...string) Examples {
	t.Helper()
	e := Examples{}
	for _, name := range names {
		var v any
		DecodeFile(t, name, &v)
		e[name] = v
	}
	return e
}

// Copy returns a copy of the example name, to change.
func (e Examples) Copy(name string) any { return DeepCopy(e[name]) }

// Trim returns the fields of v that the first item of the example list name has: an
// item of a list answer, from the whole object.
func (e Examples) Trim(name string, v map[string]any) map[string]any {
	out := map[string]any{}
	for k := range e[name].([]any)[0].(map[string]any) {
		out[k] = v[k]
	}
	return out
}

// DeepCopy copies decoded JSON, its maps and slices all the way down.
func DeepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, e := range v {
			m[k] = DeepCopy(e)
		}
		return m
	case []any:
		s := make([]any, len(v))
		for i, e := range v {
			s[i] = DeepCopy(e)
		}
		return s
	}
	return v
}
