// Package fence holds no code: its test proves tagflow's dependency fence.
//
// The core packages (policy, scanner, updater, api) and the tagflow CLI must not link the
// Kubernetes runtime (controller-runtime, client-go), so the CLI stays small and the core can be
// reused anywhere; policy and scanner must not import any k8s.io package at all. The test walks
// `go list -deps` for each package and fails on the first forbidden import, naming the chain.
package fence
