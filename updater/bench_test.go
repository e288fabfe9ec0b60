package updater

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// benchPolicies is how many policies the generated trees use; markers spread over them.
const benchPolicies = 100

const benchDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-%[1]d
  namespace: team-%[2]d
  labels:
    app.kubernetes.io/name: app-%[1]d
    app.kubernetes.io/part-of: bench
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: app-%[1]d
  template:
    metadata:
      labels:
        app.kubernetes.io/name: app-%[1]d
    spec:
      containers:
        - name: app
          image: %[3]s
          ports:
            - containerPort: 8080
          resources:
            limits:
              memory: 128Mi
`

const benchService = `apiVersion: v1
kind: Service
metadata:
  name: app-%[1]d
  namespace: team-%[2]d
spec:
  ports:
    - port: 80
      targetPort: 8080
`

const benchKustomization = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - deploy.yaml
images:
  - name: app
    newName: ghcr.io/org/app-%[1]d # {"$imagepolicy": "apps:p%[1]d:name"}
    newTag: "1.0.0" # {"$imagepolicy": "apps:p%[1]d:tag"}
`

// generateTree writes n YAML files in directories of 100: 10% carry markers (a Service and
// a marked Deployment in one file, every tenth of them a kustomization), the rest are
// unmarked Deployments.
func generateTree(tb testing.TB, dir string, n int) {
	tb.Helper()
	for i := range n {
		sub := filepath.Join(dir, "clusters", strconv.Itoa(i/1000), strconv.Itoa(i/100%10))
		if i%100 == 0 {
			if err := os.MkdirAll(sub, 0o755); err != nil {
				tb.Fatal(err)
			}
		}
		name, content := benchFile(i)
		if err := os.WriteFile(filepath.Join(sub, name), []byte(content), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

func benchFile(i int) (string, string) {
	p := (i / 10) % benchPolicies
	switch {
	case i%100 == 5:
		return fmt.Sprintf("kustomization-%d.yaml", i), fmt.Sprintf(benchKustomization, p)
	case i%10 == 5:
		img := fmt.Sprintf(`ghcr.io/org/app-%d:1.0.0 # {"$imagepolicy": "apps:p%d"}`, p, p)
		return fmt.Sprintf("app-%d.yaml", i), fmt.Sprintf(benchService, i, i%7) + "---\n" + fmt.Sprintf(benchDeployment, i, i%7, img)
	}
	return fmt.Sprintf("plain-%d.yml", i), fmt.Sprintf(benchDeployment, i, i%7, "ghcr.io/org/other:1.0.0")
}

// benchImages returns the images matching the generated tree, with policy p0 at tag, and
// extra policies that no marker names.
func benchImages(tag string, unused int) Images {
	images := Images{}
	for p := range benchPolicies {
		images[fmt.Sprintf("apps:p%d", p)] = Image{Name: fmt.Sprintf("ghcr.io/org/app-%d", p), Tag: "1.0.0"}
	}
	images["apps:p0"] = Image{Name: "ghcr.io/org/app-0", Tag: tag}
	for u := range unused {
		images[fmt.Sprintf("other:u%d", u)] = Image{Name: "x", Tag: "1"}
	}
	return images
}

func BenchmarkUpdate(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		if n == 100_000 && testing.Short() {
			continue
		}
		dir := filepath.Join(b.TempDir(), "tree")
		tree := func(b *testing.B) string { // generated on first use, shared by the sizes' runs
			if _, err := os.Stat(dir); err != nil {
				generateTree(b, dir, n)
			}
			return dir
		}
		size := strconv.Itoa(n/1000) + "k"
		b.Run(size, func(b *testing.B) { benchUpdate(b, tree(b), n, 0, parseAuto) })
		b.Run(size+"-unused-policies-10000", func(b *testing.B) { benchUpdate(b, tree(b), n, 10_000, parseAuto) })
		if n == 10_000 {
			b.Run(size+"-full-parse", func(b *testing.B) { benchUpdate(b, tree(b), n, 0, parseFull) })
		}
	}
}

// benchUpdate alternates policy p0 between two tags, so every iteration changes the same
// files back and forth.
func benchUpdate(b *testing.B, dir string, n, unused int, p parser) {
	images := []Images{benchImages("2.0.0", unused), benchImages("1.0.0", unused)}
	wantChanges := n / 10 / benchPolicies // files marked with p0
	b.ReportAllocs()
	cpu0 := cpuTime()
	for i := 0; b.Loop(); i++ {
		res, err := Update(b.Context(), dir, ".", images[i%2], withParser(p))
		if err != nil {
			b.Fatal(err)
		}
		if len(res.FileChanges) != wantChanges || len(res.Problems) != 0 {
			b.Fatalf("changed %d files with %d problems, want %d and none", len(res.FileChanges), len(res.Problems), wantChanges)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64((cpuTime()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
	if i := b.N; i%2 == 1 { // put p0 back at 1.0.0 for the next benchmark
		if _, err := Update(b.Context(), dir, ".", images[1]); err != nil {
			b.Fatal(err)
		}
	}
	if rss := peakRSS(); rss > 0 {
		b.ReportMetric(float64(rss)/(1<<20), "peak-RSS-MiB")
	}
}

// cpuTime returns the user and system CPU time this process used so far: on a shared
// machine it says more about the cost of an update than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// peakRSS returns the peak resident set size of this process (VmHWM), or 0 where it is
// not known.
func peakRSS() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(data)) {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// BenchmarkReadFloor opens, reads and closes every file of the 10k tree on one goroutine
// and does nothing else: the system-call cost no update of the tree can go below (divide
// by the workers for the parallel floor).
func BenchmarkReadFloor(b *testing.B) {
	dir := b.TempDir()
	generateTree(b, dir, 10_000)
	var files []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 64<<10)
	cpu0 := cpuTime()
	for b.Loop() {
		for _, f := range files {
			fd, err := syscall.Open(f, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = syscall.Read(fd, buf)
			_ = syscall.Close(fd)
		}
	}
	b.ReportMetric(float64((cpuTime()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
}
