package adapt

import (
	"fmt"
	"slices"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/scanner/store"
)

// latestTagsCount is how many tags lastScanResult.latestTags lists, as in Flux.
const latestTagsCount = 10

// RecordScan records in st a successful scan of repo that listed the tags of image and
// stored them as meta: the canonical image name (left as it was when image does not
// parse), lastScanResult and the exclusion list applied. It returns the Ready message.
func RecordScan(st *v1alpha1.ImageRepositoryStatus, repo *v1alpha1.ImageRepository, image string, tags []string, meta store.Meta) string {
	// Without name.Insecure: it changes the scheme, not the name.
	if ref, err := name.NewRepository(image); err == nil {
		st.CanonicalImageName = ref.Name()
	}
	st.LastScanResult = &v1alpha1.ScanResult{
		Revision:   meta.Revision,
		TagCount:   meta.Count,
		ScanTime:   metav1.NewTime(meta.ScanTime),
		LatestTags: latestTags(tags),
	}
	st.ObservedExclusionList = repo.GetExclusionList()
	return fmt.Sprintf("successful scan: found %d tags with checksum %s", meta.Count, meta.Revision)
}

// latestTags returns the first tags in descending string order, as Flux's latestTags.
func latestTags(tags []string) []string {
	sorted := slices.Clone(tags)
	slices.SortFunc(sorted, func(a, b string) int { return strings.Compare(b, a) })
	sorted = slices.Compact(sorted)
	return sorted[:min(len(sorted), latestTagsCount)]
}
