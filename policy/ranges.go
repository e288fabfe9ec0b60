package policy

import (
	"cmp"
	"math"
	"slices"
	"strconv"

	"github.com/Masterminds/semver/v3"
)

// maxRangeNumbers bounds the numbers a range may hold for a releaseTable to be built
// (the table probes every combination of three of them); past it, checks are cached.
const maxRangeNumbers = 16

// releaseTable answers Constraints.Check for releases (versions without a prerelease)
// from a few intervals computed once, instead of asking Masterminds per tag.
//
// Why it is exact: every comparison Masterminds makes for a release v is against
// M.m.p, (M+1).0.0, M.(m+1).0 or M.m.(p+1), or on one of v's parts, where M, m and p
// are numbers written in the range (or 0 for "x" and omitted parts). So Check is
// constant between consecutive points whose three parts are each 0, a number of the
// range, or one more than it. Probing Check at each such point, in order, gives the
// answer for every release; extra numbers (from a prerelease or build metadata in the
// range) only add points. FuzzSemVerSelect compares the result with Check itself.
type releaseTable struct {
	starts [][3]uint64 // sorted; starts[0] is 0.0.0
	ok     []bool      // Check for every release from starts[i] up to starts[i+1]
}

// newReleaseTable probes c at every point built from the numbers in rng, or returns
// nil when rng holds too many numbers for that to be cheap.
func newReleaseTable(rng string, c *semver.Constraints) *releaseTable {
	nums := rangeNumbers(rng)
	if len(nums) > maxRangeNumbers {
		return nil
	}
	t := &releaseTable{}
	for _, major := range nums {
		for _, minor := range nums {
			for _, patch := range nums {
				t.add([3]uint64{major, minor, patch})
			}
		}
	}
	slices.SortFunc(t.starts, compareCore)
	for _, p := range t.starts {
		t.ok = append(t.ok, c.Check(semver.New(p[0], p[1], p[2], "", "")))
	}
	t.merge()
	return t
}

func (t *releaseTable) add(p [3]uint64) { t.starts = append(t.starts, p) }

// merge drops the points where the answer does not change.
func (t *releaseTable) merge() {
	starts, ok := t.starts[:1], t.ok[:1]
	for i := 1; i < len(t.starts); i++ {
		if t.ok[i] != ok[len(ok)-1] {
			starts, ok = append(starts, t.starts[i]), append(ok, t.ok[i])
		}
	}
	t.starts, t.ok = starts, ok
}

// find returns the interval that holds the release with the given parts.
func (t *releaseTable) find(core [3]uint64) int {
	i, found := slices.BinarySearchFunc(t.starts, core, compareCore)
	if !found {
		i--
	}
	return i
}

func compareCore(a, b [3]uint64) int {
	if d := cmp.Compare(a[0], b[0]); d != 0 {
		return d
	}
	if d := cmp.Compare(a[1], b[1]); d != 0 {
		return d
	}
	return cmp.Compare(a[2], b[2])
}

// rangeNumbers returns 0, every run of digits in rng that fits a uint64, and each of
// those plus one, sorted and without duplicates.
func rangeNumbers(rng string) []uint64 {
	nums := []uint64{0}
	for i := 0; i < len(rng); {
		if !isDigit(rng[i]) {
			i++
			continue
		}
		j := i
		for j < len(rng) && isDigit(rng[j]) {
			j++
		}
		if n, err := strconv.ParseUint(rng[i:j], 10, 64); err == nil {
			nums = append(nums, n)
			if n < math.MaxUint64 {
				nums = append(nums, n+1)
			}
		}
		i = j
	}
	slices.Sort(nums)
	return slices.Compact(nums)
}
