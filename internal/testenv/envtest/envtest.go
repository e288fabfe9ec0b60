package envtest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrlenvtest "sigs.k8s.io/controller-runtime/pkg/envtest"

	imagev1 "github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/internal/testenv"
)

// Versions of the binaries, as built by the Makefile (KUBE_VERSION, and etcd's version in
// hack/envtest/go.mod).
const (
	// KubeVersion is the kube-apiserver version.
	KubeVersion = "v1.37.2"
	// EtcdVersion is the etcd version.
	EtcdVersion = "v3.7.0"
)

// Environment variables naming the binaries.
const (
	// APIServerBinEnv names the kube-apiserver binary.
	APIServerBinEnv = "TAGFLOW_KUBE_APISERVER_BIN"
	// EtcdBinEnv names the etcd binary.
	EtcdBinEnv = "TAGFLOW_ETCD_BIN"
)

// module is the module whose config/crd/bases holds the CRDs.
const module = "github.com/tagflow/tagflow"

// ErrMissingBinary is returned by New when kube-apiserver or etcd is not where expected.
var ErrMissingBinary = errors.New("envtest binary not found: run `make test-deps`")

// startTimeout bounds the start of etcd and kube-apiserver, on a busy machine.
const startTimeout = 2 * time.Minute

// Environment is a running control plane.
type Environment struct {
	// Config connects to the API server as an administrator (system:masters).
	Config *rest.Config
	// Client is a client of the API server whose scheme holds the built-in kinds and
	// image.tagflow.dev/v1alpha1.
	Client client.Client
	// Scheme is the Client's scheme.
	Scheme *runtime.Scheme

	env *ctrlenvtest.Environment
}

// Option configures New and Start.
type Option func(*options)

type options struct {
	crdDirs []string
}

// WithCRDDirectory installs the CRDs of every YAML file in dir as well, such as Flux's
// GitRepository CRD kept in a package's testdata. A relative dir is relative to the
// working directory (the test's package directory). A missing directory is an error.
func WithCRDDirectory(dir string) Option {
	return func(o *options) { o.crdDirs = append(o.crdDirs, dir) }
}

// BinPaths returns the paths of the kube-apiserver and etcd binaries: $TAGFLOW_KUBE_APISERVER_BIN
// and $TAGFLOW_ETCD_BIN, else the Makefile's defaults under $HOME/.cache/tagflow/bin.
func BinPaths() (apiServer, etcd string) {
	return testenv.ToolPath(APIServerBinEnv, "kube-apiserver-"+KubeVersion), testenv.ToolPath(EtcdBinEnv, "etcd-"+EtcdVersion)
}

// Start starts a control plane with tagflow's CRDs installed and returns an administrator's
// config and client. The control plane stops when the test ends. A missing binary fails
// the test; in -short mode Start skips the test instead.
func Start(t testing.TB, opts ...Option) (*rest.Config, client.Client) {
	t.Helper()
	if testing.Short() {
		t.Skip("skipping: starts kube-apiserver and etcd (-short)")
	}
	e, err := New(opts...)
	if err != nil {
		t.Fatalf("starting envtest: %v", err)
	}
	t.Cleanup(func() {
		if err := e.Stop(); err != nil {
			t.Errorf("stopping envtest: %v", err)
		}
	})
	return e.Config, e.Client
}

// New starts a control plane with tagflow's CRDs (and those of WithCRDDirectory)
// installed. The caller must call Stop. A missing binary is reported as ErrMissingBinary.
func New(opts ...Option) (*Environment, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	apiServerBin, etcdBin := BinPaths()
	for _, bin := range []string{apiServerBin, etcdBin} {
		if _, err := os.Stat(bin); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrMissingBinary, err)
		}
	}
	root, err := moduleRoot()
	if err != nil {
		return nil, err
	}
	scheme, err := newScheme()
	if err != nil {
		return nil, err
	}
	useExisting := false
	env := &ctrlenvtest.Environment{
		CRDDirectoryPaths:        append([]string{filepath.Join(root, "config", "crd", "bases")}, o.crdDirs...),
		ErrorIfCRDPathMissing:    true,
		Scheme:                   scheme,
		UseExistingCluster:       &useExisting,
		ControlPlaneStartTimeout: startTimeout,
	}
	env.ControlPlane.GetAPIServer().Path = apiServerBin
	env.ControlPlane.Etcd = &ctrlenvtest.Etcd{Path: etcdBin}

	cfg, err := env.Start()
	if err != nil {
		// Start may fail after etcd came up: stop what did start.
		return nil, errors.Join(fmt.Errorf("starting kube-apiserver %s and etcd %s: %w", apiServerBin, etcdBin, err), env.Stop())
	}
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		return nil, errors.Join(fmt.Errorf("creating a client: %w", err), env.Stop())
	}
	return &Environment{Config: cfg, Client: c, Scheme: scheme, env: env}, nil
}

// Stop stops kube-apiserver and etcd and removes their data.
func (e *Environment) Stop() error {
	if err := e.env.Stop(); err != nil {
		return fmt.Errorf("stopping kube-apiserver and etcd: %w", err)
	}
	return nil
}

// newScheme returns a scheme with the built-in kinds and image.tagflow.dev/v1alpha1.
func newScheme() (*runtime.Scheme, error) {
	s := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(s); err != nil {
		return nil, fmt.Errorf("adding built-in kinds to the scheme: %w", err)
	}
	if err := imagev1.AddToScheme(s); err != nil {
		return nil, fmt.Errorf("adding %s to the scheme: %w", imagev1.GroupVersion, err)
	}
	return s, nil
}

// moduleRoot walks up from the working directory to the directory whose go.mod declares
// the tagflow module.
func moduleRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("finding the module root: %w", err)
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if isModuleRoot(dir) {
			return dir, nil
		}
		if filepath.Dir(dir) == dir {
			return "", fmt.Errorf("finding the module root: no go.mod of %s above %s", module, wd)
		}
	}
}

// isModuleRoot reports whether dir holds the go.mod of the tagflow module (and not, say,
// the nested hack/envtest module).
func isModuleRoot(dir string) bool {
	data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return false
	}
	for line := range strings.Lines(string(data)) {
		if f := strings.Fields(line); len(f) == 2 && f[0] == "module" {
			return f[1] == module
		}
	}
	return false
}
