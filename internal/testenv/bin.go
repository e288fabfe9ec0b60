package testenv

import (
	"os"
	"path/filepath"
)

// ToolPath returns the path of a server binary the Makefile builds: the environment
// variable env when set, else $HOME/.cache/tagflow/bin/name, the Makefile's default cache.
func ToolPath(env, name string) string {
	if p := os.Getenv(env); p != "" {
		return p
	}
	home, err := os.UserHomeDir()
	if err != nil {
		home = os.Getenv("HOME")
	}
	return filepath.Join(home, ".cache", "tagflow", "bin", name)
}
