package forgetest

import (
	"net/http"
	"slices"
	"sync"
	"testing"
)

// Scripted is one canned answer: a status, headers and a recorded response in testdata.
type Scripted struct {
	Status int
	Header map[string]string
	File   string
}

// Recorder is the part of a fake forge that keeps the requests it was sent and the
// answers scripted for the next ones. A fake embeds it. Its methods are safe for
// concurrent use.
type Recorder struct {
	mu       sync.Mutex
	log      []string   // "METHOD path" of every request, in order
	scripted []Scripted // answers to the next requests, before the fake's state is consulted
}

// Record adds "METHOD path" of req to the log, with the path as it was sent.
func (r *Recorder) Record(req *http.Request) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.log = append(r.log, req.Method+" "+req.URL.EscapedPath())
}

// Requests returns "METHOD path" of every request recorded, in order.
func (r *Recorder) Requests() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.log)
}

// Count returns how many of the requests recorded are request ("METHOD path").
func (r *Recorder) Count(request string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, l := range r.log {
		if l == request {
			n++
		}
	}
	return n
}

// Script queues answers for the next requests, in order.
func (r *Recorder) Script(s ...Scripted) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.scripted = append(r.scripted, s...)
}

// Answer writes the next scripted answer, its headers and then its file, and reports
// whether there was one.
func (r *Recorder) Answer(t testing.TB, w http.ResponseWriter) bool {
	t.Helper()
	r.mu.Lock()
	if len(r.scripted) == 0 {
		r.mu.Unlock()
		return false
	}
	s := r.scripted[0]
	r.scripted = r.scripted[1:]
	r.mu.Unlock()
	for k, v := range s.Header {
		w.Header().Set(k, v)
	}
	ReplyFile(t, w, s.Status, s.File)
	return true
}
