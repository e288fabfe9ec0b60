package registry

import (
	"fmt"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// PushTags pushes one small random image to repo under every tag and returns each tag's
// manifest digest. All tags share the image, so all digests are equal; call PushTags
// again for a different digest.
func (s *Server) PushTags(t testing.TB, repo string, tags ...string) map[string]string {
	t.Helper()
	img, err := random.Image(256, 1)
	if err != nil {
		t.Fatalf("generating image: %v", err)
	}
	digest, err := img.Digest()
	if err != nil {
		t.Fatalf("computing image digest: %v", err)
	}
	pusher, err := remote.NewPusher(s.RemoteOptions(t.Context())...)
	if err != nil {
		t.Fatalf("creating pusher: %v", err)
	}
	r := s.Repository(t, repo)
	out := make(map[string]string, len(tags))
	for _, tag := range tags {
		if err := pusher.Push(t.Context(), r.Tag(tag), img); err != nil {
			t.Fatalf("pushing %s:%s: %v", r, tag, err)
		}
		out[tag] = digest.String()
	}
	return out
}

// PushIndex pushes a multi-platform image index to repo:tag with one small random image
// per platform ("os/arch" or "os/arch/variant") and returns the index digest.
func (s *Server) PushIndex(t testing.TB, repo, tag string, platforms ...string) string {
	t.Helper()
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	for _, p := range platforms {
		plat, err := parsePlatform(p)
		if err != nil {
			t.Fatalf("pushing index %s:%s: %v", repo, tag, err)
		}
		img, err := platformImage(plat)
		if err != nil {
			t.Fatalf("pushing index %s:%s: image for %s: %v", repo, tag, p, err)
		}
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{
			Add:        img,
			Descriptor: v1.Descriptor{Platform: plat},
		})
	}
	ref := s.Repository(t, repo).Tag(tag)
	if err := remote.WriteIndex(ref, idx, s.RemoteOptions(t.Context())...); err != nil {
		t.Fatalf("pushing index %s: %v", ref, err)
	}
	d, err := idx.Digest()
	if err != nil {
		t.Fatalf("computing index digest: %v", err)
	}
	return d.String()
}

// platformImage returns a random OCI image whose config names plat.
func platformImage(plat *v1.Platform) (v1.Image, error) {
	img, err := random.Image(128, 1)
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture, cf.Variant = plat.OS, plat.Architecture, plat.Variant
	return mutate.ConfigFile(img, cf)
}

// parsePlatform parses "os/arch" or "os/arch/variant".
func parsePlatform(s string) (*v1.Platform, error) {
	parts := strings.Split(s, "/")
	if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
		return nil, fmt.Errorf("platform %q is not os/arch[/variant]", s)
	}
	p := &v1.Platform{OS: parts[0], Architecture: parts[1]}
	if len(parts) == 3 {
		p.Variant = parts[2]
	}
	return p, nil
}
