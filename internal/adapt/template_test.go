package adapt

import (
	"strings"
	"testing"
	"text/template"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/updater"
)

// TestTemplateData checks the fields a Flux commit message template reads.
func TestTemplateData(t *testing.T) {
	a := &v1alpha1.ImageUpdateAutomation{ObjectMeta: metav1.ObjectMeta{Namespace: "apps", Name: "web"}}
	data := NewTemplateData(a, &updater.Result{}, map[string]string{"env": "prod"})
	tmpl := template.Must(template.New("msg").Parse(
		"{{ .AutomationObject }} {{ .AutomationObject.Namespace }} {{ .AutomationObject.Name }} {{ .Values.env }} {{ len .Changed.Changes }}"))
	var b strings.Builder
	if err := tmpl.Execute(&b, data); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("apps/web apps web prod 0", b.String()); diff != "" {
		t.Errorf("executed template mismatch (-want +got):\n%s", diff)
	}
}
