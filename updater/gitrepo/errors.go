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

func shortHash(h string) string {
	if len(h) > 7 {
		return h[:7]
	}
	return h
}
