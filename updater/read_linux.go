//go:build linux

package updater

import (
	"errors"
	"os"
	"syscall"
)

// readFile reads the regular file name in directory d into buf with raw openat/read/close
// calls: on virtual machines every system call is expensive, and os.Open adds fstat and
// fcntl calls. O_NOFOLLOW and a name of one path element keep the read inside d, which was
// opened through an os.Root; O_NONBLOCK keeps a FIFO put in a file's place from blocking.
// A read shorter than the buffer is taken as the end of the file
// (regular files on Linux only return short reads there); a file with a marker is read to
// the end before it is updated.
func readFile(d *dirRef, name string, buf []byte) ([]byte, error) {
	fd, err := openat(d.fd, name)
	if err != nil {
		return nil, err
	}
	defer syscall.Close(fd)
	buf = buf[:0]
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := readFull(fd, buf[len(buf):cap(buf)])
		if err != nil {
			return nil, err
		}
		buf = buf[:len(buf)+n]
		if n == 0 || (len(buf) < cap(buf) && !hasMarkerToken(buf)) {
			return buf, nil
		}
	}
}

func openat(dirfd int, name string) (int, error) {
	for {
		fd, err := syscall.Openat(dirfd, name, syscall.O_RDONLY|syscall.O_CLOEXEC|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
		if !errors.Is(err, syscall.EINTR) {
			return fd, err
		}
	}
}

func readFull(fd int, p []byte) (int, error) {
	for {
		n, err := syscall.Read(fd, p)
		if !errors.Is(err, syscall.EINTR) {
			return max(n, 0), err
		}
	}
}

// openDir opens the directory of root. The descriptor is moved to a plain *os.File because
// ReadDir on a file opened through an os.Root calls lstat for every entry, which the
// directory entry types make unnecessary; the descriptor still refers to the directory
// that root resolved.
func openDir(root *os.Root) (*os.File, error) {
	f, err := root.Open(".")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var fd int
	var dupErr error
	sc, err := f.SyscallConn()
	if err != nil {
		return nil, err
	}
	if err := sc.Control(func(raw uintptr) { fd, dupErr = dupCloexec(int(raw)) }); err != nil {
		return nil, err
	}
	if dupErr != nil {
		return nil, dupErr
	}
	return os.NewFile(uintptr(fd), f.Name()), nil
}

func dupCloexec(fd int) (int, error) {
	r, _, errno := syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), syscall.F_DUPFD_CLOEXEC, 0)
	if errno != 0 {
		return -1, errno
	}
	return int(r), nil
}
