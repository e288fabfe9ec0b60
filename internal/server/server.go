package server

import (
	"encoding/json"
	"io"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tagflow/tagflow/api/v1alpha1"
)

// APIPrefix is where the objects are served.
const APIPrefix = "/api/v1alpha1/"

// Resource names in API paths.
const (
	ImageRepositories      = "imagerepositories"
	ImagePolicies          = "imagepolicies"
	ImageUpdateAutomations = "imageupdateautomations"
)

// Source is what the server shows: the objects with their current status, and whether the
// daemon is ready.
type Source interface {
	ImageRepositories() []v1alpha1.ImageRepository
	ImagePolicies() []v1alpha1.ImagePolicy
	ImageUpdateAutomations() []v1alpha1.ImageUpdateAutomation
	Ready() bool
}

// New returns the handler of every endpoint. Metrics are gathered from g.
func New(src Source, g prometheus.Gatherer) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		if !src.Ready() {
			http.Error(w, "first pass not finished", http.StatusServiceUnavailable)
			return
		}
		_, _ = io.WriteString(w, "ok\n")
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(g, promhttp.HandlerOpts{}))
	api := apiHandler{src: src}
	mux.HandleFunc("GET "+APIPrefix+"{resource}", api.serve)
	mux.HandleFunc("GET "+APIPrefix+"{resource}/{namespace}", api.serve)
	mux.HandleFunc("GET "+APIPrefix+"{resource}/{namespace}/{name}", api.serve)
	return mux
}

// apiHandler serves the objects as JSON: a list of a resource, optionally of one
// namespace, or one object.
type apiHandler struct {
	src Source
}

func (a apiHandler) serve(w http.ResponseWriter, req *http.Request) {
	ns, name := req.PathValue("namespace"), req.PathValue("name")
	var list, item any
	var found bool
	switch req.PathValue("resource") {
	case ImageRepositories:
		items := filter(a.src.ImageRepositories(), ns, name)
		list = &v1alpha1.ImageRepositoryList{TypeMeta: listMeta("ImageRepositoryList"), Items: items}
		item, found = first(items)
	case ImagePolicies:
		items := filter(a.src.ImagePolicies(), ns, name)
		list = &v1alpha1.ImagePolicyList{TypeMeta: listMeta("ImagePolicyList"), Items: items}
		item, found = first(items)
	case ImageUpdateAutomations:
		items := filter(a.src.ImageUpdateAutomations(), ns, name)
		list = &v1alpha1.ImageUpdateAutomationList{TypeMeta: listMeta("ImageUpdateAutomationList"), Items: items}
		item, found = first(items)
	default:
		writeError(w, http.StatusNotFound, "unknown resource "+req.PathValue("resource"))
		return
	}
	if name == "" {
		writeJSON(w, http.StatusOK, list)
		return
	}
	if !found {
		writeError(w, http.StatusNotFound, req.PathValue("resource")+" "+ns+"/"+name+" not found")
		return
	}
	writeJSON(w, http.StatusOK, item)
}

// object is what filter needs of an API object.
type object interface {
	GetNamespace() string
	GetName() string
}

// filter keeps the objects in namespace ns (all when empty) named name (all when empty).
func filter[T any, PT interface {
	*T
	object
}](items []T, ns, name string) []T {
	out := []T{}
	for i := range items {
		o := PT(&items[i])
		if (ns == "" || o.GetNamespace() == ns) && (name == "" || o.GetName() == name) {
			out = append(out, items[i])
		}
	}
	return out
}

// first returns the first item, if any.
func first[T any](items []T) (any, bool) {
	if len(items) == 0 {
		return nil, false
	}
	return &items[0], true
}

func listMeta(kind string) metav1.TypeMeta {
	return metav1.TypeMeta{APIVersion: v1alpha1.GroupVersion.String(), Kind: kind}
}

// Status is the body of an error response, shaped like a Kubernetes Status.
type Status struct {
	Kind    string `json:"kind"`
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, Status{Kind: "Status", Code: code, Message: msg})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v) // an error here means the client went away
}
