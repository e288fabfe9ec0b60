package forgetest

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tagflow/tagflow/internal/forge"
)

// NewClient returns the client newClient makes of cfg, and stops the test when it cannot.
func NewClient[C any](t *testing.T, newClient func(forge.Config) (C, error), cfg forge.Config) C {
	t.Helper()
	c, err := newClient(cfg)
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}
	return c
}

// Refusal is a configuration a forge's New must turn down.
type Refusal struct {
	Name   string
	Config forge.Config
	// Want is what the error must say.
	Want string
}

// CheckRefusals runs a subtest a refusal that checks newClient turns its configuration
// down with an error saying Want.
func CheckRefusals(t *testing.T, newClient func(forge.Config) error, refusals []Refusal) {
	t.Helper()
	for _, tt := range refusals {
		t.Run(tt.Name, func(t *testing.T) {
			err := newClient(tt.Config)
			if err == nil || !strings.Contains(err.Error(), tt.Want) {
				t.Errorf("New() error = %v, want one containing %q", err, tt.Want)
			}
		})
	}
}

// Transport is an http.RoundTripper that answers every request with one recorded
// response and keeps where each request went and the credential it carried.
type Transport struct {
	T testing.TB
	// File is the recorded response, in testdata.
	File string
	// Header is the header that carries the credential.
	Header string
	// URLs are scheme://host/path of the requests, the path as sent.
	URLs []string
	// Credentials are the Header of the requests.
	Credentials []string
}

// RoundTrip records req and answers it with File.
func (tr *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	tr.URLs = append(tr.URLs, req.URL.Scheme+"://"+req.URL.Host+req.URL.EscapedPath())
	tr.Credentials = append(tr.Credentials, req.Header.Get(tr.Header))
	return &http.Response{StatusCode: http.StatusOK, Request: req,
		Header: http.Header{"Content-Type": {"application/json"}},
		Body:   io.NopCloser(strings.NewReader(string(ReadFile(tr.T, tr.File))))}, nil
}

// Routing checks where a forge's client sends its requests: the URL made of the
// configured URL and repository, the credential, and the reading of the answer.
type Routing struct {
	// New makes the forge's client.
	New func(forge.Config) (forge.Client, error)
	// File is the recorded list response every request is answered with.
	File string
	// Header is the header that must carry Credential.
	Header, Credential string
	// Want is what Find makes of File.
	Want []forge.PullRequest
}

// Check has the client of cfg, sending through a Transport, Find head into main and
// checks that its one request went to wantURL.
func (rt Routing) Check(t *testing.T, cfg forge.Config, head, wantURL string) {
	t.Helper()
	tr := &Transport{T: t, File: rt.File, Header: rt.Header}
	cfg.HTTPClient = &http.Client{Transport: tr}
	prs, err := NewClient(t, rt.New, cfg).Find(t.Context(), head, "main")
	if err != nil {
		t.Fatalf("Find() error = %v", err)
	}
	if diff := cmp.Diff([]string{wantURL}, tr.URLs); diff != "" {
		t.Errorf("request URLs (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{rt.Credential}, tr.Credentials); diff != "" {
		t.Errorf("%s headers (-want +got):\n%s", rt.Header, diff)
	}
	if diff := cmp.Diff(rt.Want, prs); diff != "" {
		t.Errorf("Find() of the recorded list mismatch (-want +got):\n%s", diff)
	}
}
