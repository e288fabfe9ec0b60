package adapt

import (
	"github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/policy"
)

// Reasons tags are dropped before or after the policy, in an explanation.
const (
	// DroppedTooYoung: the tag was first seen less than spec.minAge ago.
	DroppedTooYoung = "first seen less than minAge ago"
	// DroppedMissingPlatform: the tag's index lacks a platform of spec.platforms.
	DroppedMissingPlatform = "missing a required platform"
)

// Explanation converts the policy's explanation to the API's status.explanation, adding
// the tags dropped for minAge (young) and platforms (noPlatform); total is the number of
// stored tags.
func Explanation(e policy.Explanation, total int, young, noPlatform []string) v1alpha1.Explanation {
	out := v1alpha1.Explanation{Message: e.String(), TagCount: total, CandidateCount: e.Parsed}
	if e.Winner != "" {
		out.Candidates = []v1alpha1.Candidate{{Tag: e.Winner, Value: e.Value}}
	}
	out.Dropped = appendDropped(out.Dropped, DroppedTooYoung, young)
	for _, rej := range e.Rejected {
		out.Dropped = append(out.Dropped, v1alpha1.DroppedTags{Reason: rej.Reason, Count: rej.Count, Examples: rej.Tags})
	}
	out.Dropped = appendDropped(out.Dropped, DroppedMissingPlatform, noPlatform)
	return out
}

// appendDropped adds a dropped-tags entry when tags is not empty.
func appendDropped(d []v1alpha1.DroppedTags, reason string, tags []string) []v1alpha1.DroppedTags {
	if len(tags) == 0 {
		return d
	}
	return append(d, v1alpha1.DroppedTags{Reason: reason, Count: len(tags), Examples: tags[:min(len(tags), policy.MaxExamples)]})
}
