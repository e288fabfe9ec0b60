package controller

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	sourcev1 "github.com/fluxcd/source-controller/api/v1"
	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	imagev1 "github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/internal/testenv/envtest"
	"github.com/tagflow/tagflow/scanner"
	"github.com/tagflow/tagflow/scanner/store"
	"github.com/tagflow/tagflow/updater/gitrepo"
)

// The suite runs one control plane and one manager for every test; each test works in
// namespaces of its own.
var (
	k8s        client.Client
	restCfg    *rest.Config
	tagStore   *store.Store
	storageDir string
	nsCounter  atomic.Int64
)

// Short delays keep the suite quick; the tests poll, they never assert durations.
const (
	testDependencyRequeue = time.Second
	testDebounce          = 500 * time.Millisecond
	eventually            = 90 * time.Second
	poll                  = 200 * time.Millisecond
)

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(runSuite(m))
}

func runSuite(m *testing.M) int {
	if testing.Short() || os.Getenv("TAGFLOW_SKIP_ENVTEST") != "" {
		return m.Run()
	}
	env, err := envtest.New(envtest.WithCRDDirectory("testdata/crds"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "starting envtest:", err)
		return 1
	}
	defer func() {
		if err := env.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "stopping envtest:", err)
		}
	}()
	storageDir, err = os.MkdirTemp("", "tagflow-controller-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(storageDir)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done, err := startManager(ctx, env)
	if err != nil {
		fmt.Fprintln(os.Stderr, "starting the manager:", err)
		return 1
	}
	code := m.Run()
	cancel()
	<-done
	return code
}

func testScheme() *runtime.Scheme {
	s := runtime.NewScheme()
	utilruntime.Must(clientgoscheme.AddToScheme(s))
	utilruntime.Must(imagev1.AddToScheme(s))
	utilruntime.Must(sourcev1.AddToScheme(s))
	return s
}

// startManager runs a manager with the three reconcilers until ctx is done.
func startManager(ctx context.Context, env *envtest.Environment) (<-chan struct{}, error) {
	logger := logr.Discard()
	if os.Getenv("TAGFLOW_TEST_LOG") != "" {
		logger = logr.FromSlogHandler(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	ctrl.SetLogger(logger)
	scheme := testScheme()
	mgr, err := ctrl.NewManager(env.Config, ctrl.Options{
		Scheme:                 scheme,
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
	})
	if err != nil {
		return nil, err
	}
	tagStore, err = Setup(ctx, mgr, Options{
		StoragePath:       storageDir,
		Tenancy:           Tenancy{},
		DependencyRequeue: testDependencyRequeue,
		Debounce:          testDebounce,
		ScannerOptions:    []scanner.Option{scanner.WithRetry(2, 100*time.Millisecond)},
		GitOptions:        []gitrepo.Option{gitrepo.WithBackoff(50*time.Millisecond, 200*time.Millisecond)},
	})
	if err != nil {
		return nil, err
	}
	if k8s, err = client.New(env.Config, client.Options{Scheme: scheme}); err != nil {
		return nil, err
	}
	restCfg = env.Config
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer tagStore.Close()
		if err := mgr.Start(ctx); err != nil {
			fmt.Fprintln(os.Stderr, "manager stopped:", err)
		}
	}()
	return done, nil
}

// needEnv skips tests that need the control plane when it is not running.
func needEnv(t *testing.T) {
	t.Helper()
	if k8s == nil {
		t.Skip("envtest not started (-short or TAGFLOW_SKIP_ENVTEST)")
	}
}

// namespace creates a namespace with labels for the test.
func namespace(t *testing.T, labels map[string]string) string {
	t.Helper()
	name := fmt.Sprintf("%s-%d", strings.ToLower(strings.NewReplacer("/", "-", "_", "-").Replace(t.Name())), nsCounter.Add(1))
	if len(name) > 63 {
		name = name[len(name)-63:]
		name = strings.TrimLeft(name, "-")
	}
	create(t, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}})
	return name
}

func create(t *testing.T, obj client.Object) {
	t.Helper()
	if err := k8s.Create(t.Context(), obj); err != nil {
		t.Fatalf("creating %T %s: %v", obj, obj.GetName(), err)
	}
}

// waitFor polls cond until it holds, failing the test with its last message otherwise.
func waitFor(t *testing.T, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(eventually)
	var msg string
	for time.Now().Before(deadline) {
		var ok bool
		if ok, msg = cond(); ok {
			return
		}
		time.Sleep(poll)
	}
	t.Fatalf("timed out waiting for %s: %s", what, msg)
}

// get reads obj again by its key.
func get(t *testing.T, obj client.Object) error {
	t.Helper()
	return k8s.Get(t.Context(), client.ObjectKeyFromObject(obj), obj)
}

// condition returns the condition typ of obj, or nil.
func condition(obj interface{ GetConditions() []metav1.Condition }, typ string) *metav1.Condition {
	return findCondition(obj.GetConditions(), typ)
}

// describe renders the conditions of obj for failure messages.
func describe(obj interface{ GetConditions() []metav1.Condition }) string {
	var b strings.Builder
	for _, c := range obj.GetConditions() {
		fmt.Fprintf(&b, "%s=%s (%s: %s); ", c.Type, c.Status, c.Reason, c.Message)
	}
	return b.String()
}

// kstatusOf computes the kstatus of obj as kubectl, Flux and Argo CD health checks do.
func kstatusOf(t *testing.T, obj client.Object, kind string) *status.Result {
	t.Helper()
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		t.Fatal(err)
	}
	u := &unstructured.Unstructured{Object: m}
	u.SetAPIVersion(imagev1.GroupVersion.String())
	u.SetKind(kind)
	res, err := status.Compute(u)
	if err != nil {
		t.Fatalf("kstatus of %s: %v", obj.GetName(), err)
	}
	return res
}

// checkKstatus checks the kstatus rules on an object's conditions: the computed status is
// want, observedGeneration matches, Ready=True never comes with Reconciling or Stalled,
// and Stalled=True comes with Ready=False.
func checkKstatus(t *testing.T, obj object, kind string, want status.Status) {
	t.Helper()
	if got := obj.GetObservedGeneration(); got != obj.GetGeneration() {
		t.Errorf("%s %s: observedGeneration %d, generation %d", kind, obj.GetName(), got, obj.GetGeneration())
	}
	ready := condition(obj, imagev1.ReadyCondition)
	stalled := condition(obj, imagev1.StalledCondition)
	reconciling := condition(obj, imagev1.ReconcilingCondition)
	if ready != nil && ready.Status == metav1.ConditionTrue && (stalled != nil || reconciling != nil) {
		t.Errorf("%s %s: Ready=True with Stalled or Reconciling: %s", kind, obj.GetName(), describe(obj))
	}
	if stalled != nil && stalled.Status == metav1.ConditionTrue && (ready == nil || ready.Status != metav1.ConditionFalse) {
		t.Errorf("%s %s: Stalled=True without Ready=False: %s", kind, obj.GetName(), describe(obj))
	}
	for _, c := range obj.GetConditions() {
		if c.ObservedGeneration != obj.GetGeneration() {
			t.Errorf("%s %s: condition %s has observedGeneration %d, want %d", kind, obj.GetName(), c.Type, c.ObservedGeneration, obj.GetGeneration())
		}
	}
	if res := kstatusOf(t, obj, kind); res.Status != want {
		t.Errorf("%s %s: kstatus %s (%s), want %s; %s", kind, obj.GetName(), res.Status, res.Message, want, describe(obj))
	}
}

// storageFile returns a path under the controller's storage directory.
func storageFile(elem ...string) string {
	return filepath.Join(append([]string{storageDir}, elem...)...)
}
