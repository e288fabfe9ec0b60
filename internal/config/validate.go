package config

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tagflow/tagflow/api/v1alpha1"
)

// This file holds the checks an API server makes from the CRD schema (required fields,
// enums, patterns, limits and the CEL rules). What the values mean (regular expressions,
// semver ranges, templates, secret contents) is checked by the adapt package, which the
// resolver calls once references are known.

// Limits from the CRD markers.
const (
	maxExclusions = 25
	maxPlatforms  = 16
)

var platformPattern = regexp.MustCompile(`^[a-z0-9]+/[a-z0-9_]+(/[a-z0-9.]+)?$`)

func validateRepository(r *v1alpha1.ImageRepository) []error {
	defaultRepository(r)
	spec := &r.Spec
	errs := []error{
		required("spec.image", spec.Image),
		positive("spec.interval", &spec.Interval, true),
		positive("spec.timeout", spec.Timeout, false),
		oneOf("spec.provider", spec.Provider, v1alpha1.GenericProvider, v1alpha1.AWSProvider, v1alpha1.AzureProvider, v1alpha1.GCPProvider),
		secretName("spec.secretRef", spec.SecretRef),
		secretName("spec.certSecretRef", spec.CertSecretRef),
		secretName("spec.proxySecretRef", spec.ProxySecretRef),
	}
	if spec.ServiceAccountName != "" {
		errs = append(errs, fieldErrorf("spec.serviceAccountName", "service accounts do not exist in standalone configuration: use spec.secretRef"))
	}
	if len(spec.ExclusionList) > maxExclusions {
		errs = append(errs, fieldErrorf("spec.exclusionList", "at most %d entries, got %d", maxExclusions, len(spec.ExclusionList)))
	}
	if spec.AccessFrom != nil && spec.AccessFrom.NamespaceSelectors == nil {
		errs = append(errs, fieldErrorf("spec.accessFrom.namespaceSelectors", "required"))
	}
	if spec.Webhook != nil {
		errs = append(errs, required("spec.webhook.secretRef.name", spec.Webhook.SecretRef.Name))
	}
	return errs
}

func validatePolicy(p *v1alpha1.ImagePolicy) []error {
	defaultPolicy(p)
	spec := &p.Spec
	errs := []error{
		required("spec.imageRepositoryRef.name", spec.ImageRepositoryRef.Name),
		validateChoice(spec.Policy),
		oneOf("spec.digestReflectionPolicy", string(spec.DigestReflectionPolicy),
			string(v1alpha1.ReflectNever), string(v1alpha1.ReflectIfNotPresent), string(v1alpha1.ReflectAlways)),
		validatePolicyInterval(spec),
		positive("spec.minAge", spec.MinAge, false),
	}
	return append(errs, validatePlatforms(spec.Platforms)...)
}

// validateChoice requires exactly one ordering, with its enum values.
func validateChoice(c v1alpha1.ImagePolicyChoice) error {
	var set []string
	if c.SemVer != nil {
		set = append(set, "semver")
	}
	if c.Alphabetical != nil {
		set = append(set, "alphabetical")
	}
	if c.Numerical != nil {
		set = append(set, "numerical")
	}
	switch {
	case len(set) == 0:
		return fieldErrorf("spec.policy", "exactly one of semver, alphabetical, numerical is required")
	case len(set) > 1:
		return fieldErrorf("spec.policy", "exactly one of semver, alphabetical, numerical is required, got %s", strings.Join(set, " and "))
	case c.SemVer != nil:
		return required("spec.policy.semver.range", c.SemVer.Range)
	case c.Alphabetical != nil:
		return oneOf("spec.policy.alphabetical.order", c.Alphabetical.Order, v1alpha1.OrderAsc, v1alpha1.OrderDesc)
	default:
		return oneOf("spec.policy.numerical.order", c.Numerical.Order, v1alpha1.OrderAsc, v1alpha1.OrderDesc)
	}
}

// validatePolicyInterval applies the CRD's rule: spec.interval is required with, and only
// accepted with, digestReflectionPolicy Always.
func validatePolicyInterval(spec *v1alpha1.ImagePolicySpec) error {
	always := spec.DigestReflectionPolicy == v1alpha1.ReflectAlways
	switch {
	case spec.Interval == nil && always:
		return fieldErrorf("spec.interval", "required when spec.digestReflectionPolicy is Always")
	case spec.Interval != nil && !always:
		return fieldErrorf("spec.interval", "only accepted when spec.digestReflectionPolicy is Always")
	}
	return positive("spec.interval", spec.Interval, false)
}

func validatePlatforms(platforms []string) []error {
	var errs []error
	if len(platforms) > maxPlatforms {
		errs = append(errs, fieldErrorf("spec.platforms", "at most %d entries, got %d", maxPlatforms, len(platforms)))
	}
	for i, p := range platforms {
		path := fmt.Sprintf("spec.platforms[%d]", i)
		switch {
		case !platformPattern.MatchString(p):
			errs = append(errs, fieldErrorf(path, "%q is not os/arch or os/arch/variant", p))
		case slices.Index(platforms, p) < i:
			errs = append(errs, fieldErrorf(path, "duplicate platform %q", p))
		}
	}
	return errs
}

// required reports an empty string.
func required(path, value string) error {
	if value == "" {
		return fieldErrorf(path, "required")
	}
	return nil
}

// oneOf reports a value outside an enum.
func oneOf(path, value string, allowed ...string) error {
	if slices.Contains(allowed, value) {
		return nil
	}
	return fieldErrorf(path, "unsupported value %q: want %s", value, strings.Join(allowed, ", "))
}

// positive reports a duration that is not positive; a nil or zero duration is reported
// only when it is required.
func positive(path string, d *metav1.Duration, isRequired bool) error {
	var v time.Duration
	if d != nil {
		v = d.Duration
	}
	switch {
	case v < 0:
		return fieldErrorf(path, "must not be negative, got %s", v)
	case v == 0 && isRequired:
		return fieldErrorf(path, "required")
	}
	return nil
}

// secretName reports a secret reference with an empty name.
func secretName(path string, ref *v1alpha1.LocalObjectReference) error {
	if ref != nil && ref.Name == "" {
		return fieldErrorf(path+".name", "required")
	}
	return nil
}
