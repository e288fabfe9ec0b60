package controller

import (
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	imagev1 "github.com/tagflow/tagflow/api/v1alpha1"
)

// recordingQueue records the AddAfter calls of a handler.
type recordingQueue struct {
	workqueue.TypedRateLimitingInterface[reconcile.Request]
	mu    sync.Mutex
	added map[string]time.Duration
}

func (q *recordingQueue) AddAfter(r reconcile.Request, d time.Duration) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.added[r.String()] = d
}

// TestPolicyChangeIsDebounced: a latestRef change enqueues, after the debounce delay, the
// automations of the namespace whose policySelector selects the policy, and nothing else.
func TestPolicyChangeIsDebounced(t *testing.T) {
	needEnv(t)
	ns := namespace(t, nil)
	for name, sel := range map[string]*metav1.LabelSelector{
		"all":      nil,
		"matching": {MatchLabels: map[string]string{"app": "web"}},
		"other":    {MatchLabels: map[string]string{"app": "db"}},
	} {
		create(t, &imagev1.ImageUpdateAutomation{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
			Spec: imagev1.ImageUpdateAutomationSpec{Interval: metav1.Duration{Duration: time.Hour}, PolicySelector: sel, Suspend: true,
				GitSpec: &imagev1.GitSpec{URL: "https://git.invalid/app.git", Commit: imagev1.CommitSpec{Author: imagev1.CommitUser{Email: "a@example.com"}}}},
		})
	}
	r := &ImageUpdateAutomationReconciler{Client: k8s, Debounce: 3 * time.Second}
	pol := func(tag string) *imagev1.ImagePolicy {
		p := &imagev1.ImagePolicy{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: ns, Labels: map[string]string{"app": "web"}}}
		if tag != "" {
			p.Status.LatestRef = &imagev1.ImageRef{Name: "ghcr.io/org/web", Tag: tag}
		}
		return p
	}
	tests := []struct {
		name     string
		old, new *imagev1.ImagePolicy
		want     map[string]time.Duration
	}{
		{name: "unchanged", old: pol("1.0.0"), new: pol("1.0.0"), want: map[string]time.Duration{}},
		{name: "first choice", old: pol(""), new: pol("1.0.0"),
			want: map[string]time.Duration{ns + "/all": 3 * time.Second, ns + "/matching": 3 * time.Second}},
		{name: "new tag", old: pol("1.0.0"), new: pol("1.1.0"),
			want: map[string]time.Duration{ns + "/all": 3 * time.Second, ns + "/matching": 3 * time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := &recordingQueue{added: map[string]time.Duration{}}
			r.policyUpdated(t.Context(), event.UpdateEvent{ObjectOld: tt.old, ObjectNew: tt.new}, q)
			if len(q.added) != len(tt.want) {
				t.Fatalf("enqueued %v, want %v", q.added, tt.want)
			}
			for k, d := range tt.want {
				if q.added[k] != d {
					t.Errorf("enqueued %v, want %v", q.added, tt.want)
				}
			}
		})
	}
}
