package runner

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/internal/config"
)

// statusFileName is the file in the state dir holding every object's status.
const statusFileName = "status.json"

// statuses is the content of the status file, keyed by "namespace/name".
type statuses struct {
	Repositories map[string]*v1alpha1.ImageRepositoryStatus       `json:"imageRepositories"`
	Policies     map[string]*v1alpha1.ImagePolicyStatus           `json:"imagePolicies"`
	Automations  map[string]*v1alpha1.ImageUpdateAutomationStatus `json:"imageUpdateAutomations"`
}

// statusFile holds the statuses in memory and writes them to disk on every change.
type statusFile struct {
	path string
	mu   sync.Mutex
	s    statuses
}

// openStatusFile reads the status file in dir, or starts empty when there is none.
func openStatusFile(dir string) (*statusFile, error) {
	f := &statusFile{path: filepath.Join(dir, statusFileName)}
	data, err := os.ReadFile(f.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("reading statuses: %w", err)
	default:
		if err := json.Unmarshal(data, &f.s); err != nil {
			return nil, fmt.Errorf("reading statuses from %s: %w", f.path, err)
		}
	}
	if f.s.Repositories == nil {
		f.s.Repositories = map[string]*v1alpha1.ImageRepositoryStatus{}
	}
	if f.s.Policies == nil {
		f.s.Policies = map[string]*v1alpha1.ImagePolicyStatus{}
	}
	if f.s.Automations == nil {
		f.s.Automations = map[string]*v1alpha1.ImageUpdateAutomationStatus{}
	}
	return f, nil
}

// repository returns a copy of the status of the ImageRepository key.
func (f *statusFile) repository(key string) v1alpha1.ImageRepositoryStatus {
	f.mu.Lock()
	defer f.mu.Unlock()
	if st := f.s.Repositories[key]; st != nil {
		return *st.DeepCopy()
	}
	return v1alpha1.ImageRepositoryStatus{}
}

// policy returns a copy of the status of the ImagePolicy key.
func (f *statusFile) policy(key string) v1alpha1.ImagePolicyStatus {
	f.mu.Lock()
	defer f.mu.Unlock()
	if st := f.s.Policies[key]; st != nil {
		return *st.DeepCopy()
	}
	return v1alpha1.ImagePolicyStatus{}
}

// automation returns a copy of the status of the ImageUpdateAutomation key.
func (f *statusFile) automation(key string) v1alpha1.ImageUpdateAutomationStatus {
	f.mu.Lock()
	defer f.mu.Unlock()
	if st := f.s.Automations[key]; st != nil {
		return *st.DeepCopy()
	}
	return v1alpha1.ImageUpdateAutomationStatus{}
}

// setRepository stores the status of the ImageRepository key and saves the file.
func (f *statusFile) setRepository(key string, st v1alpha1.ImageRepositoryStatus) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.s.Repositories[key] = st.DeepCopy()
	return f.save()
}

// setPolicy stores the status of the ImagePolicy key and saves the file.
func (f *statusFile) setPolicy(key string, st v1alpha1.ImagePolicyStatus) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.s.Policies[key] = st.DeepCopy()
	return f.save()
}

// setAutomation stores the status of the ImageUpdateAutomation key and saves the file.
func (f *statusFile) setAutomation(key string, st v1alpha1.ImageUpdateAutomationStatus) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.s.Automations[key] = st.DeepCopy()
	return f.save()
}

// save writes the statuses to a temporary file, syncs it and renames it over the status
// file, so that a crash leaves the old file or the new one. The caller holds f.mu.
func (f *statusFile) save() error {
	data, err := json.MarshalIndent(&f.s, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding statuses: %w", err)
	}
	if err := writeAtomic(f.path, data); err != nil {
		return fmt.Errorf("saving statuses: %w", err)
	}
	return nil
}

// writeAtomic replaces path with data through a synced temporary file and a rename.
func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(data)
	serr := tmp.Sync()
	cerr := tmp.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	// Sync the directory so that the rename survives a power loss; not every file system
	// supports it, so a failure is not an error.
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// retain drops the statuses of objects that set does not hold, and saves the file when it
// dropped any.
func (f *statusFile) retain(set *config.Set) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := len(f.s.Repositories) + len(f.s.Policies) + len(f.s.Automations)
	maps.DeleteFunc(f.s.Repositories, func(k string, _ *v1alpha1.ImageRepositoryStatus) bool {
		_, ok := set.Repository(splitKey(k))
		return !ok
	})
	maps.DeleteFunc(f.s.Policies, func(k string, _ *v1alpha1.ImagePolicyStatus) bool {
		_, ok := set.Policy(splitKey(k))
		return !ok
	})
	maps.DeleteFunc(f.s.Automations, func(k string, _ *v1alpha1.ImageUpdateAutomationStatus) bool {
		return !slices.ContainsFunc(set.Automations, func(a *v1alpha1.ImageUpdateAutomation) bool {
			return key(a.Namespace, a.Name) == k
		})
	})
	if n == len(f.s.Repositories)+len(f.s.Policies)+len(f.s.Automations) {
		return nil
	}
	return f.save()
}

// splitKey splits "namespace/name".
func splitKey(k string) (string, string) {
	ns, name, _ := strings.Cut(k, "/")
	return ns, name
}
