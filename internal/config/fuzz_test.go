package config

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoadDocument checks that no document, however malformed, makes loading panic.
func FuzzLoadDocument(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*/*.y*ml")
	for _, path := range seeds {
		if data, err := os.ReadFile(path); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("apiVersion: v1\nkind: Secret\nmetadata: {name: a}\ndata: {a: [1]}\n"))
	f.Add([]byte("{spec: {policy: {semver: null}}, kind: ImagePolicy, apiVersion: image.tagflow.dev/v1alpha1, metadata: {name: x}}"))
	for _, doc := range []string{
		"kind: 5\napiVersion: [1]\nmetadata: x\n",
		"apiVersion: image.tagflow.dev/v1alpha1\nkind: ImageUpdateAutomation\nmetadata: {name: a}\nspec: {git: null, update: null, sourceRef: {}}\n",
		"apiVersion: image.tagflow.dev/v1alpha1\nkind: ImagePolicy\nmetadata: {name: a, namespace: b}\nspec: {imageRepositoryRef: {name: a, namespace: c}, policy: {semver: {}}}\n",
		"apiVersion: v1\nkind: Namespace\nmetadata: {name: b, labels: {a: 1}}\n",
		"&a [*a]",
		"---\n- 1\n---\nnull\n---\n~\n",
	} {
		f.Add([]byte(doc))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s := newSet()
		for _, doc := range splitDocuments(data) {
			_ = s.loadDocument(origin{file: "fuzz.yaml", document: doc.index}, doc.data)
		}
		_ = s.resolve()
	})
}
