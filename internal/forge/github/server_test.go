package github

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/tagflow/tagflow/internal/forge/forgetest"
)

// contentType is what GitHub's JSON answers say they are.
const contentType = "application/json; charset=utf-8"

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
	// Recorder keeps every request and the answers scripted for the next repository
	// requests, given before the state is consulted.
	forgetest.Recorder

	mu       sync.Mutex
	prs      map[int]map[string]any
	next     int
	pages    []string   // the page parameter of every list request
	labelled [][]string // the body of every add-labels request
	app      *fakeApp
	examples forgetest.Examples // decoded testdata files, by name
}

func newFakeGitHub(t *testing.T, token string) *fakeGitHub {
	t.Helper()
	f := &fakeGitHub{t: t, prefix: "/api/v3", owner: "org", repo: "app", auth: "Bearer " + token,
		prs: map[int]map[string]any{}, next: 1,
		examples: forgetest.LoadExamples(t, "pull-request.json", "list-pull-requests.json", "add-labels-to-an-issue.json")}
	f.srv = httptest.NewServer(f)
	t.Cleanup(f.srv.Close)
	return f
}

// url is what forge.Config.URL is set to: the server's API root.
func (f *fakeGitHub) url() string { return f.srv.URL + f.prefix }

func (f *fakeGitHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Record(r)
	w.Header().Set("Content-Type", contentType)
	path, ok := strings.CutPrefix(r.URL.EscapedPath(), f.prefix)
	switch {
	case !ok:
		f.t.Errorf("request %s %s outside the API root %s", r.Method, r.URL.Path, f.prefix)
		http.NotFound(w, r)
	case strings.HasPrefix(path, "/app/"):
		f.app.serve(f.t, w, r, path)
	case r.Header.Get("Authorization") != f.auth:
		forgetest.ReplyFile(f.t, w, http.StatusUnauthorized, "bad-credentials.json")
	case f.Answer(f.t, w):
		// a scripted answer
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
	if !forgetest.SameQuery(q, want) || !strings.HasPrefix(head, f.owner+":") || base == "" {
		f.t.Errorf("list query = %s, want state=all, head=%s:<branch>, base, sort=created, direction=desc, per_page=100", q.Encode(), f.owner)
	}
	var numbers []int
	for n, pr := range f.prs {
		if ref(pr, "head") == strings.TrimPrefix(head, f.owner+":") && ref(pr, "base") == base {
			numbers = append(numbers, n)
		}
	}
	page := forgetest.Paginate(q, numbers, 30)
	items := []map[string]any{}
	for _, n := range page.Items {
		items = append(items, f.examples.Trim("list-pull-requests.json", f.prs[n]))
	}
	w.Header().Set("Link", links(f.srv.URL, r.URL, page.Number, page.Last))
	forgetest.WriteJSON(f.t, w, http.StatusOK, items)
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
	if !forgetest.Decode(f.t, w, r, &in) {
		return
	}
	for _, pr := range f.prs {
		if pr["state"] == "open" && ref(pr, "head") == in.Head && ref(pr, "base") == in.Base {
			forgetest.ReplyFile(f.t, w, http.StatusUnprocessableEntity, "validation-failed.json")
			return
		}
	}
	pr := f.add(in.Head, in.Base, "open")
	pr["title"], pr["body"], pr["draft"] = in.Title, in.Body, in.Draft
	forgetest.WriteJSON(f.t, w, http.StatusCreated, pr)
}

// edit answers PATCH /repos/{owner}/{repo}/pulls/{number}.
func (f *fakeGitHub) edit(w http.ResponseWriter, r *http.Request, number string) {
	pr, ok := f.prs[forgetest.Atoi(number, 0)]
	var in map[string]string
	if !ok || !forgetest.Decode(f.t, w, r, &in) {
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
	forgetest.WriteJSON(f.t, w, http.StatusOK, pr)
}

// addLabels answers POST /repos/{owner}/{repo}/issues/{number}/labels with all the
// labels the issue has after.
func (f *fakeGitHub) addLabels(w http.ResponseWriter, r *http.Request, number string) {
	pr, ok := f.prs[forgetest.Atoi(number, 0)]
	var names []string
	if !ok || !forgetest.Decode(f.t, w, r, &names) {
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
	forgetest.WriteJSON(f.t, w, http.StatusOK, pr["labels"])
}

// add stores a new pull request made from the documented example, with the next number.
func (f *fakeGitHub) add(head, base, state string) map[string]any {
	n := f.next
	f.next++
	pr := f.examples.Copy("pull-request.json").(map[string]any)
	api := fmt.Sprintf("https://api.github.com/repos/%s/%s", f.owner, f.repo)
	created := forgetest.Created(n)
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
		l := f.examples.Copy("add-labels-to-an-issue.json").([]any)[0].(map[string]any)
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
