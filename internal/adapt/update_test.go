package adapt

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/updater"
)

func TestUpdateChanges(t *testing.T) {
	a := &v1alpha1.ImageUpdateAutomation{ObjectMeta: metav1.ObjectMeta{Namespace: "apps", Name: "web"}}
	images := updater.Images{"apps:app": {Name: "ghcr.io/org/app", Tag: "1.1.0"}}
	git := Git{Path: "./clusters", Values: map[string]string{"env": "prod"}}
	for _, tc := range []struct {
		name         string
		file         string
		wantFiles    []string
		wantProblems int
	}{
		{"marker applied", `image: ghcr.io/org/app:1.0.0 # {"$imagepolicy": "apps:app"}` + "\n", []string{"clusters/app.yaml"}, 0},
		{"unknown policy", `image: ghcr.io/org/app:1.0.0 # {"$imagepolicy": "apps:other"}` + "\n", nil, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.MkdirAll(filepath.Join(dir, "clusters"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "clusters", "app.yaml"), []byte(tc.file), 0o644); err != nil {
				t.Fatal(err)
			}
			u := &Update{Automation: a, Git: git, Images: images}
			got, err := u.Changes(t.Context(), dir)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.wantFiles, got.Files); diff != "" {
				t.Errorf("Changes() files mismatch (-want +got):\n%s", diff)
			}
			if len(u.Problems) != tc.wantProblems {
				t.Errorf("Problems = %v, want %d", u.Problems, tc.wantProblems)
			}
			data, ok := got.TemplateData.(TemplateData)
			if !ok || data.AutomationObject != (types.NamespacedName{Namespace: "apps", Name: "web"}) || data.Values["env"] != "prod" || data.Changed == nil {
				t.Errorf("TemplateData = %+v, want the automation apps/web, its values and the result", got.TemplateData)
			}
		})
	}
}

func TestUpdateChangesError(t *testing.T) {
	boom := errors.New("boom")
	u := &Update{Git: Git{Path: "sub"}, Apply: func(context.Context, string, string, updater.Images) (*updater.Result, error) {
		return nil, boom
	}}
	_, err := u.Changes(t.Context(), t.TempDir())
	if !errors.Is(err, boom) || err.Error() != "updating sub: boom" {
		t.Errorf("Changes() error = %v, want updating sub: boom", err)
	}
}
