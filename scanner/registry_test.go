package scanner

import (
	"bytes"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// testRegistry is go-containerregistry's in-process registry behind an httptest server,
// with the pagination Link header that Distribution sends (when paginate is set), a
// request counter, and a hook to inject faults.
type testRegistry struct {
	srv      *httptest.Server
	reg      http.Handler
	host     string
	paginate bool
	requests atomic.Int64
	// fault, when set, may answer a request instead of the registry: it returns true
	// when it wrote a response.
	fault func(w http.ResponseWriter, r *http.Request) bool
}

// newTestRegistry starts a plain HTTP (tls=false) or HTTPS test registry.
func newTestRegistry(t testing.TB, tls bool) *testRegistry {
	t.Helper()
	tr := &testRegistry{reg: registry.New(registry.Logger(log.New(io.Discard, "", 0)))}
	h := http.HandlerFunc(tr.serve)
	if tls {
		tr.srv = httptest.NewTLSServer(h)
	} else {
		tr.srv = httptest.NewServer(h)
	}
	t.Cleanup(tr.srv.Close)
	u, _ := url.Parse(tr.srv.URL)
	tr.host = u.Host
	return tr
}

func (tr *testRegistry) serve(w http.ResponseWriter, r *http.Request) {
	tr.requests.Add(1)
	if tr.fault != nil && tr.fault(w, r) {
		return
	}
	if tr.paginate && r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/tags/list") {
		tr.servePage(w, r)
		return
	}
	tr.reg.ServeHTTP(w, r)
}

// servePage answers tags/list as Distribution does: a full page gets a relative Link to
// the next one.
func (tr *testRegistry) servePage(w http.ResponseWriter, r *http.Request) {
	rec := httptest.NewRecorder()
	tr.reg.ServeHTTP(rec, r)
	n, _ := strconv.Atoi(r.URL.Query().Get("n"))
	var page struct {
		Name string   `json:"name"`
		Tags []string `json:"tags"`
	}
	if rec.Code == http.StatusOK && json.Unmarshal(rec.Body.Bytes(), &page) == nil && n > 0 && len(page.Tags) == n {
		next := url.Values{"n": {strconv.Itoa(n)}, "last": {page.Tags[n-1]}}
		w.Header().Set("Link", fmt.Sprintf("<%s?%s>; rel=\"next\"", r.URL.Path, next.Encode()))
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

// caPEM returns the server's certificate, for WithCA.
func (tr *testRegistry) caPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: tr.srv.Certificate().Raw})
}

// image returns the repository name of repo on this registry.
func (tr *testRegistry) image(repo string) string { return tr.host + "/" + repo }

// pushTags pushes one random image and tags it with every tag, writing the manifests
// straight into the registry handler so that 100k tags take seconds, not minutes. It
// returns the image's digest.
func (tr *testRegistry) pushTags(t testing.TB, repo string, tags ...string) v1.Hash {
	t.Helper()
	img, err := random.Image(256, 1)
	if err != nil {
		t.Fatal(err)
	}
	return tr.pushImage(t, repo, img, tags...)
}

// pushImage writes img's blobs through the API and its manifest under every tag.
func (tr *testRegistry) pushImage(t testing.TB, repo string, img v1.Image, tags ...string) v1.Hash {
	t.Helper()
	ref, err := name.NewTag(tr.image(repo)+":"+tags[0], name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(ref, img, remote.WithTransport(tr.srv.Client().Transport)); err != nil {
		t.Fatalf("pushing %s: %v", ref, err)
	}
	raw, _ := img.RawManifest()
	mt, _ := img.MediaType()
	tr.putManifests(t, repo, raw, string(mt), tags[1:])
	d, _ := img.Digest()
	return d
}

// putManifests PUTs raw under each tag, bypassing HTTP.
func (tr *testRegistry) putManifests(t testing.TB, repo string, raw []byte, mediaType string, tags []string) {
	t.Helper()
	for _, tag := range tags {
		req := httptest.NewRequest(http.MethodPut, "/v2/"+repo+"/manifests/"+tag, bytes.NewReader(raw))
		req.Header.Set("Content-Type", mediaType)
		rec := httptest.NewRecorder()
		tr.reg.ServeHTTP(rec, req)
		if rec.Code != http.StatusCreated {
			t.Fatalf("putting manifest %s:%s: %d %s", repo, tag, rec.Code, rec.Body)
		}
	}
}

// pushIndex pushes an index with one random image per platform and returns its digest.
func (tr *testRegistry) pushIndex(t testing.TB, repo, tag string, platforms ...string) v1.Hash {
	t.Helper()
	var adds []mutate.IndexAddendum
	for _, p := range platforms {
		img, err := random.Image(128, 1)
		if err != nil {
			t.Fatal(err)
		}
		plat, err := v1.ParsePlatform(p)
		if err != nil {
			t.Fatal(err)
		}
		adds = append(adds, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: plat}})
	}
	idx := mutate.AppendManifests(empty.Index, adds...)
	ref, err := name.NewTag(tr.image(repo)+":"+tag, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.WriteIndex(ref, idx, remote.WithTransport(tr.srv.Client().Transport)); err != nil {
		t.Fatalf("pushing index %s: %v", ref, err)
	}
	d, _ := idx.Digest()
	return d
}

// newScanner returns a scanner for tr: the test server's CA for TLS, insecure for HTTP,
// and fast retries.
func (tr *testRegistry) newScanner(t testing.TB, opts ...Option) *Scanner {
	t.Helper()
	base := []Option{WithRetry(3, 0)}
	if tr.srv.TLS != nil {
		base = append(base, WithCA(tr.caPEM()))
	} else {
		base = append(base, WithInsecure(true))
	}
	s, err := New(append(base, opts...)...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}
