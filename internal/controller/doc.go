// Package controller holds the Kubernetes reconcilers, one per kind. It is the only package
// of tagflow that imports controller-runtime.
package controller
