// Package policy selects the latest allowed tag from a list of image tags.
//
// A policy is built once from its configuration (semver range, alphabetical or numerical
// order, an optional filter with an extract template), which validates it, and then applied
// to any number of tag lists. Every selection comes with an explanation: how many tags were
// considered, which were dropped and why, and which one won.
package policy
