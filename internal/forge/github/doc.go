// Package github is the forge.Client of GitHub and GitHub Enterprise Server, built on
// go-github.
//
// It authenticates with a token or as a GitHub App installation, follows pagination, and
// waits out GitHub's primary and secondary rate limits when the wait is short, retrying the
// request; a longer limit is returned as a *forge.RateLimitError.
package github
