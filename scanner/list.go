package scanner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-logr/logr"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// maxPages stops a registry whose Link headers never end.
const maxPages = 100_000

// List returns the tags of image (a repository such as "ghcr.io/org/app", without tag),
// minus the excluded ones, in the order the registry sent them. It follows the Link
// header of each page (GET /v2/<name>/tags/list?n=<page size>) itself: the next URL is
// resolved against the URL actually requested, so it keeps the scheme and port in use.
func (s *Scanner) List(ctx context.Context, image string) ([]string, error) {
	const op = "listing tags of"
	repo, err := s.repository(image)
	if err != nil {
		return nil, configError(op, image, err)
	}
	ctx, cancel := context.WithTimeout(ctx, s.opts.timeout)
	defer cancel()
	client, err := s.client(ctx, repo)
	if err != nil {
		return nil, classify(op, image, err)
	}
	tags, err := s.listPages(ctx, client, repo)
	if err != nil {
		return nil, classify(op, image, err)
	}
	return s.excludes.filter(tags), nil
}

// listPages reads every page of the tag list.
func (s *Scanner) listPages(ctx context.Context, client *http.Client, repo name.Repository) ([]string, error) {
	log := logr.FromContextOrDiscard(ctx)
	next := firstPage(repo, s.opts.pageSize)
	var tags []string
	for pages := 1; next != nil; pages++ {
		if pages > maxPages {
			return nil, fmt.Errorf("more than %d pages of tags", maxPages)
		}
		page, link, err := listPage(ctx, client, next)
		if err != nil {
			return nil, fmt.Errorf("reading page %d: %w", pages, err)
		}
		tags = append(tags, page...)
		log.V(1).Info("read tags page", "image", repo.Name(), "page", pages, "tags", len(tags))
		if s.opts.progress != nil {
			s.opts.progress(Progress{Image: repo.Name(), Pages: pages, Tags: len(tags)})
		}
		if next, err = nextPage(next, link, len(page)); err != nil {
			return nil, fmt.Errorf("following page %d: %w", pages, err)
		}
	}
	return tags, nil
}

// firstPage is the URL of the first page. The scheme is a placeholder: the authentication
// transport sets the one that answered the ping.
func firstPage(repo name.Repository, pageSize int) *url.URL {
	return &url.URL{
		Scheme:   repo.Scheme(),
		Host:     repo.RegistryStr(),
		Path:     fmt.Sprintf("/v2/%s/tags/list", repo.RepositoryStr()),
		RawQuery: "n=" + strconv.Itoa(pageSize),
	}
}

// tagList is the body of a tags/list answer.
type tagList struct {
	Tags []string `json:"tags"`
}

// listPage fetches one page. It returns the tags and the Link header.
func listPage(ctx context.Context, client *http.Client, u *url.URL) ([]string, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, "", err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	if err := transport.CheckError(resp, http.StatusOK); err != nil {
		return nil, "", err
	}
	var page tagList
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		return nil, "", &decodeError{what: "tag list from " + resp.Request.URL.Redacted(), err: err}
	}
	// The transport may have changed the scheme: remember what was actually requested.
	*u = *resp.Request.URL
	return page.Tags, resp.Header.Get("Link"), nil
}

// nextPage returns the URL of the next page named by a Link header, resolved against the
// requested URL, or nil when there is none. The next page must be on the same host; only
// its path and query are taken, so a Link that drops the port or names another scheme
// (registries behind proxies do) still reaches the registry that was asked.
func nextPage(requested *url.URL, link string, pageLen int) (*url.URL, error) {
	target, ok, err := nextLink(link)
	if err != nil || !ok {
		return nil, err
	}
	ref, err := url.Parse(target)
	if err != nil {
		return nil, fmt.Errorf("parsing Link header %q: %w", link, err)
	}
	if ref.Host != "" && ref.Hostname() != requested.Hostname() {
		return nil, fmt.Errorf("link to next page %q leaves registry %s", target, requested.Host)
	}
	next := requested.ResolveReference(&url.URL{Path: ref.Path, RawPath: ref.RawPath, RawQuery: ref.RawQuery})
	if pageLen == 0 || next.String() == requested.String() {
		return nil, fmt.Errorf("link to next page %q does not advance", target)
	}
	return next, nil
}

// nextLink finds the rel="next" target in a Link header (RFC 8288). A single link without
// a rel parameter counts as next, as Distribution's older versions send it.
func nextLink(header string) (string, bool, error) {
	if header == "" {
		return "", false, nil
	}
	links := strings.Split(header, ",")
	for _, l := range links {
		target, params, err := parseLink(l)
		if err != nil {
			return "", false, fmt.Errorf("parsing Link header %q: %w", header, err)
		}
		rel, hasRel := params["rel"]
		if rel == "next" || (!hasRel && len(links) == 1) {
			return target, true, nil
		}
	}
	return "", false, nil
}

// parseLink splits `<target>; key="value"; ...` into the target and the parameters.
func parseLink(l string) (string, map[string]string, error) {
	l = strings.TrimSpace(l)
	end := strings.IndexByte(l, '>')
	if !strings.HasPrefix(l, "<") || end < 0 {
		return "", nil, errors.New("want <URL>")
	}
	params := map[string]string{}
	for _, p := range strings.Split(l[end+1:], ";") {
		k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
		if k != "" {
			params[strings.ToLower(k)] = strings.Trim(v, `"`)
		}
	}
	return l[1:end], params, nil
}

// decodeError is a response body that could not be decoded: the registry sent something
// that is not what the API promises.
type decodeError struct {
	what string
	err  error
}

func (e *decodeError) Error() string { return fmt.Sprintf("decoding %s: %v", e.what, e.err) }

func (e *decodeError) Unwrap() error { return e.err }
