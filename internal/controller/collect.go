package controller

import (
	"context"

	"github.com/go-logr/logr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	imagev1 "github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/scanner/store"
)

// storeCollector deletes, once at start, the stored tags of ImageRepositories that no
// longer exist: the finalizer cleans up deleted objects, but not those deleted while their
// finalizer was removed by hand or another controller held the store.
type storeCollector struct {
	reader client.Reader
	store  *store.Store
}

// Start collects and returns; an error is logged, never fatal.
func (c *storeCollector) Start(ctx context.Context) error {
	log := logr.FromContextOrDiscard(ctx)
	n, err := collectStore(ctx, c.reader, c.store)
	if err != nil {
		log.Error(err, "collecting stored tags of deleted repositories")
		return nil
	}
	log.V(1).Info("collected stored tags of deleted repositories", "deleted", n)
	return nil
}

// collectStore deletes the store entries without an ImageRepository and returns how many
// it deleted. The keys are read before the repositories, so that tags stored by a scan
// running meanwhile are never taken for garbage.
func collectStore(ctx context.Context, r client.Reader, st *store.Store) (int, error) {
	keys, err := st.Keys(ctx)
	if err != nil {
		return 0, fmtErr("listing stored keys", err)
	}
	var list imagev1.ImageRepositoryList
	if err := r.List(ctx, &list); err != nil {
		return 0, fmtErr("listing ImageRepositories", err)
	}
	exists := make(map[store.Key]bool, len(list.Items))
	for _, repo := range list.Items {
		exists[store.Key{Namespace: repo.Namespace, Name: repo.Name}] = true
	}
	deleted := 0
	for _, k := range keys {
		if exists[k] {
			continue
		}
		if err := st.Delete(ctx, k); err != nil {
			return deleted, fmtErr("deleting the tags of "+k.String(), err)
		}
		deleted++
	}
	return deleted, nil
}
