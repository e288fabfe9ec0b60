package gitrepo

import (
	"errors"
	"fmt"
	"strings"

	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
)

// checkBranchName refuses names git would refuse, and full ref names.
func checkBranchName(name string) error {
	if name == "" {
		return errors.New("branch name is empty")
	}
	if strings.HasPrefix(name, "refs/") {
		return fmt.Errorf("branch %q: give the short name, not a full reference", name)
	}
	if err := plumbing.NewBranchReferenceName(name).Validate(); err != nil {
		return fmt.Errorf("branch %q: %w", name, err)
	}
	return nil
}

// checkRefspec accepts a push refspec SRC:DST that neither forces nor deletes.
func checkRefspec(refspec string) error {
	rs := config.RefSpec(refspec)
	if err := rs.Validate(); err != nil {
		return fmt.Errorf("push refspec %q: %w", refspec, err)
	}
	if rs.IsForceUpdate() {
		return fmt.Errorf("push refspec %q: forced updates (+) are not allowed", refspec)
	}
	if rs.IsDelete() {
		return fmt.Errorf("push refspec %q: deleting refspecs (empty source) are not allowed", refspec)
	}
	if rs.IsWildcard() {
		return fmt.Errorf("push refspec %q: wildcards are not allowed", refspec)
	}
	return nil
}

func isFullHash(s string) bool {
	if len(s) != 40 {
		return false
	}
	for _, c := range s {
		if !strings.ContainsRune("0123456789abcdef", c) {
			return false
		}
	}
	return true
}

// checkRefspecSource accepts the sources that name the pushed commit: HEAD and the push
// branch (short or full name).
func checkRefspecSource(refspec, pushBranch string) error {
	src, _, _ := strings.Cut(refspec, ":")
	switch src {
	case "HEAD", pushBranch, plumbing.NewBranchReferenceName(pushBranch).String():
		return nil
	}
	return fmt.Errorf("push refspec %q: the source must be HEAD or the push branch %s", refspec, pushBranch)
}
