package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestVersion(t *testing.T) {
	var out bytes.Buffer
	cmd := newRootCmd()
	cmd.SetOut(&out)
	cmd.SetArgs([]string{"version"})
	if err := cmd.ExecuteContext(t.Context()); err != nil {
		t.Fatalf("version: %v", err)
	}
	if got := out.String(); !strings.HasPrefix(got, "tagflow ") || !strings.HasSuffix(got, "\n") {
		t.Errorf("version printed %q, want \"tagflow <version>\\n\"", got)
	}
}

func TestUnknownFlagExitsTwo(t *testing.T) {
	cmd := newRootCmd()
	cmd.SetArgs([]string{"version", "--no-such-flag"})
	err := cmd.ExecuteContext(t.Context())
	if got := exitCode(err); got != 2 {
		t.Errorf("exit code for an unknown flag = %d, want 2 (err %v)", got, err)
	}
}
