package config

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tagflow/tagflow/internal/adapt"
)

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name  string
		paths []string
		want  []string
	}{
		{
			name:  "documents",
			paths: []string{"testdata/errors/documents.yaml"},
			want: []string{
				`testdata/errors/documents.yaml: document 1 (Pod default/p): unknown kind "Pod" with apiVersion "v1" (known kinds: GitRepository, ImagePolicy, ImageRepository, ImageUpdateAutomation, Namespace, Secret)`,
				`testdata/errors/documents.yaml: document 2 (ImagePolicy default/old): apiVersion: unknown apiVersion "image.toolkit.fluxcd.io/v1beta2" for kind ImagePolicy (want image.tagflow.dev/v1alpha1 or image.toolkit.fluxcd.io/v1)`,
				`testdata/errors/documents.yaml: document 3: apiVersion and kind are required`,
				`testdata/errors/documents.yaml: document 4 (ImageRepository): metadata.name: required`,
				`testdata/errors/documents.yaml: document 5: expected an object, got a list`,
				`testdata/errors/documents.yaml: document 6: parsing YAML: yaml: line 1: did not find expected ',' or ']'`,
				"testdata/errors/documents.yaml: document 7: parsing YAML: yaml: unmarshal errors:\n  line 5: key \"name\" already set in map",
				`testdata/errors/documents.yaml: document 8 (Namespace ns): metadata.namespace: must be empty: a Namespace has no namespace`,
			},
		},
		{
			name:  "unknown fields and wrong types",
			paths: []string{"testdata/errors/fields.yaml"},
			want: []string{
				`testdata/errors/fields.yaml: document 1 (ImageRepository default/web): spec.Insecure: unknown field`,
				`testdata/errors/fields.yaml: document 1 (ImageRepository default/web): spec.imagee: unknown field`,
				`testdata/errors/fields.yaml: document 1 (ImageRepository default/web): spec.image: required`,
				`testdata/errors/fields.yaml: document 2 (ImageRepository default/types): spec.exclusionList: expected a list, got a string`,
				`testdata/errors/fields.yaml: document 2 (ImageRepository default/types): spec.insecure: expected a boolean, got "yes"`,
				`testdata/errors/fields.yaml: document 2 (ImageRepository default/types): spec.interval: expected a duration such as 30s, 5m or 1h, got 5`,
				`testdata/errors/fields.yaml: document 2 (ImageRepository default/types): spec.timeout: time: unknown unit " minutes" in duration "5 minutes"`,
				`testdata/errors/fields.yaml: document 3 (Secret default/bad-base64): data[tag]: expected a base64 string, got 1.1`,
				`testdata/errors/fields.yaml: document 3 (Secret default/bad-base64): data[token]: illegal base64 data at input byte 0`,
			},
		},
		{
			name:  "policies",
			paths: []string{"testdata/errors/policies.yaml"},
			want: []string{
				`testdata/errors/policies.yaml: document 2 (ImagePolicy apps/none): spec.policy: exactly one of semver, alphabetical, numerical is required`,
				`testdata/errors/policies.yaml: document 3 (ImagePolicy apps/two): spec.policy: exactly one of semver, alphabetical, numerical is required, got semver and numerical`,
				`testdata/errors/policies.yaml: document 4 (ImagePolicy apps/bad-range): spec.policy.semver.range: invalid policy: parsing semver range "latest": improper constraint: "latest"`,
				`testdata/errors/policies.yaml: document 5 (ImagePolicy apps/bad-filter): spec.policy.alphabetical.order: unsupported value "down": want asc, desc`,
				"testdata/errors/policies.yaml: document 5 (ImagePolicy apps/bad-filter): spec.filterTags: invalid policy: compiling filter pattern \"^main-(?P<ts>[0-9]+\": error parsing regexp: missing closing ): `^main-(?P<ts>[0-9]+`",
				`testdata/errors/policies.yaml: document 6 (ImagePolicy apps/bad-extract): spec.filterTags: invalid policy: checking filter extract "$timestamp" against pattern "^main-(?P<ts>[0-9]+)$": the pattern has no group named "timestamp"`,
				`testdata/errors/policies.yaml: document 7 (ImagePolicy apps/intervals): spec.interval: only accepted when spec.digestReflectionPolicy is Always`,
				`testdata/errors/policies.yaml: document 7 (ImagePolicy apps/intervals): spec.platforms[1]: "Linux/ARM64" is not os/arch or os/arch/variant`,
				`testdata/errors/policies.yaml: document 7 (ImagePolicy apps/intervals): spec.platforms[2]: duplicate platform "linux/amd64"`,
				`testdata/errors/policies.yaml: document 8 (ImagePolicy apps/always): spec.interval: required when spec.digestReflectionPolicy is Always`,
				`testdata/errors/policies.yaml: document 9 (ImagePolicy apps/sometimes): spec.digestReflectionPolicy: unsupported value "Sometimes": want Never, IfNotPresent, Always`,
			},
		},
		{
			name:  "references",
			paths: []string{"testdata/errors/references.yaml"},
			want: []string{
				`testdata/errors/references.yaml: document 2 (ImageRepository apps/private): spec.secretRef: Secret apps/missing-regcred not found`,
				`testdata/errors/references.yaml: document 4 (ImagePolicy apps/missing-repo): spec.imageRepositoryRef: ImageRepository apps/nope not found`,
				`testdata/errors/references.yaml: document 5 (ImagePolicy team-b/no-acl): spec.imageRepositoryRef: ImageRepository apps/private: access denied: it has no accessFrom, so only namespace apps may refer to it`,
				`testdata/errors/references.yaml: document 6 (ImagePolicy team-b/wrong-labels): spec.imageRepositoryRef: ImageRepository apps/shared: access denied: namespace team-b (labels tenant=b) matches none of its accessFrom namespace selectors`,
				`testdata/errors/references.yaml: document 7 (ImageUpdateAutomation apps/refs): spec.sourceRef: GitRepository apps/missing-source not found`,
				`testdata/errors/references.yaml: document 7 (ImageUpdateAutomation apps/refs): spec.git.commit.signingKey.secretRef: Secret apps/missing-key not found`,
				`testdata/errors/references.yaml: document 7 (ImageUpdateAutomation apps/refs): spec.policySelector: "Sometimes" is not a valid label selector operator`,
				`testdata/errors/references.yaml: document 8 (GitRepository apps/no-secret): spec.secretRef: Secret apps/missing-git not found`,
			},
		},
		{
			name:  "repositories",
			paths: []string{"testdata/errors/repositories.yaml"},
			want: []string{
				`testdata/errors/repositories.yaml: document 3 (ImageRepository apps/tagged): spec.image: "ghcr.io/org/web:1.0.0" should not include a tag`,
				"testdata/errors/repositories.yaml: document 3 (ImageRepository apps/tagged): spec.exclusionList[1]: error parsing regexp: missing closing ): `(unclosed`",
				`testdata/errors/repositories.yaml: document 4 (ImageRepository apps/scheme): spec.interval: required`,
				`testdata/errors/repositories.yaml: document 4 (ImageRepository apps/scheme): spec.timeout: must not be negative, got -1s`,
				`testdata/errors/repositories.yaml: document 4 (ImageRepository apps/scheme): spec.image: "https://ghcr.io/org/web" should not include a URL scheme`,
				`testdata/errors/repositories.yaml: document 5 (ImageRepository apps/cloud): spec.serviceAccountName: service accounts do not exist in standalone configuration: use spec.secretRef`,
				`testdata/errors/repositories.yaml: document 5 (ImageRepository apps/cloud): spec.provider: provider "aws" is not supported yet: use generic with spec.secretRef`,
				`testdata/errors/repositories.yaml: document 6 (ImageRepository apps/secrets): spec.secretRef: secret has no .dockerconfigjson key`,
				`testdata/errors/repositories.yaml: document 6 (ImageRepository apps/secrets): spec.certSecretRef: secret needs both tls.crt and tls.key for a client certificate`,
				`testdata/errors/repositories.yaml: document 6 (ImageRepository apps/secrets): spec.proxySecretRef: secret has no address key`,
			},
		},
		{
			name:  "automations",
			paths: []string{"testdata/errors/automations.yaml"},
			want: []string{
				`testdata/errors/automations.yaml: document 3 (ImageUpdateAutomation apps/neither): spec.sourceRef: exactly one of spec.sourceRef and spec.git.url must be set, got neither`,
				`testdata/errors/automations.yaml: document 3 (ImageUpdateAutomation apps/neither): spec.git.commit.author.email: required`,
				`testdata/errors/automations.yaml: document 4 (ImageUpdateAutomation apps/both): spec.interval: required`,
				`testdata/errors/automations.yaml: document 4 (ImageUpdateAutomation apps/both): spec.sourceRef: exactly one of spec.sourceRef and spec.git.url must be set, got both`,
				`testdata/errors/automations.yaml: document 5 (ImageUpdateAutomation apps/no-git): spec.sourceRef.kind: unsupported value "Bucket": want GitRepository`,
				`testdata/errors/automations.yaml: document 5 (ImageUpdateAutomation apps/no-git): spec.update.strategy: unsupported value "Regex": want Setters`,
				`testdata/errors/automations.yaml: document 5 (ImageUpdateAutomation apps/no-git): spec.git: required`,
				`testdata/errors/automations.yaml: document 6 (ImageUpdateAutomation apps/ssh): spec.update.path: "../outside" leaves the repository`,
				`testdata/errors/automations.yaml: document 6 (ImageUpdateAutomation apps/ssh): spec.sourceRef: credentials: secret has no known_hosts key: it is required with identity`,
				`testdata/errors/automations.yaml: document 6 (ImageUpdateAutomation apps/ssh): spec.git.commit.messageTemplate: template field .Updated was removed by Flux: use .Changed.FileChanges, .Changed.Objects or .Changed.Changes`,
				`testdata/errors/automations.yaml: document 7 (ImageUpdateAutomation apps/push): spec.git.commit.signingKey.type: unsupported value "x509": want gpg, ssh`,
				`testdata/errors/automations.yaml: document 7 (ImageUpdateAutomation apps/push): spec.git.push.refspec: a refspec that forces (+) or deletes (:dst) is not allowed`,
				`testdata/errors/automations.yaml: document 7 (ImageUpdateAutomation apps/push): spec.git.pullRequest.provider: unsupported value "bitbucket": want github, gitlab, gitea`,
				`testdata/errors/automations.yaml: document 7 (ImageUpdateAutomation apps/push): spec.git.push.branch: required with spec.git.pullRequest: it is the branch the pull request is opened from`,
				`testdata/errors/automations.yaml: document 7 (ImageUpdateAutomation apps/push): spec.git.commit.signingKey.secretRef: Secret apps/key not found`,
				`testdata/errors/automations.yaml: document 7 (ImageUpdateAutomation apps/push): spec.git.pullRequest.secretRef: Secret apps/forge not found`,
				`testdata/errors/automations.yaml: document 8 (ImageUpdateAutomation apps/tag): spec.git.checkout.ref: checkout ref: a tag, semver or commit checkout needs a push branch other than the checkout branch`,
			},
		},
		{
			name:  "duplicates within and across files",
			paths: []string{"testdata/errors/duplicates.yaml", "testdata/errors/duplicates-again.yaml"},
			want: []string{
				`testdata/errors/duplicates.yaml: document 2 (ImageRepository default/web): duplicate ImageRepository default/web, first defined in testdata/errors/duplicates.yaml: document 1`,
				`testdata/errors/duplicates-again.yaml: document 1 (Secret default/web): duplicate Secret default/web, first defined in testdata/errors/duplicates.yaml: document 3`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := Load(tt.paths...)
			if set != nil {
				t.Error("Load() returned a Set along with errors")
			}
			if diff := cmp.Diff(tt.want, messages(err)); diff != "" {
				t.Errorf("Load(%q) errors mismatch (-want +got):\n%s", tt.paths, diff)
			}
		})
	}
}

func TestLoadErrorsAreTyped(t *testing.T) {
	_, err := Load("testdata/errors/policies.yaml")
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("Load() error %T is not an *Error", err)
	}
	want := &Error{
		File:     "testdata/errors/policies.yaml",
		Document: 2,
		Object:   "ImagePolicy apps/none",
		Field:    "spec.policy",
	}
	if diff := cmp.Diff(want, e, cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Err" }, cmp.Ignore())); diff != "" {
		t.Errorf("first *Error mismatch (-want +got):\n%s", diff)
	}
}

func TestErrorMessage(t *testing.T) {
	problem := errors.New("problem")
	tests := []struct {
		err  *Error
		want string
	}{
		{&Error{File: "a.yaml", Document: 3, Object: "ImagePolicy apps/web", Field: "spec.policy", Err: problem},
			"a.yaml: document 3 (ImagePolicy apps/web): spec.policy: problem"},
		{&Error{File: "a.yaml", Document: 1, Err: problem}, "a.yaml: document 1: problem"},
		{&Error{File: "a.yaml", Err: problem}, "a.yaml: problem"},
		{&Error{Object: "Secret default/x", Field: "data"}, "(Secret default/x): data: invalid"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
	wrapped := &Error{Err: &adapt.FieldError{Field: "f", Err: problem}}
	if !errors.Is(wrapped, problem) {
		t.Error("errors.Is does not see through Error")
	}
}
