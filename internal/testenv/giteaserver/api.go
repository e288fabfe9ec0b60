package giteaserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"
)

// apiClient bounds every API call of the harness.
var apiClient = &http.Client{Timeout: 60 * time.Second}

// APIError is a response of the API outside 2xx.
type APIError struct {
	// Method and Path are the request's, Path relative to /api/v1.
	Method, Path string
	// StatusCode is the response's status code.
	StatusCode int
	// Body is the response body.
	Body string
}

// Error returns "METHOD /api/v1/PATH: STATUS: BODY".
func (e *APIError) Error() string {
	return fmt.Sprintf("%s /api/v1%s: %d %s: %s", e.Method, e.Path, e.StatusCode, http.StatusText(e.StatusCode), e.Body)
}

// API calls the REST API as the administrator (with Token): path is relative to /api/v1,
// in is sent as JSON unless nil, and a 2xx body is decoded into out unless out is nil. It
// fails the test on an error or a status outside 2xx.
func (s *Server) API(t testing.TB, method, path string, in, out any) {
	t.Helper()
	if err := s.call(method, path, in, out); err != nil {
		t.Fatalf("calling the gitea API: %v", err)
	}
}

// call is API returning the error (an *APIError for a status outside 2xx). Without a
// Token yet it authenticates with the administrator's password.
func (s *Server) call(method, path string, in, out any) error {
	return s.callAs(s.Token == "", method, path, in, out)
}

// callAs is call with basic authentication (the password) if basic is set, else with Token.
func (s *Server) callAs(basic bool, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("encoding the request to %s: %w", path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.URL+"/api/v1"+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if basic {
		req.SetBasicAuth(s.Username, s.Password)
	} else {
		req.Header.Set("Authorization", "token "+s.Token)
	}
	resp, err := apiClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("reading the answer of %s %s: %w", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		return &APIError{Method: method, Path: path, StatusCode: resp.StatusCode, Body: string(data)}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("decoding the answer of %s %s: %w", method, path, err)
	}
	return nil
}

// NewToken creates another API token of the administrator with scopes (such as
// "read:repository"; "all" for every scope) and returns it.
func (s *Server) NewToken(t testing.TB, scopes ...string) string {
	t.Helper()
	token, err := s.createToken(scopes...)
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// createToken creates an API token of the administrator with scopes. Gitea wants basic
// authentication for it.
func (s *Server) createToken(scopes ...string) (string, error) {
	in := map[string]any{"name": "tagflow-" + randomHex(4), "scopes": scopes}
	var out struct {
		SHA1 string `json:"sha1"`
	}
	if err := s.callAs(true, http.MethodPost, "/users/"+s.Username+"/tokens", in, &out); err != nil {
		return "", fmt.Errorf("creating an API token: %w", err)
	}
	return out.SHA1, nil
}

// PullRequest is the part of the API's pull request the harness reads.
type PullRequest struct {
	// Number is the pull request's number (the API's "number", the SDK's Index).
	Number int `json:"number"`
	// Title and Body are the title and the description.
	Title string `json:"title"`
	Body  string `json:"body"`
	// State is "open" or "closed" (a merged pull request is closed and Merged).
	State  string `json:"state"`
	Merged bool   `json:"merged"`
	// Draft is the API's draft field: whether the title has a WIP prefix.
	Draft bool `json:"draft"`
	// HTMLURL is the web page.
	HTMLURL string  `json:"html_url"`
	Labels  []Label `json:"labels"`
	// Head is the source: Label is the branch name, Ref the branch name or
	// refs/pull/N/head once the branch is gone, SHA the head commit.
	Head struct {
		Label string `json:"label"`
		Ref   string `json:"ref"`
		SHA   string `json:"sha"`
	} `json:"head"`
	// Base is the target; Ref is the branch name.
	Base struct {
		Ref string `json:"ref"`
	} `json:"base"`
}

// Label is a label of a repository.
type Label struct {
	// ID is what the API takes to add the label.
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// LabelNames returns the names of pr's labels in the API's order.
func (pr PullRequest) LabelNames() []string {
	names := make([]string, 0, len(pr.Labels))
	for _, l := range pr.Labels {
		names = append(names, l.Name)
	}
	return names
}
