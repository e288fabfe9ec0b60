package policy

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Filter keeps the tags that match an unanchored RE2 pattern and extracts from each the
// value a policy orders it by.
type Filter struct {
	pattern string
	extract string
	re      *regexp.Regexp // nil for the empty pattern, which matches every tag
	group   int            // >= 0 when extract is exactly one group: the value is a substring
	// Every match starts with prefix, at the start of the tag when anchored: tags without
	// it are dropped without running the regexp.
	prefix   string
	anchored bool
}

// NewFilter compiles pattern and checks that every group extract names ($1, $name,
// ${name}) is defined by the pattern. An empty extract keeps the tag as the value.
func NewFilter(pattern, extract string) (*Filter, error) {
	f := &Filter{pattern: pattern, extract: extract, group: -1}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, fmt.Errorf("%w: compiling filter pattern %q: %w", ErrInvalidPolicy, pattern, err)
	}
	if extract != "" {
		if f.group, err = checkTemplate(re, extract); err != nil {
			return nil, fmt.Errorf("%w: checking filter extract %q against pattern %q: %w", ErrInvalidPolicy, extract, pattern, err)
		}
	}
	if pattern != "" || extract != "" {
		f.re = re
		f.prefix, f.anchored = requiredPrefix(re)
	}
	return f, nil
}

// requiredPrefix returns a literal every match starts with, and whether the match must
// also start the tag ("^main-" gives "main-", true).
func requiredPrefix(re *regexp.Regexp) (string, bool) {
	sre, err := syntax.Parse(re.String(), syntax.Perl)
	if err == nil && sre.Op == syntax.OpConcat && len(sre.Sub) >= 2 && sre.Sub[0].Op == syntax.OpBeginText {
		if lit := sre.Sub[1]; lit.Op == syntax.OpLiteral && lit.Flags&syntax.FoldCase == 0 {
			return string(lit.Rune), true
		}
	}
	p, _ := re.LiteralPrefix()
	return p, false
}

// mayMatch is the cheap test that rules out most tags before the regexp runs.
func (f *Filter) mayMatch(tag string) bool {
	if f.anchored {
		return strings.HasPrefix(tag, f.prefix)
	}
	return strings.Contains(tag, f.prefix)
}

// Extract reports whether tag matches the pattern, and the value extracted from it.
func (f *Filter) Extract(tag string) (string, bool) {
	if f.re == nil {
		return tag, true
	}
	if f.substring() {
		lo, hi, ok := f.span(tag)
		return tag[lo:hi], ok
	}
	if !f.mayMatch(tag) {
		return "", false
	}
	m := f.re.FindStringSubmatchIndex(tag)
	if m == nil {
		return "", false
	}
	return string(f.re.ExpandString(nil, f.extract, tag, m)), true
}

// substring reports whether every value is a substring of its tag: the tag itself, or
// one group.
func (f *Filter) substring() bool { return f.extract == "" || f.group >= 0 }

// span returns where the value lies in tag, for a substring filter.
func (f *Filter) span(tag string) (lo, hi int, ok bool) {
	if !f.mayMatch(tag) {
		return 0, 0, false
	}
	if f.extract == "" {
		return 0, len(tag), f.re.MatchString(tag)
	}
	m := f.re.FindStringSubmatchIndex(tag)
	switch {
	case m == nil:
		return 0, 0, false
	case m[2*f.group] < 0: // the group did not take part: the value is empty
		return 0, 0, true
	}
	return m[2*f.group], m[2*f.group+1], true
}

// ties follows the tags whose value ranks equal to the best so far, per value, so that
// the winner's collision can be reported without a second pass. A tag with the winning
// value either raised the best rank when it came, or tied with it; either way it is here.
type ties struct {
	on     bool // only an extract makes different tags share a value
	first  tieGroup
	others map[string]*tieGroup // values that rank equal to first's but differ ("1.0", "1")
}

// tieGroup counts the tags of one value and keeps the first few.
type tieGroup struct {
	key   string
	count int
	tags  [MaxExamples]string
}

func (g *tieGroup) add(tag string) {
	if g.count < MaxExamples {
		g.tags[g.count] = tag
	}
	g.count++
}

// raise forgets the tags of a lower rank and records tag, which ranks above them.
func (t *ties) raise(tag, key string) {
	if !t.on {
		return
	}
	t.first = tieGroup{key: key}
	t.first.add(tag)
	t.others = nil
}

// add records tag, whose value key ranks equal to the best.
func (t *ties) add(tag, key string) {
	switch {
	case !t.on:
	case key == t.first.key:
		t.first.add(tag)
	default:
		if t.others == nil {
			t.others = make(map[string]*tieGroup)
		}
		g := t.others[key]
		if g == nil {
			g = &tieGroup{key: key}
			t.others[key] = g
		}
		g.add(tag)
	}
}

// of returns the collision on key, nil when only one tag has it.
func (t *ties) of(key string) *Collision {
	g := &t.first
	if key != g.key {
		g = t.others[key]
	}
	if g == nil || g.count < 2 {
		return nil
	}
	return &Collision{Value: key, Count: g.count, Tags: slices.Clone(g.tags[:min(g.count, MaxExamples)])}
}

// checkTemplate checks every group reference in tpl the way regexp.Expand reads them and
// returns the group number when tpl is exactly one reference, else -1.
func checkTemplate(re *regexp.Regexp, tpl string) (int, error) {
	only := -1
	for rest := tpl; rest != ""; {
		i := indexDollar(rest)
		if i < 0 {
			break
		}
		name, num, after, ok := extractRef(rest[i+1:])
		if !ok {
			rest = rest[i+1:]
			continue
		}
		g, err := groupIndex(re, name, num)
		if err != nil {
			return -1, err
		}
		if i == 0 && after == "" && rest == tpl {
			only = g
		}
		rest = after
	}
	return only, nil
}

// indexDollar finds the next "$" that starts a reference, stepping over "$$".
func indexDollar(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] != '$' {
			continue
		}
		if i+1 < len(s) && s[i+1] == '$' {
			i++
			continue
		}
		return i
	}
	return -1
}

func groupIndex(re *regexp.Regexp, name string, num int) (int, error) {
	if num >= 0 {
		switch n := re.NumSubexp(); {
		case num > n && n == 0:
			return -1, fmt.Errorf("group $%d is not defined: the pattern has no groups", num)
		case num > n:
			return -1, fmt.Errorf("group $%d is not defined: the pattern's groups are $1 to $%d", num, n)
		}
		return num, nil
	}
	if g := slices.Index(re.SubexpNames(), name); g > 0 {
		return g, nil
	}
	return -1, fmt.Errorf("the pattern has no group named %q", name)
}

// extractRef reads a leading "name" or "{name}" after a "$", exactly as regexp.Expand
// does; num is the group number when name is one, else -1.
func extractRef(s string) (name string, num int, rest string, ok bool) {
	brace := s != "" && s[0] == '{'
	if brace {
		s = s[1:]
	}
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' {
			break
		}
		i += size
	}
	if i == 0 || brace && (i >= len(s) || s[i] != '}') {
		return "", 0, "", false
	}
	name, rest = s[:i], s[i:]
	if brace {
		rest = s[i+1:]
	}
	return name, refNumber(name), rest, true
}

// refNumber is regexp.Expand's reading of a group number: decimal, below 1e8, no leading
// zero; -1 otherwise.
func refNumber(name string) int {
	num := 0
	for i := 0; i < len(name); i++ {
		if name[i] < '0' || '9' < name[i] || num >= 1e8 {
			return -1
		}
		num = num*10 + int(name[i]-'0')
	}
	if name[0] == '0' && len(name) > 1 {
		return -1
	}
	return num
}
