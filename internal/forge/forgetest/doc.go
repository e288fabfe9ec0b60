// Package forgetest is test support for the forge clients: what the in-process fakes of
// GitHub's and GitLab's REST APIs (in the tests of forge/github and forge/gitlab) have in
// common, and the checks of a forge.Client that read the same for every forge.
//
// A fake embeds a Recorder, which keeps "METHOD path" of every request and the Scripted
// answers a test queues for the next ones (rate limits, refusals). Its handlers answer
// with the documented example responses recorded in the package's testdata directory:
// ReplyFile sends one as it is, Examples hold them decoded to be copied and changed, and
// WriteJSON sends the result. Paginate and SameQuery serve a list request.
//
// The checks (Opened, Updated, RefusedThenClosed, CheckListed, Routing, SyncFlow and the
// others) fail the test they are given; what is particular to a forge (GitHub's Link
// header, GitLab's X-Next-Page and draft titles, the GitHub App) stays in its package.
//
// Only tests import this package.
package forgetest
