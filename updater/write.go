package updater

import (
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
)

// writeAtomic replaces name in dir with data: it writes a temporary file in the same
// directory, gives it mode, and renames it over name, so readers see the old or the new
// content, never a mix. It does not fsync: a Git checkout is rebuilt, not recovered.
func writeAtomic(dir *os.Root, name string, data []byte, mode fs.FileMode) (err error) {
	tmp := fmt.Sprintf(".tagflow-%016x.tmp", rand.Uint64())
	f, err := dir.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("creating temporary file for %s: %w", name, err)
	}
	defer func() {
		if err != nil {
			_ = dir.Remove(tmp)
		}
	}()
	if _, err = f.Write(data); err != nil {
		_ = f.Close()
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if err = f.Chmod(mode & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)); err != nil {
		_ = f.Close()
		return fmt.Errorf("setting mode of %s: %w", name, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if err = dir.Rename(tmp, name); err != nil {
		return fmt.Errorf("replacing %s: %w", name, err)
	}
	return nil
}
