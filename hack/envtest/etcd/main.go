// Command etcd is upstream etcd's server main, built from the version that k8s.io/kubernetes
// pins, so that envtest can start a real etcd without downloading a release binary.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
