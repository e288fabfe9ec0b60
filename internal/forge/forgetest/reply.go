package forgetest

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// Decode decodes the JSON body of r into v. When it cannot, it fails the test, answers
// 400 Bad Request and returns false.
func Decode(t testing.TB, w http.ResponseWriter, r *http.Request, v any) bool {
	t.Helper()
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		t.Errorf("decoding the body of %s %s: %v", r.Method, r.URL.Path, err)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return false
	}
	return true
}

// ReplyFile answers with status and the recorded response testdata/name. Unless the
// handler set a Content-Type, a .txt file goes as text/plain and any other as
// application/json.
func ReplyFile(t testing.TB, w http.ResponseWriter, status int, name string) {
	t.Helper()
	body := ReadFile(t, name)
	contentType := "application/json"
	if strings.HasSuffix(name, ".txt") {
		contentType = "text/plain"
	}
	setDefault(w.Header(), "Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write(body) // a client gone away is its test's concern
}

// WriteJSON answers with status and v encoded as JSON, as application/json unless the
// handler set a Content-Type.
func WriteJSON(t testing.TB, w http.ResponseWriter, status int, v any) {
	t.Helper()
	setDefault(w.Header(), "Content-Type", "application/json")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		t.Errorf("encoding a response: %v", err)
	}
}

func setDefault(h http.Header, key, value string) {
	if h.Get(key) == "" {
		h.Set(key, value)
	}
}
