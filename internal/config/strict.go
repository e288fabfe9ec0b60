package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// checkFields compares the decoded JSON value v with the Go type t that it will be decoded
// into, and returns one *adapt.FieldError for every field t does not declare (names are
// case-sensitive, as in Kubernetes) and every value that does not fit its field. Unlike
// encoding/json's DisallowUnknownFields, it names the field path and reports every problem.
func checkFields(path string, v any, t reflect.Type) []error {
	if v == nil {
		return nil
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		return checkLeaf(path, v, t)
	}
	switch t.Kind() {
	case reflect.Pointer:
		return checkFields(path, v, t.Elem())
	case reflect.Struct:
		return checkStruct(path, v, t)
	case reflect.Map:
		return checkMap(path, v, t)
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return checkLeaf(path, v, t)
		}
		return checkSlice(path, v, t)
	case reflect.Interface:
		return nil
	default:
		return checkLeaf(path, v, t)
	}
}

func checkStruct(path string, v any, t reflect.Type) []error {
	obj, ok := v.(map[string]any)
	if !ok {
		return []error{mismatch(path, "an object", v)}
	}
	fields := jsonFields(t)
	var errs []error
	for _, key := range sortedKeys(obj) {
		sub := joinPath(path, key)
		ft, ok := fields[key]
		if !ok {
			errs = append(errs, fieldErrorf(sub, "unknown field"))
			continue
		}
		errs = append(errs, checkFields(sub, obj[key], ft)...)
	}
	return errs
}

func checkMap(path string, v any, t reflect.Type) []error {
	obj, ok := v.(map[string]any)
	if !ok {
		return []error{mismatch(path, "an object", v)}
	}
	var errs []error
	for _, key := range sortedKeys(obj) {
		errs = append(errs, checkFields(path+"["+key+"]", obj[key], t.Elem())...)
	}
	return errs
}

func checkSlice(path string, v any, t reflect.Type) []error {
	list, ok := v.([]any)
	if !ok {
		return []error{mismatch(path, "a list", v)}
	}
	var errs []error
	for i, item := range list {
		errs = append(errs, checkFields(path+"["+strconv.Itoa(i)+"]", item, t.Elem())...)
	}
	return errs
}

// checkLeaf decodes v into a fresh value of type t and reports why that fails.
func checkLeaf(path string, v any, t reflect.Type) []error {
	data, err := json.Marshal(v)
	if err != nil {
		return []error{fieldErrorf(path, "%v", err)}
	}
	err = json.Unmarshal(data, reflect.New(t).Interface())
	if err == nil {
		return nil
	}
	if _, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		if t.Kind() == reflect.String && !bytes.HasPrefix(data, []byte("{")) && !bytes.HasPrefix(data, []byte("[")) {
			return []error{fieldErrorf(path, "expected a string, got %s (quote it in YAML)", data)}
		}
		return []error{fieldErrorf(path, "expected %s, got %s", describeType(t), data)}
	}
	return []error{fieldErrorf(path, "%v", strings.TrimPrefix(err.Error(), "json: "))}
}

func mismatch(path, want string, v any) error {
	return fieldErrorf(path, "expected %s, got %s", want, jsonKind(v))
}

// jsonFields maps the JSON names of t's fields to their types, descending into embedded
// structs and fields tagged ",inline" the way encoding/json and Kubernetes do.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	fields := map[string]reflect.Type{}
	for f := range t.Fields() {
		if !f.IsExported() && !f.Anonymous {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" && opts == "" {
			continue
		}
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct && (name == "" && f.Anonymous || strings.Contains(opts, "inline")) {
			for k, v := range jsonFields(ft) {
				fields[k] = v
			}
			continue
		}
		if name == "" {
			name = f.Name
		}
		fields[name] = f.Type
	}
	return fields
}

func describeType(t reflect.Type) string {
	switch t {
	case reflect.TypeFor[metav1.Duration]():
		return "a duration such as 30s, 5m or 1h"
	case reflect.TypeFor[metav1.Time]():
		return "an RFC 3339 time"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return "a base64 string"
		}
		return "a list"
	default:
		return "a " + t.String()
	}
}

// jsonKind names the JSON type of a value decoded by encoding/json with UseNumber.
func jsonKind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number, float64:
		return "a number"
	default:
		return fmt.Sprintf("%T", v)
	}
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func sortedKeys(obj map[string]any) []string {
	return slices.Sorted(maps.Keys(obj))
}
