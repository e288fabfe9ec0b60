package adapt

import (
	"crypto/ed25519"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/crypto/ssh"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/updater/gitrepo"
)

func TestGitRef(t *testing.T) {
	const sha = "0123456789abcdef0123456789abcdef01234567"
	tests := []struct {
		name string
		ref  v1alpha1.GitRepositoryRef
		want gitrepo.Ref
		err  string
	}{
		{name: "nothing means master", want: gitrepo.Ref{Branch: "master"}},
		{name: "branch", ref: v1alpha1.GitRepositoryRef{Branch: "main"}, want: gitrepo.Ref{Branch: "main"}},
		{name: "semver over branch", ref: v1alpha1.GitRepositoryRef{Branch: "main", SemVer: "1.x"}, want: gitrepo.Ref{SemVer: "1.x"}},
		{name: "tag over semver", ref: v1alpha1.GitRepositoryRef{Tag: "v1", SemVer: "1.x"}, want: gitrepo.Ref{Tag: "v1"}},
		{name: "name over tag", ref: v1alpha1.GitRepositoryRef{Name: "refs/heads/dev", Tag: "v1"}, want: gitrepo.Ref{Branch: "dev"}},
		{name: "tag name", ref: v1alpha1.GitRepositoryRef{Name: "refs/tags/v2"}, want: gitrepo.Ref{Tag: "v2"}},
		{name: "commit wins and keeps its branch", ref: v1alpha1.GitRepositoryRef{Commit: sha, Branch: "main", Tag: "v1"},
			want: gitrepo.Ref{Commit: sha, Branch: "main"}},
		{name: "other ref names", ref: v1alpha1.GitRepositoryRef{Name: "refs/pull/1/head"},
			err: `name "refs/pull/1/head": only refs/heads/ and refs/tags/ references are supported`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := gitRef(tt.ref)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("gitRef() error = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("gitRef() = %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

func TestUpdatePath(t *testing.T) {
	tests := []struct{ in, want, err string }{
		{in: "", want: "."},
		{in: ".", want: "."},
		{in: "./clusters/prod/", want: "clusters/prod"},
		{in: "/clusters/prod", want: "clusters/prod"},
		{in: "a/../b", want: "b"},
		{in: "a/../../b", err: `spec.update.path: "a/../../b" leaves the repository`},
		{in: "..", err: `spec.update.path: ".." leaves the repository`},
	}
	for _, tt := range tests {
		got, err := updatePath(tt.in)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("updatePath(%q) error = %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("updatePath(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

// sshKey returns a new OpenSSH private key in PEM.
func sshKey(t *testing.T) []byte {
	t.Helper()
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(key, "")
	if err != nil {
		t.Fatal(err)
	}
	return pemEncode(block.Type, block.Bytes)
}

func automation(git *v1alpha1.GitSpec) *v1alpha1.ImageUpdateAutomation {
	return &v1alpha1.ImageUpdateAutomation{
		ObjectMeta: metav1.ObjectMeta{Name: "auto", Namespace: "apps"},
		Spec: v1alpha1.ImageUpdateAutomationSpec{
			Interval: metav1.Duration{Duration: time.Minute},
			GitSpec:  git,
			Update:   &v1alpha1.UpdateStrategy{Path: "./deploy"},
		},
	}
}

func gitSpec() *v1alpha1.GitSpec {
	return &v1alpha1.GitSpec{Commit: v1alpha1.CommitSpec{Author: v1alpha1.CommitUser{Name: "bot", Email: "bot@example.com"}}}
}

func TestAutomation(t *testing.T) {
	const knownHosts = "git.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n"
	tests := []struct {
		name    string
		git     func(*v1alpha1.GitSpec)
		src     GitSource
		signing map[string][]byte
		want    Git
	}{
		{
			name: "https with basic auth and a source ref",
			src: GitSource{Field: "spec.sourceRef", URL: "https://git.example.com/org/fleet.git",
				Ref: &v1alpha1.GitRepositoryRef{Branch: "main"}, Timeout: 30 * time.Second,
				Secret: map[string][]byte{KeyUsername: []byte("u"), KeyPassword: []byte("p")}},
			want: Git{URL: "https://git.example.com/org/fleet.git", Ref: gitrepo.Ref{Branch: "main"}, Timeout: 30 * time.Second, Path: "deploy"},
		},
		{
			name: "the automation's checkout ref wins over the source's",
			git: func(g *v1alpha1.GitSpec) {
				g.Checkout = &v1alpha1.GitCheckoutSpec{Reference: v1alpha1.GitRepositoryRef{Branch: "release"}}
				g.Push = &v1alpha1.PushSpec{Branch: "auto", Options: map[string]string{"merge_request.create": ""}}
				g.Commit.MessageTemplate = "{{ .Values.env }}"
				g.Commit.MessageTemplateValues = map[string]string{"env": "prod"}
			},
			src: GitSource{Field: "spec.sourceRef", URL: "https://git.example.com/org/fleet.git",
				Ref: &v1alpha1.GitRepositoryRef{Branch: "main"}, Secret: map[string][]byte{KeyBearerToken: []byte("t")}},
			want: Git{URL: "https://git.example.com/org/fleet.git", Ref: gitrepo.Ref{Branch: "release"}, Timeout: DefaultGitTimeout,
				Path: "deploy", Values: map[string]string{"env": "prod"}},
		},
		{
			name: "ssh with known_hosts and an ssh signing key",
			git: func(g *v1alpha1.GitSpec) {
				g.Commit.SigningKey = &v1alpha1.SigningKey{Type: v1alpha1.SigningKeyTypeSSH}
			},
			src:     InlineSource(automation(&v1alpha1.GitSpec{URL: "git@git.example.com:org/fleet.git"}), map[string][]byte{KeyIdentity: sshKey(t), KeyKnownHosts: []byte(knownHosts)}),
			signing: map[string][]byte{KeyIdentity: sshKey(t)},
			want:    Git{URL: "git@git.example.com:org/fleet.git", Ref: gitrepo.Ref{Branch: "master"}, Timeout: DefaultGitTimeout, Path: "deploy"},
		},
		{
			name: "through a proxy",
			src: GitSource{Field: "spec.sourceRef", URL: "https://git.example.com/org/fleet.git",
				Proxy: map[string][]byte{KeyProxyAddress: []byte("socks5://proxy:1080"), KeyUsername: []byte("u"), KeyPassword: []byte("p")}},
			want: Git{URL: "https://git.example.com/org/fleet.git", Ref: gitrepo.Ref{Branch: "master"}, Timeout: DefaultGitTimeout, Path: "deploy"},
		},
		{
			name: "plain http is allowed when written",
			src:  GitSource{Field: "spec.git.url", URL: "http://git.local/fleet.git"},
			want: Git{URL: "http://git.local/fleet.git", Ref: gitrepo.Ref{Branch: "master"}, Timeout: DefaultGitTimeout, Path: "deploy"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := gitSpec()
			if tt.git != nil {
				tt.git(spec)
			}
			got, err := Automation(automation(spec), tt.src, Secrets{SigningKey: tt.signing})
			if err != nil {
				t.Fatalf("Automation(): %v", err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Options" }, cmp.Ignore())); diff != "" {
				t.Errorf("Automation() mismatch (-want +got):\n%s", diff)
			}
			if _, err := gitrepo.New(got.URL, got.Ref, append(got.Options, gitrepo.WithCacheDir(t.TempDir()))...); err != nil {
				t.Errorf("gitrepo.New() with the converted options: %v", err)
			}
		})
	}
}

func TestAutomationErrors(t *testing.T) {
	https := GitSource{Field: "spec.sourceRef", URL: "https://git.example.com/org/fleet.git"}
	ssh := GitSource{Field: "spec.git.url", URL: "ssh://git@git.example.com/org/fleet.git"}
	tests := []struct {
		name    string
		git     func(*v1alpha1.GitSpec)
		src     GitSource
		signing map[string][]byte
		forge   map[string][]byte
		want    []string
	}{
		{name: "no URL", src: GitSource{Field: "spec.git.url"}, want: []string{"spec.git.url: required"}},
		{name: "ssh without known_hosts", src: withSecret(ssh, KeyIdentity, "key"),
			want: []string{"spec.git.url: credentials: secret has no known_hosts key: it is required with identity"}},
		{name: "ssh without identity", src: withSecret(ssh, KeyUsername, "u"),
			want: []string{"spec.git.url: credentials: secret has no identity key for an SSH URL"}},
		{name: "unreadable ssh key", src: withSecret(withSecret(ssh, KeyIdentity, "not a key"), KeyKnownHosts, "x"),
			want: []string{"spec.git.url: "}},
		{name: "proxy without address", src: GitSource{Field: "spec.sourceRef", URL: "https://git.example.com/x.git", Proxy: map[string][]byte{}},
			want: []string{"spec.sourceRef: proxy: secret has no address key"}},
		{name: "half a client certificate", src: withSecret(https, KeyCert, "c"),
			want: []string{"spec.sourceRef: credentials: secret needs both tls.crt and tls.key for a client certificate"}},
		{name: "gpg key missing", git: func(g *v1alpha1.GitSpec) { g.Commit.SigningKey = &v1alpha1.SigningKey{} }, src: https,
			signing: map[string][]byte{KeyPassphrase: []byte("x")},
			want:    []string{"spec.git.commit.signingKey: secret has no git.asc key"}},
		{name: "unreadable gpg key", git: func(g *v1alpha1.GitSpec) { g.Commit.SigningKey = &v1alpha1.SigningKey{} }, src: https,
			signing: map[string][]byte{KeyGPGKey: []byte("nope")},
			want:    []string{"spec.git.commit.signingKey: "}},
		{name: "signing data not given", git: func(g *v1alpha1.GitSpec) { g.Commit.SigningKey = &v1alpha1.SigningKey{} }, src: https,
			want: []string{"spec.git.commit.signingKey: secret data not given"}},
		{name: "removed template field", git: func(g *v1alpha1.GitSpec) { g.Commit.MessageTemplate = "{{ .Changed.ImageResult }}" }, src: https,
			want: []string{"spec.git.commit.messageTemplate: template field .Changed.ImageResult was removed by Flux: use .Changed.FileChanges, .Changed.Objects or .Changed.Changes"}},
		{name: "template that does not parse", git: func(g *v1alpha1.GitSpec) { g.Commit.MessageTemplate = "{{ .Values" }, src: https,
			want: []string{"spec.git.commit.messageTemplate: "}},
		{name: "bad push branch", git: func(g *v1alpha1.GitSpec) { g.Push = &v1alpha1.PushSpec{Branch: "a..b"} }, src: https,
			want: []string{`spec.git.push: configuring git repository: push branch: branch "a..b"`}},
		{name: "tag checkout without push branch", git: func(g *v1alpha1.GitSpec) {
			g.Checkout = &v1alpha1.GitCheckoutSpec{Reference: v1alpha1.GitRepositoryRef{Tag: "v1"}}
		}, src: https, want: []string{"spec.git.checkout.ref: checkout ref: a tag, semver or commit checkout needs a push branch other than the checkout branch"}},
		{name: "pull request without push branch", git: func(g *v1alpha1.GitSpec) {
			g.PullRequest = &v1alpha1.PullRequestSpec{Provider: v1alpha1.GitHubProvider}
		}, src: https, forge: token, want: []string{`spec.git.push.branch: required with spec.git.pullRequest, and different from the checkout branch "master"`}},
		{name: "pull request into a tag", git: func(g *v1alpha1.GitSpec) {
			g.Checkout = &v1alpha1.GitCheckoutSpec{Reference: v1alpha1.GitRepositoryRef{Tag: "v1"}}
			g.Push = &v1alpha1.PushSpec{Branch: "auto"}
			g.PullRequest = &v1alpha1.PullRequestSpec{Provider: v1alpha1.GitHubProvider}
		}, src: https, forge: token, want: []string{"spec.git.checkout.ref.branch: required with spec.git.pullRequest"}},
		{name: "pull request templates and token", git: func(g *v1alpha1.GitSpec) {
			g.Push = &v1alpha1.PushSpec{Branch: "auto"}
			g.PullRequest = &v1alpha1.PullRequestSpec{Provider: v1alpha1.GitLabProvider, Title: "{{ .Changed", Body: "{{ .Updated }}"}
		}, src: https, forge: map[string][]byte{"other": []byte("x")}, want: []string{
			"spec.git.pullRequest.title: template: spec.git.pullRequest.title:1: unclosed action",
			"spec.git.pullRequest.body: template field .Updated was removed by Flux",
			"spec.git.pullRequest.secretRef: secret has no token key",
		}},
		{name: "pull request secret not given", git: func(g *v1alpha1.GitSpec) {
			g.Push = &v1alpha1.PushSpec{Branch: "auto"}
			g.PullRequest = &v1alpha1.PullRequestSpec{Provider: v1alpha1.GiteaProvider}
		}, src: https, want: []string{"spec.git.pullRequest.secretRef: secret data not given"}},
		{name: "pull request on a URL without owner", git: func(g *v1alpha1.GitSpec) {
			g.Push = &v1alpha1.PushSpec{Branch: "auto"}
			g.PullRequest = &v1alpha1.PullRequestSpec{Provider: v1alpha1.GiteaProvider}
		}, src: GitSource{Field: "spec.git.url", URL: "https://git.example.com/fleet.git"}, forge: token,
			want: []string{`spec.git.pullRequest: git URL "https://git.example.com/fleet.git" does not name a repository`}},
		{name: "github app with a bad id", git: func(g *v1alpha1.GitSpec) {
			g.Push = &v1alpha1.PushSpec{Branch: "auto"}
			g.PullRequest = &v1alpha1.PullRequestSpec{Provider: v1alpha1.GitHubProvider}
		}, src: https, forge: map[string][]byte{KeyGitHubAppID: []byte("x"), KeyGitHubAppInstallationID: []byte("2"), KeyGitHubAppPrivateKey: []byte("k")},
			want: []string{"spec.git.pullRequest.secretRef: secret key githubAppID: want a number"}},
		{name: "unknown provider", git: func(g *v1alpha1.GitSpec) {
			g.Push = &v1alpha1.PushSpec{Branch: "auto"}
			g.PullRequest = &v1alpha1.PullRequestSpec{Provider: "bitbucket"}
		}, src: https, forge: token, want: []string{"spec.git.pullRequest: unknown pull request provider"}},
		{name: "no git", src: https, want: []string{"spec.git: required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := automation(gitSpec())
			if tt.git != nil {
				tt.git(a.Spec.GitSpec)
			}
			if tt.name == "no git" {
				a.Spec.GitSpec = nil
			}
			_, err := Automation(a, tt.src, Secrets{SigningKey: tt.signing, PullRequest: tt.forge})
			got := errorMessages(err)
			if len(got) != len(tt.want) {
				t.Fatalf("Automation() errors = %q, want %q", got, tt.want)
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tt.want[i]) {
					t.Errorf("Automation() error %d = %q, want prefix %q", i, got[i], tt.want[i])
				}
			}
		})
	}
}

var token = map[string][]byte{KeyToken: []byte("t0ken")}

func withSecret(src GitSource, key, value string) GitSource {
	data := map[string][]byte{key: []byte(value)}
	for k, v := range src.Secret {
		data[k] = v
	}
	src.Secret = data
	return src
}
