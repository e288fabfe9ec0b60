package policy

import (
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// selectCase is one row of the selection tables: tags in, the chosen tag (or error) out.
type selectCase struct {
	name    string
	tags    []string
	want    string
	wantErr error
}

func runSelectCases(t *testing.T, s Selector, cases []selectCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Select(tc.tags)
			if !errors.Is(err, tc.wantErr) || (err != nil) != (tc.wantErr != nil) {
				t.Fatalf("Select(%q) error = %v, want %v", tc.tags, err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, got.Tag); diff != "" {
				t.Errorf("Select(%q) mismatch (-want +got):\n%s", tc.tags, diff)
			}
			if got.Explanation.Winner != got.Tag {
				t.Errorf("Explanation.Winner = %q, want %q", got.Explanation.Winner, got.Tag)
			}
		})
	}
}

func TestSemVerSelect(t *testing.T) {
	tests := []struct {
		rng   string
		cases []selectCase
	}{
		{"1.0.x", []selectCase{
			{"flux table", []string{"1.0.0", "1.0.0.1", "1.0.0p", "1.0.1", "1.2.0", "0.1.0"}, "1.0.1", nil},
			{"v tags", []string{"v1.2.3", "v1.0.0", "v0.1.0"}, "v1.0.0", nil},
			{"no versions", []string{"b1.2.3", "b1.0.0", "b0.1.0"}, "", ErrNoMatch},
			{"empty list", nil, "", ErrNoMatch},
			{"out of range", []string{"1.2.0"}, "", ErrNoMatch},
			{"prerelease ignored", []string{"1.0.0", "1.0.1-rc.1"}, "1.0.0", nil},
			{"two parts", []string{"1.0", "1", "1.0.0.1", "1.0.1.0", "1.0-rc.1", "1-rc.1.2"}, "", ErrNoMatch},
			{"v on tag", []string{"1.0.0", "v1.0.1", "1.0.2-rc.1"}, "v1.0.1", nil},
			{"tie v and plain", []string{"v1.0.1", "1.0.1"}, "v1.0.1", nil},
			{"tie order independent", []string{"1.0.1", "v1.0.1"}, "v1.0.1", nil},
			{"tie build metadata", []string{"1.0.1+b", "1.0.1+a", "1.0.1"}, "1.0.1+b", nil},
			{"leading zeros", []string{"01.0.1", "1.0.0"}, "01.0.1", nil},
			{"leading zeros tie", []string{"1.00.1", "1.0.1"}, "1.00.1", nil},
			{"unicode", []string{"1.0.1é", "１.0.1", "1.0.0"}, "1.0.0", nil},
			{"capital V", []string{"V1.0.5", "1.0.0"}, "1.0.0", nil},
			{"whitespace", []string{" 1.0.5", "1.0.5\n", "1.0.0"}, "1.0.0", nil},
			{"overflow", []string{"1.0.18446744073709551616", "1.0.18446744073709551615"}, "1.0.18446744073709551615", nil},
		}},
		{"v1.0.x", []selectCase{
			{"v range plain tags", []string{"1.0.0", "2.0.0", "1.0.1", "1.2.0"}, "1.0.1", nil},
			{"v range v tags", []string{"v1.0.0", "v2.0.0", "v1.0.1", "v1.2.0"}, "v1.0.1", nil},
		}},
		{">=1.0.0-0", []selectCase{
			{"any prerelease", []string{"1.0.0", "2.0.0-rc.1", "1.5.0"}, "2.0.0-rc.1", nil},
			{"release beats its prerelease", []string{"2.0.0-rc.1", "2.0.0"}, "2.0.0", nil},
			{"numeric ids", []string{"1.0.0-rc.9", "1.0.0-rc.10"}, "1.0.0-rc.10", nil},
			{"alnum above numeric", []string{"1.0.0-rc.9", "1.0.0-rc.a"}, "1.0.0-rc.a", nil},
			{"more ids win", []string{"1.0.0-rc", "1.0.0-rc.1"}, "1.0.0-rc.1", nil},
			{"leading zero id is no version", []string{"1.0.0-rc.01", "1.0.0-rc.0"}, "1.0.0-rc.0", nil},
			{"below range", []string{"0.9.0", "1.0.0-0"}, "1.0.0-0", nil},
		}},
		{"~1.2.3-beta", []selectCase{
			{"flux doc", []string{"1.2.3-beta.2", "1.2.4", "1.2.5-alpha", "1.3.0-rc"}, "1.2.5-alpha", nil},
		}},
		{">=1.0.0 <2.0.0", []selectCase{
			{"mixed", []string{"latest", "sha-abc1234", "1.9.9", "2.0.0", "v1.10.0", "2.0.0-rc.1", "1.11.0-rc.1"}, "v1.10.0", nil},
		}},
		{"1.0.x || >=3.0.0 <3.1.0", []selectCase{
			{"or ranges", []string{"1.0.5", "2.0.0", "3.0.2", "3.1.0"}, "3.0.2", nil},
		}},
		{"!=1.0.1", []selectCase{
			{"not equal", []string{"1.0.0", "1.0.1"}, "1.0.0", nil},
		}},
		{"1.2 - 1.4.5", []selectCase{
			{"hyphen range", []string{"1.4.5", "1.4.6", "1.1.0", "1.4.5-rc.1"}, "1.4.5", nil},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.rng, func(t *testing.T) {
			s, err := NewSemVer(tt.rng)
			if err != nil {
				t.Fatalf("NewSemVer(%q): %v", tt.rng, err)
			}
			runSelectCases(t, s, tt.cases)
		})
	}
}

func TestNewSemVer(t *testing.T) {
	for _, rng := range []string{"1.0.x", "^1.0", "=1.0.0", "~1.0", ">=1.0", ">0,<2.0", "v1.0.x", ">=1.0.0-0", "*"} {
		if _, err := NewSemVer(rng); err != nil {
			t.Errorf("NewSemVer(%q): %v", rng, err)
		}
	}
	for _, rng := range []string{"", " ", "1.0.0p", "1x", "x1", "-1", "a", "*-*", "latest"} {
		if _, err := NewSemVer(rng); !errors.Is(err, ErrInvalidPolicy) {
			t.Errorf("NewSemVer(%q) error = %v, want ErrInvalidPolicy", rng, err)
		}
	}
}

func TestMayHavePrerelease(t *testing.T) {
	tests := map[string]bool{
		">=1.0.0":         false,
		"1.2 - 1.4.5":     false,
		">=1.0.0-0":       true,
		"1.0.0-rc - 2":    true,
		"1.0.0+build-1":   true, // errs towards true: still correct, only slower
		"^1.x-0":          true,
		"1.0.x || >=3.0":  false,
		"1.0.x || >=3-0":  true,
		"  1.0.0 -  2.0 ": false,
	}
	for rng, want := range tests {
		if got := mayHavePrerelease(rng); got != want {
			t.Errorf("mayHavePrerelease(%q) = %v, want %v", rng, got, want)
		}
	}
}

func TestSemVerExplanation(t *testing.T) {
	s, err := NewSemVer("1.0.x")
	if err != nil {
		t.Fatal(err)
	}
	tags := []string{"1.2.0", "1.0.0", "1.0.0.1", "1.0.0p", "1.0.1", "1.0.2-rc.1", "0.1.0", "2.0.0"}
	got, err := s.Select(tags)
	if err != nil {
		t.Fatal(err)
	}
	want := Result{Tag: "1.0.1", Explanation: Explanation{
		Policy: "semver", Range: "1.0.x",
		Considered: 8, Matched: 8, Parsed: 6,
		Rejected: []Rejection{
			{Reason: ReasonNotSemVer, Count: 2, Tags: []string{"1.0.0.1", "1.0.0p"}},
			{Reason: ReasonPrerelease, Count: 1, Tags: []string{"1.0.2-rc.1"}},
			{Reason: ReasonOutOfRange, Count: 2, Tags: []string{"1.2.0", "2.0.0"}},
		},
		Winner: "1.0.1",
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Select() mismatch (-want +got):\n%s", diff)
	}
}

// TestSemVerExplanationOrderIndependent shows that the explanation does not depend on
// the input order, though the scan checks the range lazily (the examples are the first
// few in input order, so they are compared as sets).
func TestSemVerExplanationOrderIndependent(t *testing.T) {
	s, err := NewSemVer(">=1.0.0 <2.0.0")
	if err != nil {
		t.Fatal(err)
	}
	asc := []string{"0.1.0", "1.0.0", "1.5.0", "2.0.0", "3.0.0"}
	desc := []string{"3.0.0", "2.0.0", "1.5.0", "1.0.0", "0.1.0"}
	a, _ := s.Select(asc)
	d, _ := s.Select(desc)
	sorted := cmpopts.SortSlices(func(x, y string) bool { return x < y })
	if diff := cmp.Diff(a.Explanation.Rejected, d.Explanation.Rejected, sorted); diff != "" {
		t.Errorf("rejections differ between ascending and descending input (-asc +desc):\n%s", diff)
	}
}

func TestSemVerNoMatchKeepsExplanation(t *testing.T) {
	s, err := NewSemVer("1.0.x")
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Select([]string{"latest", "2.0.0", "1.0.1-rc.1"})
	if !errors.Is(err, ErrNoMatch) {
		t.Fatalf("Select() error = %v, want ErrNoMatch", err)
	}
	want := Explanation{
		Policy: "semver", Range: "1.0.x", Considered: 3, Matched: 3, Parsed: 2,
		Rejected: []Rejection{
			{Reason: ReasonNotSemVer, Count: 1, Tags: []string{"latest"}},
			{Reason: ReasonPrerelease, Count: 1, Tags: []string{"1.0.1-rc.1"}},
			{Reason: ReasonOutOfRange, Count: 1, Tags: []string{"2.0.0"}},
		},
	}
	if diff := cmp.Diff(want, got.Explanation); diff != "" {
		t.Errorf("Explanation mismatch (-want +got):\n%s", diff)
	}
	const wantMsg = "no tag matches the policy: 3 tags, 1 not a MAJOR.MINOR.PATCH version, 1 a prerelease (the range has none), 1 outside the range"
	if err.Error() != wantMsg {
		t.Errorf("error = %q, want %q", err, wantMsg)
	}
}

func TestExplanationKeepsFewExamples(t *testing.T) {
	s, err := NewSemVer("1.0.x")
	if err != nil {
		t.Fatal(err)
	}
	var tags []string
	for range 100 {
		tags = append(tags, "latest")
	}
	got, _ := s.Select(tags)
	r := got.Explanation.Rejected
	if len(r) != 1 || r[0].Count != 100 || len(r[0].Tags) != MaxExamples {
		t.Errorf("Rejected = %+v, want one reason with count 100 and %d examples", r, MaxExamples)
	}
}

func TestReleaseTable(t *testing.T) {
	tests := []struct {
		rng  string
		want []string // start=ok of each interval
	}{
		{">=1.0.0 <2.0.0", []string{"0.0.0=false", "1.0.0=true", "2.0.0=false"}},
		{"1.0.x", []string{"0.0.0=false", "1.0.0=true", "1.1.0=false"}},
		{"^0.0.3", []string{"0.0.0=false", "0.0.3=true", "0.0.4=false"}},
		{"!=1.0.1", []string{"0.0.0=true", "1.0.1=false", "1.0.2=true"}},
		{">=1.0.0-rc.1", []string{"0.0.0=false", "1.0.0=true"}},
	}
	for _, tt := range tests {
		s, err := NewSemVer(tt.rng)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for i, p := range s.releases.starts {
			got = append(got, fmt.Sprintf("%d.%d.%d=%v", p[0], p[1], p[2], s.releases.ok[i]))
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("releaseTable(%q) mismatch (-want +got):\n%s", tt.rng, diff)
		}
	}
	many := "1.1.1 || 3.3.3 || 5.5.5 || 7.7.7 || 9.9.9 || 11.11.11 || 13.13.13 || 15.15.15 || 17.17.17"
	if s, err := NewSemVer(many); err != nil || s.releases != nil {
		t.Errorf("NewSemVer(%q) built a release table (err %v); want the cache for that many numbers", many, err)
	}
}
