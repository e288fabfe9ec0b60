package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"

	"github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/internal/adapt"
	"github.com/tagflow/tagflow/internal/config"
	"github.com/tagflow/tagflow/scanner"
	"github.com/tagflow/tagflow/updater"
	"github.com/tagflow/tagflow/updater/gitrepo"
)

// planConfig loads the configuration in opts.files, scans every ImageRepository, selects
// every ImagePolicy, and for each ImageUpdateAutomation clones its repository into a
// temporary directory and writes the update it would push to w as a git diff. It commits
// and pushes nothing. Problems go to errw, one per line, and make it return an error with
// exit status 1; a configuration that does not load exits with status 2.
func planConfig(ctx context.Context, w, errw io.Writer, opts planOptions) error {
	set, err := config.Load(opts.files...)
	if err != nil {
		fmt.Fprintln(errw, err)
		return &exitError{code: 2, err: errors.New("the configuration is invalid")}
	}
	root, err := scanner.New()
	if err != nil {
		return fmt.Errorf("configuring the scanner: %w", err)
	}
	cache, err := os.MkdirTemp("", "tagflow-plan-")
	if err != nil {
		return fmt.Errorf("creating a clone directory: %w", err)
	}
	defer os.RemoveAll(cache)
	p := &planner{set: set, root: root, errw: errw, tags: map[*v1alpha1.ImageRepository][]string{}, failed: map[string]bool{}}
	images := p.selectAll(ctx)
	for _, a := range set.Automations {
		if a.Spec.Suspend {
			fmt.Fprintf(errw, "ImageUpdateAutomation %s/%s: suspended, not planned\n", a.Namespace, a.Name)
			continue
		}
		p.automation(ctx, w, a, images, cache)
	}
	if p.problems > 0 {
		return &exitError{code: 1, err: fmt.Errorf("%d problem(s) found", p.problems)}
	}
	return nil
}

// planner holds what a plan has learnt so far: the tags of each repository, and how many
// problems were reported.
type planner struct {
	set      *config.Set
	root     *scanner.Scanner
	errw     io.Writer
	tags     map[*v1alpha1.ImageRepository][]string
	problems int
	// failed holds the policies ("NAMESPACE:NAME") that selected nothing: markers naming
	// them are not reported again.
	failed map[string]bool
}

// problem reports a problem with an object.
func (p *planner) problem(kind, namespace, name string, err error) {
	p.problems++
	fmt.Fprintf(p.errw, "%s %s/%s: %v\n", kind, namespace, name, err)
}

// selectAll selects the image of every policy; a policy that cannot select is reported
// and left out.
func (p *planner) selectAll(ctx context.Context) updater.Images {
	images := updater.Images{}
	for _, pol := range p.set.Policies {
		key := pol.Namespace + ":" + pol.Name
		img, err := p.selectImage(ctx, pol)
		if err != nil {
			p.problem(config.KindImagePolicy, pol.Namespace, pol.Name, err)
			p.failed[key] = true
			continue
		}
		images[key] = img
	}
	return images
}

// selectImage lists the tags of a policy's repository (once per repository), picks the
// latest that has the policy's platforms, and looks up its digest when the policy asks.
func (p *planner) selectImage(ctx context.Context, pol *v1alpha1.ImagePolicy) (updater.Image, error) {
	sel, err := p.set.SelectionFor(pol)
	if err != nil {
		return updater.Image{}, err
	}
	repo, err := p.set.RepositoryFor(pol)
	if err != nil {
		return updater.Image{}, err
	}
	sc, scan, err := p.scanner(repo)
	if err != nil {
		return updater.Image{}, err
	}
	tags, err := p.list(ctx, repo, sc, scan.Image)
	if err != nil {
		return updater.Image{}, err
	}
	missing := func(ctx context.Context, tag string, want ...string) ([]string, error) {
		return sc.MissingPlatforms(ctx, scan.Image, tag, want...)
	}
	res, _, err := sel.SelectWithPlatforms(ctx, tags, missing)
	if err != nil {
		return updater.Image{}, fmt.Errorf("selecting a tag of %s: %w", scan.Image, err)
	}
	if sel.MinAge > 0 {
		fmt.Fprintf(p.errw, "ImagePolicy %s/%s: minAge is not applied by plan, which keeps no tag history\n", pol.Namespace, pol.Name)
	}
	return withDigest(ctx, sc, updater.Image{Name: scan.Image, Tag: res.Tag}, sel.DigestReflection)
}

// withDigest looks up the digest of img's tag unless the policy never reflects digests.
// A plan has no previous digest to keep, so IfNotPresent looks it up as Always does.
func withDigest(ctx context.Context, sc *scanner.Scanner, img updater.Image, reflect v1alpha1.ReflectionPolicy) (updater.Image, error) {
	if reflect == v1alpha1.ReflectNever {
		return img, nil
	}
	digest, err := sc.Digest(ctx, img.Name, img.Tag)
	if err != nil {
		return img, fmt.Errorf("looking up the digest of %s:%s: %w", img.Name, img.Tag, err)
	}
	img.Digest = digest
	return img, nil
}

// scanner derives the scanner of a repository from the root scanner.
func (p *planner) scanner(repo *v1alpha1.ImageRepository) (*scanner.Scanner, adapt.Scan, error) {
	scan, err := p.set.ScanFor(repo)
	if err != nil {
		return nil, scan, err
	}
	sc, err := p.root.With(scan.Options...)
	return sc, scan, err
}

// list returns the tags of repo, listing them on first use.
func (p *planner) list(ctx context.Context, repo *v1alpha1.ImageRepository, sc *scanner.Scanner, image string) ([]string, error) {
	if tags, ok := p.tags[repo]; ok {
		return tags, nil
	}
	tags, err := sc.List(ctx, image)
	if err != nil {
		return nil, fmt.Errorf("ImageRepository %s/%s: %w", repo.Namespace, repo.Name, err)
	}
	p.tags[repo] = tags
	return tags, nil
}

// automation clones the repository of a and writes the update it would make as a diff.
func (p *planner) automation(ctx context.Context, w io.Writer, a *v1alpha1.ImageUpdateAutomation, all updater.Images, cache string) {
	report := func(err error) { p.problem(config.KindImageUpdateAutomation, a.Namespace, a.Name, err) }
	images, err := p.imagesFor(a, all)
	if err != nil {
		report(err)
		return
	}
	git, err := p.set.GitFor(a)
	if err != nil {
		report(err)
		return
	}
	changed, problems, err := dryRun(ctx, git, images, cache)
	if errors.Is(err, gitrepo.ErrBranchModified) {
		fmt.Fprintf(p.errw, "ImageUpdateAutomation %s/%s: %v; a run would not push this change\n", a.Namespace, a.Name, err)
		err = nil
	}
	if err != nil {
		report(err)
		return
	}
	for _, pr := range problems {
		if s, err := updater.ParseSetter(pr.Setter); err != nil || !p.failed[s.Policy] {
			report(errors.New(pr.String()))
		}
	}
	for _, file := range slices.Sorted(maps.Keys(changed)) {
		if err := updater.WriteUnifiedDiff(w, file, changed[file].old, changed[file].new); err != nil {
			report(fmt.Errorf("writing the diff: %w", err))
			return
		}
	}
}

// imagesFor returns the images of the policies an automation selects.
func (p *planner) imagesFor(a *v1alpha1.ImageUpdateAutomation, all updater.Images) (updater.Images, error) {
	policies, err := p.set.PoliciesFor(a)
	if err != nil {
		return nil, err
	}
	images := updater.Images{}
	for _, pol := range policies {
		key := pol.Namespace + ":" + pol.Name
		if img, ok := all[key]; ok {
			images[key] = img
		}
	}
	return images, nil
}

// fileChange is a file's content before and after an update.
type fileChange struct{ old, new []byte }

// dryRun clones the repository into cache and computes the update without writing it: the
// update function reports no files, so nothing is committed or pushed.
func dryRun(ctx context.Context, git adapt.Git, images updater.Images, cache string) (map[string]fileChange, []updater.Problem, error) {
	opts := append(slices.Clone(git.Options), gitrepo.WithCacheDir(cache))
	repo, err := gitrepo.New(git.URL, git.Ref, opts...)
	if err != nil {
		return nil, nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, git.Timeout)
	defer cancel()
	changed := map[string]fileChange{}
	var problems []updater.Problem
	_, err = repo.Run(ctx, func(ctx context.Context, dir string) (gitrepo.Changes, error) {
		clear(changed)
		res, err := updater.Update(ctx, dir, git.Path, images, updater.WithDryRun(func(file string, old, new []byte) {
			changed[file] = fileChange{old, new}
		}))
		if err != nil {
			return gitrepo.Changes{}, fmt.Errorf("updating %s: %w", git.Path, err)
		}
		problems = res.Problems
		return gitrepo.Changes{}, nil
	})
	if err != nil && !errors.Is(err, gitrepo.ErrBranchModified) {
		return nil, nil, fmt.Errorf("checking out %s: %w", git.URL, err)
	}
	return changed, problems, err
}
