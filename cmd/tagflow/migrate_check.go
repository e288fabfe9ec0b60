package main

import (
	"fmt"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// fields describes the known fields of a YAML mapping: a nil value accepts anything under
// the field, a fields value is a nested mapping, and a listOf value a sequence of mappings.
type fields map[string]any

// listOf is a sequence whose items are mappings with the given fields.
type listOf fields

var localRef = fields{"name": nil}

// specFields are the spec fields tagflow knows per kind: Flux's image.toolkit.fluxcd.io/v1
// fields plus tagflow's additions.
var specFields = map[string]fields{
	"ImageRepository": {
		"image": nil, "interval": nil, "timeout": nil, "secretRef": localRef,
		"certSecretRef": localRef, "proxySecretRef": localRef, "serviceAccountName": nil,
		"provider": nil, "insecure": nil, "exclusionList": nil, "suspend": nil,
		"accessFrom": fields{"namespaceSelectors": listOf{"matchLabels": nil}},
		"webhook":    nil,
	},
	"ImagePolicy": {
		"imageRepositoryRef": fields{"name": nil, "namespace": nil},
		"policy": fields{
			"semver":       fields{"range": nil},
			"alphabetical": fields{"order": nil},
			"numerical":    fields{"order": nil},
		},
		"filterTags":             fields{"pattern": nil, "extract": nil},
		"digestReflectionPolicy": nil, "interval": nil, "suspend": nil,
		"platforms": nil, "minAge": nil,
	},
	"ImageUpdateAutomation": {
		"sourceRef": fields{"apiVersion": nil, "kind": nil, "name": nil, "namespace": nil},
		"git": fields{
			"checkout": fields{"ref": fields{"branch": nil, "tag": nil, "semver": nil, "name": nil, "commit": nil}},
			"commit": fields{
				"author":                fields{"name": nil, "email": nil},
				"signingKey":            fields{"secretRef": localRef, "type": nil},
				"messageTemplate":       nil,
				"messageTemplateValues": nil,
			},
			"push":        fields{"branch": nil, "refspec": nil, "options": nil},
			"url":         nil,
			"secretRef":   localRef,
			"pullRequest": nil,
		},
		"update":         fields{"path": nil, "strategy": nil},
		"policySelector": nil, "interval": nil, "suspend": nil,
	},
}

// topFields are the known top-level fields of every object.
var topFields = fields{"apiVersion": nil, "kind": nil, "metadata": nil, "spec": nil, "status": nil}

// yamlObject is the parts of a document that migrate looks at.
type yamlObject struct {
	root       *yaml.Node
	apiVersion *yaml.Node
	kind       string
	namespace  string
	name       string
}

// describe names the object as "Kind namespace/name".
func (o *yamlObject) describe() string {
	ns := o.namespace
	if ns == "" {
		ns = "default"
	}
	return fmt.Sprintf("%s %s/%s", o.kind, ns, o.name)
}

// documentObject returns the object of a decoded document, or nil when it is not a mapping
// with apiVersion and kind.
func documentObject(doc *yaml.Node) *yamlObject {
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil
	}
	root := doc.Content[0]
	obj := &yamlObject{root: root, apiVersion: lookup(root, "apiVersion")}
	kind := lookup(root, "kind")
	if obj.apiVersion == nil || kind == nil {
		return nil
	}
	obj.kind = kind.Value
	if md := lookup(root, "metadata"); md != nil {
		if n := lookup(md, "name"); n != nil {
			obj.name = n.Value
		}
		if n := lookup(md, "namespace"); n != nil {
			obj.namespace = n.Value
		}
	}
	return obj
}

// lookup returns the value of key in a mapping node, or nil.
func lookup(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// checkObject reports what tagflow cannot take over from obj, and whether its apiVersion is
// to be rewritten. Objects that are not Flux image objects are left alone silently.
func checkObject(obj *yamlObject) (findings []string, rewrite bool) {
	group, version, _ := strings.Cut(obj.apiVersion.Value, "/")
	if group != "image.toolkit.fluxcd.io" || specFields[obj.kind] == nil {
		return nil, false
	}
	if !migratableVersions[obj.apiVersion.Value] {
		return []string{fmt.Sprintf("apiVersion: %s (%s) has a different shape; upgrade it to image.toolkit.fluxcd.io/v1 with Flux first", obj.apiVersion.Value, version)}, false
	}
	findings = unknownFields(obj.root, topFields, "")
	spec := lookup(obj.root, "spec")
	findings = append(findings, unknownFields(spec, specFields[obj.kind], "spec.")...)
	findings = append(findings, unsupportedValues(obj.kind, spec)...)
	return findings, true
}

// unknownFields reports the fields of m that known does not list, recursively.
func unknownFields(m *yaml.Node, known fields, prefix string) []string {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	var out []string
	for i := 0; i+1 < len(m.Content); i += 2 {
		key, val := m.Content[i].Value, m.Content[i+1]
		sub, ok := known[key]
		if !ok {
			out = append(out, fmt.Sprintf("%s%s: unknown field, tagflow has no equivalent", prefix, key))
			continue
		}
		switch s := sub.(type) {
		case fields:
			out = append(out, unknownFields(val, s, prefix+key+".")...)
		case listOf:
			for j, item := range val.Content {
				out = append(out, unknownFields(item, fields(s), fmt.Sprintf("%s%s[%d].", prefix, key, j))...)
			}
		}
	}
	sort.Strings(out)
	return out
}

// unsupportedValues reports known fields whose values ask for something tagflow lacks.
func unsupportedValues(kind string, spec *yaml.Node) []string {
	var out []string
	switch kind {
	case "ImageRepository":
		if p := lookup(spec, "provider"); p != nil && p.Value != "" && p.Value != "generic" {
			out = append(out, fmt.Sprintf("spec.provider: %s registry login is not supported; use a dockerconfigjson secretRef", p.Value))
		}
		if sa := lookup(spec, "serviceAccountName"); sa != nil && sa.Value != "" {
			out = append(out, "spec.serviceAccountName: service account image pull secrets are not read; use secretRef")
		}
	case "ImageUpdateAutomation":
		if k := lookup(lookup(spec, "sourceRef"), "kind"); k != nil && k.Value != "GitRepository" {
			out = append(out, fmt.Sprintf("spec.sourceRef.kind: %s is not supported; only GitRepository is", k.Value))
		}
		if s := lookup(lookup(spec, "update"), "strategy"); s != nil && s.Value != "Setters" {
			out = append(out, fmt.Sprintf("spec.update.strategy: %s is not supported; only Setters is", s.Value))
		}
	}
	return out
}
