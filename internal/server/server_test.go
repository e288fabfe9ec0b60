package server

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tagflow/tagflow/api/v1alpha1"
)

type fakeSource struct {
	ready bool
	repos []v1alpha1.ImageRepository
}

func (f *fakeSource) ImageRepositories() []v1alpha1.ImageRepository { return f.repos }
func (f *fakeSource) ImagePolicies() []v1alpha1.ImagePolicy         { return nil }
func (f *fakeSource) ImageUpdateAutomations() []v1alpha1.ImageUpdateAutomation {
	return nil
}
func (f *fakeSource) Ready() bool { return f.ready }

func repo(ns, name string) v1alpha1.ImageRepository {
	return v1alpha1.ImageRepository{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec:       v1alpha1.ImageRepositorySpec{Image: "ghcr.io/org/" + name},
		Status:     v1alpha1.ImageRepositoryStatus{LastScanResult: &v1alpha1.ScanResult{TagCount: 3}},
	}
}

func get(t *testing.T, srv *httptest.Server, path string) (int, string) {
	t.Helper()
	resp, err := http.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

func TestEndpoints(t *testing.T) {
	src := &fakeSource{repos: []v1alpha1.ImageRepository{repo("apps", "web"), repo("apps", "api"), repo("ops", "web")}}
	reg := prometheus.NewRegistry()
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: "tagflow_test_total", Help: "test"})
	reg.MustRegister(c)
	c.Inc()
	srv := httptest.NewServer(New(src, reg))
	defer srv.Close()

	if code, _ := get(t, srv, "/healthz"); code != http.StatusOK {
		t.Errorf("/healthz = %d, want 200", code)
	}
	if code, _ := get(t, srv, "/readyz"); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz before ready = %d, want 503", code)
	}
	src.ready = true
	if code, _ := get(t, srv, "/readyz"); code != http.StatusOK {
		t.Errorf("/readyz when ready = %d, want 200", code)
	}
	if code, body := get(t, srv, "/metrics"); code != http.StatusOK || !strings.Contains(body, "tagflow_test_total 1") {
		t.Errorf("/metrics = %d without the counter:\n%s", code, body)
	}
}

func TestAPI(t *testing.T) {
	src := &fakeSource{repos: []v1alpha1.ImageRepository{repo("apps", "web"), repo("apps", "api"), repo("ops", "web")}}
	srv := httptest.NewServer(New(src, prometheus.NewRegistry()))
	defer srv.Close()

	tests := []struct {
		path      string
		wantCode  int
		wantNames []string
	}{
		{"/api/v1alpha1/imagerepositories", 200, []string{"apps/web", "apps/api", "ops/web"}},
		{"/api/v1alpha1/imagerepositories/apps", 200, []string{"apps/web", "apps/api"}},
		{"/api/v1alpha1/imagepolicies", 200, []string{}},
		{"/api/v1alpha1/imagerepositories/ops/web", 200, []string{"ops/web"}},
		{"/api/v1alpha1/imagerepositories/ops/nope", 404, nil},
		{"/api/v1alpha1/widgets", 404, nil},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			code, body := get(t, srv, tt.path)
			if code != tt.wantCode {
				t.Fatalf("GET %s = %d, want %d\n%s", tt.path, code, tt.wantCode, body)
			}
			if tt.wantNames == nil {
				return
			}
			var list v1alpha1.ImageRepositoryList
			if strings.Count(tt.path, "/") == 5 {
				var one v1alpha1.ImageRepository
				if err := json.Unmarshal([]byte(body), &one); err != nil {
					t.Fatal(err)
				}
				list.Items = append(list.Items, one)
			} else if err := json.Unmarshal([]byte(body), &list); err != nil {
				t.Fatal(err)
			}
			got := []string{}
			for _, o := range list.Items {
				got = append(got, o.Namespace+"/"+o.Name)
			}
			if diff := cmp.Diff(tt.wantNames, got); diff != "" {
				t.Errorf("GET %s names mismatch (-want +got):\n%s", tt.path, diff)
			}
		})
	}
}
