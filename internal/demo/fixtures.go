package demo

import (
	"fmt"
	"os"
	"path/filepath"
)

// Sample values of the demo.
const (
	// ImageRepo is the sample image's repository in the demo registry.
	ImageRepo = "demo/podinfo"
	// Branch is the branch of the demo Git repository.
	Branch = "main"
	// Range is the demo policy's semver range.
	Range = ">=6.0.0"
)

// Tags are the tags the demo registry is seeded with: two older releases, the latest
// release, a release candidate (a prerelease, which the range excludes) and latest.
var Tags = []string{"6.0.0", "6.1.0", "6.2.3", "7.0.0-rc.1", "latest"}

// Manifests returns the files of the demo Git repository for image (a full repository
// name), with markers on the image of a Deployment and on the newTag of a kustomization.
func Manifests(image string) map[string]string {
	return map[string]string{
		"README.md": "# fleet\n\nManifests kept up to date by tagflow.\n",
		"apps/podinfo/deployment.yaml": fmt.Sprintf(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: podinfo
  namespace: default
spec:
  replicas: 2
  selector:
    matchLabels:
      app: podinfo
  template:
    metadata:
      labels:
        app: podinfo
    spec:
      containers:
        - name: podinfo
          # tagflow rewrites only the value on the marked line
          image: %s:6.0.0 # {"$imagepolicy": "default:podinfo"}
          ports:
            - containerPort: 9898
`, image),
		"apps/podinfo/kustomization.yaml": fmt.Sprintf(`apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - deployment.yaml
images:
  - name: %s
    newTag: 6.0.0 # {"$imagepolicy": "default:podinfo:tag"}
`, image),
	}
}

// Config returns the tagflow configuration of the demo: an ImageRepository for image
// (plain HTTP, so insecure), a semver ImagePolicy and an ImageUpdateAutomation that pushes
// to gitURL.
func Config(image, gitURL string) string {
	return fmt.Sprintf(`apiVersion: image.tagflow.dev/v1alpha1
kind: ImageRepository
metadata:
  name: podinfo
spec:
  image: %s
  interval: 5m
  insecure: true
---
apiVersion: image.tagflow.dev/v1alpha1
kind: ImagePolicy
metadata:
  name: podinfo
spec:
  imageRepositoryRef:
    name: podinfo
  policy:
    semver:
      range: %q
---
apiVersion: image.tagflow.dev/v1alpha1
kind: ImageUpdateAutomation
metadata:
  name: fleet
spec:
  interval: 30m
  git:
    url: %s
    checkout:
      ref:
        branch: %s
    commit:
      author:
        name: tagflow
        email: tagflow@example.com
  update:
    path: ./apps
`, image, Range, gitURL, Branch)
}

// WriteConfig writes Config to dir/tagflow.yaml and returns its path.
func WriteConfig(dir, image, gitURL string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	p := filepath.Join(dir, "tagflow.yaml")
	return p, os.WriteFile(p, []byte(Config(image, gitURL)), 0o644)
}
