package updater

import (
	"errors"
	"runtime"
)

// Option configures Update.
type Option func(*options) error

// FileFunc receives a file that an update changes: its slash path relative to the checkout
// root, its content before and after.
type FileFunc func(file string, old, new []byte)

type options struct {
	workers int
	dryRun  FileFunc
	parser  parser
}

func makeOptions(opts []Option) (options, error) {
	o := options{workers: runtime.GOMAXPROCS(0), parser: parseAuto}
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return o, err
		}
	}
	return o, nil
}

// WithWorkers sets how many files are read and updated at once. The default is
// runtime.GOMAXPROCS(0).
func WithWorkers(n int) Option {
	return func(o *options) error {
		if n < 1 {
			return errors.New("updater: workers must be at least 1")
		}
		o.workers = n
		return nil
	}
}

// WithDryRun leaves every file as it is and passes each file the update would change to fn
// instead, one call at a time. The default is to write the changed files.
func WithDryRun(fn FileFunc) Option {
	return func(o *options) error {
		if fn == nil {
			return errors.New("updater: dry-run function must not be nil")
		}
		o.dryRun = fn
		return nil
	}
}

// withParser makes tests run one parser.
func withParser(p parser) Option {
	return func(o *options) error {
		o.parser = p
		return nil
	}
}
