package adapt

import (
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/policy"
)

// Selection is an ImagePolicy as the core takes it.
type Selection struct {
	// Repository is the namespace and name of the ImageRepository to read tags from, with
	// the namespace defaulted to the policy's.
	Repository v1alpha1.NamespacedObjectReference
	// Spec is the policy's ordering and filter in plain values.
	Spec policy.Spec
	// Policy is Spec, built and validated.
	Policy *policy.Policy
	// Platforms are the platforms (os/arch[/variant]) every candidate's index must list;
	// empty means no check.
	Platforms []string
	// MinAge is how long a tag must have been seen before it is a candidate; zero means no
	// wait.
	MinAge time.Duration
	// DigestReflection says when the chosen tag's digest is looked up (Never by default).
	DigestReflection v1alpha1.ReflectionPolicy
	// Interval is the time between digest lookups with DigestReflection Always, else zero.
	Interval time.Duration
}

// Policy converts an ImagePolicy into the policy it describes. Problems are *FieldError
// values, joined: an invalid range at spec.policy.semver.range, an invalid pattern or
// extract template at spec.filterTags.
func Policy(p *v1alpha1.ImagePolicy) (Selection, error) {
	spec := policySpec(p.Spec)
	sel := Selection{
		Repository:       p.Spec.ImageRepositoryRef,
		Spec:             spec,
		Platforms:        p.Spec.Platforms,
		DigestReflection: p.GetDigestReflectionPolicy(),
		Interval:         p.GetInterval(),
	}
	if sel.Repository.Namespace == "" {
		sel.Repository.Namespace = p.Namespace
	}
	if p.Spec.MinAge != nil {
		sel.MinAge = p.Spec.MinAge.Duration
	}
	if err := checkPolicyParts(spec); err != nil {
		return sel, err
	}
	built, err := policy.New(spec)
	if err != nil {
		return sel, fieldError("spec.policy", err)
	}
	sel.Policy = built
	return sel, nil
}

// policySpec copies the ordering and the filter into plain values.
func policySpec(s v1alpha1.ImagePolicySpec) policy.Spec {
	var spec policy.Spec
	if s.Policy.SemVer != nil {
		spec.SemVer = &policy.SemVerSpec{Range: s.Policy.SemVer.Range}
	}
	if s.Policy.Alphabetical != nil {
		spec.Alphabetical = &policy.OrderSpec{Order: s.Policy.Alphabetical.Order}
	}
	if s.Policy.Numerical != nil {
		spec.Numerical = &policy.OrderSpec{Order: s.Policy.Numerical.Order}
	}
	if s.FilterTags != nil {
		spec.Filter = &policy.FilterSpec{Pattern: s.FilterTags.Pattern, Extract: s.FilterTags.Extract}
	}
	return spec
}

// checkPolicyParts builds the range and the filter alone, to report them at their fields.
func checkPolicyParts(spec policy.Spec) error {
	var errs []error
	if spec.SemVer != nil {
		if _, err := policy.NewSemVer(spec.SemVer.Range); err != nil {
			errs = append(errs, fieldError("spec.policy.semver.range", err))
		}
	}
	if spec.Filter != nil {
		if _, err := policy.NewFilter(spec.Filter.Pattern, spec.Filter.Extract); err != nil {
			errs = append(errs, fieldError("spec.filterTags", err))
		}
	}
	return errors.Join(errs...)
}

// Candidates splits stored tags, with the time each was first seen, into the candidates
// (first seen at least s.MinAge before now) and the young others, in the order given.
func (s Selection) Candidates(tags iter.Seq2[string, time.Time], now time.Time) (candidates, young []string) {
	cutoff := now.Add(-s.MinAge)
	for tag, seen := range tags {
		if s.MinAge > 0 && seen.After(cutoff) {
			young = append(young, tag)
			continue
		}
		candidates = append(candidates, tag)
	}
	return candidates, young
}

// KnownDigest says how the digest of the chosen ref is found under s.DigestReflection:
// lookup is true when it must be read from the registry; otherwise digest is the one to
// record, the previous ref's (IfNotPresent, same image and tag) or none (Never).
func (s Selection) KnownDigest(prev *v1alpha1.ImageRef, ref v1alpha1.ImageRef) (digest string, lookup bool) {
	switch s.DigestReflection {
	case v1alpha1.ReflectAlways:
		return "", true
	case v1alpha1.ReflectIfNotPresent:
		if prev != nil && prev.Name == ref.Name && prev.Tag == ref.Tag && prev.Digest != "" {
			return prev.Digest, false
		}
		return "", true
	}
	return "", false
}

// ResolvedMessage is Flux's Ready message of an ImagePolicy that chose ref, after prev.
func ResolvedMessage(ref v1alpha1.ImageRef, prev *v1alpha1.ImageRef) string {
	msg := fmt.Sprintf("Latest image tag for %s resolved to %s", ref.Name, ref.Tag)
	if ref.Digest != "" {
		msg += " with digest " + ref.Digest
	}
	if prev != nil && *prev != ref {
		msg += fmt.Sprintf(" (previously %s)", prev.String())
	}
	return msg
}
