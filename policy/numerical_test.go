package policy

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNumericalSelect(t *testing.T) {
	ints := []string{"-62", "-88", "73", "72", "15", "16", "15", "29", "-33", "-91"}
	floats := []string{"-90.29082099756083", "53.47333823144817", "12.5", "-3"}
	stamps := []string{"1606234201", "1606364286", "1606334092", "1606334284", "1606334201"}
	tests := []struct {
		order string
		cases []selectCase
	}{
		{"asc", []selectCase{
			{"ints", ints, "73", nil},
			{"floats", floats, "53.47333823144817", nil},
			{"unix stamps", stamps, "1606364286", nil},
			{"one", []string{"1"}, "1", nil},
			{"exponent", []string{"1e3", "999"}, "1e3", nil},
			{"infinity", []string{"Inf", "1e308"}, "Inf", nil},
			{"tie goes to greatest tag", []string{"1.0", "1", "01", "1e0"}, "1e0", nil},
			{"zero tie", []string{"0", "-0"}, "0", nil},
			{"not numbers", []string{"0", "1a", "b"}, "", ErrNotNumber},
			{"NaN", []string{"1", "NaN"}, "", ErrNotNumber},
			{"overflow", []string{"1", "1e400"}, "", ErrNotNumber},
			{"hex", []string{"0x10"}, "", ErrNotNumber},
			{"space", []string{" 1"}, "", ErrNotNumber},
			{"empty list", nil, "", ErrNoMatch},
		}},
		{"desc", []selectCase{
			{"ints", []string{"5", "-8", "-78", "25", "70", "-4", "80", "92", "-20", "-24"}, "-78", nil},
			{"floats", floats, "-90.29082099756083", nil},
			{"unix stamps", stamps, "1606234201", nil},
			{"one", []string{"1"}, "1", nil},
			{"tie goes to greatest tag", []string{"1", "1.0"}, "1.0", nil},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.order, func(t *testing.T) {
			n, err := NewNumerical(tt.order)
			if err != nil {
				t.Fatalf("NewNumerical(%q): %v", tt.order, err)
			}
			runSelectCases(t, n, tt.cases)
		})
	}
}

func TestNumericalErrorNamesTag(t *testing.T) {
	n, err := NewNumerical("")
	if err != nil {
		t.Fatal(err)
	}
	got, err := n.Select([]string{"3", "latest", "4", "main"})
	if !errors.Is(err, ErrNotNumber) {
		t.Fatalf("Select() error = %v, want ErrNotNumber", err)
	}
	const wantMsg = `numerical policy: tag "latest" is not a number (2 of 4 tags are not); filter them out with a pattern`
	if err.Error() != wantMsg {
		t.Errorf("error = %q, want %q", err, wantMsg)
	}
	want := Explanation{
		Policy: "numerical", Order: "asc", Considered: 4, Matched: 4, Parsed: 2,
		Rejected: []Rejection{{Reason: ReasonNotNumber, Count: 2, Tags: []string{"latest", "main"}}},
	}
	if diff := cmp.Diff(want, got.Explanation); diff != "" {
		t.Errorf("Explanation mismatch (-want +got):\n%s", diff)
	}
}
