package gitlab

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/tagflow/tagflow/internal/forge/forgetest"
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
	// Recorder keeps every request and the answers scripted for the next requests, given
	// before the state is consulted.
	forgetest.Recorder

	mu       sync.Mutex
	mrs      map[int]map[string]any
	next     int
	pages    []string           // the page parameter of every list request
	updates  []map[string]any   // the body of every PUT
	answered chan struct{}      // when set, told after each scripted answer
	examples forgetest.Examples // decoded testdata files, by name
}

// draftTitle is how GitLab tells a draft by its title.
var draftTitle = regexp.MustCompile(`(?i)^\s*(\[draft\]|\(draft\)|draft:)`)

func newFakeGitLab(t *testing.T, token string) *fakeGitLab {
	t.Helper()
	f := &fakeGitLab{t: t, path: "group%2Fsub%2Fapp", web: "https://gitlab.example.com/group/sub/app", token: token,
		mrs: map[int]map[string]any{}, next: 1,
		examples: forgetest.LoadExamples(t, "merge-request.json", "list-project-merge-requests.json")}
	f.srv = httptest.NewServer(f)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeGitLab) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Record(r)
	rest, ok := strings.CutPrefix(r.URL.EscapedPath(), "/api/v4/projects/"+f.path+"/merge_requests")
	switch {
	case r.Header.Get("PRIVATE-TOKEN") != f.token:
		forgetest.ReplyFile(f.t, w, http.StatusUnauthorized, "unauthorized.json")
	case f.Answer(f.t, w):
		if f.answered != nil {
			f.answered <- struct{}{}
		}
	case !ok:
		f.t.Errorf("request %s %s outside project %s", r.Method, r.URL.EscapedPath(), f.path)
		f.notFound(w)
	default:
		f.route(w, r, strings.TrimPrefix(rest, "/"))
	}
}

func (f *fakeGitLab) route(w http.ResponseWriter, r *http.Request, iid string) {
	mr, found := f.mrs[forgetest.Atoi(iid, 0)]
	switch {
	case r.Method == http.MethodGet && iid == "":
		f.list(w, r)
	case r.Method == http.MethodPost && iid == "":
		f.create(w, r)
	case r.Method == http.MethodGet && found:
		forgetest.WriteJSON(f.t, w, http.StatusOK, mr)
	case r.Method == http.MethodPut && found:
		f.update(w, r, mr)
	default:
		f.t.Errorf("unexpected request %s %s", r.Method, r.URL)
		f.notFound(w)
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
	if !forgetest.SameQuery(q, want) || source == "" || target == "" {
		f.t.Errorf("list query = %s, want state=all, order_by=created_at, sort=desc, per_page=100 and both branches", q.Encode())
	}
	var iids []int
	for n, mr := range f.mrs {
		if mr["source_branch"] == source && mr["target_branch"] == target {
			iids = append(iids, n)
		}
	}
	page := forgetest.Paginate(q, iids, 20)
	items := []map[string]any{}
	for _, n := range page.Items {
		items = append(items, f.examples.Trim("list-project-merge-requests.json", f.mrs[n]))
	}
	f.paginate(w, r.URL, page, len(iids))
	forgetest.WriteJSON(f.t, w, http.StatusOK, items)
}

// paginate sets GitLab's offset pagination headers and Link.
func (f *fakeGitLab) paginate(w http.ResponseWriter, u *url.URL, p forgetest.Page, total int) {
	page, last := p.Number, p.Last
	h := w.Header()
	h.Set("X-Page", strconv.Itoa(page))
	h.Set("X-Per-Page", strconv.Itoa(p.PerPage))
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
	if !forgetest.Decode(f.t, w, r, &in) {
		return
	}
	for _, mr := range f.mrs {
		if mr["state"] == "opened" && mr["source_branch"] == in.SourceBranch && mr["target_branch"] == in.TargetBranch {
			forgetest.ReplyFile(f.t, w, http.StatusConflict, "merge-request-exists.json")
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
	forgetest.WriteJSON(f.t, w, http.StatusCreated, mr)
}

// update answers PUT /projects/:id/merge_requests/:iid.
func (f *fakeGitLab) update(w http.ResponseWriter, r *http.Request, mr map[string]any) {
	var in map[string]any
	if !forgetest.Decode(f.t, w, r, &in) {
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
	forgetest.WriteJSON(f.t, w, http.StatusOK, mr)
}

// add stores a new merge request made from the documented example, with the next iid.
func (f *fakeGitLab) add(source, target, state string) map[string]any {
	n := f.next
	f.next++
	mr := f.examples.Copy("merge-request.json").(map[string]any)
	created := forgetest.Created(n)
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

// notFound answers as GitLab does for a path it does not know.
func (f *fakeGitLab) notFound(w http.ResponseWriter) {
	forgetest.WriteJSON(f.t, w, http.StatusNotFound, map[string]string{"message": "404 Not Found"})
}
