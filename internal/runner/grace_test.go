package runner

import (
	"context"
	"testing"
	"time"
)

// TestGraceContext checks that an automation's context outlives the runner's by the
// shutdown grace, and is then cancelled.
func TestGraceContext(t *testing.T) {
	r := &Runner{opts: Options{ShutdownGrace: 20 * time.Millisecond}}
	parent, cancel := context.WithCancel(t.Context())
	runCtx, stop := r.graceContext(parent, time.Hour)
	defer stop()
	cancel()
	if err := runCtx.Err(); err != nil {
		t.Fatalf("the run context was cancelled with its parent: %v", err)
	}
	select {
	case <-runCtx.Done():
	case <-time.After(time.Minute):
		t.Fatal("the run context was never cancelled after the grace")
	}
}
