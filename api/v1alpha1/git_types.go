package v1alpha1

// GitSpec says where the Git repository is (when not given by spec.sourceRef), which ref
// to check out, how to commit, where to push, and whether to open a pull request.
// +kubebuilder:validation:XValidation:rule="!has(self.secretRef) || has(self.url)",message="git.secretRef is only used with git.url; a GitRepository's credentials come from its own spec.secretRef"
// +kubebuilder:validation:XValidation:rule="!has(self.pullRequest) || (has(self.push) && has(self.push.branch) && self.push.branch.size() > 0)",message="git.pullRequest needs git.push.branch, the branch the pull request is opened from"
type GitSpec struct {
	// URL (tagflow addition) is the repository to clone and push to, for users without a
	// Flux GitRepository: https://, http://, ssh://, scp-like git@host:path, or file://.
	// Exactly one of spec.sourceRef and git.url is set.
	// +kubebuilder:validation:MaxLength=2048
	// +kubebuilder:validation:Pattern="^((https?|ssh|file)://.+|[A-Za-z0-9._~-]+@[^:/]+:.+)$"
	// +optional
	URL string `json:"url,omitempty"`

	// SecretRef (tagflow addition) names a Secret in the same namespace with the
	// credentials for git.url, in the keys a Flux GitRepository uses: username and
	// password, or bearerToken, for HTTPS; identity (a private key), optional password and
	// known_hosts (required) for SSH; ca.crt for a private CA.
	// +optional
	SecretRef *LocalObjectReference `json:"secretRef,omitempty"`

	// Checkout says which ref to clone. The default is the GitRepository's spec.ref, or the
	// branch master with git.url, as in Flux.
	// +optional
	Checkout *GitCheckoutSpec `json:"checkout,omitempty"`

	// Commit says how commits are authored, signed and described.
	// +required
	Commit CommitSpec `json:"commit"`

	// Push says where commits are pushed. The default is the checked-out branch.
	// +optional
	Push *PushSpec `json:"push,omitempty"`

	// PullRequest (tagflow addition) opens, or updates, one pull request per automation
	// from git.push.branch into the checked-out branch through the forge's API.
	// +optional
	PullRequest *PullRequestSpec `json:"pullRequest,omitempty"`
}

// GitCheckoutSpec says which ref to clone.
type GitCheckoutSpec struct {
	// Reference is the branch, tag, semver range, ref name or commit to check out.
	// +required
	Reference GitRepositoryRef `json:"ref"`
}

// GitRepositoryRef is a Git ref, as Flux's source.toolkit.fluxcd.io/v1 GitRepositoryRef.
// When several fields are set the most specific wins: commit, then name, then tag, then
// semver, then branch.
type GitRepositoryRef struct {
	// Branch is a branch name, such as main.
	// +optional
	Branch string `json:"branch,omitempty"`

	// Tag is a tag name.
	// +optional
	Tag string `json:"tag,omitempty"`

	// SemVer is a semver range over the repository's tags; the highest match is checked
	// out.
	// +optional
	SemVer string `json:"semver,omitempty"`

	// Name is a full reference name, such as refs/heads/main or refs/pull/1/head.
	// +optional
	Name string `json:"name,omitempty"`

	// Commit is a full commit SHA. With a branch, the branch is cloned and the commit
	// checked out.
	// +optional
	Commit string `json:"commit,omitempty"`
}

// DefaultCommitMessage is the commit message when git.commit.messageTemplate is empty, as
// in Flux.
const DefaultCommitMessage = "Update from image update automation"

// CommitSpec says how commits are authored, signed and described.
type CommitSpec struct {
	// Author is the author (and committer) of the commits.
	// +required
	Author CommitUser `json:"author"`

	// SigningKey signs the commits with an OpenPGP or SSH key.
	// +optional
	SigningKey *SigningKey `json:"signingKey,omitempty"`

	// MessageTemplate is a Go text/template for the commit message, given
	// .AutomationObject, .Changed (.FileChanges, .Objects, .Changes) and .Values, in a
	// deterministic order. The fields .Updated and .Changed.ImageResult that Flux removed
	// are rejected. The default is "Update from image update automation".
	// +optional
	MessageTemplate string `json:"messageTemplate,omitempty"`

	// MessageTemplateValues are extra values for the template, as .Values.
	// +optional
	MessageTemplateValues map[string]string `json:"messageTemplateValues,omitempty"`
}

// CommitUser is a Git identity.
type CommitUser struct {
	// Name is the user's name.
	// +optional
	Name string `json:"name,omitempty"`

	// Email is the user's email address.
	// +kubebuilder:validation:MinLength=1
	// +required
	Email string `json:"email"`
}

// SigningKeyType is the format of a commit signing key.
// +kubebuilder:validation:Enum=gpg;ssh
type SigningKeyType string

const (
	// SigningKeyTypeGPG is an ASCII-armored OpenPGP private key in the Secret's git.asc key,
	// with an optional passphrase key.
	SigningKeyTypeGPG SigningKeyType = "gpg"
	// SigningKeyTypeSSH is an OpenSSH private key in the Secret's identity key, with an
	// optional password key (the layout of a GitRepository's SSH Secret).
	SigningKeyTypeSSH SigningKeyType = "ssh"
)

// SigningKey references the key that signs commits.
type SigningKey struct {
	// SecretRef names the Secret, in the automation's namespace, holding the key: git.asc
	// (and passphrase) for gpg, identity (and password) for ssh.
	// +required
	SecretRef LocalObjectReference `json:"secretRef"`

	// Type is the key format, gpg or ssh. The default is gpg.
	// +kubebuilder:default=gpg
	// +optional
	Type SigningKeyType `json:"type,omitempty"`
}

// PushSpec says where commits are pushed.
type PushSpec struct {
	// Branch is the branch to push to. When it differs from the checked-out branch, it is
	// rebuilt from the checked-out branch's head at every run and force-pushed with a lease
	// (the pull request flow); otherwise pushes are never forced, and a rejected push is
	// retried on top of the new head.
	// +optional
	Branch string `json:"branch,omitempty"`

	// Refspec is an extra push, after the branch push, such as
	// refs/heads/auto:refs/for/main for Gerrit or Gitea's AGit flow. Refspecs that force
	// (+) or delete (empty source) are rejected.
	// +kubebuilder:validation:Pattern="^$|^[^+:]"
	// +optional
	Refspec string `json:"refspec,omitempty"`

	// Options are git push options (-o key=value), such as GitLab's
	// merge_request.create.
	// +optional
	Options map[string]string `json:"options,omitempty"`
}

// PullRequestProvider names a forge API.
// +kubebuilder:validation:Enum=github;gitlab;gitea
type PullRequestProvider string

const (
	// GitHubProvider is GitHub or GitHub Enterprise Server.
	GitHubProvider PullRequestProvider = "github"
	// GitLabProvider is GitLab (merge requests).
	GitLabProvider PullRequestProvider = "gitlab"
	// GiteaProvider is Gitea or Forgejo.
	GiteaProvider PullRequestProvider = "gitea"
)

// PullRequestSpec says how to open the pull request of an automation (tagflow addition).
// The pull request goes from git.push.branch into the checked-out branch; the repository
// (owner and name) is taken from the Git URL.
type PullRequestSpec struct {
	// Provider is the forge: github, gitlab, or gitea (also for Forgejo).
	// +required
	Provider PullRequestProvider `json:"provider"`

	// URL is the forge's base URL, such as https://gitlab.example.com, for self-hosted
	// forges. The default is derived from the Git URL's host (api.github.com for
	// github.com).
	// +kubebuilder:validation:Pattern="^https?://.+"
	// +optional
	URL string `json:"url,omitempty"`

	// SecretRef names a Secret in the same namespace whose key token is an API token
	// allowed to push nothing but open, edit and close pull requests (GitHub: pull
	// requests read/write; GitLab: api scope; Gitea: write:repository and write:issue).
	// For github, the keys githubAppID, githubAppInstallationID and githubAppPrivateKey
	// authenticate as a GitHub App installation instead. An optional ca.crt is trusted for
	// the forge's TLS certificate.
	// +required
	SecretRef LocalObjectReference `json:"secretRef"`

	// Title is a Go text/template for the title, with the data of the commit message
	// template. The default is the first line of the commit message.
	// +optional
	Title string `json:"title,omitempty"`

	// Body is a Go text/template for the description, with the data of the commit message
	// template. The default is the rest of the commit message.
	// +optional
	Body string `json:"body,omitempty"`

	// Labels are added to the pull request.
	// +listType=set
	// +optional
	Labels []string `json:"labels,omitempty"`

	// Draft opens the pull request as a draft.
	// +optional
	Draft bool `json:"draft,omitempty"`

	// DeleteBranchWhenDone closes the open pull request and deletes git.push.branch when
	// there is nothing left to update: the checkout branch already has every change, for
	// example after the pull request was merged. A branch someone else pushed to is never
	// deleted.
	// +optional
	DeleteBranchWhenDone bool `json:"deleteBranchWhenDone,omitempty"`
}
