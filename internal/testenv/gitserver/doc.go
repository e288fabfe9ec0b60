// Package gitserver runs a real Git server for tests: `git http-backend` behind
// net/http/cgi with basic authentication, and optionally Debian's sshd.
//
// Start serves the bare repositories under Server.Root ("NAME.git") on
// http://127.0.0.1:PORT/NAME.git (HTTPURL). Requests need basic auth with
// Server.Username and Server.Password; anything else gets 401 with a Basic
// WWW-Authenticate challenge. Pushes are enabled (http.receivepack); chunked request
// bodies (git sends pushes over 1 MiB chunked, which net/http/cgi refuses) are buffered
// in memory first. Every git command
// the harness runs, the http-backend and the SSH sessions use a clean environment
// (GitEnv: HOME in a temp dir holding a .gitconfig with user.name, user.email and
// init.defaultBranch=main; GIT_CONFIG_NOSYSTEM=1; no prompts), so the machine's git
// configuration does not leak in. Servers stop through t.Cleanup.
//
//	s := gitserver.Start(t, gitserver.Options{SSH: true})
//	s.CreateRepo(t, "app", map[string]string{"deploy/app.yaml": "..."}, "main")
//	theirs := s.CommitFromClone(t, "app", "main", files, "a concurrent change")
//	s.SetHook(t, "app", "pre-receive", "exit 1")
//
// # SSH
//
// With Options.SSH, /usr/sbin/sshd runs in the foreground (-D -e) as the current user
// (root in CI) on 127.0.0.1 and a free port, with a generated sshd_config: ed25519 and
// ECDSA host keys, AuthorizedKeysFile holding the generated ed25519 client key,
// StrictModes no, UsePAM no, PasswordAuthentication no, PermitRootLogin
// prohibit-password, PidFile in the temp dir, and SetEnv for the clean git environment.
// /run/sshd is created when running as root. A missing sshd fails the test ("install
// openssh-server (make test-deps)").
//
// URLs carry the absolute path of the bare repository, as sshd runs git-upload-pack and
// git-receive-pack on the real file system:
// ssh://USER@127.0.0.1:PORT/tmp/.../srv/NAME.git (SSHURL). ClientKeyPEM/ClientKeyFile
// hold the client key (OpenSSH format, no passphrase); KnownHosts/KnownHostsFile hold
// one line for "[127.0.0.1]:PORT" with the ed25519 host key. For the git CLI use
// GIT_SSH_COMMAND=s.GitSSHCommand().
//
// # go-git over SSH: the recipe
//
// sshd has two host keys on purpose, and known_hosts lists only the ed25519 one, as a
// real known_hosts often does. The Go SSH client prefers ECDSA, so a client whose
// HostKeyAlgorithms is empty gets the ECDSA key and fails with "knownhosts: key
// mismatch" (TestSSHHostKeyAlgorithmsNeeded). go-git only derives HostKeyAlgorithms
// itself when HostKeyCallback is nil (and then reads ~/.ssh/known_hosts); with an
// explicit callback the caller must set both, from the same database:
//
//	auth, err := gogitssh.NewPublicKeys(s.SSHUser, s.ClientKeyPEM, "")
//	db, err := gogitssh.NewKnownHostsDb(s.KnownHostsFile) // github.com/skeema/knownhosts
//	auth.HostKeyCallback = db.HostKeyCallback()
//	auth.HostKeyAlgorithms = db.HostKeyAlgorithms(s.SSHAddr) // "127.0.0.1:PORT"
//	_, err = gogit.PlainClone(dir, false, &gogit.CloneOptions{URL: s.SSHURL("app"), Auth: auth})
//
// (gogitssh is github.com/go-git/go-git/v5/plumbing/transport/ssh.) A known_hosts entry
// with another key fails with "key mismatch" (TestSSHWrongKnownHostsRejected).
package gitserver
