package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"
)

// errUsage marks invalid arguments or flags; the process exits with status 2.
var errUsage = errors.New("invalid usage")

// usageErrorf returns an error that exits with status 2.
func usageErrorf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errUsage, fmt.Sprintf(format, args...))
}

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "tagflow",
		Short:         "Keep container image references in Git up to date",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return fmt.Errorf("%w: %w", errUsage, err)
	})
	addLogFlags(root)
	root.AddCommand(
		newPolicyCmd(),
		newVersionCmd(),
		newMigrateCmd(),
		newRunCmd(),
		newDemoCmd(),
		newGetCmd(),
		newScanCmd(),
		newPlanCmd(),
	)
	return root
}
