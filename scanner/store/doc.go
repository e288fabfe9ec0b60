// Package store keeps the tags of image repositories on disk, one entry per repository
// object (namespace/name), never per canonical image, so that two objects naming the same
// image with different credentials or exclusion lists cannot overwrite each other.
//
// The store is a bbolt file: crash safe (every Put is one transaction), bounded in memory
// (nothing is cached between calls; Get copies one object's data out of the memory map),
// and it survives restarts. Each object is a bucket holding three values:
//
//	meta  JSON {revision, count, scanTime}
//	tags  the sorted, de-duplicated tags joined by '\n'
//	seen  the time each tag was first seen, in tag order, as zig-zag varint deltas of Unix
//	      seconds (a run of tags first seen in the same scan costs one byte each)
//
// A failing scan keeps the last good tags simply by not calling Put.
package store
