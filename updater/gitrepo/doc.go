// Package gitrepo clones, commits to and pushes Git repositories for the updater.
//
// A Repo is one remote URL, one checkout ref (branch, tag, semver range or commit) and one
// push target. New validates everything up front; Run does the work:
//
//  1. fetch the checkout ref into a clone cache (one directory per URL and ref, named by a
//     hash so that credentials never reach the file system; shallow by default) and
//     hard-reset a local push branch onto its head;
//  2. call the UpdateFunc on the worktree; no changed files means no commit and no push;
//  3. commit as the configured author with a text/template message rendered from the
//     caller's template data (Flux's .AutomationObject, .Changed, .Values), optionally
//     signed with OpenPGP or SSH (the sshsig format git uses with gpg.format=ssh);
//  4. push. The checkout branch is never forced: when the push is rejected because the
//     branch moved, Run starts again from step 1 on the new head, a bounded number of
//     times with jittered backoff, then returns a PushRejectedError. A push branch other
//     than the checkout branch is rebuilt from the checkout head on every run and
//     force-pushed with a lease on the head seen before the update; it is left alone when
//     it already holds the same change. An extra refspec and push options work as Flux's
//     spec.git.push does. A refusal by the remote (a pre-receive hook, say) is a
//     RemoteRejectedError carrying the remote's message; the commit stays in the cache.
//
// URLs are https://, http:// (WithAllowHTTP), ssh://, scp-like user@host:path and file://.
// HTTP(S) authenticates with basic auth or a bearer token, trusts extra CAs and presents
// client certificates; SSH authenticates with a key and checks host keys against
// known_hosts unless WithInsecureIgnoreHostKey is given.
//
// The package is silent by default and logs through the logr logger of the context,
// without credentials.
package gitrepo
