package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// Registry is an in-memory OCI registry served over plain HTTP on a loopback port.
type Registry struct {
	srv  *http.Server
	host string
	done chan error
}

// StartRegistry starts a registry on 127.0.0.1 on a free port. The caller closes it.
func StartRegistry() (*Registry, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("starting registry: %w", err)
	}
	r := &Registry{
		srv:  &http.Server{Handler: registry.New(registry.Logger(log.New(io.Discard, "", 0)))},
		host: l.Addr().String(),
		done: make(chan error, 1),
	}
	go func() { r.done <- r.srv.Serve(l) }()
	return r, nil
}

// Host returns the registry's host:port.
func (r *Registry) Host() string { return r.host }

// Image returns the full name of repo in this registry, such as 127.0.0.1:5000/demo/app.
func (r *Registry) Image(repo string) string { return r.host + "/" + repo }

// Push pushes one small random image to repo and tags it with each of tags.
func (r *Registry) Push(ctx context.Context, repo string, tags ...string) error {
	img, err := random.Image(256, 1)
	if err != nil {
		return fmt.Errorf("making an image: %w", err)
	}
	for _, tag := range tags {
		ref, err := name.NewTag(r.Image(repo)+":"+tag, name.Insecure)
		if err != nil {
			return fmt.Errorf("pushing %s:%s: %w", repo, tag, err)
		}
		if err := remote.Write(ref, img, remote.WithContext(ctx)); err != nil {
			return fmt.Errorf("pushing %s: %w", ref, err)
		}
	}
	return nil
}

// Close stops the registry.
func (r *Registry) Close() error {
	err := r.srv.Close()
	if serr := <-r.done; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}
