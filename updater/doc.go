// Package updater rewrites the fields of YAML manifests that carry {"$imagepolicy": ...}
// markers, so that they name the images the policies chose.
//
// Edits are byte-exact: the scalar is located with a YAML parser and the new value is spliced
// into the original bytes, so indentation, comments, quoting and line ends stay as they were.
package updater
