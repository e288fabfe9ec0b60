package policy

import (
	"cmp"
	"errors"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/Masterminds/semver/v3"
)

// threePart is the reference for "spells out MAJOR.MINOR.PATCH", applied on top of
// semver.NewVersion, which on its own also reads "1" and "1.2".
var threePart = regexp.MustCompile(`^v?[0-9]+\.[0-9]+\.[0-9]+(?:[-+]|$)`)

// refVersion is the reference parse: Masterminds' NewVersion plus the three-part rule.
func refVersion(s string) (*semver.Version, bool) {
	v, err := semver.NewVersion(s)
	return v, err == nil && threePart.MatchString(s)
}

var versionSeeds = []string{
	"1.2.3", "v1.2.3", "v2025.07.03", "v1.2.0-x.Y.0+metadata", "v1.2.0-x.Y.0+metadata-width-hypen",
	"v1.2.3-rc1-with-hypen", "v1.0", "v1", "v1.2.beta", "v1.2-5", "v1.2-beta5", "\nv1.2", "v1.2.3.4",
	"1.0.0-rc.01", "1.0.0-rc.0", "1.0.0+", "1.0.0-", "1.0.0-a..b", "01.02.03", "1.0.0-99999999999999999999",
	"18446744073709551615.0.0", "18446744073709551616.0.0", "V1.0.0", "1.0.0-é", "1.0.0-rc+b+c", "1.2-rc.1",
	"latest", "", "1.0.0-0", "1.0.0--", "1.0.0-x-y.z+a-b",
}

func FuzzSemVerParse(f *testing.F) {
	for _, s := range versionSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, ok := parseVersion(s)
		ref, refOK := refVersion(s)
		if ok != refOK {
			t.Fatalf("parseVersion(%q) ok = %v, Masterminds with the three-part rule says %v", s, ok, refOK)
		}
		if !ok {
			return
		}
		got := [5]string{fmtU(v.major), fmtU(v.minor), fmtU(v.patch), v.pre, v.meta}
		want := [5]string{fmtU(ref.Major()), fmtU(ref.Minor()), fmtU(ref.Patch()), ref.Prerelease(), ref.Metadata()}
		if got != want {
			t.Fatalf("parseVersion(%q) = %q, Masterminds reads %q", s, got, want)
		}
		if sv := v.semver(s); sv.Compare(ref) != 0 || sv.Prerelease() != ref.Prerelease() {
			t.Fatalf("version(%q).semver() = %v, want %v", s, sv, ref)
		}
	})
}

func fmtU(n uint64) string { return strconv.FormatUint(n, 10) }

func FuzzSemVerCompare(f *testing.F) {
	for i, a := range versionSeeds {
		f.Add(a, versionSeeds[(i+7)%len(versionSeeds)])
	}
	f.Add("1.0.0-rc.9", "1.0.0-rc.10")
	f.Add("1.0.0-rc", "1.0.0-rc.1")
	f.Add("1.0.0-99999999999999999999", "1.0.0-a")
	f.Fuzz(func(t *testing.T, a, b string) {
		va, oka := parseVersion(a)
		vb, okb := parseVersion(b)
		if !oka || !okb {
			return
		}
		ra, _ := refVersion(a)
		rb, _ := refVersion(b)
		if got, want := va.compare(vb), ra.Compare(rb); got != want {
			t.Fatalf("compare(%q, %q) = %d, Masterminds says %d", a, b, got, want)
		}
	})
}

// refSemVer is the obvious selection: check every version, keep the greatest, ties to
// the lexically greatest tag.
func refSemVer(c *semver.Constraints, tags []string) string {
	var best *semver.Version
	var bestTag string
	for _, t := range tags {
		v, ok := refVersion(t)
		if !ok || !c.Check(v) {
			continue
		}
		if best == nil || v.GreaterThan(best) || v.Equal(best) && t > bestTag {
			best, bestTag = v, t
		}
	}
	return bestTag
}

func FuzzSemVerSelect(f *testing.F) {
	f.Add("1.0.x", "1.0.0,1.0.0.1,1.0.0p,1.0.1,1.2.0,0.1.0")
	f.Add(">=1.0.0-0", "1.0.0,2.0.0-rc.1,1.5.0,v2.0.0-rc.1")
	f.Add("~1.2.3-beta", "1.2.3-beta.2,1.2.4,1.2.5-alpha,1.3.0-rc")
	f.Add("1.0.x || >=3.0.0-0 <3.1.0", "1.0.5,3.0.0-rc.1,3.1.0-rc,1.0.6-rc.1")
	f.Add("!=1.0.1", "1.0.1,1.0.0,v1.0.1,1.0.2-rc")
	f.Add(">=1.0.0+build-1", "1.0.0-rc,1.0.0,2.0.0-x")
	f.Add("^0.0.1", "0.0.1,0.0.2,0.1.0")
	f.Fuzz(func(t *testing.T, rng, list string) {
		s, err := NewSemVer(rng)
		if err != nil {
			return
		}
		tags := strings.Split(list, ",")
		got, err := s.Select(tags)
		want := refSemVer(s.constraint, tags)
		if got.Tag != want || (err == nil) != (want != "") {
			t.Fatalf("Select(%q) over %q = %q, %v; want %q", rng, tags, got.Tag, err, want)
		}
		slices.Reverse(tags)
		if again, _ := s.Select(tags); again.Tag != got.Tag {
			t.Fatalf("Select(%q) depends on the input order: %q, reversed %q", rng, got.Tag, again.Tag)
		}
	})
}

func FuzzNumerical(f *testing.F) {
	f.Add("1,2,3", false)
	f.Add("1.0,1,01,1e0", true)
	f.Add("NaN,1", false)
	f.Add("-0,0,Inf,-Inf,1e400", true)
	f.Add("0x1p-2,1_000,  1", false)
	f.Fuzz(func(t *testing.T, list string, desc bool) {
		order := OrderAsc
		if desc {
			order = OrderDesc
		}
		n, err := NewNumerical(order)
		if err != nil {
			t.Fatal(err)
		}
		tags := strings.Split(list, ",")
		got, err := n.Select(tags)
		want, wantErr := refNumerical(tags, desc)
		if got.Tag != want || !errors.Is(err, wantErr) || (err == nil) != (wantErr == nil) {
			t.Fatalf("Select(%q) = %q, %v; want %q, %v", tags, got.Tag, err, want, wantErr)
		}
	})
}

// refNumerical parses everything, then sorts: greatest (or least) number, then greatest tag.
func refNumerical(tags []string, desc bool) (string, error) {
	type num struct {
		f   float64
		tag string
	}
	var nums []num
	for _, t := range tags {
		if t == "" {
			continue
		}
		f, err := strconv.ParseFloat(t, 64)
		if err != nil || math.IsNaN(f) {
			return "", ErrNotNumber
		}
		nums = append(nums, num{f, t})
	}
	if len(nums) == 0 {
		return "", ErrNoMatch
	}
	best := slices.MaxFunc(nums, func(a, b num) int {
		d := cmp.Compare(a.f, b.f)
		if desc {
			d = -d
		}
		if d == 0 {
			return strings.Compare(a.tag, b.tag)
		}
		return d
	})
	return best.tag, nil
}

func FuzzFilter(f *testing.F) {
	f.Add(`ver(\d+)`, "$1", "ver12")
	f.Add(`^(?P<a>x)(y)?`, "${a}-$2-$$", "xz")
	f.Add(`(?P<ts>\d+)`, "$ts", "main-abc-1700000000")
	f.Add(`(.)`, "$1a", "b")
	f.Add(`(é)`, "${1}x$", "é")
	f.Add("", "", "anything")
	f.Fuzz(func(t *testing.T, pattern, extract, tag string) {
		flt, err := NewFilter(pattern, extract)
		if err != nil {
			return
		}
		re := regexp.MustCompile(pattern)
		got, ok := flt.Extract(tag)
		m := re.FindStringSubmatchIndex(tag)
		if ok != (m != nil) {
			t.Fatalf("Extract(%q) ok = %v, regexp matches %v", tag, ok, m != nil)
		}
		if !ok {
			return
		}
		want := tag
		if extract != "" {
			want = string(re.ExpandString(nil, extract, tag, m))
		}
		if got != want {
			t.Fatalf("Extract(%q) with %q, %q = %q, regexp.Expand gives %q", tag, pattern, extract, got, want)
		}
	})
}
