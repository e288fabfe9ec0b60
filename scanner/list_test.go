package scanner

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestList(t *testing.T) {
	tr := newTestRegistry(t, false)
	tr.pushTags(t, "app", "1.0.0", "1.1.0", "1.1.0.sig", "2.0.0-rc.1", "latest")

	tests := []struct {
		name string
		opts []Option
		want []string
	}{
		{name: "default exclusion drops .sig", want: []string{"1.0.0", "1.1.0", "2.0.0-rc.1", "latest"}},
		{name: "user list replaces the default", opts: []Option{WithExclusionList(`-rc`, `^latest$`)}, want: []string{"1.0.0", "1.1.0", "1.1.0.sig"}},
		{name: "empty list keeps the default", opts: []Option{WithExclusionList()}, want: []string{"1.0.0", "1.1.0", "2.0.0-rc.1", "latest"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tr.newScanner(t, tc.opts...).List(t.Context(), tr.image("app"))
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("List() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestListPaginates follows Link headers over TLS on loopback, where
// go-containerregistry's own pagination would switch to http.
func TestListPaginates(t *testing.T) {
	for _, tls := range []bool{false, true} {
		t.Run(fmt.Sprintf("tls=%v", tls), func(t *testing.T) {
			tr := newTestRegistry(t, tls)
			tr.paginate = true
			var want []string
			for i := range 25 {
				want = append(want, fmt.Sprintf("v%03d", i))
			}
			tr.pushTags(t, "org/app", want...)
			var pages []Progress
			s := tr.newScanner(t, WithPageSize(10), WithProgress(func(p Progress) { pages = append(pages, p) }))
			got, err := s.List(t.Context(), tr.image("org/app"))
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("List() mismatch (-want +got):\n%s", diff)
			}
			wantPages := []Progress{
				{Image: tr.image("org/app"), Pages: 1, Tags: 10},
				{Image: tr.image("org/app"), Pages: 2, Tags: 20},
				{Image: tr.image("org/app"), Pages: 3, Tags: 25},
			}
			if diff := cmp.Diff(wantPages, pages); diff != "" {
				t.Errorf("progress mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestListErrors(t *testing.T) {
	tr := newTestRegistry(t, false)
	tr.pushTags(t, "app", "1.0.0")
	tr.fault = func(w http.ResponseWriter, r *http.Request) bool {
		if strings.HasPrefix(r.URL.Path, "/v2/garbage/") {
			_, _ = w.Write([]byte(`{"tags": [not json`))
			return true
		}
		return false
	}
	tests := []struct {
		name     string
		scanner  func(t *testing.T) (*Scanner, error)
		image    string
		want     error
		contains string
	}{
		{name: "unknown repository", image: "nope", want: ErrNotFound, contains: "NAME_UNKNOWN"},
		{name: "garbage JSON", image: "garbage", want: ErrTransient, contains: "decoding tag list"},
		{name: "image with tag", image: "app:1.0.0", want: ErrInvalidConfig, contains: "parsing image"},
		{name: "image with scheme", image: "http://x/app", want: ErrInvalidConfig, contains: "URL scheme"},
		{
			name:     "plain HTTP without insecure",
			scanner:  func(*testing.T) (*Scanner, error) { return New(WithRetry(1, 0)) },
			image:    "app",
			want:     ErrInvalidConfig,
			contains: "plain HTTP is not allowed",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := tr.newScanner(t)
			if tc.scanner != nil {
				var err error
				if s, err = tc.scanner(t); err != nil {
					t.Fatal(err)
				}
			}
			image := tr.image(tc.image)
			if strings.Contains(tc.image, "://") {
				image = tc.image
			}
			_, err := s.List(t.Context(), image)
			assertError(t, err, tc.want, tc.contains)
			if !strings.HasPrefix(err.Error(), "listing tags of "+image) {
				t.Errorf("error %q does not say what was being done", err)
			}
		})
	}
}

// assertError checks the class of err and a piece of its message.
func assertError(t *testing.T, err, want error, contains string) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("error = %v, want %v", err, want)
	}
	var se *Error
	if !errors.As(err, &se) {
		t.Errorf("error %v is not a *scanner.Error", err)
	}
	if !strings.Contains(err.Error(), contains) {
		t.Errorf("error %q does not contain %q", err, contains)
	}
}

func TestNextPage(t *testing.T) {
	requested, _ := url.Parse("https://127.0.0.1:5000/v2/app/tags/list?n=2")
	tests := []struct {
		link    string
		want    string
		wantErr bool
	}{
		{link: "", want: ""},
		{link: `</v2/app/tags/list?last=b&n=2>; rel="next"`, want: "https://127.0.0.1:5000/v2/app/tags/list?last=b&n=2"},
		{link: `<http://127.0.0.1:5000/v2/app/tags/list?last=b&n=2>; rel="next"`, want: "https://127.0.0.1:5000/v2/app/tags/list?last=b&n=2"},
		{link: `<https://127.0.0.1/v2/app/tags/list?last=b&n=2>; rel="next"`, want: "https://127.0.0.1:5000/v2/app/tags/list?last=b&n=2"},
		{link: `</v2/app/tags/list?last=b&n=2>`, want: "https://127.0.0.1:5000/v2/app/tags/list?last=b&n=2"},
		{link: `</x>; rel="prev", </v2/app/tags/list?last=b>; rel="next"`, want: "https://127.0.0.1:5000/v2/app/tags/list?last=b"},
		{link: `<https://evil.example/v2/app/tags/list?last=b>; rel="next"`, wantErr: true},
		{link: `/v2/app/tags/list?last=b`, wantErr: true},
		{link: `</v2/app/tags/list?n=2>; rel="next"`, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.link, func(t *testing.T) {
			got, err := nextPage(requested, tc.link, 2)
			if (err != nil) != tc.wantErr {
				t.Fatalf("nextPage(%q) error = %v, want error %v", tc.link, err, tc.wantErr)
			}
			gotStr := ""
			if got != nil {
				gotStr = got.String()
			}
			if gotStr != tc.want {
				t.Errorf("nextPage(%q) = %q, want %q", tc.link, gotStr, tc.want)
			}
		})
	}
}

func TestExclusions(t *testing.T) {
	tags := []string{"1.0.0", "1.0.0.sig", "0.2.-alpha", "sig", "a.sigx", "aaa", "bbb", "ccc", "ddd"}
	tests := []struct {
		patterns []string
		want     []string
	}{
		{patterns: DefaultExclusionList, want: []string{"1.0.0", "0.2.-alpha", "sig", "a.sigx", "aaa", "bbb", "ccc", "ddd"}},
		{patterns: []string{`^.*\-alpha$`, `^.*\.sig$`}, want: []string{"1.0.0", "sig", "a.sigx", "aaa", "bbb", "ccc", "ddd"}},
		{patterns: []string{`aaa|ccc`}, want: []string{"1.0.0", "1.0.0.sig", "0.2.-alpha", "sig", "a.sigx", "bbb", "ddd"}},
		{patterns: []string{`(?i)^.*\.SIG$`}, want: []string{"1.0.0", "0.2.-alpha", "sig", "a.sigx", "aaa", "bbb", "ccc", "ddd"}},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.patterns, ","), func(t *testing.T) {
			ex, err := compileExclusions(tc.patterns)
			if err != nil {
				t.Fatal(err)
			}
			got := ex.filter(slices.Clone(tags))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("filter mismatch (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := New(WithExclusionList("[=")); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("New(WithExclusionList(\"[=\")) error = %v, want ErrInvalidConfig", err)
	}
}

func TestLiteralSuffix(t *testing.T) {
	tests := []struct {
		pattern string
		want    string
		ok      bool
	}{
		{pattern: `^.*\.sig$`, want: ".sig", ok: true},
		{pattern: `^.*-alpha$`, want: "-alpha", ok: true},
		{pattern: `.*\.sig$`},
		{pattern: `^.*\.sig`},
		{pattern: `(?i)^.*\.sig$`},
		{pattern: `(?s)^.*\.sig$`},
		{pattern: `^.+\.sig$`},
		{pattern: `^.*\.si[g]$`, want: ".sig", ok: true},
	}
	for _, tc := range tests {
		got, ok := literalSuffix(tc.pattern)
		if got != tc.want || ok != tc.ok {
			t.Errorf("literalSuffix(%q) = %q, %v; want %q, %v", tc.pattern, got, ok, tc.want, tc.ok)
		}
	}
}
