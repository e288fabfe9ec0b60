package policy

import (
	"errors"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFilterExtract(t *testing.T) {
	tests := []struct {
		name, pattern, extract string
		tags                   []string
		want                   []string // tag=value of the tags kept
	}{
		{"no pattern", "", "", []string{"a"}, []string{"a=a"}},
		{"prefix", "^ver", "", []string{"ver1", "ver2", "ver3", "rel1"}, []string{"ver1=ver1", "ver2=ver2", "ver3=ver3"}},
		{"unanchored", "abc", "", []string{"xabcx", "ab"}, []string{"xabcx=xabcx"}},
		{"numbered group", `ver(\d+)`, "$1", []string{"ver1", "ver2", "rel3"}, []string{"ver1=1", "ver2=2"}},
		{"named group", `^(?P<tag>123-[0-9]+\.[0-9]+\.[a-z0-9]+[^-debug])`, "$tag",
			[]string{"123-123.123.abcd123-debug", "123-123.123.abcd123", "123-123.123.abcd456", "123-123.123.abcd456-debug"},
			[]string{"123-123.123.abcd123-debug=123-123.123.abcd123", "123-123.123.abcd123=123-123.123.abcd123", "123-123.123.abcd456=123-123.123.abcd456", "123-123.123.abcd456-debug=123-123.123.abcd456"}},
		{"braces and text", `^main-(?P<sha>[a-f0-9]+)-(?P<ts>\d+)$`, "${ts}.${sha}", []string{"main-abc-17", "dev-abc-18"}, []string{"main-abc-17=17.abc"}},
		{"whole match", `\d+`, "$0", []string{"rc12x"}, []string{"rc12x=12"}},
		{"dollar dollar", `(\d)`, "$$1", []string{"v1"}, []string{"v1=$1"}},
		{"optional group unset", `^a(b)?`, "$1", []string{"ac", "ab"}, []string{"ac=", "ab=b"}},
		{"unicode", `^(?P<n>\p{L}+)-`, "$n", []string{"héllo-1", "1-2"}, []string{"héllo-1=héllo"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := NewFilter(tt.pattern, tt.extract)
			if err != nil {
				t.Fatalf("NewFilter(%q, %q): %v", tt.pattern, tt.extract, err)
			}
			var got []string
			for _, tag := range tt.tags {
				if v, ok := f.Extract(tag); ok {
					got = append(got, tag+"="+v)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Extract mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNewFilterInvalid(t *testing.T) {
	tests := []struct{ pattern, extract string }{
		{"[=", ""},
		{"^test-(.*", "$1"},
		{`ver(\d+)`, "$2"},
		{`ver(\d+)`, "$name"},
		{`ver(?P<num>\d+)`, "${nums}"},
		{`ver(\d+)`, "$1a"}, // regexp.Expand reads the group "1a"
		{`ver(\d+)`, "$01"},
		{`(\d+)`, "ok $1 then $nope"},
		{"", "$1"},
	}
	for _, tt := range tests {
		if _, err := NewFilter(tt.pattern, tt.extract); !errors.Is(err, ErrInvalidPolicy) {
			t.Errorf("NewFilter(%q, %q) error = %v, want ErrInvalidPolicy", tt.pattern, tt.extract, err)
		}
	}
}

func TestCheckTemplateSingleGroup(t *testing.T) {
	re := regexp.MustCompile(`(?P<a>x)(y)`)
	tests := map[string]int{"$1": 1, "${a}": 1, "$a": 1, "$2": 2, "$0": 0, "${2}x": -1, "x$2": -1, "$1$2": -1, "$": -1, "$$1": -1, "plain": -1}
	for tpl, want := range tests {
		got, err := checkTemplate(re, tpl)
		if err != nil || got != want {
			t.Errorf("checkTemplate(%q) = %d, %v; want %d", tpl, got, err, want)
		}
	}
}

func TestPolicyWithFilter(t *testing.T) {
	tests := []struct {
		name    string
		spec    Spec
		tags    []string
		want    Result
		wantErr error
	}{
		{
			name: "numerical over extracted rc numbers",
			spec: Spec{Numerical: &OrderSpec{}, Filter: &FilterSpec{Pattern: `1.0.0-rc\.(?P<num>[0-9]+)`, Extract: "$num"}},
			tags: []string{"1.0.0", "1.0.0-rc.1", "1.0.0-rc.2", "1.0.0-rc.3", "1.0.1-rc.2"},
			want: Result{Tag: "1.0.0-rc.3", Explanation: Explanation{
				Policy: "numerical", Order: "asc", Pattern: `1.0.0-rc\.(?P<num>[0-9]+)`, Extract: "$num",
				Considered: 5, Matched: 3, Parsed: 3,
				Rejected: []Rejection{{Reason: ReasonNoMatch, Count: 2, Tags: []string{"1.0.0", "1.0.1-rc.2"}}},
				Winner:   "1.0.0-rc.3", Value: "3",
			}},
		},
		{
			name: "alphabetical over extracted words",
			spec: Spec{Alphabetical: &OrderSpec{Order: "asc"}, Filter: &FilterSpec{Pattern: `foo-(?P<word>[a-z]+)`, Extract: "$word"}},
			tags: []string{"foo-aaa", "bar-bbb", "foo-zzz", "baz-nnn", "foo-ooo"},
			want: Result{Tag: "foo-zzz", Explanation: Explanation{
				Policy: "alphabetical", Order: "asc", Pattern: `foo-(?P<word>[a-z]+)`, Extract: "$word",
				Considered: 5, Matched: 3, Parsed: 3,
				Rejected: []Rejection{{Reason: ReasonNoMatch, Count: 2, Tags: []string{"bar-bbb", "baz-nnn"}}},
				Winner:   "foo-zzz", Value: "zzz",
			}},
		},
		{
			name: "semver behind a prefix",
			spec: Spec{SemVer: &SemVerSpec{Range: ">=0.x"}, Filter: &FilterSpec{Pattern: `^test-(.*)$`, Extract: "$1"}},
			tags: []string{"test-0.1.0", "test-0.1.1", "dev-0.2.0", "1.0.0", "1.0.1", "1.0.2", "1.1.0-alpha"},
			want: Result{Tag: "test-0.1.1", Explanation: Explanation{
				Policy: "semver", Range: ">=0.x", Pattern: `^test-(.*)$`, Extract: "$1",
				Considered: 7, Matched: 2, Parsed: 2,
				Rejected: []Rejection{{Reason: ReasonNoMatch, Count: 5, Tags: []string{"dev-0.2.0", "1.0.0", "1.0.1", "1.0.2", "1.1.0-alpha"}}},
				Winner:   "test-0.1.1", Value: "0.1.1",
			}},
		},
		{
			name: "collision goes to the greatest tag",
			spec: Spec{Numerical: &OrderSpec{Order: "asc"}, Filter: &FilterSpec{Pattern: `^(?:main|dev)-[a-f0-9]+-(?P<ts>\d+)$`, Extract: "$ts"}},
			tags: []string{"main-bbb-20", "main-aaa-20", "dev-ccc-20", "main-ddd-10"},
			want: Result{Tag: "main-bbb-20", Explanation: Explanation{
				Policy: "numerical", Order: "asc", Pattern: `^(?:main|dev)-[a-f0-9]+-(?P<ts>\d+)$`, Extract: "$ts",
				Considered: 4, Matched: 4, Parsed: 4,
				Winner: "main-bbb-20", Value: "20",
				Collision: &Collision{Value: "20", Count: 3, Tags: []string{"main-bbb-20", "main-aaa-20", "dev-ccc-20"}},
			}},
		},
		{
			name: "collision among equal numbers with different values",
			spec: Spec{Numerical: &OrderSpec{}, Filter: &FilterSpec{Pattern: `^[a-z]-(.*)$`, Extract: "$1"}},
			tags: []string{"a-1", "b-1.0", "c-1", "d-0.5", "e-1.0", "f-1"},
			want: Result{Tag: "f-1", Explanation: Explanation{
				Policy: "numerical", Order: "asc", Pattern: `^[a-z]-(.*)$`, Extract: "$1",
				Considered: 6, Matched: 6, Parsed: 6,
				Winner: "f-1", Value: "1",
				Collision: &Collision{Value: "1", Count: 3, Tags: []string{"a-1", "c-1", "f-1"}},
			}},
		},
		{
			name:    "nothing matches the filter",
			spec:    Spec{SemVer: &SemVerSpec{Range: "*"}, Filter: &FilterSpec{Pattern: `^rel-`}},
			tags:    []string{"1.0.0"},
			wantErr: ErrNoMatch,
			want: Result{Explanation: Explanation{
				Policy: "semver", Range: "*", Pattern: "^rel-", Considered: 1,
				Rejected: []Rejection{{Reason: ReasonNoMatch, Count: 1, Tags: []string{"1.0.0"}}},
			}},
		},
		{
			name: "empty tags are dropped",
			spec: Spec{Alphabetical: &OrderSpec{Order: "desc"}},
			tags: []string{"b", "", "a"},
			want: Result{Tag: "a", Explanation: Explanation{
				Policy: "alphabetical", Order: "desc", Considered: 3, Matched: 2, Parsed: 2,
				Rejected: []Rejection{{Reason: ReasonEmpty, Count: 1, Tags: []string{""}}},
				Winner:   "a",
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := New(tt.spec)
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			got, err := p.Select(tt.tags)
			if !errors.Is(err, tt.wantErr) || (err != nil) != (tt.wantErr != nil) {
				t.Fatalf("Select() error = %v, want %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Select() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNewInvalid(t *testing.T) {
	tests := map[string]Spec{
		"no policy":     {},
		"two policies":  {SemVer: &SemVerSpec{Range: "*"}, Numerical: &OrderSpec{}},
		"three":         {SemVer: &SemVerSpec{Range: "*"}, Alphabetical: &OrderSpec{}, Numerical: &OrderSpec{}},
		"bad range":     {SemVer: &SemVerSpec{Range: "*-*"}},
		"bad order":     {Numerical: &OrderSpec{Order: "up"}},
		"bad pattern":   {Alphabetical: &OrderSpec{}, Filter: &FilterSpec{Pattern: "("}},
		"unknown group": {Alphabetical: &OrderSpec{}, Filter: &FilterSpec{Pattern: "(?P<a>x)", Extract: "$b"}},
	}
	for name, spec := range tests {
		if _, err := New(spec); !errors.Is(err, ErrInvalidPolicy) {
			t.Errorf("%s: New() error = %v, want ErrInvalidPolicy", name, err)
		}
	}
}

func TestRequiredPrefix(t *testing.T) {
	tests := []struct {
		pattern  string
		prefix   string
		anchored bool
	}{
		{`^main-[a-f0-9]+-(?P<ts>.*)`, "main-", true},
		{`main-(\d+)`, "main-", false},
		{`^(?i)main-`, "", false},
		{`^(main|dev)-`, "", false},
		{`(?m)^main-`, "", false},
		{`^\x{1F600}x`, "\U0001F600x", true},
		{``, "", false},
		{`\d+`, "", false},
	}
	for _, tt := range tests {
		re := regexp.MustCompile(tt.pattern)
		if p, a := requiredPrefix(re); p != tt.prefix || a != tt.anchored {
			t.Errorf("requiredPrefix(%q) = %q, %v; want %q, %v", tt.pattern, p, a, tt.prefix, tt.anchored)
		}
	}
}
