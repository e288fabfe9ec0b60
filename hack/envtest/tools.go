//go:build tools

// Package tools pins the Kubernetes and etcd sources that the envtest binaries are built from.
// Nothing here is imported by tagflow itself; see the Makefile target envtest-bins.
package tools

import (
	_ "go.etcd.io/etcd/server/v3/etcdmain"
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
)
