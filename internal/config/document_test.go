package config

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSplitDocuments(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{name: "single", in: "a: 1\n", want: []string{"a: 1\n"}},
		{name: "leading separator", in: "---\na: 1\n", want: []string{"a: 1\n"}},
		{name: "comment before leading separator", in: "# head\n---\na: 1\n---\nb: 2\n", want: []string{"a: 1\n", "b: 2\n"}},
		{name: "empty documents are not counted", in: "a: 1\n---\n---\n# only a comment\n---\nb: 2", want: []string{"a: 1\n", "b: 2"}},
		{name: "separator with comment and CRLF", in: "a: 1\r\n--- # next\r\nb: 2\r\n", want: []string{"a: 1\r\n", "b: 2\r\n"}},
		{name: "document end marker alone is empty", in: "a: 1\n...\n---\n...\n", want: []string{"a: 1\n...\n"}},
		{name: "dashes inside a value are not a separator", in: "a: |\n  ---\n  x\n---x: 1\n", want: []string{"a: |\n  ---\n  x\n---x: 1\n"}},
		{name: "byte order mark", in: "\uFEFFa: 1\n", want: []string{"a: 1\n"}},
		{name: "nothing", in: "", want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for i, d := range splitDocuments([]byte(tt.in)) {
				if d.index != i+1 {
					t.Errorf("document %d has index %d", i+1, d.index)
				}
				got = append(got, string(d.data))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("splitDocuments() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
