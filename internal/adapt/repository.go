package adapt

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"

	"github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/scanner"
)

// Secret keys read from an ImageRepository's Secrets, as in Flux.
const (
	// KeyDockerConfigJSON holds a docker config in a kubernetes.io/dockerconfigjson Secret.
	KeyDockerConfigJSON = ".dockerconfigjson"
	// KeyDockerConfig holds a legacy docker config in a kubernetes.io/dockercfg Secret.
	KeyDockerConfig = ".dockercfg"
	// KeyCA holds PEM CA certificates to trust in addition to the system roots.
	KeyCA = "ca.crt"
	// KeyCert holds a PEM client certificate for mutual TLS.
	KeyCert = "tls.crt"
	// KeyKey holds the PEM private key of KeyCert.
	KeyKey = "tls.key"
	// KeyProxyAddress holds the proxy URL, such as http://proxy:3128 or socks5://proxy:1080.
	KeyProxyAddress = "address"
	// KeyUsername holds a user name (proxy or Git HTTP basic auth).
	KeyUsername = "username"
	// KeyPassword holds a password (proxy or Git HTTP basic auth).
	KeyPassword = "password"
)

// RepositorySecrets holds the data of the Secrets an ImageRepository references; a nil
// map means the reference is not set. The caller reads them from the object's namespace.
type RepositorySecrets struct {
	// Pull is the data of spec.secretRef (or of a service account's image pull secret).
	Pull map[string][]byte
	// Cert is the data of spec.certSecretRef.
	Cert map[string][]byte
	// Proxy is the data of spec.proxySecretRef.
	Proxy map[string][]byte
}

// Scan is an ImageRepository as the scanner takes it.
type Scan struct {
	// Image is the repository to list, without tag or digest.
	Image string
	// Interval is the time between scans.
	Interval time.Duration
	// Options configure a scanner.Scanner (derived with Scanner.With) for this repository.
	Options []scanner.Option
}

// Repository converts an ImageRepository and the data of its Secrets into what the scanner
// takes. Every option is checked, and every problem is returned as a *FieldError, joined.
func Repository(repo *v1alpha1.ImageRepository, secrets RepositorySecrets) (Scan, error) {
	spec := &repo.Spec
	scan := Scan{Image: spec.Image, Interval: spec.Interval.Duration}
	errs := []error{checkImage(spec.Image, spec.Insecure), checkProvider(repo.GetProvider())}
	opts := []fieldOption{
		{"spec.insecure", scanner.WithInsecure(spec.Insecure)},
		{"spec.timeout", scanner.WithTimeout(repo.GetTimeout())},
	}
	exclude, err := exclusions(repo.GetExclusionList())
	errs = append(errs, err)
	if exclude != nil {
		opts = append(opts, fieldOption{"spec.exclusionList", exclude})
	}
	for _, ref := range secretOptions(spec, secrets) {
		o, err := ref.options(ref.data)
		if err != nil {
			errs = append(errs, fieldError(ref.field, err))
		}
		for _, opt := range o {
			opts = append(opts, fieldOption{ref.field, opt})
		}
	}
	for _, o := range opts {
		scan.Options = append(scan.Options, o.opt)
		errs = append(errs, o.check())
	}
	return scan, errors.Join(errs...)
}

// secretRef is a set secret reference of an ImageRepository with the reader of its data.
type secretRef struct {
	field   string
	data    map[string][]byte
	options func(map[string][]byte) ([]scanner.Option, error)
}

// secretOptions lists the secret references that are set.
func secretOptions(spec *v1alpha1.ImageRepositorySpec, secrets RepositorySecrets) []secretRef {
	var refs []secretRef
	if spec.SecretRef != nil {
		refs = append(refs, secretRef{"spec.secretRef", secrets.Pull, pullOptions})
	}
	if spec.CertSecretRef != nil {
		refs = append(refs, secretRef{"spec.certSecretRef", secrets.Cert, certOptions})
	}
	if spec.ProxySecretRef != nil {
		refs = append(refs, secretRef{"spec.proxySecretRef", secrets.Proxy, proxyOptions})
	}
	return refs
}

// checkProvider accepts the generic provider only: cloud logins are not implemented.
func checkProvider(provider string) error {
	if provider != v1alpha1.GenericProvider {
		return fieldErrorf("spec.provider", "provider %q is not supported yet: use generic with spec.secretRef", provider)
	}
	return nil
}

// fieldOption is a scanner option and the field it comes from.
type fieldOption struct {
	field string
	opt   scanner.Option
}

// check applies the option alone, so that an invalid value is reported at its field.
func (o fieldOption) check() error {
	_, err := scanner.New(o.opt)
	if se, ok := errors.AsType[*scanner.Error](err); ok && se.Err != nil {
		err = se.Err
	}
	if err != nil {
		return fieldError(o.field, err)
	}
	return nil
}

// checkImage requires a repository name without scheme, tag or digest, as Flux does.
func checkImage(image string, insecure bool) error {
	switch {
	case image == "":
		return fieldErrorf("spec.image", "required")
	case strings.Contains(image, "://"):
		return fieldErrorf("spec.image", "%q should not include a URL scheme", image)
	case strings.Contains(image, "@"):
		return fieldErrorf("spec.image", "%q should not include a digest", image)
	}
	var opts []name.Option
	if insecure {
		opts = append(opts, name.Insecure)
	}
	if _, err := name.NewRepository(image, opts...); err != nil {
		if _, tagErr := name.NewTag(image, opts...); tagErr == nil {
			return fieldErrorf("spec.image", "%q should not include a tag", image)
		}
		return fieldErrorf("spec.image", "%q is not a repository name: %v", image, err)
	}
	return nil
}

// exclusions compiles every pattern, to report each at its index, and returns the option.
func exclusions(list []string) (scanner.Option, error) {
	var errs []error
	for i, pattern := range list {
		if _, err := regexp.Compile(pattern); err != nil {
			errs = append(errs, fieldErrorf(fmt.Sprintf("spec.exclusionList[%d]", i), "%v", err))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return scanner.WithExclusionList(list...), nil
}

// pullOptions reads the docker config of a pull Secret.
func pullOptions(data map[string][]byte) ([]scanner.Option, error) {
	if data == nil {
		return nil, ErrMissingSecret
	}
	for _, key := range []string{KeyDockerConfigJSON, KeyDockerConfig} {
		if cfg, ok := data[key]; ok {
			return []scanner.Option{scanner.WithDockerConfigJSON(cfg)}, nil
		}
	}
	return nil, fmt.Errorf("secret has no %s key", KeyDockerConfigJSON)
}

// certOptions reads the CA and client certificate of a cert Secret.
func certOptions(data map[string][]byte) ([]scanner.Option, error) {
	if data == nil {
		return nil, ErrMissingSecret
	}
	var opts []scanner.Option
	if ca, ok := data[KeyCA]; ok {
		opts = append(opts, scanner.WithCA(ca))
	}
	cert, hasCert := data[KeyCert]
	key, hasKey := data[KeyKey]
	switch {
	case hasCert && hasKey:
		opts = append(opts, scanner.WithClientCertificate(cert, key))
	case hasCert || hasKey:
		return nil, fmt.Errorf("secret needs both %s and %s for a client certificate", KeyCert, KeyKey)
	}
	if len(opts) == 0 {
		return nil, fmt.Errorf("secret has neither %s nor %s and %s", KeyCA, KeyCert, KeyKey)
	}
	return opts, nil
}

// proxyOptions reads a proxy Secret: address, and optionally username and password.
func proxyOptions(data map[string][]byte) ([]scanner.Option, error) {
	u, err := proxyURL(data)
	if err != nil {
		return nil, err
	}
	return []scanner.Option{scanner.WithProxy(u)}, nil
}

// proxyURL reads a proxy Secret, as Flux does for registries and Git: the URL in address,
// with username and password, when present, as its user information.
func proxyURL(data map[string][]byte) (string, error) {
	if data == nil {
		return "", ErrMissingSecret
	}
	address := strings.TrimSpace(string(data[KeyProxyAddress]))
	if address == "" {
		return "", fmt.Errorf("secret has no %s key", KeyProxyAddress)
	}
	u, err := url.Parse(address)
	if err != nil {
		// The parse error quotes the address, which may hold credentials.
		return "", fmt.Errorf("%s is not a valid URL", KeyProxyAddress)
	}
	if user, ok := data[KeyUsername]; ok {
		u.User = url.UserPassword(string(user), string(data[KeyPassword]))
	}
	return u.String(), nil
}
