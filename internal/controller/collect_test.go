package controller

import (
	"errors"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	imagev1 "github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/scanner/store"
)

func TestCollectStore(t *testing.T) {
	needEnv(t)
	ns := namespace(t, nil)
	create(t, &imagev1.ImageRepository{
		ObjectMeta: metav1.ObjectMeta{Name: "kept", Namespace: ns},
		Spec:       imagev1.ImageRepositorySpec{Image: "registry.invalid/app", Suspend: true, Interval: metav1.Duration{Duration: time.Hour}},
	})
	kept, gone := store.Key{Namespace: ns, Name: "kept"}, store.Key{Namespace: ns, Name: "gone"}
	for _, k := range []store.Key{kept, gone} {
		if _, err := tagStore.Put(t.Context(), k, []string{"1.0.0"}, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := collectStore(t.Context(), k8s, tagStore); err != nil {
		t.Fatal(err)
	}
	if _, err := tagStore.Get(t.Context(), gone); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("tags of a deleted repository: %v, want ErrNotFound", err)
	}
	if _, err := tagStore.Get(t.Context(), kept); err != nil {
		t.Errorf("tags of an existing repository: %v", err)
	}
}
