package policy

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/Masterminds/semver/v3"
)

// SemVer picks the greatest semantic version within a Masterminds/semver/v3 range.
//
// A tag counts only as [v]MAJOR.MINOR.PATCH[-PRE][+META], read as semver.NewVersion reads
// it (leading zeros allowed); "3", "3.0", "1.0.0.1" and "1.2-rc.1" are not versions
// (Flux reads the last as 1.2.0-rc.1, as its three-part test only counts dots). Prereleases are
// eligible only when the range has a prerelease itself ("-0"), per Masterminds' rules.
// Among equal versions ("1.0.0", "v1.0.0", "1.0.0+b") the lexically greatest tag wins.
type SemVer struct {
	rng        string
	constraint *semver.Constraints
	// pre is false when the range has no prerelease anywhere, so that no prerelease can
	// satisfy it and they are rejected without asking Masterminds.
	pre bool
	// releases answers the range for releases; nil for ranges with many numbers.
	releases *releaseTable
}

// NewSemVer parses rng as a Masterminds/semver/v3 constraint.
func NewSemVer(rng string) (*SemVer, error) {
	if strings.TrimSpace(rng) == "" {
		return nil, fmt.Errorf("%w: parsing semver range: the range is empty", ErrInvalidPolicy)
	}
	c, err := semver.NewConstraint(rng)
	if err != nil {
		return nil, fmt.Errorf("%w: parsing semver range %q: %w", ErrInvalidPolicy, rng, err)
	}
	return &SemVer{rng: rng, constraint: c, pre: mayHavePrerelease(rng), releases: newReleaseTable(rng, c)}, nil
}

// mayHavePrerelease reports false only when no version in rng can carry a prerelease:
// Masterminds reads a prerelease from a '-' that directly follows a version, while the
// '-' of a hyphen range stands between spaces. It errs towards true ("+build-1").
func mayHavePrerelease(rng string) bool {
	for i := 1; i < len(rng); i++ {
		if rng[i] == '-' && !unicode.IsSpace(rune(rng[i-1])) {
			return true
		}
	}
	return false
}

// Select picks the greatest version within the range.
func (s *SemVer) Select(tags []string) (Result, error) {
	return run(s, nil, tags)
}

func (s *SemVer) describe(e *Explanation) {
	e.Policy, e.Range = "semver", s.rng
}

// scan starts a single pass. Releases are looked up in the releaseTable (a binary search
// over a few intervals); other versions are checked only when they would beat the best
// so far, releases through a cache (the answer depends only on MAJOR.MINOR.PATCH). So
// most tags cost a parse and a comparison, and only prereleases that beat the best so
// far cost a semver.Version.
func (s *SemVer) scan(e *Explanation, collisions bool) scanner {
	return &semverScan{s: s, e: e, best: pick{ties: ties{on: collisions}}}
}

// semverScan is the state of one SemVer selection.
type semverScan struct {
	s     *SemVer
	e     *Explanation
	best  pick
	bestV version
	found bool
	seq   int // candidates seen so far
	cache map[[3]uint64]bool
	out   outside
}

func (sc *semverScan) visit(tag, key string) {
	sc.seq++
	v, ok := parseVersion(key)
	if !ok {
		sc.e.reject(ReasonNotSemVer, tag)
		return
	}
	sc.e.Parsed++
	if v.pre != "" && !sc.s.pre {
		sc.e.reject(ReasonPrerelease, tag)
		return
	}
	if t := sc.s.releases; v.pre == "" && t != nil {
		if i := t.find(v.core3()); !t.ok[i] {
			sc.out.addInterval(i, len(t.ok), seen{sc.seq, tag, key})
			return
		}
	}
	d := 1
	if sc.found {
		d = v.compare(sc.bestV)
	}
	switch {
	case d < 0:
	case d == 0: // the same version as the best, so within the range too
		sc.best.tie(tag, key)
	case sc.check(v, key):
		sc.found, sc.bestV = true, v
		sc.best.raise(tag, key)
	default:
		sc.out.list = append(sc.out.list, seen{sc.seq, tag, key})
	}
}

// check asks whether v, parsed from key, is within the range.
func (sc *semverScan) check(v version, key string) bool {
	core := v.core3()
	if v.pre == "" && sc.s.releases != nil {
		return sc.s.releases.ok[sc.s.releases.find(core)]
	}
	if v.pre == "" {
		if ok, hit := sc.cache[core]; hit {
			return ok
		}
	}
	ok := sc.s.constraint.Check(v.semver(key))
	if v.pre == "" {
		if sc.cache == nil {
			sc.cache = make(map[[3]uint64]bool)
		}
		sc.cache[core] = ok
	}
	return ok
}

func (sc *semverScan) winner() (pick, bool, error) {
	sc.out.explain(sc.e, sc.s.releases, sc.found, sc.bestV)
	return sc.best, sc.found, nil
}

// semver builds the Masterminds version of v, parsed from s.
func (v version) semver(s string) *semver.Version {
	var sv *semver.Version
	var err error
	if v.leadingZero {
		sv, err = semver.NewVersion(s)
	} else {
		sv, err = semver.StrictNewVersion(s[v.core:])
	}
	if err != nil { // parseVersion accepted s, so this cannot happen; stay safe anyway
		return semver.New(v.major, v.minor, v.patch, v.pre, "")
	}
	return sv
}
