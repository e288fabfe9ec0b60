package policy

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// MaxExamples is how many rejected tags an Explanation lists for each reason; the count
// covers them all.
const MaxExamples = 5

// Reasons a tag is rejected, in the order an Explanation lists them (see reasonOrder).
const (
	ReasonEmpty      = "an empty string"
	ReasonNoMatch    = "does not match the filter pattern"
	ReasonNotSemVer  = "not a MAJOR.MINOR.PATCH version"
	ReasonPrerelease = "a prerelease (the range has none)"
	ReasonOutOfRange = "outside the range"
	ReasonNotNumber  = "not a number"
)

// reasonOrder is the order of Explanation.Rejected, whatever the input order.
var reasonOrder = []string{ReasonEmpty, ReasonNoMatch, ReasonNotSemVer, ReasonPrerelease, ReasonOutOfRange, ReasonNotNumber}

// sortRejected puts the reasons in reasonOrder.
func (e *Explanation) sortRejected() {
	slices.SortStableFunc(e.Rejected, func(a, b Rejection) int {
		return cmp.Compare(slices.Index(reasonOrder, a.Reason), slices.Index(reasonOrder, b.Reason))
	})
}

// Explanation says how a policy chose its tag, or why it chose none. It is plain data and
// serialises to JSON.
type Explanation struct {
	// Policy is "semver", "alphabetical" or "numerical".
	Policy string `json:"policy"`
	// Range is the semver range, for a semver policy.
	Range string `json:"range,omitempty"`
	// Order is "asc" or "desc", for an alphabetical or numerical policy.
	Order string `json:"order,omitempty"`
	// Pattern and Extract are the filter's, when there is one.
	Pattern string `json:"pattern,omitempty"`
	Extract string `json:"extract,omitempty"`
	// Considered counts the tags given, Matched those the filter kept (all of them without
	// a filter), and Parsed those whose value the policy could read.
	Considered int `json:"considered"`
	Matched    int `json:"matched"`
	Parsed     int `json:"parsed"`
	// Rejected lists, per reason, the tags that were not eligible.
	Rejected []Rejection `json:"rejected,omitempty"`
	// Winner is the chosen tag, "" when none was chosen.
	Winner string `json:"winner,omitempty"`
	// Value is what the winner was ordered by when it differs from the tag (the value
	// extracted by the filter).
	Value string `json:"value,omitempty"`
	// Collision lists the tags whose extracted value equals the winner's, when there are
	// several; the lexically greatest of them won.
	Collision *Collision `json:"collision,omitempty"`
}

// Rejection counts the tags rejected for one reason and lists the first few, in input
// order.
type Rejection struct {
	// Reason is one of the Reason constants.
	Reason string `json:"reason"`
	// Count is how many tags were rejected for Reason.
	Count int `json:"count"`
	// Tags are the first MaxExamples of them.
	Tags []string `json:"tags"`
}

// Collision reports several tags that extracted to the winning value.
type Collision struct {
	// Value is the extracted value they share.
	Value string `json:"value"`
	// Count is how many tags share it.
	Count int `json:"count"`
	// Tags are the first MaxExamples of them, in input order.
	Tags []string `json:"tags"`
}

// reject records that tag was rejected for reason.
func (e *Explanation) reject(reason, tag string) {
	for i := range e.Rejected {
		if r := &e.Rejected[i]; r.Reason == reason {
			r.Count++
			if len(r.Tags) < MaxExamples {
				r.Tags = append(r.Tags, tag)
			}
			return
		}
	}
	e.Rejected = append(e.Rejected, Rejection{Reason: reason, Count: 1, Tags: []string{tag}})
}

// rejection returns the tags rejected for reason, nil when there are none.
func (e *Explanation) rejection(reason string) *Rejection {
	for i := range e.Rejected {
		if e.Rejected[i].Reason == reason {
			return &e.Rejected[i]
		}
	}
	return nil
}

// summary is a one-line account of the counts, for error messages.
func (e *Explanation) summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d tags", e.Considered)
	if e.Pattern != "" {
		fmt.Fprintf(&b, ", %d matched the filter %q", e.Matched, e.Pattern)
	}
	for _, r := range e.Rejected {
		if r.Reason != ReasonNoMatch {
			fmt.Fprintf(&b, ", %d %s", r.Count, r.Reason)
		}
	}
	return b.String()
}

// String renders the explanation as text, one fact a line.
func (e *Explanation) String() string {
	b := &strings.Builder{}
	fmt.Fprintf(b, "policy: %s", e.Policy)
	if e.Range != "" {
		fmt.Fprintf(b, " %q", e.Range)
	}
	if e.Order != "" {
		fmt.Fprintf(b, " %s", e.Order)
	}
	b.WriteString("\n")
	if e.Pattern != "" || e.Extract != "" {
		fmt.Fprintf(b, "filter: pattern %q extract %q\n", e.Pattern, e.Extract)
	}
	fmt.Fprintf(b, "tags: %d considered, %d matched, %d parsed\n", e.Considered, e.Matched, e.Parsed)
	for _, r := range e.Rejected {
		fmt.Fprintf(b, "rejected, %s: %d (%s%s)\n", r.Reason, r.Count, strings.Join(r.Tags, ", "), more(r.Count, len(r.Tags)))
	}
	if c := e.Collision; c != nil {
		fmt.Fprintf(b, "collision on value %q: %d tags (%s%s)\n", c.Value, c.Count, strings.Join(c.Tags, ", "), more(c.Count, len(c.Tags)))
	}
	if e.Winner != "" {
		fmt.Fprintf(b, "winner: %s", e.Winner)
		if e.Value != "" {
			fmt.Fprintf(b, " (value %q)", e.Value)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func more(count, shown int) string {
	if count > shown {
		return fmt.Sprintf(", ... %d more", count-shown)
	}
	return ""
}
