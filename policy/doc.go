// Package policy selects the latest allowed tag from a list of image tags.
//
// A policy is built once from plain values (New with a Spec, or NewSemVer,
// NewAlphabetical, NewNumerical and NewFilter), which validates it: an invalid range,
// pattern or order, or an extract template naming a group the pattern lacks, is an error
// wrapping ErrInvalidPolicy. It is then applied to any number of tag lists with Select,
// from any number of goroutines at once.
//
// The rules follow Flux's image-reflector-controller where Flux is well defined and are
// deterministic where it is not: among tags that rank equal (1.0.0 and v1.0.0, 1 and 1.0,
// or tags that extract to the same value) the lexically greatest tag wins, whatever the
// input order.
//
// Every selection comes with an Explanation: how many tags were considered, matched the
// filter and parsed, which were rejected and why (the first MaxExamples per reason and a
// count), the winner, and any collision on its value. When no tag qualifies, Select
// returns an error wrapping ErrNoMatch together with the explanation.
//
// Select makes one pass over the tags without sorting them. The semver policy parses
// tags without allocating and answers the range for releases from a small table probed
// once per range, so most tags cost a parse and a comparison and a selection allocates
// a handful of times, however many tags there are. A filter over many tags runs its
// regular expression on up to GOMAXPROCS goroutines; the scan itself stays sequential.
package policy
