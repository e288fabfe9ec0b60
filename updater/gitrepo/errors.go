package gitrepo

import (
	"errors"
	"fmt"
	"strings"
)

var (
	// ErrPushRejected is matched (errors.Is) by a PushRejectedError: the remote branch kept
	// moving and every attempt to push on top of it was rejected as non-fast-forward.
	ErrPushRejected = errors.New("push rejected as non-fast-forward")
	// ErrRemoteRejected is matched (errors.Is) by a RemoteRejectedError: the remote refused
	// the push for another reason, such as a pre-receive hook or branch protection.
	ErrRemoteRejected = errors.New("push rejected by the remote")
	// ErrBranchModified is matched (errors.Is) by a BranchModifiedError: someone else pushed
	// to the push branch, and tagflow leaves it alone.
	ErrBranchModified = errors.New("push branch has commits tagflow did not make")
)

// PushRejectedError says that the retries ran out.
type PushRejectedError struct {
	// Branch is the branch that was pushed to.
	Branch string
	// Attempts is how many times the update was applied and pushed.
	Attempts int
	// Err is the error of the last push.
	Err error
}

// Error implements error.
func (e *PushRejectedError) Error() string {
	return fmt.Sprintf("pushing to branch %s: rejected as non-fast-forward %d times: %v", e.Branch, e.Attempts, e.Err)
}

// Unwrap returns the error of the last push.
func (e *PushRejectedError) Unwrap() error { return e.Err }

// Is matches ErrPushRejected.
func (e *PushRejectedError) Is(target error) bool { return target == ErrPushRejected }

// RemoteRejectedError says that the remote refused a push that was not racing another
// push. The commit stays in the clone cache under KeptRef.
type RemoteRejectedError struct {
	// Branch is the branch (or refspec) that was pushed to.
	Branch string
	// Commit is the full hash of the commit that was refused.
	Commit string
	// KeptRef is the local reference that keeps Commit in the clone cache.
	KeptRef string
	// RemoteMessage is what the remote printed (its "remote:" lines), if anything.
	RemoteMessage string
	// Err is the error of the push.
	Err error
}

// Error implements error.
func (e *RemoteRejectedError) Error() string {
	msg := fmt.Sprintf("pushing commit %s to %s: %v", shortHash(e.Commit), e.Branch, e.Err)
	if rm := strings.TrimSpace(e.RemoteMessage); rm != "" {
		msg += "; remote said: " + rm
	}
	return msg
}

// Unwrap returns the error of the push.
func (e *RemoteRejectedError) Unwrap() error { return e.Err }

// Is matches ErrRemoteRejected.
func (e *RemoteRejectedError) Is(target error) bool { return target == ErrRemoteRejected }

// BranchModifiedError says that the head of a push branch other than the checkout branch
// was not committed by tagflow's author, so rebuilding the branch would throw away someone's
// work. Nothing was committed or pushed. The branch is rebuilt again once it is deleted, or
// once its head is a commit by tagflow's author again.
type BranchModifiedError struct {
	// Branch is the push branch.
	Branch string
	// Head is the full hash of the branch's head.
	Head string
	// Author and Committer are the head commit's author and committer, as "Name <email>".
	Author, Committer string
}

// Error implements error.
func (e *BranchModifiedError) Error() string {
	return fmt.Sprintf("push branch %s was modified by someone else (head %s, author %s, committer %s): "+
		"left as it is; delete the branch to let tagflow rebuild it", e.Branch, shortHash(e.Head), e.Author, e.Committer)
}

// Is matches ErrBranchModified.
func (e *BranchModifiedError) Is(target error) bool { return target == ErrBranchModified }

func shortHash(h string) string {
	if len(h) > 7 {
		return h[:7]
	}
	return h
}
