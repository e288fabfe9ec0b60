package adapt

import (
	"context"
	"fmt"

	"github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/updater"
	"github.com/tagflow/tagflow/updater/gitrepo"
)

// Update is the update step of an automation run. Its Changes method is the
// gitrepo.UpdateFunc the run's Repo.Run calls, once per attempt on a fresh checkout.
type Update struct {
	// Automation is the automation that runs.
	Automation *v1alpha1.ImageUpdateAutomation
	// Git holds the path to update and the commit message template values.
	Git Git
	// Images are the selected policies' images, by namespace:name.
	Images updater.Images
	// Apply writes the images into the files under path of the worktree at root. The
	// default (nil) is updater.Update.
	Apply func(ctx context.Context, root, path string, images updater.Images) (*updater.Result, error)
	// Problems are what the last attempt could not apply; Changes sets them.
	Problems []updater.Problem
	// Data is the commit message template data of the last attempt; Changes sets it.
	Data any
}

// Changes applies the images in the worktree at dir and returns the changed files with
// the commit message template data.
func (u *Update) Changes(ctx context.Context, dir string) (gitrepo.Changes, error) {
	apply := u.Apply
	if apply == nil {
		apply = func(ctx context.Context, root, path string, images updater.Images) (*updater.Result, error) {
			return updater.Update(ctx, root, path, images)
		}
	}
	result, err := apply(ctx, dir, u.Git.Path, u.Images)
	if err != nil {
		return gitrepo.Changes{}, fmt.Errorf("updating %s: %w", u.Git.Path, err)
	}
	u.Problems = result.Problems
	u.Data = NewTemplateData(u.Automation, result, u.Git.Values)
	return gitrepo.Changes{Files: result.Files(), TemplateData: u.Data}, nil
}
