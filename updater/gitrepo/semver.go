package gitrepo

import (
	"context"
	"fmt"
	"strings"

	"github.com/Masterminds/semver/v3"
	gogit "github.com/go-git/go-git/v5"
)

// checkSemVer validates a semver checkout constraint.
func checkSemVer(constraint string) error {
	if _, err := semver.NewConstraint(constraint); err != nil {
		return fmt.Errorf("checkout ref: semver range %q: %w", constraint, err)
	}
	return nil
}

// latestTag lists the remote's tags and returns the one with the greatest version within
// the semver range of the checkout ref; equal versions go to the greatest tag name.
func (r *Repo) latestTag(ctx context.Context, repo *gogit.Repository) (string, error) {
	c, err := semver.NewConstraint(r.ref.SemVer)
	if err != nil {
		return "", fmt.Errorf("resolving semver range %q: %w", r.ref.SemVer, err)
	}
	refs, err := r.listRemote(ctx, repo)
	if err != nil {
		return "", err
	}
	var best *semver.Version
	var bestTag string
	for _, ref := range refs {
		name := ref.Name()
		if !name.IsTag() || strings.HasSuffix(name.String(), "^{}") {
			continue
		}
		tag := name.Short()
		v, err := semver.NewVersion(tag)
		if err != nil || !c.Check(v) {
			continue
		}
		if best == nil || v.GreaterThan(best) || v.Equal(best) && tag > bestTag {
			best, bestTag = v, tag
		}
	}
	if best == nil {
		return "", fmt.Errorf("resolving semver range %q: no tag of %s matches", r.ref.SemVer, r.url.clean)
	}
	return bestTag, nil
}
