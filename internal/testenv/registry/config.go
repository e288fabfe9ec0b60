package registry

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/crypto/bcrypt"
)

// config holds what goes into a Distribution configuration file.
type config struct {
	addr         string // host:port to listen on
	storageDir   string
	certFile     string // empty for plain HTTP
	keyFile      string
	htpasswdFile string // empty without htpasswd auth
	tokenRealm   string // empty without token auth
	jwksFile     string
}

// yaml renders c as a Distribution v3 configuration file. Paths are written as YAML
// double-quoted strings (strconv.Quote produces a valid one for any path).
func (c config) yaml() string {
	var b strings.Builder
	fmt.Fprintf(&b, "version: 0.1\n")
	fmt.Fprintf(&b, "log:\n  level: warn\n  accesslog:\n    disabled: true\n")
	fmt.Fprintf(&b, "storage:\n  filesystem:\n    rootdirectory: %s\n", strconv.Quote(c.storageDir))
	fmt.Fprintf(&b, "  delete:\n    enabled: true\n")
	fmt.Fprintf(&b, "  maintenance:\n    uploadpurging:\n      enabled: false\n")
	fmt.Fprintf(&b, "http:\n  addr: %s\n  secret: %s\n", strconv.Quote(c.addr), randomHex(16))
	if c.certFile != "" {
		fmt.Fprintf(&b, "  tls:\n    certificate: %s\n    key: %s\n",
			strconv.Quote(c.certFile), strconv.Quote(c.keyFile))
	}
	if c.htpasswdFile != "" {
		fmt.Fprintf(&b, "auth:\n  htpasswd:\n    realm: tagflow-test\n    path: %s\n",
			strconv.Quote(c.htpasswdFile))
	}
	if c.tokenRealm != "" {
		fmt.Fprintf(&b, "auth:\n  token:\n    realm: %s\n    service: %s\n    issuer: %s\n    jwks: %s\n",
			strconv.Quote(c.tokenRealm), tokenService, tokenIssuer, strconv.Quote(c.jwksFile))
	}
	fmt.Fprintf(&b, "health:\n  storagedriver:\n    enabled: false\n")
	return b.String()
}

// writeHtpasswd writes an htpasswd file with one bcrypt entry for user.
func writeHtpasswd(path, user, password string) error {
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		return fmt.Errorf("hashing htpasswd password: %w", err)
	}
	line := user + ":" + string(hash) + "\n"
	if err := os.WriteFile(path, []byte(line), 0o600); err != nil {
		return fmt.Errorf("writing htpasswd file: %w", err)
	}
	return nil
}

// randomHex returns n random bytes as hex.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never returns an error
	return hex.EncodeToString(b)
}
