package updater

// diffOp is one line of an edit script: kind ' ' keeps old line a (new line b), '-' deletes
// old line a, '+' inserts new line b. a and b are the positions in old and new before the op.
type diffOp struct {
	kind byte
	a, b int
}

// maxEditCost bounds the Myers search; past it the differing middle is replaced whole, which
// is still a correct diff, only a longer one.
const maxEditCost = 4096

// diffLines returns a shortest edit script from a to b (Myers' O(ND) algorithm), after
// taking out the common prefix and suffix.
func diffLines(a, b []string) []diffOp {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	var ops []diffOp
	for i := range pre {
		ops = append(ops, diffOp{' ', i, i})
	}
	for _, op := range myers(a[pre:len(a)-suf], b[pre:len(b)-suf]) {
		ops = append(ops, diffOp{op.kind, op.a + pre, op.b + pre})
	}
	for i := range suf {
		ops = append(ops, diffOp{' ', len(a) - suf + i, len(b) - suf + i})
	}
	return ops
}

// myers finds a shortest edit script; trace[d] holds the furthest x on each diagonal k
// (index k+d) after d edits.
func myers(a, b []string) []diffOp {
	n, m := len(a), len(b)
	var trace [][]int
	v := []int{0, 0} // v[k+d] for d = 0, with room for k = ±1 below
	for d := 0; d <= n+m && d <= maxEditCost; d++ {
		next := make([]int, 2*d+1)
		for k := -d; k <= d; k += 2 {
			x := furthest(v, d, k)
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			next[k+d] = x
			if x >= n && y >= m {
				trace = append(trace, next)
				return backtrack(trace, n, m)
			}
		}
		trace = append(trace, next)
		v = next
	}
	return replaceAll(n, m)
}

// furthest returns where diagonal k starts at step d: one down from k+1 or one right from
// k-1, whichever reached further at step d-1 (prev, indexed k+d-1).
func furthest(prev []int, d, k int) int {
	if d == 0 {
		return 0
	}
	at := func(k int) int { return prev[k+d-1] }
	if k == -d || (k != d && at(k-1) < at(k+1)) {
		return at(k + 1)
	}
	return at(k-1) + 1
}

// backtrack walks trace from the end: each step d came from diagonal pk at step d-1 with
// one insertion (down) or deletion (right), followed by a run of equal lines.
func backtrack(trace [][]int, n, m int) []diffOp {
	var rev []diffOp
	x, y := n, m
	for d := len(trace) - 1; d > 0; d-- {
		k := x - y
		prev := trace[d-1]
		at := func(k int) int { return prev[k+d-1] }
		pk, kind := k-1, byte('-')
		if k == -d || (k != d && at(k-1) < at(k+1)) {
			pk, kind = k+1, '+'
		}
		px := at(pk)
		py := px - pk
		startX := px
		if kind == '-' {
			startX++
		}
		for x > startX {
			x--
			y--
			rev = append(rev, diffOp{' ', x, y})
		}
		rev = append(rev, diffOp{kind, px, py})
		x, y = px, py
	}
	for x > 0 && y > 0 {
		x--
		y--
		rev = append(rev, diffOp{' ', x, y})
	}
	ops := make([]diffOp, len(rev))
	for i, op := range rev {
		ops[len(rev)-1-i] = op
	}
	return ops
}

// replaceAll deletes every line of a and inserts every line of b.
func replaceAll(n, m int) []diffOp {
	ops := make([]diffOp, 0, n+m)
	for i := range n {
		ops = append(ops, diffOp{'-', i, 0})
	}
	for j := range m {
		ops = append(ops, diffOp{'+', n, j})
	}
	return ops
}
