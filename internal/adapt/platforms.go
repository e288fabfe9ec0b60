package adapt

import (
	"context"
	"fmt"
	"slices"

	"github.com/tagflow/tagflow/policy"
)

// MaxPlatformChecks is how many winners SelectWithPlatforms checks, best first, before it
// gives up: each check costs a manifest request.
const MaxPlatformChecks = 10

// MissingPlatformsFunc returns the platforms of want that tag's image lacks, as
// scanner.Scanner.MissingPlatforms does for one image.
type MissingPlatformsFunc func(ctx context.Context, tag string, want ...string) ([]string, error)

// SelectWithPlatforms selects the latest tag of tags by the policy. With Platforms set, a
// winner whose image lacks one of them is dropped and the selection repeated, at most
// MaxPlatformChecks times. It returns the result and the tags dropped for their platforms.
func (s Selection) SelectWithPlatforms(ctx context.Context, tags []string, missing MissingPlatformsFunc) (policy.Result, []string, error) {
	if s.Policy == nil {
		return policy.Result{}, nil, fmt.Errorf("%w: the policy was not built", policy.ErrInvalidPolicy)
	}
	var dropped []string
	tags = slices.Clone(tags)
	for range MaxPlatformChecks {
		res, err := s.Policy.Select(tags)
		if err != nil || len(s.Platforms) == 0 {
			return res, dropped, err
		}
		lacks, err := missing(ctx, res.Tag, s.Platforms...)
		if err != nil {
			return res, dropped, fmt.Errorf("checking the platforms of tag %s: %w", res.Tag, err)
		}
		if len(lacks) == 0 {
			return res, dropped, nil
		}
		dropped = append(dropped, res.Tag)
		tags = slices.DeleteFunc(tags, func(t string) bool { return t == res.Tag })
	}
	return policy.Result{}, dropped, fmt.Errorf("%w: the %d latest tags lack a platform of %v", policy.ErrNoMatch, len(dropped), s.Platforms)
}
