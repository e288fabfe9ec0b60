package runner

import (
	"context"
	"errors"
	"fmt"

	"github.com/go-logr/logr"

	"github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/internal/adapt"
	"github.com/tagflow/tagflow/internal/config"
	"github.com/tagflow/tagflow/policy"
	"github.com/tagflow/tagflow/scanner/store"
)

// errDependencyNotReady means the policy's repository has no stored tags yet.
var errDependencyNotReady = errors.New("dependency not ready")

// selectTag evaluates pol against its repository's stored tags and records the status.
// It reports a change when latestRef changed.
func (r *Runner) selectTag(ctx context.Context, pol *v1alpha1.ImagePolicy) outcome {
	k := key(pol.Namespace, pol.Name)
	log := logr.FromContextOrDiscard(ctx).WithValues("imagepolicy", k)
	st := r.status.policy(k)
	out, reason := r.choose(ctx, pol, &st)
	if out.err != nil {
		markFailed(&st.Conditions, pol.Generation, out.stalled, reason, out.err.Error())
		log.Error(out.err, "selecting a tag failed", "stalled", out.stalled)
	} else {
		log.V(1).Info("selected", "tag", st.LatestRef.Tag, "changed", out.changed)
	}
	r.opts.Metrics.observeSelection(pol.Namespace, pol.Name, reason)
	st.ObservedGeneration = pol.Generation
	r.opts.Metrics.setReady(config.KindImagePolicy, pol.Namespace, pol.Name, isReady(st.Conditions))
	if err := r.status.setPolicy(k, st); err != nil {
		return outcome{err: err}
	}
	r.updateBehind(pol)
	return out
}

// choose does the work of selectTag and fills st; on failure it returns the reason.
func (r *Runner) choose(ctx context.Context, pol *v1alpha1.ImagePolicy, st *v1alpha1.ImagePolicyStatus) (outcome, string) {
	sel, err := adapt.Policy(pol)
	if err != nil {
		return outcome{err: err, stalled: true}, v1alpha1.InvalidPolicyReason
	}
	repo, tags, err := r.policyTags(ctx, pol)
	if err != nil {
		if errors.Is(err, adapt.ErrAccessDenied) {
			return outcome{err: err, stalled: true}, v1alpha1.AccessDeniedReason
		}
		return outcome{err: err}, v1alpha1.DependencyNotReadyReason
	}
	candidates, young := sel.Candidates(tags.All(), r.opts.Now())
	res, dropped, err := r.selectWithPlatforms(ctx, repo, sel, candidates)
	expl := adapt.Explanation(res.Explanation, len(tags.Names()), young, dropped)
	st.Explanation = &expl
	if err != nil {
		if errors.Is(err, policy.ErrNoMatch) {
			return outcome{err: err}, v1alpha1.NoMatchingTagReason
		}
		return outcome{err: err}, v1alpha1.FailureReason
	}
	ref := v1alpha1.ImageRef{Name: repo.Spec.Image, Tag: res.Tag}
	if ref.Digest, err = r.digest(ctx, repo, sel, st.LatestRef, ref); err != nil {
		return outcome{err: err}, v1alpha1.FailureReason
	}
	changed := st.LatestRef == nil || *st.LatestRef != ref
	if changed && st.LatestRef != nil {
		st.ObservedPreviousRef = st.LatestRef
	}
	st.LatestRef = &ref
	markReady(&st.Conditions, pol.Generation, v1alpha1.SucceededReason, adapt.ResolvedMessage(ref, st.ObservedPreviousRef))
	return outcome{changed: changed}, ""
}

// policyTags returns the policy's repository and its stored tags.
func (r *Runner) policyTags(ctx context.Context, pol *v1alpha1.ImagePolicy) (*v1alpha1.ImageRepository, *store.Tags, error) {
	repo, err := r.set.RepositoryFor(pol)
	if err != nil {
		return nil, nil, err
	}
	ns, name := repo.Namespace, repo.Name
	tags, err := r.store.Get(ctx, store.Key{Namespace: ns, Name: name})
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, fmt.Errorf("%w: ImageRepository %s/%s has not been scanned", errDependencyNotReady, ns, name)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("reading tags of %s/%s: %w", ns, name, err)
	}
	return repo, tags, nil
}

// selectWithPlatforms selects a tag, passing over winners that lack a required platform
// (adapt's re-selection, shared with the controller and plan).
func (r *Runner) selectWithPlatforms(ctx context.Context, repo *v1alpha1.ImageRepository, sel adapt.Selection, tags []string) (policy.Result, []string, error) {
	if len(sel.Platforms) == 0 {
		return sel.SelectWithPlatforms(ctx, tags, nil)
	}
	s, sc, err := r.repositoryScanner(repo)
	if err != nil {
		return policy.Result{}, nil, err
	}
	return sel.SelectWithPlatforms(ctx, tags, func(ctx context.Context, tag string, want ...string) ([]string, error) {
		return s.MissingPlatforms(ctx, sc.Image, tag, want...)
	})
}

// digest returns the digest to record for ref under the policy's digest reflection.
func (r *Runner) digest(ctx context.Context, repo *v1alpha1.ImageRepository, sel adapt.Selection, prev *v1alpha1.ImageRef, ref v1alpha1.ImageRef) (string, error) {
	if d, lookup := sel.KnownDigest(prev, ref); !lookup {
		return d, nil
	}
	s, sc, err := r.repositoryScanner(repo)
	if err != nil {
		return "", err
	}
	d, err := s.Digest(ctx, sc.Image, ref.Tag)
	if err != nil {
		return "", fmt.Errorf("resolving digest of %s:%s: %w", sc.Image, ref.Tag, err)
	}
	return d, nil
}
