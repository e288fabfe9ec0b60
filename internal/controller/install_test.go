package controller

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// kubeconfig writes a kubeconfig for the test control plane and returns its path.
func kubeconfig(t *testing.T) string {
	t.Helper()
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["envtest"] = &clientcmdapi.Cluster{Server: restCfg.Host, CertificateAuthorityData: restCfg.CAData}
	cfg.AuthInfos["admin"] = &clientcmdapi.AuthInfo{ClientCertificateData: restCfg.CertData,
		ClientKeyData: restCfg.KeyData, Token: restCfg.BearerToken}
	cfg.Contexts["envtest"] = &clientcmdapi.Context{Cluster: "envtest", AuthInfo: "admin"}
	cfg.CurrentContext = "envtest"
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		t.Fatal(err)
	}
	return path
}

// kubectl runs kubectl against the test control plane and returns its output.
func kubectl(t *testing.T, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath("kubectl"); err != nil {
		t.Skip("kubectl not installed")
	}
	cmd := exec.CommandContext(t.Context(), "kubectl", append([]string{"--kubeconfig", kubeconfig(t)}, args...)...)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestInstallManifests renders config/default with kubectl (client dry run, validated
// against the API server's OpenAPI) and checks that the samples pass the CRD schemas
// (server dry run).
func TestInstallManifests(t *testing.T) {
	needEnv(t)
	out := kubectl(t, "apply", "--dry-run=client", "-k", "../../config/default")
	t.Logf("kubectl apply --dry-run=client -k config/default:\n%s", out)
	for _, want := range []string{
		"namespace/tagflow-system created (dry run)",
		"customresourcedefinition.apiextensions.k8s.io/imagerepositories.image.tagflow.dev",
		"clusterrole.rbac.authorization.k8s.io/tagflow-controller created (dry run)",
		"deployment.apps/tagflow-controller created (dry run)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	out = kubectl(t, "apply", "--dry-run=server", "-k", "../../config/samples")
	t.Logf("kubectl apply --dry-run=server -k config/samples:\n%s", out)
}
