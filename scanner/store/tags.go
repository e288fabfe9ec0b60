package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"iter"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Tags is one object's stored tags, copied out of the file by Get: two compact blocks of
// memory (the joined tags and the encoded first-seen times), not one string per tag.
type Tags struct {
	Meta
	blob string
	seen []byte
}

// Get returns the tags stored for key, or an error wrapping ErrNotFound.
func (s *Store) Get(ctx context.Context, key Key) (*Tags, error) {
	t := &Tags{}
	err := s.view(ctx, "reading tags of", key, func(b *bolt.Bucket) error {
		if err := json.Unmarshal(b.Get(metaKey), &t.Meta); err != nil {
			return err
		}
		t.blob = string(b.Get(tagsKey))
		t.seen = bytes.Clone(b.Get(seenKey))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// Len returns the number of tags.
func (t *Tags) Len() int { return t.Count }

// All yields the tags in sorted order with the time each was first seen. It allocates
// nothing: the tag strings share the memory of t.
func (t *Tags) All() iter.Seq2[string, time.Time] {
	return func(yield func(string, time.Time) bool) {
		rest, seen := t.blob, t.seen
		var at int64
		for i := 0; i < t.Count; i++ {
			tag, after, _ := strings.Cut(rest, "\n")
			d, n := binary.Varint(seen)
			if n <= 0 {
				return
			}
			rest, seen, at = after, seen[n:], at+d
			if !yield(tag, time.Unix(at, 0).UTC()) {
				return
			}
		}
	}
}

// Names returns the tags as a slice, in sorted order.
func (t *Tags) Names() []string {
	names := make([]string, 0, t.Count)
	for tag := range t.All() {
		names = append(names, tag)
	}
	return names
}

// FirstSeen returns when tag was first seen, and whether it is stored.
func (t *Tags) FirstSeen(tag string) (time.Time, bool) {
	for name, at := range t.All() {
		if name == tag {
			return at, true
		}
	}
	return time.Time{}, false
}

// cursor walks stored tags and first-seen times together, for merging during Put. The
// tag bytes point into the bbolt memory map and are valid only inside the transaction.
type cursor struct {
	blob, seen []byte
	tag        []byte
	seenAt     int64
	ok         bool
}

func newCursor(blob, seen []byte) *cursor {
	c := &cursor{blob: blob, seen: seen}
	if len(blob) > 0 {
		c.next()
	}
	return c
}

// next advances to the following tag; ok turns false at the end or on corrupt data.
func (c *cursor) next() {
	if len(c.seen) == 0 {
		c.ok = false
		return
	}
	d, n := binary.Varint(c.seen)
	if n <= 0 {
		c.ok = false
		return
	}
	c.seen, c.seenAt = c.seen[n:], c.seenAt+d
	i := bytes.IndexByte(c.blob, '\n')
	if i < 0 {
		c.tag, c.blob = c.blob, nil
	} else {
		c.tag, c.blob = c.blob[:i], c.blob[i+1:]
	}
	c.ok = true
}
