package adapt

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/policy"
)

func TestExplanation(t *testing.T) {
	e := policy.Explanation{
		Policy:   "semver",
		Range:    ">=1.0.0",
		Parsed:   2,
		Rejected: []policy.Rejection{{Reason: "out of range", Count: 1, Tags: []string{"0.9.0"}}},
		Winner:   "1.2.0",
	}
	for _, tc := range []struct {
		name              string
		e                 policy.Explanation
		young, noPlatform []string
		wantCandidates    []v1alpha1.Candidate
		wantDropped       []v1alpha1.DroppedTags
	}{
		{name: "no winner, nothing dropped", e: policy.Explanation{Policy: "semver"}},
		{name: "winner", e: e,
			wantCandidates: []v1alpha1.Candidate{{Tag: "1.2.0"}},
			wantDropped:    []v1alpha1.DroppedTags{{Reason: "out of range", Count: 1, Examples: []string{"0.9.0"}}}},
		{name: "young and missing platforms around the policy's rejections", e: e,
			young: []string{"1.3.0"}, noPlatform: []string{"1.2.1"},
			wantCandidates: []v1alpha1.Candidate{{Tag: "1.2.0"}},
			wantDropped: []v1alpha1.DroppedTags{
				{Reason: DroppedTooYoung, Count: 1, Examples: []string{"1.3.0"}},
				{Reason: "out of range", Count: 1, Examples: []string{"0.9.0"}},
				{Reason: DroppedMissingPlatform, Count: 1, Examples: []string{"1.2.1"}},
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Explanation(tc.e, 5, tc.young, tc.noPlatform)
			want := v1alpha1.Explanation{Message: tc.e.String(), TagCount: 5, CandidateCount: tc.e.Parsed,
				Candidates: tc.wantCandidates, Dropped: tc.wantDropped}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Explanation() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestExplanationLimitsExamples(t *testing.T) {
	young := make([]string, policy.MaxExamples+3)
	for i := range young {
		young[i] = "t"
	}
	got := Explanation(policy.Explanation{}, len(young), young, nil).Dropped
	if len(got) != 1 || got[0].Count != len(young) || len(got[0].Examples) != policy.MaxExamples {
		t.Errorf("Dropped = %+v, want one entry counting %d tags with %d examples", got, len(young), policy.MaxExamples)
	}
}
