package adapt

import (
	"k8s.io/apimachinery/pkg/types"

	"github.com/tagflow/tagflow/api/v1alpha1"
	"github.com/tagflow/tagflow/updater"
)

// TemplateData is what an automation's commit message template is executed with, as in
// Flux.
type TemplateData struct {
	// AutomationObject prints as namespace/name.
	AutomationObject types.NamespacedName
	// Changed has .FileChanges, .Changes and .Objects.
	Changed *updater.Result
	// Values are spec.git.commit.messageTemplateValues.
	Values map[string]string
}

// NewTemplateData returns the template data of a run of a whose update made changed;
// values are the automation's Git.Values.
func NewTemplateData(a *v1alpha1.ImageUpdateAutomation, changed *updater.Result, values map[string]string) TemplateData {
	return TemplateData{
		AutomationObject: types.NamespacedName{Namespace: a.Namespace, Name: a.Name},
		Changed:          changed,
		Values:           values,
	}
}
