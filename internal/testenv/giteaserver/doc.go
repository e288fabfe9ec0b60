// Package giteaserver runs a real Gitea process on loopback for tests: the forge the
// pull-request code is tested against.
//
// Start runs the binary built by `make test-deps` (found through $TAGFLOW_GITEA_BIN or
// $HOME/.cache/tagflow/bin/gitea-v1.26.0), which has no bindata and reads its options,
// templates and public files from the static root next to it (BIN-static). It writes an
// app.ini into t.TempDir(): SQLite, HTTP on 127.0.0.1 and a free port, SSH, mail,
// Actions, packages and the update checker off, issue indexer in the database, in-memory
// queues, sessions and cache, INSTALL_LOCK and generated secrets (so nothing is asked or
// written back), RUN_USER the current user, and, when running as root (CI),
// I_AM_BEING_UNSAFE_RUNNING_AS_ROOT, without which Gitea refuses to start. The API pages
// by PageSize (2) at most, so that clients page for real.
//
// Then it runs `gitea migrate`, `gitea admin user create --admin`, starts `gitea web` in
// its own process group and waits (up to two minutes) for /api/healthz, then creates an
// API token with every scope through POST /users/{name}/tokens with basic auth. The
// process group is killed with t.Cleanup; if the test failed, the output of the gitea
// commands and the tail of Dir/log/gitea.log are logged. A missing binary or static root
// fails the test; in -short mode Start skips.
//
//	s := giteaserver.Start(t)
//	s.CreateRepo(t, "app", map[string]string{"deploy/app.yaml": "..."}, "main")
//	sha := s.PushCommit(t, "app", "update", files, "Someone Else", "someone@example.com")
//	pr := s.CreatePR(t, "app", "update", "main", "Update app")
//	s.Merge(t, "app", pr.Number)
//
// Repositories belong to the administrator (Repository gives "OWNER/NAME"). Every push
// goes through the git CLI over HTTP with basic auth sent as a header; since Gitea
// records pushed branches asynchronously, the helpers that push wait until the API shows
// the new head. Merge retries while Gitea answers 405 "Please try again later" (it checks
// a new pull request's mergeability in the background) and then waits for merged=true.
package giteaserver
