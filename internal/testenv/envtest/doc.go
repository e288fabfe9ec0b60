// Package envtest runs a real Kubernetes API server (kube-apiserver and etcd, through
// controller-runtime's envtest) with tagflow's CRDs installed, for tests of code that
// talks to a cluster.
//
// The binaries are the ones `make test-deps` builds from source: $TAGFLOW_KUBE_APISERVER_BIN
// and $TAGFLOW_ETCD_BIN (the Makefile exports both), else
// $HOME/.cache/tagflow/bin/kube-apiserver-v1.37.2 and $HOME/.cache/tagflow/bin/etcd-v3.7.0.
// The CRDs are read from config/crd/bases of the module, found by walking up from the
// working directory, so any package of the module can use the harness. Nothing is
// downloaded and no existing cluster is ever used (USE_EXISTING_CLUSTER is ignored).
//
//	cfg, c := envtest.Start(t)
//	err := c.Create(t.Context(), &imagev1.ImagePolicy{...})
//
// Start fails the test when a binary is missing (run `make test-deps`); in -short mode it
// skips the test instead. Each call starts its own control plane (a few seconds) and
// stops it when the test ends; a package that needs one for all its tests calls New from
// TestMain and Stop when done.
package envtest
