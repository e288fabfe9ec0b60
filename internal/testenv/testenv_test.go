package testenv

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReadTree(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{"a.yaml": "a", "sub/b.yml": "b\r\n", ".git/config": "x"} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("a.yaml", filepath.Join(dir, "link.yaml")); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"a.yaml": "a", "sub/b.yml": "b\r\n"}
	if diff := cmp.Diff(want, ReadTree(t, dir)); diff != "" {
		t.Errorf("ReadTree mismatch (-want +got):\n%s", diff)
	}
}

func TestSyncBuffer(t *testing.T) {
	var b SyncBuffer
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() { _, _ = b.Write([]byte("ab")) })
	}
	wg.Wait()
	if got := b.String(); got != "abababababababab" {
		t.Errorf("SyncBuffer holds %q after 8 writes of \"ab\"", got)
	}
}

func TestFreePort(t *testing.T) {
	port, err := FreePort()
	if err != nil || port <= 0 || port > 65535 {
		t.Fatalf("FreePort() = %d, %v", port, err)
	}
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		t.Fatalf("the free port %d cannot be listened on: %v", port, err)
	}
	l.Close()
}

func TestToolPath(t *testing.T) {
	t.Setenv("TAGFLOW_TEST_TOOL_BIN", "/opt/tool")
	if got := ToolPath("TAGFLOW_TEST_TOOL_BIN", "tool-v1"); got != "/opt/tool" {
		t.Errorf("ToolPath() with the variable set = %q, want /opt/tool", got)
	}
	t.Setenv("TAGFLOW_TEST_TOOL_BIN", "")
	t.Setenv("HOME", "/home/ci")
	if got := ToolPath("TAGFLOW_TEST_TOOL_BIN", "tool-v1"); got != "/home/ci/.cache/tagflow/bin/tool-v1" {
		t.Errorf("ToolPath() without the variable = %q, want the Makefile's cache", got)
	}
}
