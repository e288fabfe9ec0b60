package scanner

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Platforms returns the platforms ("os/arch[/variant]") of image:tag. For an index it
// lists the platforms of its manifests (attestation entries, "unknown/unknown", are left
// out); for a single manifest it reads the platform from the image config. Listing never
// calls this: only callers that ask for a platform check pay for the extra requests.
func (s *Scanner) Platforms(ctx context.Context, image, tag string) ([]string, error) {
	const op = "reading the platforms of"
	ref, err := s.tag(image, tag)
	if err != nil {
		return nil, configError(op, image+":"+tag, err)
	}
	ctx, cancel := context.WithTimeout(ctx, s.opts.timeout)
	defer cancel()
	client, err := s.client(ctx, ref.Context())
	if err != nil {
		return nil, classify(op, ref.String(), err)
	}
	platforms, err := readPlatforms(ctx, client, ref)
	if err != nil {
		return nil, classify(op, ref.String(), err)
	}
	return platforms, nil
}

// MissingPlatforms checks that image:tag is available for every platform in want (such
// as "linux/amd64", "linux/arm64") and returns those it lacks, in the order of want. A
// wanted platform without a variant matches any variant.
func (s *Scanner) MissingPlatforms(ctx context.Context, image, tag string, want ...string) ([]string, error) {
	wanted := make([]v1.Platform, len(want))
	for i, w := range want {
		p, err := v1.ParsePlatform(w)
		if err != nil {
			return nil, configError("checking the platforms of", image+":"+tag, fmt.Errorf("parsing platform %q: %w", w, err))
		}
		wanted[i] = *p
	}
	have, err := s.Platforms(ctx, image, tag)
	if err != nil {
		return nil, err
	}
	var missing []string
	for i, w := range wanted {
		if !hasPlatform(have, w) {
			missing = append(missing, want[i])
		}
	}
	return missing, nil
}

// hasPlatform reports whether any of have satisfies want.
func hasPlatform(have []string, want v1.Platform) bool {
	for _, h := range have {
		p, err := v1.ParsePlatform(h)
		if err != nil {
			continue
		}
		if p.OS == want.OS && p.Architecture == want.Architecture && (want.Variant == "" || p.Variant == want.Variant) {
			return true
		}
	}
	return false
}

// manifestHead is what a manifest or index tells about its kind and content.
type manifestHead struct {
	MediaType types.MediaType `json:"mediaType"`
	Manifests []struct {
		Platform *v1.Platform `json:"platform"`
	} `json:"manifests"`
	Config *struct {
		Digest string `json:"digest"`
	} `json:"config"`
}

// readPlatforms fetches the manifest of ref and, for a single image, its config.
func readPlatforms(ctx context.Context, client *http.Client, ref name.Tag) ([]string, error) {
	body, _, err := getManifest(ctx, client, ref)
	if err != nil {
		return nil, err
	}
	var m manifestHead
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, &decodeError{what: "manifest of " + ref.String(), err: err}
	}
	if m.Manifests != nil || m.MediaType.IsIndex() {
		return indexPlatforms(m), nil
	}
	if m.Config == nil || m.Config.Digest == "" {
		return nil, &decodeError{what: "manifest of " + ref.String(), err: fmt.Errorf("neither an index nor an image manifest")}
	}
	return configPlatform(ctx, client, ref.Context(), m.Config.Digest)
}

// indexPlatforms lists the platforms of an index's manifests.
func indexPlatforms(m manifestHead) []string {
	var out []string
	for _, d := range m.Manifests {
		if d.Platform == nil || d.Platform.OS == "unknown" || d.Platform.OS == "" {
			continue
		}
		out = append(out, platformString(*d.Platform))
	}
	return out
}

// configPlatform reads the platform of a single image from its config blob.
func configPlatform(ctx context.Context, client *http.Client, repo name.Repository, digest string) ([]string, error) {
	body, got, err := getBlob(ctx, client, manifestURL(repo, "blobs", digest), "*/*")
	if err != nil {
		return nil, err
	}
	if got != digest {
		return nil, fmt.Errorf("config blob %s has digest %s", digest, got)
	}
	var cfg struct {
		OS           string `json:"os"`
		Architecture string `json:"architecture"`
		Variant      string `json:"variant"`
	}
	if err := json.Unmarshal(body, &cfg); err != nil {
		return nil, &decodeError{what: "image config " + digest, err: err}
	}
	if cfg.OS == "" || cfg.Architecture == "" {
		return nil, nil // an image without a platform satisfies no platform check
	}
	return []string{platformString(v1.Platform{OS: cfg.OS, Architecture: cfg.Architecture, Variant: cfg.Variant})}, nil
}

// platformString formats a platform as os/arch[/variant].
func platformString(p v1.Platform) string {
	return strings.TrimSuffix(strings.Join([]string{p.OS, p.Architecture, p.Variant}, "/"), "/")
}
