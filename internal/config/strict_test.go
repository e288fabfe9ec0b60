package config

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

type strictSample struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec struct {
		Name     string            `json:"name"`
		Count    int               `json:"count,omitempty"`
		Enabled  *bool             `json:"enabled,omitempty"`
		Interval metav1.Duration   `json:"interval,omitempty"`
		Items    []strictItem      `json:"items,omitempty"`
		Values   map[string]string `json:"values,omitempty"`
		Data     map[string][]byte `json:"data,omitempty"`
		Any      any               `json:"any,omitempty"`
		Skipped  string            `json:"-"`
	} `json:"spec"`
}

type strictItem struct {
	Pattern string `json:"pattern"`
}

func TestCheckFields(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{name: "valid", in: `{"apiVersion":"v1","kind":"K","metadata":{"name":"a","labels":{"x":"y"}},
			"spec":{"name":"n","count":3,"enabled":true,"interval":"5m","items":[{"pattern":"p"}],
			"values":{"a":"b"},"data":{"k":"aGk="},"any":{"free":[1]}}}`},
		{name: "null values are fine", in: `{"spec":{"items":null,"enabled":null}}`},
		{name: "unknown fields anywhere", in: `{"spec":{"nme":"x","items":[{"pattern":"p","extra":1}]},"metadata":{"lables":{}},"status":{}}`,
			want: []string{"metadata.lables: unknown field", "spec.items[0].extra: unknown field", "spec.nme: unknown field", "status: unknown field"}},
		{name: "field names are case-sensitive", in: `{"Spec":{}}`, want: []string{"Spec: unknown field"}},
		{name: "a dash-tagged field is unknown", in: `{"spec":{"Skipped":"x","-":"y"}}`, want: []string{"spec.-: unknown field", "spec.Skipped: unknown field"}},
		{name: "wrong types", in: `{"spec":{"name":1.5,"count":"3","enabled":"yes","items":{"pattern":"p"},"values":["a"]}}`,
			want: []string{
				`spec.count: expected an integer, got "3"`,
				`spec.enabled: expected a boolean, got "yes"`,
				"spec.items: expected a list, got an object",
				"spec.name: expected a string, got 1.5 (quote it in YAML)",
				"spec.values: expected an object, got a list",
			}},
		{name: "integer out of range and fraction", in: `{"spec":{"count":1.5}}`, want: []string{"spec.count: expected an integer, got 1.5"}},
		{name: "bad duration", in: `{"spec":{"interval":"5 minutes"}}`, want: []string{`spec.interval: time: unknown unit " minutes" in duration "5 minutes"`}},
		{name: "bad base64 names the key", in: `{"spec":{"data":{"k":"%%%"}}}`, want: []string{"spec.data[k]: illegal base64 data at input byte 0"}},
		{name: "map values are checked", in: `{"spec":{"values":{"a":{"b":1}}}}`, want: []string{`spec.values[a]: expected a string, got {"b":1}`}},
		{name: "object expected", in: `{"spec":"x"}`, want: []string{"spec: expected an object, got a string"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dec := json.NewDecoder(bytes.NewReader([]byte(tt.in)))
			dec.UseNumber()
			var v any
			if err := dec.Decode(&v); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, err := range checkFields("", v, reflect.TypeFor[strictSample]()) {
				got = append(got, err.Error())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("checkFields() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
