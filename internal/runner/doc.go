// Package runner is tagflow's standalone daemon: it scans every ImageRepository of a loaded
// configuration on its interval, re-evaluates the ImagePolicies of a repository when its tags
// change, and runs every ImageUpdateAutomation on its interval and shortly after a policy it
// uses changes, batching changes that arrive close together into one commit.
//
// State lives in a state directory and survives restarts: the tag store (tags.db), the
// objects' statuses (status.json, replaced atomically), and the Git clone cache (git/).
// A run is idempotent: the update is computed from the checked-out files, so a run that
// was interrupted after its push finds nothing left to do, and one interrupted before its
// push makes the same commit again.
//
// This package must not import controller-runtime or client-go.
package runner
