//go:build !linux

package updater

import (
	"errors"
	"io"
	"os"
)

// readFile reads the file name in directory d into buf.
func readFile(d *dirRef, name string, buf []byte) ([]byte, error) {
	f, err := d.root.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf = buf[:0]
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if errors.Is(err, io.EOF) {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// openDir opens the directory of root.
func openDir(root *os.Root) (*os.File, error) {
	return root.Open(".")
}
