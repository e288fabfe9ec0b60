package scanner_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tagflow/tagflow/internal/testenv/registry"
	"github.com/tagflow/tagflow/scanner"
	"github.com/tagflow/tagflow/scanner/store"
)

// These tests run against a real Distribution v3 registry process (internal/testenv).

// newScanner returns a scanner that trusts srv's CA (or uses plain HTTP) with opts.
func newScanner(t *testing.T, srv *registry.Server, opts ...scanner.Option) *scanner.Scanner {
	t.Helper()
	base := []scanner.Option{scanner.WithRetry(3, 10*time.Millisecond)}
	if srv.Insecure {
		base = append(base, scanner.WithInsecure(true))
	} else {
		base = append(base, scanner.WithCA(srv.CAPEM))
	}
	s, err := scanner.New(append(base, opts...)...)
	if err != nil {
		t.Fatalf("scanner.New: %v", err)
	}
	return s
}

func TestAcceptancePagination(t *testing.T) {
	srv := registry.Start(t, registry.TLS)
	var want []string
	for i := range 2500 {
		want = append(want, fmt.Sprintf("1.%d.%d", i/100, i%100))
	}
	srv.PushTags(t, "app", want...)
	slices.Sort(want)
	var pages atomic.Int64
	s := newScanner(t, srv, scanner.WithPageSize(100), scanner.WithProgress(func(p scanner.Progress) {
		pages.Store(int64(p.Pages))
	}))
	got, err := s.List(t.Context(), srv.Ref("app"))
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("List() mismatch (-want +got):\n%s", diff)
	}
	// Distribution links a full page to the next one, so 25 full pages end with an empty one.
	if pages.Load() != 26 {
		t.Errorf("read %d pages, want 25 pages of 100 and an empty last page", pages.Load())
	}
}

func TestAcceptanceAuthAndCustomCA(t *testing.T) {
	srv := registry.Start(t, registry.TLSAuth)
	srv.PushTags(t, "private", "1.0.0", "1.0.1")
	t.Run("docker config", func(t *testing.T) {
		got, err := newScanner(t, srv, scanner.WithDockerConfigJSON(srv.DockerConfigJSON())).List(t.Context(), srv.Ref("private"))
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		if diff := cmp.Diff([]string{"1.0.0", "1.0.1"}, got); diff != "" {
			t.Errorf("List() mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("wrong password", func(t *testing.T) {
		_, err := newScanner(t, srv, scanner.WithBasicAuth(srv.Username, "wrong")).List(t.Context(), srv.Ref("private"))
		if !errors.Is(err, scanner.ErrAuth) {
			t.Fatalf("List with a wrong password: error = %v, want ErrAuth", err)
		}
	})
	t.Run("without the CA", func(t *testing.T) {
		s, err := scanner.New(scanner.WithBasicAuth(srv.Username, srv.Password), scanner.WithRetry(1, 0))
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.List(t.Context(), srv.Ref("private"))
		if !errors.Is(err, scanner.ErrInvalidConfig) || !strings.Contains(err.Error(), "certificate") {
			t.Fatalf("List without the CA: error = %v, want ErrInvalidConfig about the certificate", err)
		}
	})
}

func TestAcceptanceDigestAndPlatforms(t *testing.T) {
	srv := registry.Start(t, registry.TLS)
	index := srv.PushIndex(t, "app", "2.0.0", "linux/amd64", "linux/arm64")
	single := srv.PushTags(t, "app", "1.0.0")["1.0.0"]
	s := newScanner(t, srv)
	for tag, want := range map[string]string{"2.0.0": index, "1.0.0": single} {
		got, err := s.Digest(t.Context(), srv.Ref("app"), tag)
		if err != nil || got != want {
			t.Errorf("Digest(%s) = %s, %v; want %s", tag, got, err, want)
		}
	}
	missing, err := s.MissingPlatforms(t.Context(), srv.Ref("app"), "2.0.0", "linux/amd64", "linux/arm64", "linux/s390x")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"linux/s390x"}, missing); diff != "" {
		t.Errorf("MissingPlatforms() mismatch (-want +got):\n%s", diff)
	}
}

// faultyProxy is a reverse proxy in front of a real registry that can answer tags/list
// requests itself.
type faultyProxy struct {
	*httptest.Server
	tooMany atomic.Int64 // tags/list requests still to answer 429 with Retry-After: 2
	served  atomic.Int64 // 429s served
	garbage atomic.Bool  // answer tags/list with invalid JSON
}

func newFaultyProxy(t *testing.T, srv *registry.Server) *faultyProxy {
	t.Helper()
	target, _ := url.Parse(srv.URL())
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.Transport = srv.Transport()
	p := &faultyProxy{}
	p.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/tags/list") {
			if p.tooMany.Add(-1) >= 0 {
				p.served.Add(1)
				w.Header().Set("Retry-After", "2")
				http.Error(w, `{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}`, http.StatusTooManyRequests)
				return
			}
			if p.garbage.Load() {
				_, _ = w.Write([]byte("<html>502 from a load balancer</html>"))
				return
			}
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(p.Close)
	return p
}

func (p *faultyProxy) scanner(t *testing.T) *scanner.Scanner {
	t.Helper()
	s, err := scanner.New(scanner.WithTransport(p.Client().Transport), scanner.WithRetry(3, 10*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (p *faultyProxy) ref(repo string) string {
	u, _ := url.Parse(p.URL)
	return u.Host + "/" + repo
}

func TestAcceptanceRetryAfter(t *testing.T) {
	srv := registry.Start(t, registry.TLS)
	srv.PushTags(t, "app", "1.0.0")
	p := newFaultyProxy(t, srv)
	p.tooMany.Store(2)
	got, err := p.scanner(t).List(t.Context(), p.ref("app"))
	if err != nil {
		t.Fatalf("List after 429s: %v", err)
	}
	if diff := cmp.Diff([]string{"1.0.0"}, got); diff != "" {
		t.Errorf("List() mismatch (-want +got):\n%s", diff)
	}
	if p.served.Load() != 2 {
		t.Errorf("proxy served %d 429s, want 2", p.served.Load())
	}
}

// TestAcceptanceKeepsLastGoodTags scans into the store, then scans a registry that
// answers garbage: the error is clear, and the last good tags stay, also across a restart.
func TestAcceptanceKeepsLastGoodTags(t *testing.T) {
	srv := registry.Start(t, registry.TLS)
	srv.PushTags(t, "app", "1.0.0", "1.1.0")
	p := newFaultyProxy(t, srv)
	path := filepath.Join(t.TempDir(), "tags.db")
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	key := store.Key{Namespace: "apps", Name: "app"}
	s := p.scanner(t)
	scan := func() error {
		tags, err := s.List(t.Context(), p.ref("app"))
		if err != nil {
			return err // a failing scan does not Put: the last good tags stay
		}
		_, err = db.Put(t.Context(), key, tags, time.Now())
		return err
	}
	if err := scan(); err != nil {
		t.Fatalf("first scan: %v", err)
	}
	p.garbage.Store(true)
	err = scan()
	if !errors.Is(err, scanner.ErrTransient) || !strings.Contains(err.Error(), "decoding tag list") {
		t.Fatalf("scan of garbage: error = %v, want ErrTransient about decoding the tag list", err)
	}
	assertStored(t, db, key, []string{"1.0.0", "1.1.0"})
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	assertStored(t, db, key, []string{"1.0.0", "1.1.0"})
}

func assertStored(t *testing.T, db *store.Store, key store.Key, want []string) {
	t.Helper()
	got, err := db.Get(t.Context(), key)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if diff := cmp.Diff(want, got.Names()); diff != "" {
		t.Errorf("stored tags mismatch (-want +got):\n%s", diff)
	}
}
