package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/tagflow/tagflow/api/v1alpha1"
)

// Accepted apiVersions.
const (
	// ImageAPIVersion is tagflow's own apiVersion of the three image kinds.
	ImageAPIVersion = "image.tagflow.dev/v1alpha1"
	// FluxImageAPIVersion is Flux's apiVersion of the same kinds, accepted unchanged.
	FluxImageAPIVersion = "image.toolkit.fluxcd.io/v1"
	// SourceAPIVersion is Flux's apiVersion of GitRepository.
	SourceAPIVersion = "source.toolkit.fluxcd.io/v1"
)

// DefaultNamespace is the namespace of an object whose metadata.namespace is empty.
const DefaultNamespace = "default"

// Kinds, as written in the kind field.
const (
	// KindImageRepository is the kind of an ImageRepository.
	KindImageRepository = v1alpha1.ImageRepositoryKind
	// KindImagePolicy is the kind of an ImagePolicy.
	KindImagePolicy = v1alpha1.ImagePolicyKind
	// KindImageUpdateAutomation is the kind of an ImageUpdateAutomation.
	KindImageUpdateAutomation = v1alpha1.ImageUpdateAutomationKind
	// KindGitRepository is the kind of a Flux GitRepository.
	KindGitRepository = "GitRepository"
	// KindSecret is the kind of a v1 Secret.
	KindSecret = "Secret"
	// KindNamespace is the kind of a v1 Namespace.
	KindNamespace = "Namespace"
)

// object is what every loaded kind is: a pointer to a struct with ObjectMeta.
type object interface {
	metav1.Object
}

// kindInfo says which apiVersions a kind is accepted with and how to make an empty one.
type kindInfo struct {
	apiVersions []string
	new         func() object
}

var imageAPIVersions = []string{ImageAPIVersion, FluxImageAPIVersion}

var kinds = map[string]kindInfo{
	KindImageRepository:       {imageAPIVersions, func() object { return &v1alpha1.ImageRepository{} }},
	KindImagePolicy:           {imageAPIVersions, func() object { return &v1alpha1.ImagePolicy{} }},
	KindImageUpdateAutomation: {imageAPIVersions, func() object { return &v1alpha1.ImageUpdateAutomation{} }},
	KindGitRepository:         {[]string{SourceAPIVersion}, func() object { return &GitRepository{} }},
	KindSecret:                {[]string{"v1"}, func() object { return &Secret{} }},
	KindNamespace:             {[]string{"v1"}, func() object { return &Namespace{} }},
}

// header is what is read of a document before its kind is known.
type header struct {
	apiVersion, kind, namespace, name string
}

// decodeDocument parses one YAML document into its typed object and records the object's
// description in o. It returns nil and no error for an empty document, and the object
// with errors when only unknown fields were found.
func decodeDocument(o *origin, data []byte) (object, []error) {
	raw, err := yaml.YAMLToJSONStrict(data)
	if err != nil {
		return nil, []error{fmt.Errorf("parsing YAML: %w", err)}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, []error{fmt.Errorf("parsing YAML: %w", err)}
	}
	if v == nil {
		return nil, nil
	}
	fields, ok := v.(map[string]any)
	if !ok {
		return nil, []error{fmt.Errorf("expected an object, got %s", jsonKind(v))}
	}
	h := readHeader(fields)
	o.key = objectKey{kind: h.kind, namespace: h.namespace, name: h.name}
	o.object = describe(h)
	info, err := lookupKind(h)
	if err != nil {
		return nil, []error{err}
	}
	obj := info.new()
	errs := checkFields("", fields, reflect.TypeOf(obj).Elem())
	if err := json.Unmarshal(raw, obj); err != nil {
		if len(errs) == 0 {
			errs = append(errs, fmt.Errorf("decoding %s: %w", h.kind, err))
		}
		return nil, errs
	}
	// Unknown fields leave a usable object: it is validated too, to report everything.
	return obj, errs
}

// readHeader reads apiVersion, kind and metadata loosely: a value of the wrong type reads
// as empty here and is reported by checkFields.
func readHeader(fields map[string]any) header {
	meta, _ := fields["metadata"].(map[string]any)
	h := header{
		apiVersion: stringAt(fields, "apiVersion"),
		kind:       stringAt(fields, "kind"),
		namespace:  stringAt(meta, "namespace"),
		name:       stringAt(meta, "name"),
	}
	if h.namespace == "" && h.kind != KindNamespace {
		h.namespace = DefaultNamespace
	}
	return h
}

func stringAt(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

// describe names a document's object as "Kind namespace/name", as far as it is known.
func describe(h header) string {
	switch {
	case h.kind == "":
		return ""
	case h.name == "":
		return h.kind
	case h.kind == KindNamespace:
		return h.kind + " " + h.name
	default:
		return h.kind + " " + h.namespace + "/" + h.name
	}
}

// lookupKind finds how to decode the kind named by h, or says why it cannot.
func lookupKind(h header) (kindInfo, error) {
	switch {
	case h.kind == "" && h.apiVersion == "":
		return kindInfo{}, fmt.Errorf("apiVersion and kind are required")
	case h.kind == "":
		return kindInfo{}, fieldErrorf("kind", "required")
	case h.apiVersion == "":
		return kindInfo{}, fieldErrorf("apiVersion", "required")
	}
	info, ok := kinds[h.kind]
	if !ok {
		return kindInfo{}, fmt.Errorf("unknown kind %q with apiVersion %q (known kinds: %s)", h.kind, h.apiVersion, knownKinds())
	}
	if !slices.Contains(info.apiVersions, h.apiVersion) {
		return kindInfo{}, fieldErrorf("apiVersion", "unknown apiVersion %q for kind %s (want %s)",
			h.apiVersion, h.kind, strings.Join(info.apiVersions, " or "))
	}
	return info, nil
}

func knownKinds() string {
	names := make([]string, 0, len(kinds))
	for k := range kinds {
		names = append(names, k)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}
