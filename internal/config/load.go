package config

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Load reads the configuration in paths, each a file or a directory, and returns the
// defaulted, validated and resolved objects. A directory contributes every *.yaml and *.yml
// file under it, recursively and in lexical order, skipping directories whose names start
// with a dot (such as .git); a file is read whatever its name. Load reports every problem it
// finds, joined (errors.Join), each an *Error that names its file, document, object and
// field.
func Load(paths ...string) (*Set, error) {
	if len(paths) == 0 {
		return nil, errors.New("loading configuration: no files or directories given")
	}
	files, errs := expand(paths)
	s := newSet()
	for _, file := range files {
		errs = append(errs, s.loadFile(file)...)
	}
	errs = append(errs, s.resolve()...)
	if len(errs) > 0 {
		sortErrors(errs, files)
		return nil, errors.Join(errs...)
	}
	return s, nil
}

// sortErrors orders errors by file, in the order the files were read, then by document.
func sortErrors(errs []error, files []string) {
	place := func(err error) (int, int) {
		e, ok := errors.AsType[*Error](err)
		if !ok {
			return -1, 0
		}
		return slices.Index(files, e.File), e.Document
	}
	slices.SortStableFunc(errs, func(a, b error) int {
		fa, da := place(a)
		fb, db := place(b)
		return cmp.Or(cmp.Compare(fa, fb), cmp.Compare(da, db))
	})
}

// expand turns the paths given to Load into the list of files to read, each once.
func expand(paths []string) ([]string, []error) {
	var files []string
	var errs []error
	for _, p := range paths {
		found, err := filesIn(p)
		if err != nil {
			errs = append(errs, &Error{File: p, Err: err})
		}
		for _, f := range found {
			if !slices.Contains(files, f) {
				files = append(files, f)
			}
		}
	}
	return files, errs
}

// filesIn returns path itself when it is a file, or the YAML files under it when it is a
// directory.
func filesIn(path string) ([]string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, describeFSError(err)
	}
	if !info.IsDir() {
		return []string{filepath.Clean(path)}, nil
	}
	var files []string
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && p != path && strings.HasPrefix(d.Name(), "."):
			return filepath.SkipDir
		case !d.IsDir() && isYAMLName(d.Name()):
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("listing files: %w", err)
	}
	if len(files) == 0 {
		return nil, errors.New("directory holds no *.yaml or *.yml files")
	}
	slices.Sort(files)
	return files, nil
}

func isYAMLName(name string) bool {
	ext := filepath.Ext(name)
	return ext == ".yaml" || ext == ".yml"
}

// describeFSError drops the path from an *fs.PathError, since Error names the file already.
func describeFSError(err error) error {
	if pe, ok := errors.AsType[*fs.PathError](err); ok {
		return pe.Err
	}
	return err
}

// loadFile adds the objects of one file to s.
func (s *Set) loadFile(path string) []error {
	data, err := os.ReadFile(path)
	if err != nil {
		return []error{&Error{File: path, Err: describeFSError(err)}}
	}
	var errs []error
	for _, doc := range splitDocuments(data) {
		errs = append(errs, s.loadDocument(origin{file: path, document: doc.index}, doc.data)...)
	}
	return errs
}

// loadDocument decodes one document, and defaults, validates and adds its object.
func (s *Set) loadDocument(o origin, data []byte) []error {
	obj, errs := decodeDocument(&o, data)
	if obj == nil {
		if len(errs) > 0 {
			s.broken[o.key] = true
		}
		return errorsAt(o, errs...)
	}
	errs = errorsAt(o, s.add(o, obj, errs)...)
	for _, err := range errs {
		if e, ok := errors.AsType[*Error](err); ok {
			s.reported[o.key] = append(s.reported[o.key], e.Field)
		}
	}
	return errs
}
