package gitrepo_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/tagflow/tagflow/internal/testenv/gitserver"
	"github.com/tagflow/tagflow/updater/gitrepo"
)

// change, changed and templateData mimic the data Flux gives commit message templates.
type change struct{ OldValue, NewValue, Setter string }

type changed struct{ Changes []change }

type templateData struct {
	AutomationObject string
	Changed          changed
	Values           map[string]string
}

// transport is one way of reaching the test server.
type transport struct {
	name string
	url  func(s *gitserver.Server, repo string) string
	opts func(s *gitserver.Server) []gitrepo.Option
}

var transports = []transport{
	{
		name: "http",
		url:  (*gitserver.Server).HTTPURL,
		opts: func(s *gitserver.Server) []gitrepo.Option {
			return []gitrepo.Option{gitrepo.WithAllowHTTP(), gitrepo.WithBasicAuth(s.Username, s.Password)}
		},
	},
	{
		name: "ssh",
		url:  (*gitserver.Server).SSHURL,
		opts: func(s *gitserver.Server) []gitrepo.Option {
			return []gitrepo.Option{gitrepo.WithSSHKey(s.ClientKeyPEM, ""), gitrepo.WithKnownHosts(s.KnownHosts)}
		},
	},
}

const initialDeploy = "image: app:1.0.0 # {\"$imagepolicy\": \"apps:app\"}\n"

// newRepoName creates a repository holding deploy.yaml on main and returns its name.
func newRepoName(t *testing.T, s *gitserver.Server) string {
	t.Helper()
	name := fmt.Sprintf("r%d", repoSeq.Add(1))
	s.CreateRepo(t, name, map[string]string{"deploy.yaml": initialDeploy}, "main")
	return name
}

var repoSeq atomic.Int64

// newRepo builds a Repo over tr for repository name with a private cache and fast retries.
func newRepo(t *testing.T, s *gitserver.Server, tr transport, name string, ref gitrepo.Ref, extra ...gitrepo.Option) *gitrepo.Repo {
	t.Helper()
	opts := append(tr.opts(s),
		gitrepo.WithCacheDir(t.TempDir()),
		gitrepo.WithAuthor("tagflow bot", "bot@tagflow.invalid"),
		gitrepo.WithBackoff(0, 0),
	)
	r, err := gitrepo.New(tr.url(s, name), ref, append(opts, extra...)...)
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}
	return r
}

// setImage returns an UpdateFunc that writes deploy.yaml with tag, and calls before (if
// not nil) with the attempt number before writing.
func setImage(tag string, before func(attempt int)) (gitrepo.UpdateFunc, *atomic.Int32) {
	var calls atomic.Int32
	return func(ctx context.Context, dir string) (gitrepo.Changes, error) {
		n := int(calls.Add(1))
		if before != nil {
			before(n)
		}
		content := "image: app:" + tag + " # {\"$imagepolicy\": \"apps:app\"}\n"
		if err := os.WriteFile(filepath.Join(dir, "deploy.yaml"), []byte(content), 0o644); err != nil {
			return gitrepo.Changes{}, err
		}
		return gitrepo.Changes{
			Files: []string{"deploy.yaml"},
			TemplateData: templateData{
				AutomationObject: "apps/auto",
				Changed:          changed{Changes: []change{{OldValue: "app:1.0.0", NewValue: "app:" + tag, Setter: "apps:app"}}},
			},
		}, nil
	}, &calls
}

// forEachTransport runs f as a subtest per transport against one server speaking both.
func forEachTransport(t *testing.T, f func(t *testing.T, s *gitserver.Server, tr transport)) {
	t.Helper()
	s := gitserver.Start(t, gitserver.Options{SSH: true})
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) { f(t, s, tr) })
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	return string(b)
}
