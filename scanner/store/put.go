package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Put replaces the tags of key with tags, listed at scanTime, and returns the new
// metadata. Tags are sorted and de-duplicated; a tag keeps the time it was first seen
// from the previous Put, and a new tag is first seen at scanTime (to the second). The
// write is one transaction: after a crash the store holds the old tags or the new ones.
func (s *Store) Put(ctx context.Context, key Key, tags []string, scanTime time.Time) (Meta, error) {
	const op = "storing tags of"
	if err := ctx.Err(); err != nil {
		return Meta{}, fmt.Errorf("%s %s: %w", op, key, err)
	}
	if err := key.validate(); err != nil {
		return Meta{}, fmt.Errorf("%s %s: %w", op, key, err)
	}
	sorted, err := normalise(tags)
	if err != nil {
		return Meta{}, fmt.Errorf("%s %s: %w", op, key, err)
	}
	blob := join(sorted)
	sum := sha256.Sum256(blob)
	meta := Meta{Revision: "sha256:" + hex.EncodeToString(sum[:]), Count: len(sorted), ScanTime: scanTime.UTC()}
	err = s.db.Update(func(tx *bolt.Tx) error {
		b, err := objects(tx).CreateBucketIfNotExists(key.bucket())
		if err != nil {
			return err
		}
		return write(b, meta, blob, sorted, scanTime)
	})
	if err != nil {
		return Meta{}, fmt.Errorf("%s %s: %w", op, key, err)
	}
	return meta, nil
}

// write stores meta and, when the tag set changed, the tags and their first-seen times.
func write(b *bolt.Bucket, meta Meta, blob []byte, sorted []string, scanTime time.Time) error {
	var old Meta
	if m := b.Get(metaKey); m != nil {
		if err := json.Unmarshal(m, &old); err != nil {
			return fmt.Errorf("decoding stored metadata: %w", err)
		}
	}
	if old.Revision != meta.Revision {
		seen := mergeSeen(b.Get(tagsKey), b.Get(seenKey), sorted, scanTime.Unix())
		if err := b.Put(tagsKey, blob); err != nil {
			return err
		}
		if err := b.Put(seenKey, seen); err != nil {
			return err
		}
	}
	m, err := json.Marshal(meta)
	if err != nil {
		return err
	}
	return b.Put(metaKey, m)
}

// normalise returns the tags sorted and de-duplicated, without changing the caller's slice.
func normalise(tags []string) ([]string, error) {
	sorted := slices.Clone(tags)
	if !slices.IsSorted(sorted) {
		slices.Sort(sorted)
	}
	sorted = slices.Compact(sorted)
	for _, t := range sorted {
		if t == "" || strings.ContainsRune(t, '\n') {
			return nil, fmt.Errorf("invalid tag %q", t)
		}
	}
	return sorted, nil
}

// join joins sorted tags with '\n' in one allocation.
func join(sorted []string) []byte {
	n := max(len(sorted)-1, 0)
	for _, t := range sorted {
		n += len(t)
	}
	blob := make([]byte, 0, n)
	for i, t := range sorted {
		if i > 0 {
			blob = append(blob, '\n')
		}
		blob = append(blob, t...)
	}
	return blob
}

// mergeSeen computes the first-seen times of sorted from the previous tags and times
// (both in sorted order, so one merge pass suffices) and encodes them.
func mergeSeen(oldBlob, oldSeen []byte, sorted []string, now int64) []byte {
	old := newCursor(oldBlob, oldSeen)
	out := make([]byte, 0, len(sorted)+binary.MaxVarintLen64)
	var prev int64
	for _, tag := range sorted {
		first := now
		for old.ok && bytes.Compare(old.tag, []byte(tag)) < 0 {
			old.next()
		}
		if old.ok && string(old.tag) == tag {
			first = old.seenAt
		}
		out = binary.AppendVarint(out, first-prev)
		prev = first
	}
	return out
}
