package github

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeGitHub is GitHub's REST API for one repository, in process. It answers with the
// documented example responses in testdata, changed only where the state it keeps (the
// pull requests by number) says so, and it checks the method, path, query and
// Authorization header of every request.
type fakeGitHub struct {
	t           *testing.T
	srv         *httptest.Server
	prefix      string // "/api/v3", where a GitHub Enterprise Server serves its API
	owner, repo string
	auth        string // the Authorization header every repository request must carry

	mu       sync.Mutex
	prs      map[int]map[string]any
	next     int
	log      []string   // "METHOD path" of every request, in order
	pages    []string   // the page parameter of every list request
	labelled [][]string // the body of every add-labels request
	scripted []scripted // answers to the next repository requests, before the state is consulted
	app      *fakeApp
	examples map[string]any // decoded testdata files, by name
}

// scripted is one canned answer: a status, headers and a testdata file.
type scripted struct {
	status int
	header map[string]string
	file   string
}

func newFakeGitHub(t *testing.T, token string) *fakeGitHub {
	t.Helper()
	f := &fakeGitHub{t: t, prefix: "/api/v3", owner: "org", repo: "app", auth: "Bearer " + token,
		prs: map[int]map[string]any{}, next: 1, examples: map[string]any{}}
	for _, name := range []string{"pull-request.json", "list-pull-requests.json", "add-labels-to-an-issue.json"} {
		var v any
		decodeFile(t, name, &v)
		f.examples[name] = v
	}
	f.srv = httptest.NewServer(f)
	t.Cleanup(f.srv.Close)
	return f
}

// url is what forge.Config.URL is set to: the server's API root.
func (f *fakeGitHub) url() string { return f.srv.URL + f.prefix }

func (f *fakeGitHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log = append(f.log, r.Method+" "+r.URL.EscapedPath())
	path, ok := strings.CutPrefix(r.URL.EscapedPath(), f.prefix)
	switch {
	case !ok:
		f.t.Errorf("request %s %s outside the API root %s", r.Method, r.URL.Path, f.prefix)
		http.NotFound(w, r)
	case strings.HasPrefix(path, "/app/"):
		f.app.serve(f.t, w, r, path)
	case r.Header.Get("Authorization") != f.auth:
		f.reply(w, http.StatusUnauthorized, "bad-credentials.json")
	case len(f.scripted) > 0:
		s := f.scripted[0]
		f.scripted = f.scripted[1:]
		for k, v := range s.header {
			w.Header().Set(k, v)
		}
		f.reply(w, s.status, s.file)
	default:
		f.route(w, r, path)
	}
}

func (f *fakeGitHub) route(w http.ResponseWriter, r *http.Request, path string) {
	rest, ok := strings.CutPrefix(path, "/repos/"+f.owner+"/"+f.repo+"/")
	parts := strings.Split(rest, "/")
	switch {
	case ok && r.Method == http.MethodGet && rest == "pulls":
		f.list(w, r)
	case ok && r.Method == http.MethodPost && rest == "pulls":
		f.create(w, r)
	case ok && r.Method == http.MethodPatch && len(parts) == 2 && parts[0] == "pulls":
		f.edit(w, r, parts[1])
	case ok && r.Method == http.MethodPost && len(parts) == 3 && parts[0] == "issues" && parts[2] == "labels":
		f.addLabels(w, r, parts[1])
	default:
		f.t.Errorf("unexpected request %s %s", r.Method, r.URL)
		http.NotFound(w, r)
	}
}

// list answers GET /repos/{owner}/{repo}/pulls, newest first, in pages of per_page with
// GitHub's Link header.
func (f *fakeGitHub) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f.pages = append(f.pages, q.Get("page"))
	head, base := q.Get("head"), q.Get("base")
	want := url.Values{"state": {"all"}, "head": {head}, "base": {base}, "sort": {"created"},
		"direction": {"desc"}, "per_page": {"100"}}
	if p := q.Get("page"); p != "" {
		want.Set("page", p)
	}
	if q.Encode() != want.Encode() || !strings.HasPrefix(head, f.owner+":") || base == "" {
		f.t.Errorf("list query = %s, want state=all, head=%s:<branch>, base, sort=created, direction=desc, per_page=100", q.Encode(), f.owner)
	}
	var numbers []int
	for n, pr := range f.prs {
		if ref(pr, "head") == strings.TrimPrefix(head, f.owner+":") && ref(pr, "base") == base {
			numbers = append(numbers, n)
		}
	}
	slices.Sort(numbers)
	slices.Reverse(numbers)
	page, perPage := atoi(q.Get("page"), 1), atoi(q.Get("per_page"), 30)
	last := max(1, (len(numbers)+perPage-1)/perPage)
	from, to := min((page-1)*perPage, len(numbers)), min(page*perPage, len(numbers))
	items := []map[string]any{}
	for _, n := range numbers[from:to] {
		items = append(items, f.simple(f.prs[n]))
	}
	w.Header().Set("Link", links(f.srv.URL, r.URL, page, last))
	f.write(w, http.StatusOK, items)
}

// links is GitHub's Link header for page of last.
func links(root string, u *url.URL, page, last int) string {
	link := func(p int, rel string) string {
		q := u.Query()
		q.Set("page", strconv.Itoa(p))
		return fmt.Sprintf(`<%s%s?%s>; rel="%s"`, root, u.Path, q.Encode(), rel)
	}
	var l []string
	if page > 1 {
		l = append(l, link(page-1, "prev"), link(1, "first"))
	}
	if page < last {
		l = append(l, link(page+1, "next"), link(last, "last"))
	}
	return strings.Join(l, ", ")
}

// create answers POST /repos/{owner}/{repo}/pulls, refusing a second open pull request
// between the same branches as GitHub does.
func (f *fakeGitHub) create(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Title, Head, Base, Body string
		Draft                   bool
	}
	if !f.decode(w, r, &in) {
		return
	}
	for _, pr := range f.prs {
		if pr["state"] == "open" && ref(pr, "head") == in.Head && ref(pr, "base") == in.Base {
			f.reply(w, http.StatusUnprocessableEntity, "validation-failed.json")
			return
		}
	}
	pr := f.add(in.Head, in.Base, "open")
	pr["title"], pr["body"], pr["draft"] = in.Title, in.Body, in.Draft
	f.write(w, http.StatusCreated, pr)
}

// edit answers PATCH /repos/{owner}/{repo}/pulls/{number}.
func (f *fakeGitHub) edit(w http.ResponseWriter, r *http.Request, number string) {
	pr, ok := f.prs[atoi(number, 0)]
	var in map[string]string
	if !ok || !f.decode(w, r, &in) {
		f.t.Errorf("edit of unknown pull request %s", number)
		http.NotFound(w, r)
		return
	}
	for k, v := range in {
		if k != "title" && k != "body" && k != "state" {
			f.t.Errorf("edit sets %s, which tagflow never changes", k)
		}
		pr[k] = v
	}
	if in["state"] == "closed" {
		pr["closed_at"] = "2024-07-25T12:00:00Z"
	}
	f.write(w, http.StatusOK, pr)
}

// addLabels answers POST /repos/{owner}/{repo}/issues/{number}/labels with all the
// labels the issue has after.
func (f *fakeGitHub) addLabels(w http.ResponseWriter, r *http.Request, number string) {
	pr, ok := f.prs[atoi(number, 0)]
	var names []string
	if !ok || !f.decode(w, r, &names) {
		f.t.Errorf("labels for unknown pull request %s", number)
		http.NotFound(w, r)
		return
	}
	f.labelled = append(f.labelled, names)
	have := labelsOf(pr)
	for _, n := range names {
		if !slices.Contains(have, n) {
			have = append(have, n)
		}
	}
	pr["labels"] = f.labels(have)
	f.write(w, http.StatusOK, pr["labels"])
}

// add stores a new pull request made from the documented example, with the next number.
func (f *fakeGitHub) add(head, base, state string) map[string]any {
	n := f.next
	f.next++
	pr := f.example("pull-request.json").(map[string]any)
	api := fmt.Sprintf("https://api.github.com/repos/%s/%s", f.owner, f.repo)
	created := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(n) * time.Hour).Format(time.RFC3339)
	pr["number"], pr["id"] = n, 1000+n
	pr["url"] = fmt.Sprintf("%s/pulls/%d", api, n)
	pr["html_url"] = fmt.Sprintf("https://github.com/%s/%s/pull/%d", f.owner, f.repo, n)
	pr["state"], pr["draft"], pr["merged"] = state, false, false
	pr["title"], pr["body"] = fmt.Sprintf("Update images (%d)", n), "Older change."
	pr["created_at"], pr["updated_at"], pr["closed_at"], pr["merged_at"] = created, created, nil, nil
	pr["labels"] = f.labels(nil)
	setRef(pr, "head", f.owner+":"+head, head, fmt.Sprintf("%040x", n))
	setRef(pr, "base", f.owner+":"+base, base, "e5bd3914e2e596debea16f433f57875b5b90bcd6")
	f.prs[n] = pr
	return pr
}

// seed stores n pull requests from head into base, closed or (merged true) merged.
func (f *fakeGitHub) seed(n int, head, base string, merged bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for range n {
		pr := f.add(head, base, "closed")
		pr["closed_at"] = pr["created_at"]
		if merged {
			pr["merged_at"], pr["merged"] = pr["created_at"], true
		}
	}
}

// labels returns label objects shaped like the documented example, one per name.
func (f *fakeGitHub) labels(names []string) []any {
	out := []any{}
	for i, n := range names {
		l := f.example("add-labels-to-an-issue.json").([]any)[0].(map[string]any)
		l["id"], l["name"], l["default"] = 5000+i, n, false
		l["url"] = fmt.Sprintf("https://api.github.com/repos/%s/%s/labels/%s", f.owner, f.repo, url.PathEscape(n))
		out = append(out, l)
	}
	return out
}

// addLabel adds a label as a person would, in GitHub's web page.
func (f *fakeGitHub) addLabel(number int, name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.prs[number]["labels"] = f.labels(append(labelsOf(f.prs[number]), name))
}

// simple trims a pull request to the fields the documented list response has.
func (f *fakeGitHub) simple(pr map[string]any) map[string]any {
	out := map[string]any{}
	for k := range f.examples["list-pull-requests.json"].([]any)[0].(map[string]any) {
		out[k] = pr[k]
	}
	return out
}

// example returns a copy of a recorded response to change.
func (f *fakeGitHub) example(name string) any {
	return deepCopy(f.examples[name])
}

func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, e := range v {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		s := make([]any, len(v))
		for i, e := range v {
			s[i] = deepCopy(e)
		}
		return s
	}
	return v
}

func (f *fakeGitHub) requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.log)
}

func (f *fakeGitHub) script(s ...scripted) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.scripted = append(f.scripted, s...)
}

func (f *fakeGitHub) decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		f.t.Errorf("decoding the body of %s %s: %v", r.Method, r.URL.Path, err)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return false
	}
	return true
}

func (f *fakeGitHub) reply(w http.ResponseWriter, status int, file string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(readFile(f.t, file)) // a client gone away is its test's concern
}

func (f *fakeGitHub) write(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		f.t.Errorf("encoding a response: %v", err)
	}
}

func ref(pr map[string]any, side string) string {
	return pr[side].(map[string]any)["ref"].(string)
}

func setRef(pr map[string]any, side, label, name, sha string) {
	r := pr[side].(map[string]any)
	r["label"], r["ref"], r["sha"] = label, name, sha
}

func labelsOf(pr map[string]any) []string {
	var names []string
	for _, l := range pr["labels"].([]any) {
		names = append(names, l.(map[string]any)["name"].(string))
	}
	return names
}

func atoi(s string, def int) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return def
}

func readFile(t *testing.T, name string) []byte {
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Errorf("reading recorded response: %v", err)
	}
	return b
}

func decodeFile(t *testing.T, name string, v any) {
	if err := json.Unmarshal(readFile(t, name), v); err != nil {
		t.Errorf("decoding %s: %v", name, err)
	}
}
