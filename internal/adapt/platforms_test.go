package adapt

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/policy"
)

func TestSelectWithPlatforms(t *testing.T) {
	// arm64 is missing from 1.3.0 and 1.2.0.
	platforms := map[string][]string{"1.3.0": {"linux/amd64"}, "1.2.0": {"linux/amd64"}, "1.1.0": {"linux/amd64", "linux/arm64"}}
	missing := func(_ context.Context, tag string, want ...string) ([]string, error) {
		have, ok := platforms[tag]
		if !ok {
			return nil, fmt.Errorf("no manifest for %s", tag)
		}
		var lacks []string
		for _, w := range want {
			if !slices.Contains(have, w) {
				lacks = append(lacks, w)
			}
		}
		return lacks, nil
	}
	tags := []string{"1.1.0", "1.2.0", "1.3.0"}
	tests := []struct {
		name      string
		platforms []string
		tags      []string
		tag       string
		dropped   []string
		err       error
	}{
		{name: "no platforms: no check", tags: append(tags, "1.4.0"), tag: "1.4.0"},
		{name: "the winner has them", platforms: []string{"linux/amd64"}, tags: tags, tag: "1.3.0"},
		{name: "winners lacking one are dropped", platforms: []string{"linux/arm64"}, tags: tags, tag: "1.1.0", dropped: []string{"1.3.0", "1.2.0"}},
		{name: "none has them", platforms: []string{"linux/s390x"}, tags: tags, dropped: []string{"1.3.0", "1.2.0", "1.1.0"}, err: policy.ErrNoMatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sel, err := Policy(imagePolicy(v1alpha1.ImagePolicySpec{
				Policy:    v1alpha1.ImagePolicyChoice{SemVer: &v1alpha1.SemVerPolicy{Range: "1.x"}},
				Platforms: tt.platforms,
			}))
			if err != nil {
				t.Fatal(err)
			}
			res, dropped, err := sel.SelectWithPlatforms(t.Context(), tt.tags, missing)
			if !errors.Is(err, tt.err) || (err == nil) != (tt.err == nil) {
				t.Fatalf("SelectWithPlatforms() error = %v, want %v", err, tt.err)
			}
			if res.Tag != tt.tag || !cmp.Equal(tt.dropped, dropped) {
				t.Errorf("SelectWithPlatforms() = %q dropping %q, want %q dropping %q", res.Tag, dropped, tt.tag, tt.dropped)
			}
		})
	}
}
