package updater

import (
	"fmt"
	"strings"
)

// Image is the image a policy chose: the repository name, the tag and, when the policy
// reflects digests, the digest.
type Image struct {
	// Name is the image name without tag or digest, e.g. "ghcr.io/org/app".
	Name string
	// Tag is the chosen tag, e.g. "1.2.3".
	Tag string
	// Digest is the digest of the chosen tag, e.g. "sha256:...", or empty.
	Digest string
}

// String returns the full reference NAME:TAG, followed by @DIGEST when the image has a digest.
// It is the value a marker without a field suffix sets.
func (i Image) String() string {
	s := i.Name + ":" + i.Tag
	if i.Digest != "" {
		s += "@" + i.Digest
	}
	return s
}

// Images maps a policy, written "NAMESPACE:NAME", to the image it chose.
type Images map[string]Image

// Field names the part of an image a marker sets.
type Field string

// The fields a marker can name, after the policy: "ns:policy" sets the full reference,
// "ns:policy:tag" the tag, "ns:policy:name" the name and "ns:policy:digest" the digest.
const (
	FieldImage  Field = ""
	FieldTag    Field = "tag"
	FieldName   Field = "name"
	FieldDigest Field = "digest"
)

// Setter is a parsed marker value: the policy and the field it sets.
type Setter struct {
	// Policy is "NAMESPACE:NAME".
	Policy string
	// Field is the part of the image the marker sets.
	Field Field
}

// String returns the setter as written in a marker, e.g. "apps:app:tag".
func (s Setter) String() string {
	if s.Field == FieldImage {
		return s.Policy
	}
	return s.Policy + ":" + string(s.Field)
}

// ParseSetter parses a marker value "NAMESPACE:NAME[:tag|:name|:digest]".
func ParseSetter(v string) (Setter, error) {
	parts := strings.Split(v, ":")
	for _, p := range parts {
		if p == "" || strings.TrimSpace(p) != p {
			return Setter{}, fmt.Errorf("parsing setter %q: want NAMESPACE:POLICY[:tag|:name|:digest]", v)
		}
	}
	switch {
	case len(parts) == 2:
		return Setter{Policy: v}, nil
	case len(parts) == 3:
		f := Field(parts[2])
		if f != FieldTag && f != FieldName && f != FieldDigest {
			return Setter{}, fmt.Errorf("parsing setter %q: unknown field %q, want tag, name or digest", v, parts[2])
		}
		return Setter{Policy: parts[0] + ":" + parts[1], Field: f}, nil
	}
	return Setter{}, fmt.Errorf("parsing setter %q: want NAMESPACE:POLICY[:tag|:name|:digest]", v)
}

// Value returns the value the setter writes for img. As in Flux, a digest marker writes the
// digest even when it is empty.
func (s Setter) Value(img Image) string {
	switch s.Field {
	case FieldTag:
		return img.Tag
	case FieldName:
		return img.Name
	case FieldDigest:
		return img.Digest
	}
	return img.String()
}
