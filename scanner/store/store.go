package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// ErrNotFound is returned by Get and Meta for an object without stored tags.
var ErrNotFound = errors.New("no tags stored")

// formatVersion is written into new files; a file of another format is refused.
const formatVersion = "1"

var (
	rootBucket    = []byte("tagflow")
	objectsBucket = []byte("objects")
	formatKey     = []byte("format")
	metaKey       = []byte("meta")
	tagsKey       = []byte("tags")
	seenKey       = []byte("seen")
)

// Key names a repository object.
type Key struct {
	Namespace string
	Name      string
}

// String returns "namespace/name".
func (k Key) String() string { return k.Namespace + "/" + k.Name }

// bucket is the bucket name of the object.
func (k Key) bucket() []byte { return []byte(k.String()) }

// validate refuses keys that would collide with another object's.
func (k Key) validate() error {
	if k.Namespace == "" || k.Name == "" || strings.Contains(k.Namespace, "/") || strings.Contains(k.Name, "/") {
		return fmt.Errorf("invalid object key %q: want non-empty namespace and name without '/'", k.String())
	}
	return nil
}

// Meta describes the last stored scan of an object.
type Meta struct {
	// Revision is "sha256:" and the hex SHA-256 of the sorted tags joined by '\n'. It
	// changes exactly when the tag set changes.
	Revision string `json:"revision"`
	// Count is the number of tags.
	Count int `json:"count"`
	// ScanTime is when the tags were listed.
	ScanTime time.Time `json:"scanTime"`
}

// Store is a tag store file. It is safe for concurrent use; one process may open a file.
type Store struct {
	db *bolt.DB
}

// Option configures Open.
type Option func(*options) error

type options struct {
	lockTimeout time.Duration
}

// WithLockTimeout sets how long Open waits for another process to release the file. The
// default is 5s; it must be positive.
func WithLockTimeout(d time.Duration) Option {
	return func(o *options) error {
		if d <= 0 {
			return fmt.Errorf("lock timeout %s is not positive", d)
		}
		o.lockTimeout = d
		return nil
	}
}

// Open opens or creates the store file at path.
func Open(path string, opts ...Option) (*Store, error) {
	o := options{lockTimeout: 5 * time.Second}
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return nil, fmt.Errorf("opening tag store %s: %w", path, err)
		}
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: o.lockTimeout, FreelistType: bolt.FreelistMapType})
	if err != nil {
		return nil, fmt.Errorf("opening tag store %s: %w", path, err)
	}
	if err := db.Update(initialise); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("opening tag store %s: %w", path, err)
	}
	return &Store{db: db}, nil
}

// initialise creates the buckets of a new file and checks the format of an old one.
func initialise(tx *bolt.Tx) error {
	root, err := tx.CreateBucketIfNotExists(rootBucket)
	if err != nil {
		return err
	}
	if v := root.Get(formatKey); v != nil && string(v) != formatVersion {
		return fmt.Errorf("file has format %q, this version reads %q", v, formatVersion)
	}
	if err := root.Put(formatKey, []byte(formatVersion)); err != nil {
		return err
	}
	_, err = root.CreateBucketIfNotExists(objectsBucket)
	return err
}

// Close closes the file.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("closing tag store: %w", err)
	}
	return nil
}

// objects returns the bucket holding one bucket per object.
func objects(tx *bolt.Tx) *bolt.Bucket {
	return tx.Bucket(rootBucket).Bucket(objectsBucket)
}

// Meta returns the metadata of key without reading its tags.
func (s *Store) Meta(ctx context.Context, key Key) (Meta, error) {
	var m Meta
	err := s.view(ctx, "reading tag metadata of", key, func(b *bolt.Bucket) error {
		return json.Unmarshal(b.Get(metaKey), &m)
	})
	return m, err
}

// Delete removes everything stored for key. Deleting a missing key is not an error.
func (s *Store) Delete(ctx context.Context, key Key) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("deleting tags of %s: %w", key, err)
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		err := objects(tx).DeleteBucket(key.bucket())
		if errors.Is(err, berrors.ErrBucketNotFound) {
			return nil
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("deleting tags of %s: %w", key, err)
	}
	return nil
}

// Keys returns the keys of every stored object, for collecting deleted objects.
func (s *Store) Keys(ctx context.Context) ([]Key, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("listing stored objects: %w", err)
	}
	var keys []Key
	err := s.db.View(func(tx *bolt.Tx) error {
		return objects(tx).ForEachBucket(func(k []byte) error {
			ns, n, _ := strings.Cut(string(k), "/")
			keys = append(keys, Key{Namespace: ns, Name: n})
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("listing stored objects: %w", err)
	}
	return keys, nil
}

// view runs fn on the bucket of key in a read transaction; a missing bucket is ErrNotFound.
func (s *Store) view(ctx context.Context, op string, key Key, fn func(*bolt.Bucket) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s %s: %w", op, key, err)
	}
	err := s.db.View(func(tx *bolt.Tx) error {
		b := objects(tx).Bucket(key.bucket())
		if b == nil {
			return ErrNotFound
		}
		return fn(b)
	})
	if err != nil {
		return fmt.Errorf("%s %s: %w", op, key, err)
	}
	return nil
}
