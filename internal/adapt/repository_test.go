package adapt

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/scanner"
)

func imageRepository(spec v1alpha1.ImageRepositorySpec) *v1alpha1.ImageRepository {
	return &v1alpha1.ImageRepository{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "apps"}, Spec: spec}
}

// selfSigned returns a PEM certificate and key.
func selfSigned(t *testing.T) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IsCA:         true,
		KeyUsage:     x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
}

// pushTags starts an in-process registry holding repo with the given tags and returns its
// host.
func pushTags(t *testing.T, repo string, tags ...string) string {
	t.Helper()
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(srv.Close)
	host := strings.TrimPrefix(srv.URL, "http://")
	img, err := random.Image(64, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, tag := range tags {
		ref, err := name.NewTag(host+"/"+repo+":"+tag, name.Insecure)
		if err != nil {
			t.Fatal(err)
		}
		if err := remote.Write(ref, img); err != nil {
			t.Fatalf("pushing %s: %v", ref, err)
		}
	}
	return host
}

func TestRepositoryScans(t *testing.T) {
	host := pushTags(t, "org/web", "1.0.0", "1.1.0", "sha256-abc.sig", "dev-1")
	tests := []struct {
		name       string
		exclusions []string
		want       []string
	}{
		{name: "default exclusion list drops signatures", want: []string{"1.0.0", "1.1.0", "dev-1"}},
		{name: "a list replaces the default", exclusions: []string{"^dev-"}, want: []string{"1.0.0", "1.1.0", "sha256-abc.sig"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			scan, err := Repository(imageRepository(v1alpha1.ImageRepositorySpec{
				Image: host + "/org/web", Interval: metav1.Duration{Duration: time.Minute},
				Insecure: true, ExclusionList: tt.exclusions,
			}), RepositorySecrets{})
			if err != nil {
				t.Fatalf("Repository(): %v", err)
			}
			s, err := scanner.New(scan.Options...)
			if err != nil {
				t.Fatalf("scanner.New(): %v", err)
			}
			got, err := s.List(t.Context(), scan.Image)
			if err != nil {
				t.Fatalf("List(): %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("List() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRepositorySecrets(t *testing.T) {
	cert, key := selfSigned(t)
	scan, err := Repository(imageRepository(v1alpha1.ImageRepositorySpec{
		Image:          "ghcr.io/org/web",
		Interval:       metav1.Duration{Duration: 5 * time.Minute},
		SecretRef:      &v1alpha1.LocalObjectReference{Name: "pull"},
		CertSecretRef:  &v1alpha1.LocalObjectReference{Name: "tls"},
		ProxySecretRef: &v1alpha1.LocalObjectReference{Name: "proxy"},
	}), RepositorySecrets{
		Pull:  map[string][]byte{KeyDockerConfigJSON: []byte(`{"auths":{"ghcr.io":{"username":"u","password":"p"}}}`)},
		Cert:  map[string][]byte{KeyCA: cert, KeyCert: cert, KeyKey: key},
		Proxy: map[string][]byte{KeyProxyAddress: []byte("http://proxy:3128"), KeyUsername: []byte("u"), KeyPassword: []byte("p@ss")},
	})
	if err != nil {
		t.Fatalf("Repository(): %v", err)
	}
	if scan.Image != "ghcr.io/org/web" || scan.Interval != 5*time.Minute {
		t.Errorf("Repository() = %+v", scan)
	}
	if _, err := scanner.New(scan.Options...); err != nil {
		t.Errorf("scanner.New() with the converted options: %v", err)
	}
}

func TestRepositoryErrors(t *testing.T) {
	cert, _ := selfSigned(t)
	ref := &v1alpha1.LocalObjectReference{Name: "s"}
	valid := v1alpha1.ImageRepositorySpec{Image: "ghcr.io/org/web", Interval: metav1.Duration{Duration: time.Minute}}
	with := func(f func(*v1alpha1.ImageRepositorySpec)) v1alpha1.ImageRepositorySpec {
		s := valid
		f(&s)
		return s
	}
	tests := []struct {
		name    string
		spec    v1alpha1.ImageRepositorySpec
		secrets RepositorySecrets
		want    []string
	}{
		{name: "image with tag", spec: with(func(s *v1alpha1.ImageRepositorySpec) { s.Image = "alpine:3" }),
			want: []string{`spec.image: "alpine:3" should not include a tag`}},
		{name: "image with digest", spec: with(func(s *v1alpha1.ImageRepositorySpec) { s.Image = "alpine@sha256:abc" }),
			want: []string{`spec.image: "alpine@sha256:abc" should not include a digest`}},
		{name: "image with scheme", spec: with(func(s *v1alpha1.ImageRepositorySpec) { s.Image = "oci://alpine" }),
			want: []string{`spec.image: "oci://alpine" should not include a URL scheme`}},
		{name: "no image", spec: with(func(s *v1alpha1.ImageRepositorySpec) { s.Image = "" }),
			want: []string{"spec.image: required"}},
		{name: "cloud provider", spec: with(func(s *v1alpha1.ImageRepositorySpec) { s.Provider = "gcp" }),
			want: []string{`spec.provider: provider "gcp" is not supported yet: use generic with spec.secretRef`}},
		{name: "bad exclusions", spec: with(func(s *v1alpha1.ImageRepositorySpec) { s.ExclusionList = []string{"ok", "[", "(?<"} }),
			want: []string{"spec.exclusionList[1]: error parsing regexp: missing closing ]: `[`",
				"spec.exclusionList[2]: error parsing regexp: invalid or unsupported Perl syntax: `(?<`"}},
		{name: "secret data not given", spec: with(func(s *v1alpha1.ImageRepositorySpec) { s.SecretRef = ref }),
			want: []string{"spec.secretRef: secret data not given"}},
		{name: "bad docker config", spec: with(func(s *v1alpha1.ImageRepositorySpec) { s.SecretRef = ref }),
			secrets: RepositorySecrets{Pull: map[string][]byte{KeyDockerConfigJSON: []byte("{")}},
			want:    []string{"spec.secretRef: parsing docker config: unexpected end of JSON input"}},
		{name: "legacy docker config is read", spec: with(func(s *v1alpha1.ImageRepositorySpec) { s.SecretRef = ref }),
			secrets: RepositorySecrets{Pull: map[string][]byte{KeyDockerConfig: []byte(`{"ghcr.io":{"auth":"dTpw"}}`)}}},
		{name: "CA that is not PEM", spec: with(func(s *v1alpha1.ImageRepositorySpec) { s.CertSecretRef = ref }),
			secrets: RepositorySecrets{Cert: map[string][]byte{KeyCA: []byte("nope")}},
			want:    []string{"spec.certSecretRef: CA bundle holds no PEM certificate"}},
		{name: "key without certificate", spec: with(func(s *v1alpha1.ImageRepositorySpec) { s.CertSecretRef = ref }),
			secrets: RepositorySecrets{Cert: map[string][]byte{KeyKey: cert}},
			want:    []string{"spec.certSecretRef: secret needs both tls.crt and tls.key for a client certificate"}},
		{name: "empty cert secret", spec: with(func(s *v1alpha1.ImageRepositorySpec) { s.CertSecretRef = ref }),
			secrets: RepositorySecrets{Cert: map[string][]byte{}},
			want:    []string{"spec.certSecretRef: secret has neither ca.crt nor tls.crt and tls.key"}},
		{name: "proxy without address", spec: with(func(s *v1alpha1.ImageRepositorySpec) { s.ProxySecretRef = ref }),
			secrets: RepositorySecrets{Proxy: map[string][]byte{KeyUsername: []byte("u")}},
			want:    []string{"spec.proxySecretRef: secret has no address key"}},
		{name: "proxy with an unsupported scheme", spec: with(func(s *v1alpha1.ImageRepositorySpec) { s.ProxySecretRef = ref }),
			secrets: RepositorySecrets{Proxy: map[string][]byte{KeyProxyAddress: []byte("ftp://u:secret@proxy")}},
			want:    []string{`spec.proxySecretRef: proxy URL "ftp://u:xxxxx@proxy": scheme must be http, https, socks5 or socks5h`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Repository(imageRepository(tt.spec), tt.secrets)
			if diff := cmp.Diff(tt.want, errorMessages(err)); diff != "" {
				t.Errorf("Repository() errors mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// errorMessages splits a joined error into its messages.
func errorMessages(err error) []string {
	if err == nil {
		return nil
	}
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		var out []string
		for _, e := range joined.Unwrap() {
			out = append(out, errorMessages(e)...)
		}
		return out
	}
	return []string{err.Error()}
}

func pemEncode(kind string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der})
}
