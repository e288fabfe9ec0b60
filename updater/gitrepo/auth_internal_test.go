package gitrepo

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseURL(t *testing.T) {
	for _, tc := range []struct {
		raw       string
		allowHTTP bool
		want      remoteURL
		wantErr   string
	}{
		{raw: "https://github.com/org/repo.git", want: remoteURL{clean: "https://github.com/org/repo.git", scheme: "https", host: "github.com"}},
		{raw: "https://bot:s3cret@git.example.com/org/repo", want: remoteURL{clean: "https://git.example.com/org/repo", scheme: "https", host: "git.example.com", user: "bot", password: "s3cret"}},
		{raw: "http://git.local/repo", wantErr: "http:// is not allowed"},
		{raw: "http://git.local:8080/repo", allowHTTP: true, want: remoteURL{clean: "http://git.local:8080/repo", scheme: "http", host: "git.local:8080"}},
		{raw: "ssh://git@github.com/org/repo.git", want: remoteURL{clean: "ssh://git@github.com/org/repo.git", scheme: "ssh", host: "github.com:22", user: "git"}},
		{raw: "ssh://git:pw@[::1]:2222/repo", want: remoteURL{clean: "ssh://git@[::1]:2222/repo", scheme: "ssh", host: "[::1]:2222", user: "git", password: "pw"}},
		{raw: "git@github.com:org/repo.git", want: remoteURL{clean: "git@github.com:org/repo.git", scheme: "ssh", host: "github.com:22", user: "git"}},
		{raw: "github.com:org/repo.git", want: remoteURL{clean: "github.com:org/repo.git", scheme: "ssh", host: "github.com:22"}},
		{raw: "file:///srv/git/repo.git", want: remoteURL{clean: "file:///srv/git/repo.git", scheme: "file"}},
		{raw: "ftp://example.com/repo", wantErr: `unsupported scheme "ftp"`},
		{raw: "/srv/git/repo.git", wantErr: `unsupported scheme ""`},
		{raw: "https://bot:s3cret@exa mple.com/%zz", wantErr: "invalid URL"},
	} {
		t.Run(tc.raw, func(t *testing.T) {
			got, err := parseURL(tc.raw, tc.allowHTTP)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("parseURL() error = %v, want %q", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), "s3cret") {
					t.Errorf("parseURL() error %q leaks the password", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseURL() error = %v", err)
			}
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(remoteURL{})); diff != "" {
				t.Errorf("parseURL() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCacheDirHasNoCredentialsAndDependsOnURLAndRef(t *testing.T) {
	withPassword, _ := parseURL("https://bot:s3cret@git.example.com/org/repo", false)
	plain, _ := parseURL("https://git.example.com/org/repo", false)
	other, _ := parseURL("https://git.example.com/org/other", false)
	main := Ref{Branch: "main"}

	dir := cacheDir("/cache", withPassword, main)
	if strings.Contains(dir, "s3cret") || strings.Contains(dir, "bot") {
		t.Errorf("cacheDir() = %q holds credentials", dir)
	}
	if dir != cacheDir("/cache", plain, main) {
		t.Errorf("cacheDir() differs with credentials in the URL; want one clone per repository")
	}
	for _, d := range []string{cacheDir("/cache", other, main), cacheDir("/cache", plain, Ref{Branch: "dev"}), cacheDir("/cache", plain, Ref{Tag: "main"})} {
		if d == dir {
			t.Errorf("cacheDir() = %q for a different URL or ref", d)
		}
	}
}

func TestCheckRefspec(t *testing.T) {
	for _, tc := range []struct {
		refspec string
		wantErr string
	}{
		{refspec: "refs/heads/auto:refs/for/main"},
		{refspec: "refs/heads/auto:refs/heads/main"},
		{refspec: "HEAD:refs/for/main"},
		{refspec: "+refs/heads/auto:refs/heads/main", wantErr: "forced updates"},
		{refspec: ":refs/heads/main", wantErr: "deleting"},
		{refspec: "refs/heads/*:refs/heads/*", wantErr: "wildcards"},
		{refspec: "refs/heads/auto", wantErr: "malformed"},
	} {
		t.Run(tc.refspec, func(t *testing.T) {
			err := checkRefspec(tc.refspec)
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("checkRefspec() error = %v, want %q", err, tc.wantErr)
			}
		})
	}
}
