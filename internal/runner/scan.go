package runner

import (
	"context"
	"errors"
	"fmt"

	"github.com/go-logr/logr"

	"github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/internal/adapt"
	"github.com/tagflow/tagflow/internal/config"
	"github.com/tagflow/tagflow/scanner"
	"github.com/tagflow/tagflow/scanner/store"
)

// outcome is the result of reconciling one object once.
type outcome struct {
	// changed reports a change that dependent objects must react to (a new tag revision,
	// a new latestRef).
	changed bool
	// err is the failure, nil on success.
	err error
	// stalled reports a failure that retrying will not fix.
	stalled bool
}

// repositoryScanner derives the scanner of an ImageRepository from the root scanner.
func (r *Runner) repositoryScanner(repo *v1alpha1.ImageRepository) (*scanner.Scanner, adapt.Scan, error) {
	sc, err := r.set.ScanFor(repo)
	if err != nil {
		return nil, sc, err
	}
	s, err := r.opts.Scanner.With(sc.Options...)
	return s, sc, err
}

// scan lists the tags of repo, stores them and records the status. It reports a change when
// the tag revision differs from the last stored one.
func (r *Runner) scan(ctx context.Context, repo *v1alpha1.ImageRepository) outcome {
	k := key(repo.Namespace, repo.Name)
	log := logr.FromContextOrDiscard(ctx).WithValues("imagerepository", k)
	st := r.status.repository(k)
	start := r.opts.Now()
	out := r.scanTags(ctx, repo, &st)
	if out.err != nil {
		reason := scanFailureReason(out.err)
		markFailed(&st.Conditions, repo.Generation, out.stalled, reason, out.err.Error())
		r.opts.Metrics.observeScan(repo.Namespace, repo.Name, r.opts.Now().Sub(start), 0, reason)
		log.Error(out.err, "scan failed", "stalled", out.stalled)
	} else {
		r.opts.Metrics.observeScan(repo.Namespace, repo.Name, r.opts.Now().Sub(start), st.LastScanResult.TagCount, "")
		log.V(1).Info("scanned", "tags", st.LastScanResult.TagCount, "revision", st.LastScanResult.Revision, "changed", out.changed)
	}
	st.ObservedGeneration = repo.Generation
	r.opts.Metrics.setReady(config.KindImageRepository, repo.Namespace, repo.Name, isReady(st.Conditions))
	if err := r.status.setRepository(k, st); err != nil {
		return outcome{err: err}
	}
	return out
}

// scanTags does the work of scan and fills st on success.
func (r *Runner) scanTags(ctx context.Context, repo *v1alpha1.ImageRepository, st *v1alpha1.ImageRepositoryStatus) outcome {
	s, sc, err := r.repositoryScanner(repo)
	if err != nil {
		return outcome{err: err, stalled: true}
	}
	tags, err := s.List(ctx, sc.Image)
	if err != nil {
		return outcome{err: err, stalled: errors.Is(err, scanner.ErrInvalidConfig)}
	}
	k := store.Key{Namespace: repo.Namespace, Name: repo.Name}
	meta, err := r.store.Put(ctx, k, tags, r.opts.Now())
	if err != nil {
		return outcome{err: fmt.Errorf("storing tags: %w", err)}
	}
	changed := st.LastScanResult == nil || st.LastScanResult.Revision != meta.Revision
	msg := adapt.RecordScan(st, repo, sc.Image, tags, meta)
	markReady(&st.Conditions, repo.Generation, v1alpha1.SucceededReason, msg)
	return outcome{changed: changed}
}

// scanFailureReason maps a scan error to a condition reason.
func scanFailureReason(err error) string {
	var fe *adapt.FieldError
	switch {
	case errors.As(err, &fe) && fe.Field == "spec.image":
		return v1alpha1.ImageURLInvalidReason
	case errors.As(err, &fe) && fe.Field == "spec.exclusionList":
		return v1alpha1.InvalidExclusionListReason
	case errors.Is(err, scanner.ErrAuth):
		return v1alpha1.AuthenticationFailedReason
	case errors.Is(err, scanner.ErrInvalidConfig), errors.As(err, &fe):
		return v1alpha1.FailureReason
	default:
		return v1alpha1.ReadOperationFailedReason
	}
}
