package registry_test

import (
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/tagflow/tagflow/internal/testenv/registry"
)

// fatalRecorder is a testing.TB whose Fatalf records the message and ends the goroutine,
// so a test can check what Start reports.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (f *fatalRecorder) Helper() {}

func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func TestStartMissingBinaryFails(t *testing.T) {
	if testing.Short() {
		t.Skip("Start skips before looking for the binary in -short mode")
	}
	missing := filepath.Join(t.TempDir(), "no-registry")
	t.Setenv(registry.BinEnv, missing)
	if got := registry.BinPath(); got != missing {
		t.Fatalf("BinPath() = %q, want $%s = %q", got, registry.BinEnv, missing)
	}

	rec := &fatalRecorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		registry.Start(rec, registry.PlainHTTP)
	}()
	<-done
	want := "registry binary not found at " + missing + ": run `make test-deps`"
	if !strings.Contains(rec.msg, want) {
		t.Errorf("Start with a missing binary reported %q, want it to contain %q", rec.msg, want)
	}
}
