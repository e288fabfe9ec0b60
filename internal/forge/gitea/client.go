package gitea

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"code.gitea.io/sdk/gitea"

	"github.com/tagflow/tagflow/internal/forge"
)

// defaultTimeout bounds each API call when forge.Config has no HTTPClient.
const defaultTimeout = 30 * time.Second

// pageSize is the page size asked for; the server caps it at its MAX_RESPONSE_ITEMS (50 by
// default) and its Link header says where the next page is.
const pageSize = 50

// Client is one repository on a Gitea or Forgejo instance. It is safe for concurrent use.
type Client struct {
	url         string // instance root, without a trailing slash
	owner, name string
	opts        []gitea.ClientOption // every SDK option but the context
}

var _ forge.Client = (*Client)(nil)

// New returns a client of the repository cfg.Repository (owner/name) on the instance whose
// root is cfg.URL (http(s)://host[:port][/subpath]; a trailing /api/v1 is dropped),
// authenticated with the access token cfg.Token. cfg.App is refused: GitHub Apps are
// GitHub's. New does no I/O: the SDK's server version probe is turned off.
func New(cfg forge.Config) (*Client, error) {
	if cfg.App != nil {
		return nil, errors.New("configuring the gitea client: a GitHub App cannot authenticate to Gitea, use a token")
	}
	if cfg.Token == "" {
		return nil, errors.New("configuring the gitea client: no access token")
	}
	owner, name, ok := cfg.OwnerName()
	if !ok {
		return nil, fmt.Errorf("configuring the gitea client: repository %q is not owner/name", cfg.Repository)
	}
	root, err := instanceRoot(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("configuring the gitea client: %w", err)
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: defaultTimeout}
	}
	c := &Client{url: root, owner: owner, name: name, opts: []gitea.ClientOption{
		gitea.SetToken(cfg.Token),
		gitea.SetHTTPClient(hc),
		gitea.SetUserAgent("tagflow"),
		gitea.SetGiteaVersion(""), // no version probe: New and every call stay one request
	}}
	if _, err := gitea.NewClient(c.url, c.opts...); err != nil {
		return nil, fmt.Errorf("configuring the gitea client: %w", err)
	}
	return c, nil
}

// instanceRoot checks an instance URL and returns it without a trailing slash or /api/v1.
func instanceRoot(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("parsing the URL: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return "", fmt.Errorf("URL %q is not http(s)://host[:port][/path]", u.Redacted())
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("URL %q has user info, a query or a fragment", u.Redacted())
	}
	u.Path = strings.TrimSuffix(strings.TrimRight(u.Path, "/"), "/api/v1")
	u.RawPath = ""
	return strings.TrimRight(u.String(), "/"), nil
}

// api returns an SDK client whose requests carry ctx. The SDK holds one context per client
// (SetContext), so each call gets its own client; building one does no I/O, and its options
// cannot fail once New has built one with them.
func (c *Client) api(ctx context.Context) *gitea.Client {
	api, _ := gitea.NewClient(c.url, append(slices.Clip(c.opts), gitea.SetContext(ctx))...)
	return api
}

// nextPage returns the page of a listing after page, or 0 when there is none: the Link
// header's next page when the server sends one, else the following page as long as the
// items seen so far are fewer than X-Total-Count (Gitea's label list sends only the count).
// A page of n = 0 items ends the listing.
func nextPage(resp *gitea.Response, page, n, seen int) int {
	if n == 0 {
		return 0
	}
	if resp.NextPage > page {
		return resp.NextPage
	}
	if total, err := strconv.Atoi(resp.Header.Get("X-Total-Count")); err == nil && seen < total {
		return page + 1
	}
	return 0
}

// repo returns "owner/name", for messages.
func (c *Client) repo() string { return c.owner + "/" + c.name }
