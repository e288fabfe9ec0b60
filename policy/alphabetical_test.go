package policy

import (
	"errors"
	"testing"
)

func TestAlphabeticalSelect(t *testing.T) {
	ubuntu := []string{"xenial", "yakkety", "zesty", "artful", "bionic"}
	versions := []string{"16.04", "16.04.1", "16.10", "20.04", "20.10"}
	stamps := []string{"1606234201", "1606364286", "1606334092", "1606334284", "1606334201"}
	rfc := []string{"2021-01-08T21-18-21Z", "2020-05-08T21-18-21Z", "2021-01-08T19-20-00Z", "1990-01-08T00-20-00Z", "2023-05-08T00-20-00Z"}
	tests := []struct {
		order string
		cases []selectCase
	}{
		{"", []selectCase{
			{"default is asc", ubuntu, "zesty", nil},
		}},
		{"asc", []selectCase{
			{"versions", versions, "20.10", nil},
			{"names", ubuntu, "zesty", nil},
			{"unix stamps", stamps, "1606364286", nil},
			{"rfc3339", rfc, "2023-05-08T00-20-00Z", nil},
			{"byte-wise", []string{"9", "10", "v1.9", "v1.10"}, "v1.9", nil},
			{"case", []string{"a", "Z", "B"}, "a", nil},
			{"unicode above ascii", []string{"z", "é", "ab"}, "é", nil},
			{"empty tag", []string{""}, "", ErrNoMatch},
			{"empty list", nil, "", ErrNoMatch},
		}},
		{"DESC", []selectCase{
			{"versions", versions, "16.04", nil},
			{"names", ubuntu, "artful", nil},
			{"unix stamps", stamps, "1606234201", nil},
			{"rfc3339", rfc, "1990-01-08T00-20-00Z", nil},
			{"empty list", []string{}, "", ErrNoMatch},
		}},
	}
	for _, tt := range tests {
		t.Run("order="+tt.order, func(t *testing.T) {
			a, err := NewAlphabetical(tt.order)
			if err != nil {
				t.Fatalf("NewAlphabetical(%q): %v", tt.order, err)
			}
			runSelectCases(t, a, tt.cases)
		})
	}
}

func TestNewOrderInvalid(t *testing.T) {
	for _, order := range []string{"invalid", "ascending", " asc"} {
		if _, err := NewAlphabetical(order); !errors.Is(err, ErrInvalidPolicy) {
			t.Errorf("NewAlphabetical(%q) error = %v, want ErrInvalidPolicy", order, err)
		}
		if _, err := NewNumerical(order); !errors.Is(err, ErrInvalidPolicy) {
			t.Errorf("NewNumerical(%q) error = %v, want ErrInvalidPolicy", order, err)
		}
	}
}
