package runner

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the Prometheus metrics of a Runner. All are labelled with the object's
// namespace and name.
type Metrics struct {
	scans           *prometheus.CounterVec
	scanErrors      *prometheus.CounterVec
	tags            *prometheus.GaugeVec
	scanDuration    *prometheus.HistogramVec
	selections      *prometheus.CounterVec
	selectionErrors *prometheus.CounterVec
	behind          *prometheus.GaugeVec
	runs            *prometheus.CounterVec
	runErrors       *prometheus.CounterVec
	commits         *prometheus.CounterVec
	pushRetries     *prometheus.CounterVec
	runDuration     *prometheus.HistogramVec
	ready           *prometheus.GaugeVec
}

var objectLabels = []string{"namespace", "name"}

// durationBuckets span 10ms to about 20 minutes.
var durationBuckets = prometheus.ExponentialBuckets(0.01, 4, 10)

// NewMetrics creates the metrics and registers them with reg, unless reg is nil.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		scans:           counter("tagflow_scans_total", "Registry scans of an ImageRepository, successful or not.", objectLabels...),
		scanErrors:      counter("tagflow_scan_errors_total", "Failed registry scans of an ImageRepository, by condition reason.", "namespace", "name", "reason"),
		tags:            gauge("tagflow_repository_tags", "Tags stored for an ImageRepository after its last successful scan."),
		scanDuration:    histogram("tagflow_scan_duration_seconds", "Duration of registry scans."),
		selections:      counter("tagflow_policy_selections_total", "Evaluations of an ImagePolicy that chose a tag."),
		selectionErrors: counter("tagflow_policy_selection_errors_total", "Evaluations of an ImagePolicy that chose no tag, by condition reason.", "namespace", "name", "reason"),
		behind:          gauge("tagflow_policy_git_behind", "1 when an automation using the ImagePolicy has not yet written its latest tag to Git, else 0."),
		runs:            counter("tagflow_automation_runs_total", "Runs of an ImageUpdateAutomation, successful or not."),
		runErrors:       counter("tagflow_automation_run_errors_total", "Failed runs of an ImageUpdateAutomation, by condition reason.", "namespace", "name", "reason"),
		commits:         counter("tagflow_automation_commits_total", "Commits pushed by an ImageUpdateAutomation."),
		pushRetries:     counter("tagflow_automation_push_retries_total", "Pushes retried after a non-fast-forward rejection."),
		runDuration:     histogram("tagflow_automation_duration_seconds", "Duration of ImageUpdateAutomation runs (checkout, update, commit, push)."),
		ready:           gauge("tagflow_object_ready", "1 when the object's Ready condition is True, else 0.", "kind", "namespace", "name"),
	}
	if reg != nil {
		for _, c := range m.collectors() {
			reg.MustRegister(c)
		}
	}
	return m
}

func (m *Metrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{m.scans, m.scanErrors, m.tags, m.scanDuration, m.selections,
		m.selectionErrors, m.behind, m.runs, m.runErrors, m.commits, m.pushRetries, m.runDuration, m.ready}
}

func counter(name, help string, labels ...string) *prometheus.CounterVec {
	if len(labels) == 0 {
		labels = objectLabels
	}
	return prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
}

func gauge(name, help string, labels ...string) *prometheus.GaugeVec {
	if len(labels) == 0 {
		labels = objectLabels
	}
	return prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: name, Help: help}, labels)
}

func histogram(name, help string) *prometheus.HistogramVec {
	return prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: name, Help: help, Buckets: durationBuckets}, objectLabels)
}

// setReady records the Ready state of an object.
func (m *Metrics) setReady(kind, namespace, name string, ready bool) {
	m.ready.WithLabelValues(kind, namespace, name).Set(boolValue(ready))
}

// observeScan records one scan; reason is empty on success.
func (m *Metrics) observeScan(namespace, name string, d time.Duration, tags int, reason string) {
	m.scans.WithLabelValues(namespace, name).Inc()
	m.scanDuration.WithLabelValues(namespace, name).Observe(d.Seconds())
	if reason != "" {
		m.scanErrors.WithLabelValues(namespace, name, reason).Inc()
		return
	}
	m.tags.WithLabelValues(namespace, name).Set(float64(tags))
}

// observeSelection records one policy evaluation; reason is empty on success.
func (m *Metrics) observeSelection(namespace, name, reason string) {
	if reason != "" {
		m.selectionErrors.WithLabelValues(namespace, name, reason).Inc()
		return
	}
	m.selections.WithLabelValues(namespace, name).Inc()
}

// observeRun records one automation run; reason is empty on success.
func (m *Metrics) observeRun(namespace, name string, d time.Duration, pushed bool, retries int, reason string) {
	m.runs.WithLabelValues(namespace, name).Inc()
	m.runDuration.WithLabelValues(namespace, name).Observe(d.Seconds())
	if pushed {
		m.commits.WithLabelValues(namespace, name).Inc()
	}
	if retries > 0 {
		m.pushRetries.WithLabelValues(namespace, name).Add(float64(retries))
	}
	if reason != "" {
		m.runErrors.WithLabelValues(namespace, name, reason).Inc()
	}
}

// setBehind records whether Git is behind the policy's latest tag.
func (m *Metrics) setBehind(namespace, name string, behind bool) {
	m.behind.WithLabelValues(namespace, name).Set(boolValue(behind))
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
