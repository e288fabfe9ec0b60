package gitrepo

import (
	"bytes"
	"crypto/rand"
	"crypto/sha512"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/ProtonMail/go-crypto/openpgp"
	gogit "github.com/go-git/go-git/v5"
	"golang.org/x/crypto/ssh"
)

// signer signs commits; gogit.Signer is the interface go-git calls.
type signer = gogit.Signer

var (
	_ signer = gpgSigner{}
	_ signer = sshSigner{}
)

// newSigner builds the commit signer the options ask for, or nil for unsigned commits.
func newSigner(o options) (signer, error) {
	switch {
	case len(o.gpgKey.armored) > 0 && len(o.sshSign.pem) > 0:
		return nil, errors.New("configuring commit signing: gpg and ssh signing are exclusive")
	case len(o.gpgKey.armored) > 0:
		return newGPGSigner(o.gpgKey.armored, o.gpgKey.passphrase)
	case len(o.sshSign.pem) > 0:
		return newSSHSigner(o.sshSign.pem, o.sshSign.passphrase)
	}
	return nil, nil
}

// gpgSigner makes an armored detached OpenPGP signature, as git does with gpg.
type gpgSigner struct{ entity *openpgp.Entity }

func newGPGSigner(armored, passphrase []byte) (gpgSigner, error) {
	list, err := openpgp.ReadArmoredKeyRing(bytes.NewReader(armored))
	if err != nil {
		return gpgSigner{}, fmt.Errorf("reading gpg signing key: %w", err)
	}
	if len(list) != 1 {
		return gpgSigner{}, fmt.Errorf("reading gpg signing key: want exactly one entity, got %d", len(list))
	}
	e := list[0]
	if e.PrivateKey == nil {
		return gpgSigner{}, errors.New("reading gpg signing key: no private key")
	}
	if e.PrivateKey.Encrypted {
		if err := e.DecryptPrivateKeys(passphrase); err != nil {
			return gpgSigner{}, fmt.Errorf("decrypting gpg signing key: %w", err)
		}
	}
	return gpgSigner{entity: e}, nil
}

// Sign implements gogit.Signer.
func (s gpgSigner) Sign(message io.Reader) ([]byte, error) {
	var b bytes.Buffer
	if err := openpgp.ArmoredDetachSign(&b, s.entity, message, nil); err != nil {
		return nil, fmt.Errorf("signing commit with gpg: %w", err)
	}
	return b.Bytes(), nil
}

// sshSigner makes an SSH signature in the sshsig format (OpenSSH PROTOCOL.sshsig) with the
// namespace "git", as `git commit -S` does with gpg.format=ssh.
type sshSigner struct{ key ssh.Signer }

const (
	sshsigMagic     = "SSHSIG"
	sshsigVersion   = 1
	sshsigNamespace = "git"
	sshsigHash      = "sha512"
	sshsigLineLen   = 70
)

func newSSHSigner(pem, passphrase []byte) (sshSigner, error) {
	var (
		key ssh.Signer
		err error
	)
	if len(passphrase) > 0 {
		key, err = ssh.ParsePrivateKeyWithPassphrase(pem, passphrase)
	} else {
		key, err = ssh.ParsePrivateKey(pem)
	}
	if err != nil {
		return sshSigner{}, fmt.Errorf("reading ssh signing key: %w", err)
	}
	return sshSigner{key: key}, nil
}

// Sign implements gogit.Signer.
func (s sshSigner) Sign(message io.Reader) ([]byte, error) {
	h := sha512.New()
	if _, err := io.Copy(h, message); err != nil {
		return nil, fmt.Errorf("signing commit with ssh: %w", err)
	}
	signed := sshsigBlob(h.Sum(nil))
	sig, err := s.sign(signed)
	if err != nil {
		return nil, fmt.Errorf("signing commit with ssh: %w", err)
	}
	return armorSSHSig(s.envelope(sig)), nil
}

// sign uses rsa-sha2-512 for RSA keys: OpenSSH rejects SHA-1 ("ssh-rsa") signatures.
func (s sshSigner) sign(data []byte) (*ssh.Signature, error) {
	if as, ok := s.key.(ssh.AlgorithmSigner); ok && s.key.PublicKey().Type() == ssh.KeyAlgoRSA {
		return as.SignWithAlgorithm(rand.Reader, data, ssh.KeyAlgoRSASHA512)
	}
	return s.key.Sign(rand.Reader, data)
}

// sshsigBlob is the data that is signed: magic, namespace, reserved, hash algorithm, hash.
func sshsigBlob(digest []byte) []byte {
	b := []byte(sshsigMagic)
	b = appendString(b, []byte(sshsigNamespace))
	b = appendString(b, nil)
	b = appendString(b, []byte(sshsigHash))
	return appendString(b, digest)
}

// envelope is the signature as published: magic, version, public key, namespace, reserved,
// hash algorithm and the signature itself.
func (s sshSigner) envelope(sig *ssh.Signature) []byte {
	b := []byte(sshsigMagic)
	b = binary.BigEndian.AppendUint32(b, sshsigVersion)
	b = appendString(b, s.key.PublicKey().Marshal())
	b = appendString(b, []byte(sshsigNamespace))
	b = appendString(b, nil)
	b = appendString(b, []byte(sshsigHash))
	return appendString(b, ssh.Marshal(sig))
}

// appendString appends an SSH wire "string": a uint32 length and the bytes.
func appendString(b, s []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

func armorSSHSig(raw []byte) []byte {
	enc := base64.StdEncoding.EncodeToString(raw)
	var b bytes.Buffer
	b.WriteString("-----BEGIN SSH SIGNATURE-----\n")
	for len(enc) > sshsigLineLen {
		b.WriteString(enc[:sshsigLineLen] + "\n")
		enc = enc[sshsigLineLen:]
	}
	b.WriteString(enc + "\n-----END SSH SIGNATURE-----\n")
	return b.Bytes()
}
