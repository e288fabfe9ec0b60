package config

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/updater/gitrepo"
)

func loadValid(t *testing.T) *Set {
	t.Helper()
	s, err := Load("testdata/valid")
	if err != nil {
		t.Fatalf("Load(testdata/valid): %v", err)
	}
	return s
}

// names lists the objects of a set as "Kind namespace/name", in load order.
func names(s *Set) []string {
	var out []string
	add := func(kind string, objs ...object) {
		for _, o := range objs {
			out = append(out, kind+" "+o.GetNamespace()+"/"+o.GetName())
		}
	}
	for _, o := range s.Namespaces {
		add(KindNamespace, o)
	}
	for _, o := range s.Secrets {
		add(KindSecret, o)
	}
	for _, o := range s.GitRepositories {
		add(KindGitRepository, o)
	}
	for _, o := range s.Repositories {
		add(KindImageRepository, o)
	}
	for _, o := range s.Policies {
		add(KindImagePolicy, o)
	}
	for _, o := range s.Automations {
		add(KindImageUpdateAutomation, o)
	}
	return out
}

func TestLoadDirectory(t *testing.T) {
	s := loadValid(t)
	want := []string{
		"Namespace /team-a",
		"Secret apps/git-proxy",
		"Secret apps/git-https",
		"Secret apps/regcred",
		"GitRepository apps/fleet",
		"ImageRepository apps/web",
		"ImageRepository default/api",
		"ImagePolicy apps/web",
		"ImagePolicy apps/web-main",
		"ImagePolicy team-a/web",
		"ImageUpdateAutomation apps/fleet",
		"ImageUpdateAutomation default/local",
	}
	if diff := cmp.Diff(want, names(s)); diff != "" {
		t.Errorf("loaded objects mismatch (-want +got):\n%s", diff)
	}
	if got, want := s.Origin(KindImagePolicy, "team-a", "web"), "testdata/valid/policies.yaml: document 3"; got != want {
		t.Errorf("Origin() = %q, want %q", got, want)
	}
}

func TestLoadDefaults(t *testing.T) {
	s := loadValid(t)
	web, _ := s.Repository("apps", "web")
	api, _ := s.Repository(DefaultNamespace, "api")
	type repoDefaults struct {
		Provider      string
		ExclusionList []string
	}
	got := []repoDefaults{{web.Spec.Provider, web.Spec.ExclusionList}, {api.Spec.Provider, api.Spec.ExclusionList}}
	want := []repoDefaults{{"generic", []string{`^.*\.sig$`}}, {"generic", []string{"^dev-"}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ImageRepository defaults mismatch (-want +got):\n%s", diff)
	}

	mainPolicy, _ := s.Policy("apps", "web-main")
	teamPolicy, _ := s.Policy("team-a", "web")
	gotPolicies := []string{
		string(mainPolicy.Spec.DigestReflectionPolicy), mainPolicy.Spec.Policy.Numerical.Order,
		string(teamPolicy.Spec.DigestReflectionPolicy), teamPolicy.Spec.Policy.Alphabetical.Order,
	}
	if diff := cmp.Diff([]string{"Never", "asc", "Always", "asc"}, gotPolicies); diff != "" {
		t.Errorf("ImagePolicy defaults mismatch (-want +got):\n%s", diff)
	}

	auto := s.Automations[0]
	if diff := cmp.Diff(&v1alpha1.UpdateStrategy{Strategy: "Setters", Path: "./clusters/prod"}, auto.Spec.Update); diff != "" {
		t.Errorf("update defaults mismatch (-want +got):\n%s", diff)
	}
	if auto.Spec.SourceRef.Kind != KindGitRepository {
		t.Errorf("sourceRef.kind = %q, want the default %q", auto.Spec.SourceRef.Kind, KindGitRepository)
	}
	fleet, _ := s.GitRepository("apps", "fleet")
	if diff := cmp.Diff(&metav1.Duration{Duration: time.Minute}, fleet.Spec.Timeout); diff != "" {
		t.Errorf("GitRepository timeout default mismatch (-want +got):\n%s", diff)
	}
}

func TestLoadSecrets(t *testing.T) {
	s := loadValid(t)
	https, ok := s.Secret("apps", "git-https")
	if !ok {
		t.Fatal("Secret apps/git-https not found")
	}
	want := map[string][]byte{"username": []byte("bot"), "password": []byte("s3cret")}
	if diff := cmp.Diff(want, https.Data); diff != "" {
		t.Errorf("stringData not merged into data (-want +got):\n%s", diff)
	}
	regcred, _ := s.Secret("apps", "regcred")
	if got := string(regcred.Data[".dockerconfigjson"]); !strings.HasPrefix(got, `{"auths"`) {
		t.Errorf("data not base64-decoded: %q", got)
	}
	if _, ok := s.Secret(DefaultNamespace, "git-https"); ok {
		t.Error("Secret found in the wrong namespace")
	}
}

func TestLoadResolvesReferences(t *testing.T) {
	s := loadValid(t)
	teamPolicy, _ := s.Policy("team-a", "web")
	repo, err := s.RepositoryFor(teamPolicy)
	if err != nil || repo.Name != "web" || repo.Namespace != "apps" {
		t.Errorf("RepositoryFor(team-a/web) = %v, %v; want apps/web allowed by accessFrom", repo, err)
	}

	var selected []string
	policies, err := s.PoliciesFor(s.Automations[0])
	for _, p := range policies {
		selected = append(selected, p.Namespace+"/"+p.Name)
	}
	if err != nil || !cmp.Equal([]string{"apps/web"}, selected) {
		t.Errorf("PoliciesFor(apps/fleet) = %v, %v; want [apps/web] (selected by label)", selected, err)
	}
	all, _ := s.PoliciesFor(s.Automations[1])
	if len(all) != 0 {
		t.Errorf("PoliciesFor(default/local) = %d policies, want none (no policy in namespace default)", len(all))
	}

	git, err := s.GitFor(s.Automations[0])
	if err != nil {
		t.Fatalf("GitFor(apps/fleet): %v", err)
	}
	got := struct {
		URL     string
		Ref     gitrepo.Ref
		Path    string
		Timeout time.Duration
		Values  map[string]string
	}{git.URL, git.Ref, git.Path, git.Timeout, git.Values}
	want := got
	want.URL, want.Ref, want.Path = "https://git.example.com/org/fleet.git", gitrepo.Ref{Branch: "release"}, "clusters/prod"
	want.Timeout, want.Values = time.Minute, map[string]string{"env": "prod"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("GitFor(apps/fleet) mismatch (-want +got):\n%s", diff)
	}

	local, err := s.GitFor(s.Automations[1])
	if err != nil || local.Ref != (gitrepo.Ref{Branch: "master"}) || local.URL != "file:///srv/git/demo.git" {
		t.Errorf("GitFor(default/local) = %+v, %v; want file URL on the default branch master", local, err)
	}

	scan, err := s.ScanFor(repo)
	if err != nil || scan.Image != "ghcr.io/org/web" || scan.Interval != 5*time.Minute {
		t.Errorf("ScanFor(apps/web) = %+v, %v", scan, err)
	}
}

func TestLoadPaths(t *testing.T) {
	tests := []struct {
		name  string
		paths []string
		want  []string
	}{
		{name: "no paths", want: []string{"loading configuration: no files or directories given"}},
		{name: "missing path", paths: []string{"testdata/nope.yaml"}, want: []string{"testdata/nope.yaml: no such file or directory"}},
		{name: "empty directory", paths: []string{t.TempDir()}, want: []string{"directory holds no *.yaml or *.yml files"}},
		{name: "a file given twice and in its directory is read once", paths: []string{
			"testdata/valid/policies.yaml", "testdata/valid", "./testdata/valid/policies.yaml",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(tt.paths...)
			got := messages(err)
			for i := range got {
				if tt.name == "empty directory" {
					got[i] = got[i][strings.Index(got[i], ": ")+2:]
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Load(%q) errors mismatch (-want +got):\n%s", tt.paths, diff)
			}
		})
	}
}

// messages splits an error made by errors.Join into its messages.
func messages(err error) []string {
	if err == nil {
		return nil
	}
	var joined interface{ Unwrap() []error }
	if !errors.As(err, &joined) {
		return []string{err.Error()}
	}
	var out []string
	for _, e := range joined.Unwrap() {
		out = append(out, e.Error())
	}
	return out
}
