// Package gitlab is the forge.Client of GitLab (gitlab.com or a self-managed instance),
// built on GitLab's client-go.
//
// A pull request is a merge request here, numbered by its iid. client-go retries a 429
// itself; this package bounds those retries and their waits, and returns a limit that
// outlasts them as a *forge.RateLimitError.
package gitlab
