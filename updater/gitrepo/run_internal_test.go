package gitrepo

import (
	"testing"
	"time"
)

func TestBackoffStaysWithinBounds(t *testing.T) {
	r := &Repo{opts: options{backoffBase: 100 * time.Millisecond, backoffMax: time.Second}}
	for _, tc := range []struct {
		attempt  int
		min, max time.Duration
	}{
		{2, 50 * time.Millisecond, 100 * time.Millisecond},
		{3, 100 * time.Millisecond, 200 * time.Millisecond},
		{4, 200 * time.Millisecond, 400 * time.Millisecond},
		{6, 500 * time.Millisecond, time.Second},
		{40, 500 * time.Millisecond, time.Second},
	} {
		for range 50 {
			if d := r.backoff(tc.attempt); d < tc.min || d > tc.max {
				t.Fatalf("backoff(%d) = %s, want within [%s, %s]", tc.attempt, d, tc.min, tc.max)
			}
		}
	}
}
