package gitlab

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeGitLab is GitLab's REST API for one project, in process. It answers with the
// documented example responses in testdata, changed only where the state it keeps (the
// merge requests by iid) says so, and it checks the method, path, query and
// PRIVATE-TOKEN header of every request.
type fakeGitLab struct {
	t   *testing.T
	srv *httptest.Server
	// path is the project's path as it must appear in request paths, URL-encoded.
	path  string
	web   string // the project's web page
	token string

	mu       sync.Mutex
	mrs      map[int]map[string]any
	next     int
	log      []string         // "METHOD path" of every request, in order
	pages    []string         // the page parameter of every list request
	updates  []map[string]any // the body of every PUT
	scripted []scripted       // answers to the next requests, before the state is consulted
	answered chan struct{}    // when set, told after each scripted answer
	examples map[string]any   // decoded testdata files, by name
}

// scripted is one canned answer: a status, headers and a testdata file.
type scripted struct {
	status int
	header map[string]string
	file   string
}

// draftTitle is how GitLab tells a draft by its title.
var draftTitle = regexp.MustCompile(`(?i)^\s*(\[draft\]|\(draft\)|draft:)`)

func newFakeGitLab(t *testing.T, token string) *fakeGitLab {
	t.Helper()
	f := &fakeGitLab{t: t, path: "group%2Fsub%2Fapp", web: "https://gitlab.example.com/group/sub/app", token: token,
		mrs: map[int]map[string]any{}, next: 1, examples: map[string]any{}}
	for _, name := range []string{"merge-request.json", "list-project-merge-requests.json"} {
		var v any
		decodeFile(t, name, &v)
		f.examples[name] = v
	}
	f.srv = httptest.NewServer(f)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeGitLab) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log = append(f.log, r.Method+" "+r.URL.EscapedPath())
	rest, ok := strings.CutPrefix(r.URL.EscapedPath(), "/api/v4/projects/"+f.path+"/merge_requests")
	switch {
	case r.Header.Get("PRIVATE-TOKEN") != f.token:
		f.reply(w, http.StatusUnauthorized, "unauthorized.json")
	case len(f.scripted) > 0:
		s := f.scripted[0]
		f.scripted = f.scripted[1:]
		for k, v := range s.header {
			w.Header().Set(k, v)
		}
		f.reply(w, s.status, s.file)
		if f.answered != nil {
			f.answered <- struct{}{}
		}
	case !ok:
		f.t.Errorf("request %s %s outside project %s", r.Method, r.URL.EscapedPath(), f.path)
		f.reply(w, http.StatusNotFound, "")
	default:
		f.route(w, r, strings.TrimPrefix(rest, "/"))
	}
}

func (f *fakeGitLab) route(w http.ResponseWriter, r *http.Request, iid string) {
	mr, found := f.mrs[atoi(iid, 0)]
	switch {
	case r.Method == http.MethodGet && iid == "":
		f.list(w, r)
	case r.Method == http.MethodPost && iid == "":
		f.create(w, r)
	case r.Method == http.MethodGet && found:
		f.write(w, http.StatusOK, mr)
	case r.Method == http.MethodPut && found:
		f.update(w, r, mr)
	default:
		f.t.Errorf("unexpected request %s %s", r.Method, r.URL)
		f.reply(w, http.StatusNotFound, "")
	}
}

// list answers GET /projects/:id/merge_requests, newest first, in pages of per_page with
// GitLab's pagination headers.
func (f *fakeGitLab) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f.pages = append(f.pages, q.Get("page"))
	source, target := q.Get("source_branch"), q.Get("target_branch")
	want := url.Values{"state": {"all"}, "order_by": {"created_at"}, "sort": {"desc"}, "per_page": {"100"},
		"source_branch": {source}, "target_branch": {target}}
	if p := q.Get("page"); p != "" {
		want.Set("page", p)
	}
	if q.Encode() != want.Encode() || source == "" || target == "" {
		f.t.Errorf("list query = %s, want state=all, order_by=created_at, sort=desc, per_page=100 and both branches", q.Encode())
	}
	var iids []int
	for n, mr := range f.mrs {
		if mr["source_branch"] == source && mr["target_branch"] == target {
			iids = append(iids, n)
		}
	}
	slices.Sort(iids)
	slices.Reverse(iids)
	page, perPage := atoi(q.Get("page"), 1), atoi(q.Get("per_page"), 20)
	last := max(1, (len(iids)+perPage-1)/perPage)
	from, to := min((page-1)*perPage, len(iids)), min(page*perPage, len(iids))
	items := []map[string]any{}
	for _, n := range iids[from:to] {
		items = append(items, f.basic(f.mrs[n]))
	}
	f.paginate(w, r.URL, page, last, perPage, len(iids))
	f.write(w, http.StatusOK, items)
}

// paginate sets GitLab's offset pagination headers and Link.
func (f *fakeGitLab) paginate(w http.ResponseWriter, u *url.URL, page, last, perPage, total int) {
	h := w.Header()
	h.Set("X-Page", strconv.Itoa(page))
	h.Set("X-Per-Page", strconv.Itoa(perPage))
	h.Set("X-Total", strconv.Itoa(total))
	h.Set("X-Total-Pages", strconv.Itoa(last))
	h.Set("X-Next-Page", "")
	h.Set("X-Prev-Page", "")
	link := func(p int, rel string) string {
		q := u.Query()
		q.Set("page", strconv.Itoa(p))
		return fmt.Sprintf(`<%s%s?%s>; rel="%s"`, f.srv.URL, u.EscapedPath(), q.Encode(), rel)
	}
	var l []string
	if page > 1 {
		h.Set("X-Prev-Page", strconv.Itoa(page-1))
		l = append(l, link(page-1, "prev"))
	}
	if page < last {
		h.Set("X-Next-Page", strconv.Itoa(page+1))
		l = append(l, link(page+1, "next"))
	}
	h.Set("Link", strings.Join(append(l, link(1, "first"), link(last, "last")), ", "))
}

// create answers POST /projects/:id/merge_requests, refusing a second open merge request
// from the same source branch as GitLab does.
func (f *fakeGitLab) create(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Title, Description, Labels string
		SourceBranch               string `json:"source_branch"`
		TargetBranch               string `json:"target_branch"`
	}
	if !f.decode(w, r, &in) {
		return
	}
	for _, mr := range f.mrs {
		if mr["state"] == "opened" && mr["source_branch"] == in.SourceBranch && mr["target_branch"] == in.TargetBranch {
			f.reply(w, http.StatusConflict, "merge-request-exists.json")
			return
		}
	}
	mr := f.add(in.SourceBranch, in.TargetBranch, "opened")
	mr["title"], mr["description"], mr["draft"] = in.Title, in.Description, draftTitle.MatchString(in.Title)
	for _, l := range strings.Split(in.Labels, ",") {
		if l != "" {
			mr["labels"] = append(mr["labels"].([]any), l)
		}
	}
	f.write(w, http.StatusCreated, mr)
}

// update answers PUT /projects/:id/merge_requests/:iid.
func (f *fakeGitLab) update(w http.ResponseWriter, r *http.Request, mr map[string]any) {
	var in map[string]any
	if !f.decode(w, r, &in) {
		return
	}
	f.updates = append(f.updates, in)
	for k, v := range in {
		switch k {
		case "title":
			mr["title"], mr["draft"] = v, draftTitle.MatchString(v.(string))
		case "description":
			mr["description"] = v
		case "add_labels":
			labels := mr["labels"].([]any)
			for _, l := range strings.Split(v.(string), ",") {
				if !slices.Contains(labels, any(l)) {
					labels = append(labels, l)
				}
			}
			mr["labels"] = labels
		case "state_event":
			if v != "close" {
				f.t.Errorf("state_event %v, want close", v)
			}
			mr["state"], mr["closed_at"] = "closed", "2024-07-25T12:00:00Z"
		default:
			f.t.Errorf("update sets %s, which tagflow never changes", k)
		}
	}
	f.write(w, http.StatusOK, mr)
}

// add stores a new merge request made from the documented example, with the next iid.
func (f *fakeGitLab) add(source, target, state string) map[string]any {
	n := f.next
	f.next++
	mr := deepCopy(f.examples["merge-request.json"]).(map[string]any)
	created := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(n) * time.Hour).Format(time.RFC3339)
	mr["iid"], mr["id"] = n, 1000+n
	mr["title"], mr["description"], mr["draft"] = fmt.Sprintf("Update images (%d)", n), "Older change.", false
	mr["state"], mr["source_branch"], mr["target_branch"] = state, source, target
	mr["sha"] = fmt.Sprintf("%040x", n)
	mr["labels"] = []any{}
	mr["web_url"] = fmt.Sprintf("%s/-/merge_requests/%d", f.web, n)
	mr["references"] = map[string]any{"short": fmt.Sprintf("!%d", n), "relative": fmt.Sprintf("!%d", n), "full": fmt.Sprintf("group/sub/app!%d", n)}
	mr["created_at"], mr["updated_at"] = created, created
	mr["merged_at"], mr["merged_by"], mr["merge_user"], mr["closed_at"] = nil, nil, nil, nil
	f.mrs[n] = mr
	return mr
}

// seed stores n merge requests from source into target in state.
func (f *fakeGitLab) seed(n int, source, target, state string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for range n {
		mr := f.add(source, target, state)
		switch state {
		case "merged":
			mr["merged_at"] = mr["created_at"]
		case "closed":
			mr["closed_at"] = mr["created_at"]
		}
	}
}

// edit changes a merge request as a person would, in GitLab's web page.
func (f *fakeGitLab) edit(iid int, change func(mr map[string]any)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	change(f.mrs[iid])
}

// basic trims a merge request to the fields the documented list response has.
func (f *fakeGitLab) basic(mr map[string]any) map[string]any {
	out := map[string]any{}
	for k := range f.examples["list-project-merge-requests.json"].([]any)[0].(map[string]any) {
		out[k] = mr[k]
	}
	return out
}

func (f *fakeGitLab) requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.log)
}

func (f *fakeGitLab) script(s ...scripted) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.scripted = append(f.scripted, s...)
}

func (f *fakeGitLab) decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		f.t.Errorf("decoding the body of %s %s: %v", r.Method, r.URL.Path, err)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return false
	}
	return true
}

// reply answers with a testdata file: JSON, or GitLab's plain-text throttle message.
func (f *fakeGitLab) reply(w http.ResponseWriter, status int, file string) {
	body := []byte(`{"message":"404 Not Found"}`)
	if file != "" {
		body = readFile(f.t, file)
	}
	if strings.HasSuffix(file, ".txt") {
		w.Header().Set("Content-Type", "text/plain")
	} else {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(status)
	_, _ = w.Write(body) // a client gone away is its test's concern
}

func (f *fakeGitLab) write(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		f.t.Errorf("encoding a response: %v", err)
	}
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
