package policy

import (
	"cmp"
	"math"
	"strings"
)

// maxVersionLen mirrors semver.MaxVersionLen: longer strings are never versions.
const maxVersionLen = 256

// version is a tag parsed as [v]MAJOR.MINOR.PATCH[-PRE][+META] without allocating.
// It accepts exactly the tags that semver.NewVersion accepts and that spell out all three
// numeric parts, and it orders them exactly as (*semver.Version).Compare does.
// FuzzSemVerParse and FuzzSemVerCompare hold it to that.
type version struct {
	major, minor, patch uint64
	pre                 string // prerelease without its '-', "" for a release
	meta                string // build metadata without its '+'
	core                int    // where MAJOR starts: 1 with a 'v' prefix, else 0
	leadingZero         bool   // a numeric part starts with 0: semver.StrictNewVersion refuses it
}

// parseVersion parses s, reporting false when s is not a three-part semantic version.
func parseVersion(s string) (version, bool) {
	var v version
	if len(s) == 0 || len(s) > maxVersionLen {
		return v, false
	}
	if s[0] == 'v' {
		v.core = 1
	}
	rest, ok := v.parseCore(s[v.core:])
	if !ok {
		return v, false
	}
	if rest, ok = cutIdents(rest, '-', true, &v.pre); !ok {
		return v, false
	}
	if rest, ok = cutIdents(rest, '+', false, &v.meta); !ok {
		return v, false
	}
	return v, rest == ""
}

// parseCore reads MAJOR.MINOR.PATCH and returns what follows it.
func (v *version) parseCore(s string) (string, bool) {
	var ok bool
	if v.major, s, ok = v.cutPart(s, false); !ok {
		return s, false
	}
	if v.minor, s, ok = v.cutPart(s, true); !ok {
		return s, false
	}
	v.patch, s, ok = v.cutPart(s, true)
	return s, ok
}

// cutPart reads one numeric part, after a '.' when dot is set, noting a leading zero.
func (v *version) cutPart(s string, dot bool) (uint64, string, bool) {
	if dot {
		if s == "" || s[0] != '.' {
			return 0, s, false
		}
		s = s[1:]
	}
	if len(s) > 1 && s[0] == '0' && isDigit(s[1]) {
		v.leadingZero = true
	}
	return cutNumber(s)
}

// cutNumber reads a non-empty run of decimal digits that fits in a uint64.
func cutNumber(s string) (uint64, string, bool) {
	var n uint64
	i := 0
	for ; i < len(s) && isDigit(s[i]); i++ {
		d := uint64(s[i] - '0')
		if n > (math.MaxUint64-d)/10 {
			return 0, s, false
		}
		n = n*10 + d
	}
	return n, s[i:], i > 0
}

// cutIdents reads an optional sep-introduced list of dot-separated identifiers
// ([0-9A-Za-z-]+) into *dst. A prerelease ends at '+'; numeric prerelease identifiers
// must not have leading zeros.
func cutIdents(s string, sep byte, pre bool, dst *string) (string, bool) {
	if s == "" || s[0] != sep {
		return s, true
	}
	end := len(s)
	if pre {
		if i := strings.IndexByte(s, '+'); i >= 0 {
			end = i
		}
	}
	*dst = s[1:end]
	return s[end:], validIdents(*dst, pre)
}

// validIdents reports whether s is a non-empty dot-separated list of valid identifiers.
func validIdents(s string, pre bool) bool {
	for {
		id, rest, more := strings.Cut(s, ".")
		if id == "" || !identChars(id) {
			return false
		}
		if pre && len(id) > 1 && id[0] == '0' && allDigits(id) {
			return false
		}
		if !more {
			return true
		}
		s = rest
	}
}

func identChars(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isDigit(c) && (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && c != '-' {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// core3 returns MAJOR, MINOR and PATCH.
func (v version) core3() [3]uint64 { return [3]uint64{v.major, v.minor, v.patch} }

// compare orders v and o like (*semver.Version).Compare: numeric parts, then a release
// above its prereleases, then prerelease identifiers. Build metadata is ignored.
func (v version) compare(o version) int {
	if d := cmp.Compare(v.major, o.major); d != 0 {
		return d
	}
	if d := cmp.Compare(v.minor, o.minor); d != 0 {
		return d
	}
	if d := cmp.Compare(v.patch, o.patch); d != 0 {
		return d
	}
	switch {
	case v.pre == o.pre:
		return 0
	case v.pre == "":
		return 1
	case o.pre == "":
		return -1
	}
	return comparePre(v.pre, o.pre)
}

// comparePre compares dot-separated prerelease identifiers one by one; a missing
// identifier sorts first.
func comparePre(a, b string) int {
	for a != "" || b != "" {
		var x, y string
		x, a, _ = strings.Cut(a, ".")
		y, b, _ = strings.Cut(b, ".")
		if d := compareIdent(x, y); d != 0 {
			return d
		}
	}
	return 0
}

// compareIdent compares two prerelease identifiers: numbers numerically and below
// alphanumerics, alphanumerics byte-wise. Like semver, a run of digits too large for a
// uint64 counts as alphanumeric.
func compareIdent(x, y string) int {
	switch {
	case x == y:
		return 0
	case x == "":
		return -1
	case y == "":
		return 1
	}
	xn, xok := identNumber(x)
	yn, yok := identNumber(y)
	switch {
	case xok && yok:
		return cmp.Compare(xn, yn)
	case xok:
		return -1
	case yok:
		return 1
	}
	return strings.Compare(x, y)
}

func identNumber(s string) (uint64, bool) {
	n, rest, ok := cutNumber(s)
	return n, ok && rest == ""
}
