package testenv

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// ReadTree maps every regular file under dir, by its slash-separated path relative to dir,
// to its content. Symbolic links and .git directories (which Git cannot hold in a fixture)
// are skipped.
func ReadTree(t testing.TB, dir string) map[string]string {
	t.Helper()
	tree := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		tree[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatalf("reading the tree %s: %v", dir, err)
	}
	return tree
}
