package policy

import (
	"cmp"
	"slices"
)

// outside collects the versions that failed the range, so that the explanation can list
// exactly those newer than the winner, whatever the input order. A version older than
// the winner would have lost anyway, so it is not called outside the range.
type outside struct {
	// byInterval counts releases per releaseTable interval that fails the range: each
	// such interval lies wholly above or wholly below the winner.
	byInterval []intervalLog
	// list holds the other versions that beat the best of their time but failed.
	list []seen
}

// seen is a candidate with its place in the input.
type seen struct {
	seq      int
	tag, key string
}

// intervalLog counts the releases of one interval and keeps the first few.
type intervalLog struct {
	count int
	first [MaxExamples]seen
}

func (o *outside) addInterval(i, n int, s seen) {
	if o.byInterval == nil {
		o.byInterval = make([]intervalLog, n)
	}
	l := &o.byInterval[i]
	if l.count < MaxExamples {
		l.first[l.count] = s
	}
	l.count++
}

// explain records in e the versions newer than best (all of them when there is none).
func (o *outside) explain(e *Explanation, t *releaseTable, found bool, best version) {
	count := 0
	var first []seen
	for i, l := range o.byInterval {
		start := version{major: t.starts[i][0], minor: t.starts[i][1], patch: t.starts[i][2]}
		if l.count == 0 || found && start.compare(best) <= 0 {
			continue
		}
		count += l.count
		first = append(first, l.first[:min(l.count, MaxExamples)]...)
	}
	listed := 0 // the list is in input order: its first few newer versions are enough
	for _, s := range o.list {
		if v, _ := parseVersion(s.key); found && v.compare(best) <= 0 {
			continue
		}
		count++
		if listed < MaxExamples {
			first = append(first, s)
			listed++
		}
	}
	if count == 0 {
		return
	}
	slices.SortFunc(first, func(a, b seen) int { return cmp.Compare(a.seq, b.seq) })
	r := Rejection{Reason: ReasonOutOfRange, Count: count}
	for _, s := range first[:min(len(first), MaxExamples)] {
		r.Tags = append(r.Tags, s.tag)
	}
	e.Rejected = append(e.Rejected, r)
}
