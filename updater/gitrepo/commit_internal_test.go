package gitrepo

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type testChange struct{ OldValue, NewValue, Setter string }

type testData struct {
	AutomationObject string
	Changed          struct{ Changes []testChange }
	Values           map[string]string
}

func TestRenderMessage(t *testing.T) {
	data := testData{AutomationObject: "apps/auto", Values: map[string]string{"env": "prod"}}
	data.Changed.Changes = []testChange{
		{OldValue: "app:1.0.0", NewValue: "app:1.1.0", Setter: "apps:app"},
		{OldValue: "1.0", NewValue: "1.1"},
	}
	for _, tc := range []struct {
		name     string
		template string
		data     any
		want     string
		wantErr  string
	}{
		{name: "default", template: DefaultMessageTemplate, data: data,
			want: "Update from image update automation\n\n- app:1.0.0 -> app:1.1.0 (apps:app)\n- 1.0 -> 1.1\n"},
		{name: "default without data", template: DefaultMessageTemplate, data: nil,
			want: "Update from image update automation\n"},
		{name: "default over a map", template: DefaultMessageTemplate, data: map[string]any{"Values": nil},
			want: "Update from image update automation\n"},
		{name: "flux fields", template: "[{{.Values.env}}] {{.AutomationObject}}\n\n{{range .Changed.Changes}}{{.OldValue}} -> {{.NewValue}}\n{{end}}\n\n", data: data,
			want: "[prod] apps/auto\n\napp:1.0.0 -> app:1.1.0\n1.0 -> 1.1\n"},
		{name: "empty", template: "{{/* nothing */}}  \n", data: data, wantErr: "the message is empty"},
		{name: "unknown field", template: "{{.Nope}}", data: data, wantErr: "rendering commit message"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tmpl, err := parseMessage(tc.template)
			if err != nil {
				t.Fatalf("parseMessage() error = %v", err)
			}
			got, err := renderMessage(tmpl, tc.data)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("renderMessage() error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("renderMessage() error = %v", err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("renderMessage() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCleanRelPath(t *testing.T) {
	for _, tc := range []struct {
		in, want string
	}{
		{"deploy.yaml", "deploy.yaml"},
		{"apps/./prod/deploy.yaml", "apps/prod/deploy.yaml"},
		{"apps/../deploy.yaml", "deploy.yaml"},
		{"../outside.yaml", ""},
		{"/etc/passwd", ""},
		{".git/config", ""},
		{".", ""},
		{"", ""},
	} {
		got, err := cleanRelPath(tc.in)
		if tc.want == "" && err == nil || tc.want != "" && (err != nil || got != tc.want) {
			t.Errorf("cleanRelPath(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}
