// Package forge opens and maintains the pull request of an automation through a forge's API
// (GitHub, GitLab, Gitea or Forgejo).
//
// A Client is one repository on one forge; the subpackages github, gitlab and gitea
// implement it with each forge's standard Go client. Sync is the lifecycle shared by all of
// them: one pull request per push branch, opened when the branch first holds a change,
// updated when the change moves on, never duplicated after it is merged or closed, and
// closed when there is nothing left to update (if asked).
package forge
