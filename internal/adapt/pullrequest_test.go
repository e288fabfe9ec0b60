package adapt

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/internal/forge"
	"github.com/tagflow/tagflow/updater"
)

func TestAutomationPullRequest(t *testing.T) {
	app := map[string][]byte{KeyGitHubAppID: []byte("12"), KeyGitHubAppInstallationID: []byte(" 34\n"), KeyGitHubAppPrivateKey: rsaKeyPEM(t)}
	tests := []struct {
		name     string
		provider v1alpha1.PullRequestProvider
		url      string // spec.git.pullRequest.url
		gitURL   string
		secret   map[string][]byte
		want     forge.Config
	}{
		{"github.com over https", v1alpha1.GitHubProvider, "", "https://github.com/org/fleet.git", token,
			forge.Config{Repository: "org/fleet", Token: "t0ken"}},
		{"github.com over scp-like ssh, as an App", v1alpha1.GitHubProvider, "", "git@github.com:org/fleet.git", app,
			forge.Config{Repository: "org/fleet", App: &forge.GitHubApp{AppID: 12, InstallationID: 34, PrivateKey: app[KeyGitHubAppPrivateKey]}}},
		{"enterprise server from the host", v1alpha1.GitHubProvider, "", "ssh://git@ghe.example.com/org/fleet.git", token,
			forge.Config{URL: "https://ghe.example.com", Repository: "org/fleet", Token: "t0ken"}},
		{"gitlab subgroup", v1alpha1.GitLabProvider, "", "https://gitlab.example.com/group/sub/fleet.git", token,
			forge.Config{URL: "https://gitlab.example.com", Repository: "group/sub/fleet", Token: "t0ken"}},
		{"gitea over http keeps the port", v1alpha1.GiteaProvider, "", "http://127.0.0.1:3000/admin/fleet.git", token,
			forge.Config{URL: "http://127.0.0.1:3000", Repository: "admin/fleet", Token: "t0ken"}},
		{"explicit url wins", v1alpha1.GiteaProvider, "https://forge.example.com/gitea", "ssh://git@forge.example.com:2222/admin/fleet.git", token,
			forge.Config{URL: "https://forge.example.com/gitea", Repository: "admin/fleet", Token: "t0ken"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := gitSpec()
			spec.Checkout = &v1alpha1.GitCheckoutSpec{Reference: v1alpha1.GitRepositoryRef{Branch: "main"}}
			spec.Push = &v1alpha1.PushSpec{Branch: "tagflow/fleet"}
			spec.PullRequest = &v1alpha1.PullRequestSpec{Provider: tt.provider, URL: tt.url, Labels: []string{"automated"}, Draft: true, DeleteBranchWhenDone: true}
			src := GitSource{Field: "spec.git.url", URL: tt.gitURL}
			if strings.HasPrefix(tt.gitURL, "ssh://") || strings.HasPrefix(tt.gitURL, "git@") {
				src.Secret = map[string][]byte{KeyIdentity: sshKey(t), KeyKnownHosts: []byte("h ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n")}
			}
			got, err := Automation(automation(spec), src, Secrets{PullRequest: tt.secret})
			if err != nil {
				t.Fatalf("Automation(): %v", err)
			}
			pr := got.PullRequest
			if pr == nil || pr.Config.HTTPClient == nil {
				t.Fatalf("PullRequest = %+v, want one with an HTTP client", pr)
			}
			pr.Config.HTTPClient = nil
			if diff := cmp.Diff(tt.want, pr.Config); diff != "" {
				t.Errorf("forge config mismatch (-want +got):\n%s", diff)
			}
			if pr.Provider != tt.provider || pr.Head != "tagflow/fleet" || pr.Base != "main" || !pr.Draft || !pr.CloseWhenDone ||
				!cmp.Equal(pr.Labels, []string{"automated"}) {
				t.Errorf("PullRequest = %+v", pr)
			}
		})
	}
}

func TestPullRequestCA(t *testing.T) {
	if _, err := forgeHTTPClient(map[string][]byte{KeyCA: []byte("not pem")}); err == nil || !strings.Contains(err.Error(), "ca.crt") {
		t.Errorf("forgeHTTPClient(bad ca.crt) error = %v, want it named", err)
	}
	c, err := forgeHTTPClient(map[string][]byte{KeyCA: caPEM(t)})
	if err != nil || c.Timeout != forgeTimeout {
		t.Errorf("forgeHTTPClient(ca.crt) = %+v, %v", c, err)
	}
}

func TestPullRequestText(t *testing.T) {
	a := automation(gitSpec())
	result := &updater.Result{}
	data := NewTemplateData(a, result, map[string]string{"env": "prod"})
	const message = "Update app to 1.2.0\n\n- app:1.1.0 -> app:1.2.0\n"
	tests := []struct {
		name, title, body string
		want              forge.Request
		wantErr           string
	}{
		{name: "defaults come from the commit message",
			want: forge.Request{Title: "Update app to 1.2.0", Body: "- app:1.1.0 -> app:1.2.0"}},
		{name: "templates over the commit message data, title on one line", title: "Deploy {{ .Values.env }}\n {{ .AutomationObject }} ", body: "for {{ .AutomationObject.Name }}\n",
			want: forge.Request{Title: "Deploy prod apps/auto", Body: "for auto"}},
		{name: "empty title", title: "{{ if false }}x{{ end }}", wantErr: "the title is empty"},
		{name: "failing template", body: "{{ .Nope }}", wantErr: "rendering spec.git.pullRequest.body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := &v1alpha1.PullRequestSpec{Provider: v1alpha1.GiteaProvider, Title: tt.title, Body: tt.body, Labels: []string{"l"}}
			pr, err := pullRequest(spec, "https://gitea.example.com/org/fleet.git", "main", "auto", token)
			if err != nil {
				t.Fatalf("pullRequest(): %v", err)
			}
			got, err := pr.request(message, data, true)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("request() error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			tt.want.Head, tt.want.Base, tt.want.Labels = "auto", "main", []string{"l"}
			if err != nil {
				t.Fatalf("request(): %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("request() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPullRequestMessages(t *testing.T) {
	pr := &forge.PullRequest{Number: 7, URL: "https://f/pr/7", State: forge.StateMerged}
	tests := []struct {
		out  forge.Outcome
		want string
	}{
		{forge.Outcome{Action: forge.Opened, PullRequest: pr}, "opened pull request #7 (https://f/pr/7)"},
		{forge.Outcome{Action: forge.Unchanged, PullRequest: pr}, "pull request #7 (https://f/pr/7) is up to date"},
		{forge.Outcome{Action: forge.LeftAlone, PullRequest: pr}, "pull request #7 (https://f/pr/7) left alone"},
		{forge.Outcome{Action: forge.Done, PullRequest: pr}, "pull request #7 (https://f/pr/7) is merged"},
		{forge.Outcome{Action: forge.Done}, ""},
	}
	for _, tt := range tests {
		if got := PullRequestMessage(tt.out); got != tt.want {
			t.Errorf("PullRequestMessage(%v) = %q, want %q", tt.out.Action, got, tt.want)
		}
	}
	want := &v1alpha1.PullRequestStatus{URL: "https://f/pr/7", Number: 7, State: "merged", Branch: "auto"}
	if diff := cmp.Diff(want, PullRequestStatus(forge.Outcome{PullRequest: pr}, "auto")); diff != "" {
		t.Errorf("PullRequestStatus() mismatch (-want +got):\n%s", diff)
	}
	if PullRequestStatus(forge.Outcome{}, "auto") != nil {
		t.Errorf("PullRequestStatus() without a pull request is not nil")
	}
}

func rsaKeyPEM(t *testing.T) []byte {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
}

func caPEM(t *testing.T) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "forge CA"}, IsCA: true,
		NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour), BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func TestReportNotable(t *testing.T) {
	for action, want := range map[forge.Action]bool{forge.Opened: true, forge.Updated: true, forge.Closed: true,
		forge.Unchanged: false, forge.Done: false, forge.LeftAlone: false, "": false} {
		if got := (Report{PullRequestAction: action}).Notable(); got != want {
			t.Errorf("Report{%q}.Notable() = %v, want %v", action, got, want)
		}
	}
	if !(Report{PullRequestAction: forge.Done, BranchDeleted: true}).Notable() {
		t.Errorf("a deleted branch is not notable")
	}
}
