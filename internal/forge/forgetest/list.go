package forgetest

import (
	"maps"
	"net/url"
	"slices"
	"strconv"
	"time"
)

// Atoi returns s as a number, or def when s is not one.
func Atoi(s string, def int) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return def
}

// Created is when a fake's pull request number n was created: an hour after number n-1,
// so that newest first is highest number first.
func Created(n int) string {
	return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(n) * time.Hour).Format(time.RFC3339)
}

// Page is one page of a list answer.
type Page struct {
	// Number is the page asked for, from 1.
	Number int
	// PerPage is how many items a page holds.
	PerPage int
	// Last is the number of the last page; 1 when there are no items.
	Last int
	// Items are the numbers of the items on the page.
	Items []int
}

// Paginate sorts numbers newest (highest) first and returns the page that the page and
// per_page parameters of query ask for. perPage is the forge's default per_page.
func Paginate(query url.Values, numbers []int, perPage int) Page {
	slices.Sort(numbers)
	slices.Reverse(numbers)
	p := Page{Number: Atoi(query.Get("page"), 1), PerPage: Atoi(query.Get("per_page"), perPage)}
	p.Last = max(1, (len(numbers)+p.PerPage-1)/p.PerPage)
	from, to := min((p.Number-1)*p.PerPage, len(numbers)), min(p.Number*p.PerPage, len(numbers))
	p.Items = numbers[from:to]
	return p
}

// SameQuery reports whether query is want, but for the page parameter, which any list
// request may add.
func SameQuery(query, want url.Values) bool {
	want = maps.Clone(want)
	if p := query.Get("page"); p != "" {
		want.Set("page", p)
	}
	return query.Encode() == want.Encode()
}
