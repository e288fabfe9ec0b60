package giteaserver

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strings"
)

// PageSize is the server's API page size: both the default and the most a client may ask
// for (DEFAULT_PAGING_NUM and MAX_RESPONSE_ITEMS), small so that tests page for real.
const PageSize = 2

// config is what app.ini is generated from.
type config struct {
	dir, staticRoot string
	port            int
	runUser         string
	root            bool
	secretKey       string
	internalToken   string
	jwtSecret       string
}

// newConfig returns the configuration of a server in dir, with fresh secrets and no port
// yet.
func newConfig(dir, staticRoot string) config {
	return config{
		dir:        dir,
		staticRoot: staticRoot,
		runUser:    runUser(),
		root:       os.Getuid() == 0,
		secretKey:  randomHex(32),
		// Gitea compares the internal token as an opaque string; it generates a JWT, but any
		// secret value works.
		internalToken: randomHex(32),
		// JWT_SECRET must be 32 bytes in unpadded URL-safe base64, else Gitea generates one
		// and rewrites app.ini.
		jwtSecret: base64.RawURLEncoding.EncodeToString(randomBytes(32)),
	}
}

// ini returns app.ini: SQLite, HTTP on loopback only, no SSH, no mail, no indexers beyond
// the database, in-memory queues, sessions and cache, logs in Dir/log/gitea.log.
func (c config) ini() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	p("APP_NAME = tagflow test")
	p("RUN_MODE = prod")
	p("RUN_USER = %s", c.runUser)
	p("WORK_PATH = %s", c.dir)
	if c.root {
		// CI runs as root; Gitea refuses that without this key (modules/setting/setting.go).
		p("I_AM_BEING_UNSAFE_RUNNING_AS_ROOT = true")
	}
	c.server(p)
	p("\n[database]\nDB_TYPE = sqlite3\nPATH = %s", filepath.Join(c.dir, "data", "gitea.db"))
	p("\n[repository]\nROOT = %s\nDEFAULT_BRANCH = main", filepath.Join(c.dir, "repositories"))
	p("\n[security]\nINSTALL_LOCK = true\nSECRET_KEY = %s\nINTERNAL_TOKEN = %s", c.secretKey, c.internalToken)
	p("\n[oauth2]\nENABLED = false\nJWT_SECRET = %s", c.jwtSecret)
	p("\n[service]\nDISABLE_REGISTRATION = true\nENABLE_NOTIFY_MAIL = false")
	p("\n[mailer]\nENABLED = false")
	p("\n[indexer]\nISSUE_INDEXER_TYPE = db\nREPO_INDEXER_ENABLED = false")
	p("\n[queue]\nTYPE = channel")
	p("\n[session]\nPROVIDER = memory")
	p("\n[cache]\nADAPTER = memory")
	p("\n[api]\nDEFAULT_PAGING_NUM = %d\nMAX_RESPONSE_ITEMS = %d", PageSize, PageSize)
	p("\n[actions]\nENABLED = false")
	p("\n[packages]\nENABLED = false")
	p("\n[cron.update_checker]\nENABLED = false")
	p("\n[log]\nMODE = file\nLEVEL = Info\nROOT_PATH = %s", filepath.Join(c.dir, "log"))
	return b.String()
}

// server writes the [server] section.
func (c config) server(p func(string, ...any)) {
	url := fmt.Sprintf("http://127.0.0.1:%d/", c.port)
	p("\n[server]")
	p("PROTOCOL = http\nHTTP_ADDR = 127.0.0.1\nHTTP_PORT = %d", c.port)
	p("DOMAIN = 127.0.0.1\nROOT_URL = %s\nLOCAL_ROOT_URL = %s", url, url)
	p("APP_DATA_PATH = %s", filepath.Join(c.dir, "data"))
	p("STATIC_ROOT_PATH = %s", c.staticRoot)
	p("OFFLINE_MODE = true\nDISABLE_SSH = true\nSTART_SSH_SERVER = false\nLFS_START_SERVER = false")
}

// runUser returns the user Gitea will find itself running as, as Gitea determines it
// (modules/user.CurrentUsername): the account of the current uid, else $USER.
func runUser() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return os.Getenv("USER")
}

// randomHex returns n random bytes as hex.
func randomHex(n int) string { return hex.EncodeToString(randomBytes(n)) }

// randomBytes returns n random bytes.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never returns an error
	return b
}
