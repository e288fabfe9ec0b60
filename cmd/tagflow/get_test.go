package main

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"sigs.k8s.io/yaml"

	"github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/internal/config"
	"github.com/tagflow/tagflow/internal/runner"
	"github.com/tagflow/tagflow/internal/server"
)

// daemonAPI makes one pass over the demo configuration and serves the result.
func daemonAPI(t *testing.T) string {
	t.Helper()
	cfg, _ := demoConfig(t)
	set, err := config.Load(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r, err := runner.New(set, runner.Options{StateDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	if _, err := r.Once(t.Context()); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.New(r, prometheus.NewRegistry()))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestGetTables(t *testing.T) {
	url := daemonAPI(t)
	tests := []struct {
		kind string
		want []string
	}{
		{"all", []string{
			"LAST SCAN             SUSPENDED  READY  MESSAGE",
			"imagerepository/podinfo", "True   successful scan: found 5 tags",
			"imagepolicy/podinfo", "/demo/podinfo:6.2.3  True   Latest image tag for",
			"imageupdateautomation/fleet", "pushed commit",
		}},
		{"policies", []string{"NAMESPACE  NAME     LATEST IMAGE", "default    podinfo  127.0.0.1:"}},
		{"repo", []string{"NAME     LAST SCAN", "default    podinfo  20"}},
		{"updates", []string{"LAST RUN", "default    fleet  20"}},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			var out bytes.Buffer
			if err := get(t.Context(), &out, getOptions{kind: tt.kind, server: url, output: "table"}); err != nil {
				t.Fatalf("get %s: %v", tt.kind, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("get %s lacks %q:\n%s", tt.kind, w, out.String())
				}
			}
		})
	}
}

func TestGetJSONAndYAML(t *testing.T) {
	url := daemonAPI(t)
	var out bytes.Buffer
	if err := get(t.Context(), &out, getOptions{kind: "policy", server: url, output: "json"}); err != nil {
		t.Fatal(err)
	}
	var pols v1alpha1.ImagePolicyList
	if err := json.Unmarshal(out.Bytes(), &pols); err != nil {
		t.Fatalf("json output: %v\n%s", err, out.String())
	}
	if len(pols.Items) != 1 || pols.Items[0].Status.LatestRef == nil || pols.Items[0].Status.LatestRef.Tag != "6.2.3" {
		t.Errorf("json policies = %+v, want one resolved to 6.2.3", pols.Items)
	}
	if pols.Items[0].Status.Explanation == nil {
		t.Errorf("json policy has no explanation")
	}

	out.Reset()
	if err := get(t.Context(), &out, getOptions{kind: "all", server: url, output: "yaml", namespace: "default"}); err != nil {
		t.Fatal(err)
	}
	var list struct {
		Kind  string           `json:"kind"`
		Items []map[string]any `json:"items"`
	}
	if err := yaml.Unmarshal(out.Bytes(), &list); err != nil {
		t.Fatalf("yaml output: %v\n%s", err, out.String())
	}
	if list.Kind != "List" || len(list.Items) != 3 {
		t.Errorf("yaml all = kind %q with %d items, want a List of 3", list.Kind, len(list.Items))
	}
}

func TestGetNoServer(t *testing.T) {
	err := get(t.Context(), &bytes.Buffer{}, getOptions{kind: "all", server: "http://127.0.0.1:1", output: "table"})
	if err == nil || !strings.Contains(err.Error(), "is 'tagflow run' listening there?") {
		t.Errorf("get without a daemon = %v, want a hint", err)
	}
}
