package store

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// open opens a store in a temporary directory and closes it at the end of the test.
func open(t testing.TB, path string) *Store {
	t.Helper()
	s, err := Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// seenEntry is a tag with its first-seen time, for comparisons.
type seenEntry struct {
	Tag  string
	Seen time.Time
}

func entries(t *Tags) []seenEntry {
	var out []seenEntry
	for tag, at := range t.All() {
		out = append(out, seenEntry{tag, at})
	}
	return out
}

func TestPutGet(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "tags.db"))
	key := Key{Namespace: "apps", Name: "podinfo"}
	t1 := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	t2 := t1.Add(time.Hour)

	m1, err := s.Put(t.Context(), key, []string{"b", "a", "c", "a"}, t1)
	if err != nil {
		t.Fatalf("Put: %v", err)
	}
	m2, err := s.Put(t.Context(), key, []string{"c", "d", "b"}, t2)
	if err != nil {
		t.Fatalf("Put: %v", err)
	}
	got, err := s.Get(t.Context(), key)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	want := []seenEntry{{"b", t1}, {"c", t1}, {"d", t2}}
	if diff := cmp.Diff(want, entries(got)); diff != "" {
		t.Errorf("tags mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(m2, got.Meta); diff != "" {
		t.Errorf("meta mismatch (-want +got):\n%s", diff)
	}
	if m1.Count != 3 || m2.Count != 3 || m1.Revision == m2.Revision {
		t.Errorf("metas %+v and %+v: want 3 tags each and different revisions", m1, m2)
	}
	if at, ok := got.FirstSeen("d"); !ok || !at.Equal(t2) {
		t.Errorf("FirstSeen(d) = %s, %v; want %s", at, ok, t2)
	}
	if diff := cmp.Diff([]string{"b", "c", "d"}, got.Names()); diff != "" {
		t.Errorf("Names mismatch (-want +got):\n%s", diff)
	}
}

func TestRevision(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "tags.db"))
	now := time.Now()
	a, _ := s.Put(t.Context(), Key{"ns", "a"}, []string{"a", "b", "c", "d"}, now)
	b, _ := s.Put(t.Context(), Key{"ns", "b"}, []string{"d", "c", "b", "a", "a"}, now.Add(time.Minute))
	if a.Revision != b.Revision {
		t.Errorf("revisions differ for the same tag set: %s, %s", a.Revision, b.Revision)
	}
	// sha256 of "a\nb\nc\nd", as Flux's file storage computes it.
	if want := "sha256:f729ae0cbcc8241ebb6918af712a88d5ca2c13f7fbe08f809aa297bfdf99fbe4"; a.Revision != want {
		t.Errorf("revision = %s, want %s", a.Revision, want)
	}
	// Re-scanning an unchanged set updates only the scan time.
	later := now.Add(time.Hour)
	c, _ := s.Put(t.Context(), Key{"ns", "a"}, []string{"a", "b", "c", "d"}, later)
	if c.Revision != a.Revision || !c.ScanTime.Equal(later) {
		t.Errorf("rescan meta = %+v, want revision %s and scan time %s", c, a.Revision, later)
	}
	m, err := s.Meta(t.Context(), Key{"ns", "a"})
	if err != nil || !m.ScanTime.Equal(later) {
		t.Errorf("Meta = %+v, %v; want scan time %s", m, err, later)
	}
}

func TestPerObjectNotPerImage(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "tags.db"))
	now := time.Now()
	// Two objects scanning the same image with different exclusion lists.
	if _, err := s.Put(t.Context(), Key{"team-a", "app"}, []string{"1.0.0", "1.0.0.sig"}, now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(t.Context(), Key{"team-b", "app"}, []string{"1.0.0"}, now); err != nil {
		t.Fatal(err)
	}
	a, _ := s.Get(t.Context(), Key{"team-a", "app"})
	b, _ := s.Get(t.Context(), Key{"team-b", "app"})
	if a.Len() != 2 || b.Len() != 1 {
		t.Errorf("team-a has %d tags, team-b %d; want 2 and 1", a.Len(), b.Len())
	}
}

func TestReopenAndDelete(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tags.db")
	key := Key{"apps", "podinfo"}
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().Truncate(time.Second)
	if _, err := s.Put(t.Context(), key, []string{"1.0.0", "1.1.0"}, now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(t.Context(), Key{"apps", "other"}, []string{"x"}, now); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = open(t, path)
	got, err := s.Get(t.Context(), key)
	if err != nil {
		t.Fatalf("Get after reopen: %v", err)
	}
	if diff := cmp.Diff([]seenEntry{{"1.0.0", now.UTC()}, {"1.1.0", now.UTC()}}, entries(got)); diff != "" {
		t.Errorf("tags after reopen mismatch (-want +got):\n%s", diff)
	}
	if err := s.Delete(t.Context(), key); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if err := s.Delete(t.Context(), key); err != nil {
		t.Errorf("second Delete: %v", err)
	}
	if _, err := s.Get(t.Context(), key); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get after Delete error = %v, want ErrNotFound", err)
	}
	keys, err := s.Keys(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]Key{{"apps", "other"}}, keys); diff != "" {
		t.Errorf("Keys mismatch (-want +got):\n%s", diff)
	}
}

func TestEmptyAndInvalid(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "tags.db"))
	m, err := s.Put(t.Context(), Key{"ns", "empty"}, nil, time.Now())
	if err != nil {
		t.Fatalf("Put of no tags: %v", err)
	}
	got, err := s.Get(t.Context(), Key{"ns", "empty"})
	if err != nil || got.Len() != 0 || len(entries(got)) != 0 || m.Count != 0 {
		t.Errorf("empty object: %+v, %v", got, err)
	}
	for name, tc := range map[string]struct {
		key  Key
		tags []string
	}{
		"empty tag":         {Key{"ns", "a"}, []string{""}},
		"newline in tag":    {Key{"ns", "a"}, []string{"a\nb"}},
		"slash in name":     {Key{"ns", "a/b"}, []string{"a"}},
		"missing namespace": {Key{"", "a"}, []string{"a"}},
	} {
		if _, err := s.Put(t.Context(), tc.key, tc.tags, time.Now()); err == nil {
			t.Errorf("%s: Put succeeded, want an error", name)
		}
	}
}
