// Command tagflow-controller runs tagflow as a Kubernetes controller: a controller-runtime
// manager with leader election, metrics and health endpoints, reconciling the
// image.tagflow.dev kinds (ImageRepository, ImagePolicy, ImageUpdateAutomation).
package main

import (
	"flag"
	"fmt"
	"os"

	ctrl "sigs.k8s.io/controller-runtime"
)

func main() {
	o := bindFlags(flag.CommandLine)
	flag.Parse()
	logger, err := newLogger(o.logLevel, o.logFormat)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tagflow-controller:", err)
		os.Exit(2)
	}
	ctrl.SetLogger(logger)
	if err := run(ctrl.SetupSignalHandler(), ctrl.GetConfigOrDie(), o); err != nil {
		ctrl.Log.Error(err, "manager stopped")
		os.Exit(1)
	}
}
