# tagflow build, test and verification.
#
# Every tool is pinned here and built from the Go module proxy (or installed from Debian's
# packages), so `make test` works on a fresh machine. Slow-to-build server binaries (the OCI
# registry, kube-apiserver, etcd) are cached by version under $(TOOLS_CACHE), outside the
# checkout, so they build once per machine.

SHELL := /usr/bin/env bash -o pipefail
.SHELLFLAGS := -ec
.DEFAULT_GOAL := build

GO ?= go
BIN := $(CURDIR)/bin
TOOLS_CACHE ?= $(HOME)/.cache/tagflow
export TAGFLOW_TOOLS_DIR := $(TOOLS_CACHE)/bin

CONTROLLER_GEN_VERSION := v0.23.0
GOLANGCI_LINT_VERSION := v2.15.0
REGISTRY_VERSION := v3.1.2
KUBE_VERSION := v1.37.2
ETCD_VERSION := $(shell awk '$$1=="go.etcd.io/etcd/server/v3"{print $$2}' hack/envtest/go.mod)
GITEA_VERSION := $(shell awk '$$1=="code.gitea.io/gitea"{print $$2}' hack/gitea/go.mod)

CONTROLLER_GEN := $(BIN)/controller-gen-$(CONTROLLER_GEN_VERSION)
GOLANGCI_LINT := $(BIN)/golangci-lint-$(GOLANGCI_LINT_VERSION)
REGISTRY_BIN := $(TAGFLOW_TOOLS_DIR)/registry-$(REGISTRY_VERSION)
KUBE_APISERVER_BIN := $(TAGFLOW_TOOLS_DIR)/kube-apiserver-$(KUBE_VERSION)
ETCD_BIN := $(TAGFLOW_TOOLS_DIR)/etcd-$(ETCD_VERSION)
GITEA_BIN := $(TAGFLOW_TOOLS_DIR)/gitea-$(GITEA_VERSION)

# The test servers find their binaries through these variables (see internal/testenv).
export TAGFLOW_REGISTRY_BIN := $(REGISTRY_BIN)
export TAGFLOW_KUBE_APISERVER_BIN := $(KUBE_APISERVER_BIN)
export TAGFLOW_ETCD_BIN := $(ETCD_BIN)
export TAGFLOW_GITEA_BIN := $(GITEA_BIN)

TEST_FLAGS ?=
FUZZ_TIME ?= 60s
BENCH ?= .
BENCH_PKGS ?= ./...

.PHONY: build
build: ## Build tagflow and tagflow-controller into ./bin.
	$(GO) build -o $(BIN)/tagflow ./cmd/tagflow
	$(GO) build -o $(BIN)/tagflow-controller ./cmd/tagflow-controller

.PHONY: test
test: test-deps ## Install or build what the tests need, then run every test with the race detector.
	$(GO) test -race -count=1 -timeout 45m $(TEST_FLAGS) ./...

.PHONY: test-short
test-short: ## Quick local run: skips the tests that start slow servers.
	$(GO) test -short -count=1 ./...

.PHONY: test-deps
test-deps: system-deps $(REGISTRY_BIN) $(KUBE_APISERVER_BIN) $(ETCD_BIN) $(GITEA_BIN) ## Everything the test suite needs.

.PHONY: system-deps
system-deps: ## Debian packages the test servers use (git, sshd, gpg; gcc to build Gitea with cgo).
	@missing=""; \
	for p in git:git sshd:openssh-server ssh-keygen:openssh-client gpg:gnupg gcc:gcc; do \
	  cmd=$${p%%:*}; pkg=$${p#*:}; \
	  command -v $$cmd >/dev/null 2>&1 || [ -x /usr/sbin/$$cmd ] || missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq; \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(REGISTRY_BIN): ## CNCF Distribution, the real OCI registry the integration tests run.
	@mkdir -p $(@D)
	@echo "building registry $(REGISTRY_VERSION) (a few minutes the first time)"
	tmp=$$(mktemp -d); GOBIN=$$tmp $(GO) install github.com/distribution/distribution/v3/cmd/registry@$(REGISTRY_VERSION); mv $$tmp/registry $@; rm -rf $$tmp

# The binaries are cached by the version in their file name, so a fresh clone reuses them.
$(KUBE_APISERVER_BIN): ## kube-apiserver built from source (setup-envtest cannot download here).
	@mkdir -p $(@D)
	@echo "building kube-apiserver $(KUBE_VERSION) (about 12 minutes the first time)"
	cd hack/envtest && CGO_ENABLED=0 $(GO) build -trimpath -o $@.tmp \
	  -ldflags "-X k8s.io/component-base/version.gitVersion=$(KUBE_VERSION) -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=37" \
	  k8s.io/kubernetes/cmd/kube-apiserver && mv $@.tmp $@

$(ETCD_BIN):
	@mkdir -p $(@D)
	@echo "building etcd $(ETCD_VERSION)"
	cd hack/envtest && CGO_ENABLED=0 $(GO) build -trimpath -o $@.tmp ./etcd && mv $@.tmp $@

# Gitea, the real forge the pull-request tests open pull requests on. It is built with cgo for
# SQLite; without bindata it reads options/, templates/ and public/ from a static root, which
# is copied from the module next to the binary ($(GITEA_BIN)-static).
$(GITEA_BIN):
	@mkdir -p $(@D)
	@echo "building gitea $(GITEA_VERSION) (about 10 minutes the first time)"
	cd hack/gitea && CGO_ENABLED=1 $(GO) build -trimpath -tags 'sqlite sqlite_unlock_notify' \
	  -ldflags "-X main.Version=$(GITEA_VERSION:v%=%)" -o $@.tmp code.gitea.io/gitea
	rm -rf $@-static; mkdir -p $@-static
	cd hack/gitea && dir=$$($(GO) list -m -f '{{.Dir}}' code.gitea.io/gitea) && \
	  cp -R $$dir/options $$dir/templates $$dir/public $@-static/ && chmod -R u+w $@-static
	mv $@.tmp $@

.PHONY: envtest-bins
envtest-bins: $(KUBE_APISERVER_BIN) $(ETCD_BIN) ## The kube-apiserver and etcd binaries for envtest.

.PHONY: bench
bench: ## Run the Go benchmarks (set BENCH and BENCH_PKGS to narrow them).
	$(GO) test -run '^$$' -bench '$(BENCH)' -benchmem $(BENCH_PKGS)

.PHONY: fuzz
fuzz: ## Run every fuzz target for $(FUZZ_TIME) each.
	$(GO) test ./policy -run '^$$' -fuzz '^FuzzSemVerParse$$' -fuzztime $(FUZZ_TIME)
	$(GO) test ./policy -run '^$$' -fuzz '^FuzzSemVerCompare$$' -fuzztime $(FUZZ_TIME)
	$(GO) test ./policy -run '^$$' -fuzz '^FuzzSemVerSelect$$' -fuzztime $(FUZZ_TIME)
	$(GO) test ./policy -run '^$$' -fuzz '^FuzzNumerical$$' -fuzztime $(FUZZ_TIME)
	$(GO) test ./policy -run '^$$' -fuzz '^FuzzFilter$$' -fuzztime $(FUZZ_TIME)
	$(GO) test ./updater -run '^$$' -fuzz '^FuzzFastPathMatchesFullParse$$' -fuzztime $(FUZZ_TIME)

.PHONY: generate
generate: $(CONTROLLER_GEN) ## Generate deepcopy code for the API types.
	$(CONTROLLER_GEN) object:headerFile=hack/boilerplate.go.txt paths=./api/...

.PHONY: manifests
manifests: $(CONTROLLER_GEN) ## Generate CRDs and RBAC into config/.
	$(CONTROLLER_GEN) crd paths=./api/... output:crd:artifacts:config=config/crd/bases
	$(CONTROLLER_GEN) rbac:roleName=tagflow-controller paths=./internal/controller/... output:rbac:artifacts:config=config/rbac

.PHONY: verify
verify: generate manifests ## Regenerate code and manifests; fail if anything changed.
	$(GO) mod tidy
	cd hack/envtest && $(GO) mod tidy
	cd hack/gitea && $(GO) mod tidy
	gofmt -l . | (! grep .) || (echo "gofmt would change the files above"; exit 1)
	@if [ -n "$$(git status --porcelain -- api config go.mod go.sum hack)" ]; then \
	  git status --porcelain -- api config go.mod go.sum hack; git --no-pager diff --stat; \
	  echo "generated files are out of date: run 'make generate manifests' and commit"; exit 1; fi

.PHONY: lint
lint: $(GOLANGCI_LINT) ## Run golangci-lint.
	$(GOLANGCI_LINT) run ./...

$(CONTROLLER_GEN):
	@mkdir -p $(BIN)
	tmp=$$(mktemp -d); GOBIN=$$tmp $(GO) install sigs.k8s.io/controller-tools/cmd/controller-gen@$(CONTROLLER_GEN_VERSION); mv $$tmp/controller-gen $@; rm -rf $$tmp

$(GOLANGCI_LINT):
	@mkdir -p $(BIN)
	tmp=$$(mktemp -d); GOBIN=$$tmp $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION); mv $$tmp/golangci-lint $@; rm -rf $$tmp

.PHONY: help
help:
	@grep -E '^[a-zA-Z_$$()/.-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'
