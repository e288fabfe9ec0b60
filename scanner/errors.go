package scanner

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// Sentinel errors classify what went wrong so that callers can branch with errors.Is.
// Every error returned by a Scanner wraps exactly one of them (except a cancelled context,
// which wraps context.Canceled).
var (
	// ErrAuth means the registry refused the credentials (401 or 403).
	ErrAuth = errors.New("authentication failed")
	// ErrNotFound means the repository, tag or manifest does not exist (404).
	ErrNotFound = errors.New("not found")
	// ErrRateLimited means the registry or the local rate limit asked to wait longer than
	// the attempts or the scan timeout allowed; Error.Wait says how long.
	ErrRateLimited = errors.New("rate limited")
	// ErrTransient means an error that may go away by itself: a network failure, a 5xx
	// answer, a response that cannot be decoded, or the scan timeout.
	ErrTransient = errors.New("transient error")
	// ErrInvalidConfig means the configuration cannot work until it changes: an invalid
	// image name, exclusion pattern, credentials file, certificate or proxy URL, plain HTTP
	// without insecure, or a server certificate that the configured CAs do not trust.
	ErrInvalidConfig = errors.New("invalid configuration")
)

// Error is the error type returned by Scanner methods. It says what was being done (Op) to
// which image, and carries the class (one of the sentinels) and the cause.
type Error struct {
	// Op is what was being done, such as "listing tags of".
	Op string
	// Image is the repository or reference the operation was about.
	Image string
	// Kind is one of ErrAuth, ErrNotFound, ErrRateLimited, ErrTransient or
	// ErrInvalidConfig; nil when the caller's context was cancelled.
	Kind error
	// Wait is how long the registry asked to wait before the next attempt, when known.
	Wait time.Duration
	// Err is the underlying cause.
	Err error
}

// Error says what was being done to which image, the class and the cause.
func (e *Error) Error() string {
	msg := e.Op
	if e.Image != "" {
		msg += " " + e.Image
	}
	if e.Kind != nil {
		msg += ": " + e.Kind.Error()
		if e.Wait > 0 {
			msg += fmt.Sprintf(" (retry after %s)", e.Wait)
		}
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the class and the cause, so that errors.Is works with both the sentinels
// and the underlying errors (for example *transport.Error).
func (e *Error) Unwrap() []error {
	var errs []error
	if e.Kind != nil {
		errs = append(errs, e.Kind)
	}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}

// configError returns an ErrInvalidConfig error for op.
func configError(op, image string, err error) error {
	return &Error{Op: op, Image: image, Kind: ErrInvalidConfig, Err: err}
}

// classify wraps err, which happened while doing op on image, in an *Error with its class.
func classify(op, image string, err error) error {
	var se *Error
	if errors.As(err, &se) {
		if se.Op == "" {
			se.Op, se.Image = op, image
		}
		return se
	}
	wait, kind := kindOf(err)
	return &Error{Op: op, Image: image, Kind: kind, Wait: wait, Err: err}
}

// kindOf returns, for rate limits, the wait, and the class of err. The order matters when
// err joins several causes (go-containerregistry pings https and http for localhost):
// a network failure outranks the refusal of the plain HTTP fallback.
func kindOf(err error) (time.Duration, error) {
	var (
		rl *rateLimitedError
		te *transport.Error
		ne net.Error
	)
	switch {
	case errors.As(err, &rl):
		return rl.wait, ErrRateLimited
	case errors.Is(err, context.Canceled):
		return 0, nil
	case errors.Is(err, http.ErrSchemeMismatch), isCertificateError(err):
		return 0, ErrInvalidConfig
	case errors.As(err, &te):
		return 0, kindOfStatus(te)
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne):
		return 0, ErrTransient
	case errors.Is(err, errPlainHTTP):
		return 0, ErrInvalidConfig
	default:
		return 0, ErrTransient
	}
}

// kindOfStatus classifies a registry error response.
func kindOfStatus(te *transport.Error) error {
	switch te.StatusCode {
	case http.StatusUnauthorized, http.StatusForbidden:
		return ErrAuth
	case http.StatusNotFound:
		return ErrNotFound
	case http.StatusTooManyRequests:
		return ErrRateLimited
	case http.StatusBadRequest:
		for _, d := range te.Errors {
			if d.Code == transport.NameInvalidErrorCode || d.Code == transport.TagInvalidErrorCode {
				return ErrInvalidConfig
			}
		}
	}
	return ErrTransient
}

// isCertificateError reports whether err comes from verifying the server's certificate
// or from the server rejecting ours.
func isCertificateError(err error) bool {
	var (
		cve *tls.CertificateVerificationError
		uae x509.UnknownAuthorityError
		hne x509.HostnameError
		cie x509.CertificateInvalidError
		ae  tls.AlertError
		oe  *net.OpError
	)
	if errors.As(err, &ae) {
		return true // the server refused the handshake, e.g. a missing client certificate
	}
	if errors.As(err, &oe) && oe.Op == "remote error" {
		return true
	}
	return errors.As(err, &cve) || errors.As(err, &uae) || errors.As(err, &hne) || errors.As(err, &cie)
}

// rateLimitedError says that waiting for the registry or the local limiter would take
// longer than allowed.
type rateLimitedError struct {
	host string
	wait time.Duration
	by   string
}

func (e *rateLimitedError) Error() string {
	return fmt.Sprintf("%s asks to wait %s for %s", e.by, e.wait, e.host)
}
