package adapt

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/scanner/store"
)

func TestRecordScan(t *testing.T) {
	at := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	var many []string
	for i := range 12 {
		many = append(many, fmt.Sprintf("1.%02d.0", i))
	}
	for _, tc := range []struct {
		name          string
		image         string
		tags          []string
		wantCanonical string
		wantLatest    []string
	}{
		{"docker hub short name", "nginx", []string{"1.0", "1.1", "1.1"}, "index.docker.io/library/nginx", []string{"1.1", "1.0"}},
		{"more than ten tags", "ghcr.io/acme/web", many, "ghcr.io/acme/web",
			[]string{"1.11.0", "1.10.0", "1.09.0", "1.08.0", "1.07.0", "1.06.0", "1.05.0", "1.04.0", "1.03.0", "1.02.0"}},
		{"image does not parse", "UPPER/case", nil, "previous", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			repo := &v1alpha1.ImageRepository{Spec: v1alpha1.ImageRepositorySpec{Image: tc.image, ExclusionList: []string{"^sha-"}}}
			st := v1alpha1.ImageRepositoryStatus{CanonicalImageName: "previous"}
			meta := store.Meta{Revision: "sha256:abc", Count: len(tc.tags), ScanTime: at}
			msg := RecordScan(&st, repo, tc.image, tc.tags, meta)
			want := v1alpha1.ImageRepositoryStatus{
				CanonicalImageName:    tc.wantCanonical,
				LastScanResult:        &v1alpha1.ScanResult{Revision: "sha256:abc", TagCount: len(tc.tags), ScanTime: metav1.NewTime(at), LatestTags: tc.wantLatest},
				ObservedExclusionList: []string{"^sha-"},
			}
			if diff := cmp.Diff(want, st); diff != "" {
				t.Errorf("RecordScan() status mismatch (-want +got):\n%s", diff)
			}
			if wantMsg := fmt.Sprintf("successful scan: found %d tags with checksum sha256:abc", len(tc.tags)); msg != wantMsg {
				t.Errorf("RecordScan() = %q, want %q", msg, wantMsg)
			}
		})
	}
}
