package controller

import (
	"path/filepath"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	imagev1 "github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/scanner/store"
)

func TestScanDue(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "tags.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	scanned := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	meta, err := st.Put(t.Context(), store.Key{Namespace: "apps", Name: "web"}, []string{"1.0.0"}, scanned)
	if err != nil {
		t.Fatal(err)
	}
	scannedRepo := func(f func(*imagev1.ImageRepository)) *imagev1.ImageRepository {
		repo := &imagev1.ImageRepository{
			ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "apps", Generation: 2},
			Spec:       imagev1.ImageRepositorySpec{Interval: metav1.Duration{Duration: 10 * time.Minute}},
		}
		repo.Status.ObservedGeneration = 2
		repo.Status.LastScanResult = &imagev1.ScanResult{Revision: meta.Revision, ScanTime: metav1.NewTime(scanned)}
		markReady(&repo.Status.Conditions, 2, "scanned")
		if f != nil {
			f(repo)
		}
		return repo
	}
	tests := []struct {
		name    string
		repo    *imagev1.ImageRepository
		elapsed time.Duration
		want    bool
		next    time.Duration
	}{
		{name: "recent scan", repo: scannedRepo(nil), elapsed: 4 * time.Minute, want: false, next: 6 * time.Minute},
		{name: "interval elapsed", repo: scannedRepo(nil), elapsed: 10 * time.Minute, want: true},
		{name: "never scanned", repo: scannedRepo(func(r *imagev1.ImageRepository) { r.Status.LastScanResult = nil }), want: true},
		{name: "new generation", repo: scannedRepo(func(r *imagev1.ImageRepository) { r.Generation = 3 }), want: true},
		{name: "reconcile requested", repo: scannedRepo(func(r *imagev1.ImageRepository) {
			r.Annotations = map[string]string{imagev1.ReconcileRequestAnnotation: "now"}
		}), want: true},
		{name: "not ready", repo: scannedRepo(func(r *imagev1.ImageRepository) {
			setRetrying(&r.Status.Conditions, 2, imagev1.ReadOperationFailedReason, "down")
		}), want: true},
		{name: "tags missing from the store", repo: scannedRepo(func(r *imagev1.ImageRepository) { r.Name = "other" }), want: true},
		{name: "store holds other tags", repo: scannedRepo(func(r *imagev1.ImageRepository) { r.Status.LastScanResult.Revision = "sha256:0" }), want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &ImageRepositoryReconciler{Store: st, Now: func() time.Time { return scanned.Add(tt.elapsed) }}
			s := &repositoryRun{r: r, obj: tt.repo}
			if got, next := s.due(t.Context()); got != tt.want || next != tt.next {
				t.Errorf("due() = %v, %v; want %v, %v", got, next, tt.want, tt.next)
			}
		})
	}
}
