package scanner

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// maxManifestSize bounds how much of a manifest or config is read (4 MiB, as Distribution).
const maxManifestSize = 4 << 20

// manifestAccept lists the manifest media types asked for, indexes first.
var manifestAccept = strings.Join([]string{
	string(types.OCIImageIndex),
	string(types.DockerManifestList),
	string(types.OCIManifestSchema1),
	string(types.DockerManifestSchema2),
}, ", ")

// Digest returns the digest of image:tag as the registry serves it, by a manifest HEAD
// (falling back to a GET when the registry sends no Docker-Content-Digest). For a
// multi-platform image this is the digest of the index, which is what to pin.
func (s *Scanner) Digest(ctx context.Context, image, tag string) (string, error) {
	const op = "resolving the digest of"
	ref, err := s.tag(image, tag)
	if err != nil {
		return "", configError(op, image+":"+tag, err)
	}
	ctx, cancel := context.WithTimeout(ctx, s.opts.timeout)
	defer cancel()
	client, err := s.client(ctx, ref.Context())
	if err != nil {
		return "", classify(op, ref.String(), err)
	}
	d, err := headDigest(ctx, client, ref)
	if err == nil && d == "" {
		_, d, err = getManifest(ctx, client, ref)
	}
	if err != nil {
		return "", classify(op, ref.String(), err)
	}
	return d, nil
}

// tag parses image and tag into a reference.
func (s *Scanner) tag(image, tag string) (name.Tag, error) {
	repo, err := s.repository(image)
	if err != nil {
		return name.Tag{}, err
	}
	t, err := name.NewTag(repo.Name()+":"+tag, s.nameOptions()...)
	if err != nil {
		return name.Tag{}, fmt.Errorf("parsing tag %q: %w", tag, err)
	}
	return t, nil
}

// manifestURL is the URL of the manifest (or, for "blobs", the blob) named by ref.
func manifestURL(repo name.Repository, kind, ref string) string {
	u := url.URL{
		Scheme: repo.Scheme(),
		Host:   repo.RegistryStr(),
		Path:   fmt.Sprintf("/v2/%s/%s/%s", repo.RepositoryStr(), kind, ref),
	}
	return u.String()
}

// headDigest sends a manifest HEAD and returns the Docker-Content-Digest header, which may
// be empty.
func headDigest(ctx context.Context, client *http.Client, ref name.Tag) (string, error) {
	resp, err := do(ctx, client, http.MethodHead, manifestURL(ref.Context(), "manifests", ref.TagStr()), manifestAccept)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	return resp.Header.Get("Docker-Content-Digest"), nil
}

// getManifest fetches a manifest and returns its body and digest (computed from the body).
func getManifest(ctx context.Context, client *http.Client, ref name.Tag) ([]byte, string, error) {
	return getBlob(ctx, client, manifestURL(ref.Context(), "manifests", ref.TagStr()), manifestAccept)
}

// getBlob GETs u and returns the body, at most maxManifestSize bytes, and its digest.
func getBlob(ctx context.Context, client *http.Client, u, accept string) ([]byte, string, error) {
	resp, err := do(ctx, client, http.MethodGet, u, accept)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxManifestSize+1))
	if err != nil {
		return nil, "", err
	}
	if len(body) > maxManifestSize {
		return nil, "", fmt.Errorf("%s is larger than %d bytes", u, maxManifestSize)
	}
	sum := sha256.Sum256(body)
	return body, "sha256:" + hex.EncodeToString(sum[:]), nil
}

// do sends a request and checks for a 200 answer.
func do(ctx context.Context, client *http.Client, method, u, accept string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", accept)
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	if err := transport.CheckError(resp, http.StatusOK); err != nil {
		resp.Body.Close()
		return nil, err
	}
	return resp, nil
}
