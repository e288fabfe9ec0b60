package scanner

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
)

// exclusions is a compiled exclusion list.
type exclusions []matcher

// matcher matches one tag.
type matcher func(tag string) bool

// compileExclusions compiles the patterns (RE2, unanchored, as Flux's MatchString).
// Patterns of the form ^.*LITERAL$ (such as the default `^.*\.sig$`) become a suffix test,
// which is exact and keeps filtering cheap on very long tag lists.
func compileExclusions(patterns []string) (exclusions, error) {
	ex := make(exclusions, 0, len(patterns))
	for _, p := range patterns {
		re, err := regexp.Compile(p)
		if err != nil {
			return nil, fmt.Errorf("compiling exclusion pattern %q: %w", p, err)
		}
		if suffix, ok := literalSuffix(p); ok {
			ex = append(ex, func(tag string) bool {
				return strings.HasSuffix(tag, suffix) && !strings.Contains(tag[:len(tag)-len(suffix)], "\n")
			})
			continue
		}
		ex = append(ex, re.MatchString)
	}
	return ex, nil
}

// literalSuffix reports whether pattern is exactly ^.*LITERAL$ (without flags), and
// returns LITERAL.
func literalSuffix(pattern string) (string, bool) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil || re.Op != syntax.OpConcat || len(re.Sub) != 4 {
		return "", false
	}
	begin, star, lit, end := re.Sub[0], re.Sub[1], re.Sub[2], re.Sub[3]
	if begin.Op != syntax.OpBeginText || end.Op != syntax.OpEndText {
		return "", false
	}
	if star.Op != syntax.OpStar || star.Sub[0].Op != syntax.OpAnyCharNotNL {
		return "", false
	}
	if lit.Op != syntax.OpLiteral || lit.Flags&syntax.FoldCase != 0 {
		return "", false
	}
	return string(lit.Rune), true
}

// filter removes the excluded tags in place and returns the kept ones.
func (ex exclusions) filter(tags []string) []string {
	if len(ex) == 0 {
		return tags
	}
	kept := tags[:0]
	for _, tag := range tags {
		if !ex.match(tag) {
			kept = append(kept, tag)
		}
	}
	return kept
}

// match reports whether any pattern matches tag.
func (ex exclusions) match(tag string) bool {
	for _, m := range ex {
		if m(tag) {
			return true
		}
	}
	return false
}
