package demo

import (
	"bytes"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	var out bytes.Buffer
	err := Run(t.Context(), &out, Options{Dir: t.TempDir()})
	t.Log(out.String())
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	for _, want := range []string{
		"\ncommit ",
		"Author: tagflow <tagflow@example.com>",
		"/demo/podinfo:6.2.3 # {\"$imagepolicy\": \"default:podinfo\"}",
		"+    newTag: 6.2.3 # {\"$imagepolicy\": \"default:podinfo:tag\"}",
		"-    newTag: 6.0.0 # {\"$imagepolicy\": \"default:podinfo:tag\"}",
		"==> Next steps",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
}
