package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/go-logr/logr"
	"github.com/spf13/cobra"
)

func TestNewLogger(t *testing.T) {
	var buf bytes.Buffer
	log, err := newLogger(&buf, logOptions{level: "debug", format: "json"})
	if err != nil {
		t.Fatalf("newLogger: %v", err)
	}
	log.V(1).Info("scanned", "repository", "apps/web")
	log.V(5).Info("too verbose")
	var rec map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
		t.Fatalf("log output is not one JSON record: %v\n%s", err, buf.String())
	}
	if rec["msg"] != "scanned" || rec["repository"] != "apps/web" || rec["level"] != "DEBUG" {
		t.Errorf("log record = %v, want level DEBUG, msg scanned and repository apps/web", rec)
	}
}

func TestNewLoggerRejectsBadFlags(t *testing.T) {
	for _, opts := range []logOptions{{level: "loud", format: "text"}, {level: "info", format: "xml"}} {
		if _, err := newLogger(&bytes.Buffer{}, opts); exitCode(err) != 2 {
			t.Errorf("newLogger(%+v) = %v, want a usage error", opts, err)
		}
	}
}

func TestLoggerInContext(t *testing.T) {
	var stderr bytes.Buffer
	root := newRootCmd()
	root.AddCommand(&cobra.Command{
		Use: "logtest",
		RunE: func(cmd *cobra.Command, _ []string) error {
			logr.FromContextOrDiscard(cmd.Context()).Info("hello from the core", "key", "value")
			return nil
		},
	})
	root.SetErr(&stderr)
	root.SetArgs([]string{"logtest", "--log-format", "text"})
	if err := root.ExecuteContext(t.Context()); err != nil {
		t.Fatalf("execute: %v", err)
	}
	if !strings.Contains(stderr.String(), `msg="hello from the core" key=value`) {
		t.Errorf("stderr = %q, want the core's log line", stderr.String())
	}
}
