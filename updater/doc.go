// Package updater rewrites the fields of YAML manifests that carry {"$imagepolicy": ...}
// markers, so that they name the images the policies chose.
//
// [Update] walks the update path inside a checkout (*.yaml, *.yml and Kustomization files,
// .git skipped, symbolic links never followed, nothing outside the checkout touched through
// an [os.Root]), reads only files holding the bytes "$imagepolicy" with its quotes, and
// returns a [Result]: the changes grouped by file and object, in the shape of Flux's
// commit-message data, and the [Problem]s found (unknown policies, files that are not valid
// YAML, markers on mappings, aliases or block scalars, links leaving the checkout).
//
// Markers are Flux's: a trailing comment holding the JSON object {"$imagepolicy":
// "NAMESPACE:POLICY[:tag|:name|:digest]"} on the line of a scalar, or on the line above a
// sequence item.
//
// Edits are byte-exact: the scalar is located and the new value is spliced into the original
// bytes, so indentation, blank lines, comments, quoting and line ends stay as they were. A
// plain scalar gets double quotes only if the new value would not read back as the same
// string. Files of the common shape (block mappings and sequences of one-line scalars) are
// read by a line lexer; anything else (flow collections, block scalars, anchors, multi-line
// scalars, tabs, markers on their own line) goes through the full yaml.v3 parse, whose node
// positions locate the scalar. FuzzFastPathMatchesFullParse and the golden tests check that
// both give the same bytes, changes and problems.
//
// [WriteUnifiedDiff] prints a change as a git diff that `git apply` reproduces exactly.
package updater
