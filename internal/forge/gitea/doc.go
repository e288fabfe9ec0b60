// Package gitea implements forge.Client for Gitea and Forgejo with the official SDK,
// code.gitea.io/sdk/gitea.
//
// New takes the instance root (http(s)://host[:port][/subpath]) and an access token with
// the scopes write:repository (pull requests) and write:issue (labels). It does no I/O:
// the SDK's server version probe is turned off with SetGiteaVersion(""), which also turns
// off the SDK's workarounds for servers older than 1.14. Every call builds its own SDK
// client carrying the call's context, since the SDK keeps one context per client.
//
// What Gitea does differently from GitHub, observed with Gitea 1.26.0:
//
//   - Opening a second pull request for the same head and base answers 409 Conflict (not
//     GitHub's 422); Open wraps forge.ErrAlreadyExists.
//   - There is no draft flag: a title starting with one of WORK_IN_PROGRESS_PREFIXES
//     ("WIP:" and "[WIP]" by default) marks a draft, and the API's draft field reports
//     exactly that. Open prefixes a draft's title with "WIP: "; Update keeps an existing
//     prefix. An instance configured with other prefixes sees no draft.
//   - Labels are given by ID and a missing label is not created, so Open and Update create
//     the repository labels they lack (color #ededed), as GitHub does implicitly.
//     Organization labels are not looked at.
//   - The list of pull requests has no head filter (base_branch exists but the SDK
//     lacks it), so Find pages through every pull request of the repository; the page
//     size is capped by the server's MAX_RESPONSE_ITEMS (50 by default). The pull request
//     list sends a Link header, the label list only X-Total-Count: both are followed.
//   - The head sha of a pull request differs by endpoint: the list reports the commit of
//     refs/pull/N/head (for a merged or closed pull request the head it had, also after
//     the branch moved on), a single pull request the branch's current head for as long
//     as the branch exists. Find uses the list. The head branch's name is the head's
//     "label"; its "ref" becomes refs/pull/N/head once the branch is deleted.
//   - 401 and 403 wrap forge.ErrAuth; a bad token answers 401.
package gitea
