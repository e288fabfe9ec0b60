package scanner_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"golang.org/x/time/rate"

	"github.com/tagflow/tagflow/scanner"
	"github.com/tagflow/tagflow/scanner/store"
)

// A daemon makes one root Scanner holding the per-host limits and derives one Scanner per
// repository object; a scan that fails leaves the stored tags alone.
func Example() {
	ctx := context.Background()
	root, err := scanner.New(scanner.WithRateLimit(rate.Limit(5), 10), scanner.WithConcurrency(2))
	if err != nil {
		fmt.Println(err)
		return
	}
	db, err := store.Open("/var/lib/tagflow/tags.db")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()

	dockerConfig := []byte(`{"auths": {"ghcr.io": {"username": "bot", "password": "token"}}}`)
	s, err := root.With(scanner.WithDockerConfigJSON(dockerConfig), scanner.WithPageSize(100))
	if err != nil {
		fmt.Println(err) // errors.Is(err, scanner.ErrInvalidConfig)
		return
	}
	tags, err := s.List(ctx, "ghcr.io/org/app")
	var se *scanner.Error
	switch {
	case errors.As(err, &se) && errors.Is(err, scanner.ErrRateLimited):
		fmt.Println("retry in", se.Wait)
	case err != nil:
		fmt.Println(err) // keep the last good tags: no Put
	default:
		meta, err := db.Put(ctx, store.Key{Namespace: "apps", Name: "app"}, tags, time.Now())
		fmt.Println(meta.Revision, meta.Count, err)
	}
}
