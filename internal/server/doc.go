// Package server serves the standalone daemon's HTTP endpoints: /healthz, /readyz,
// /metrics (Prometheus) and a read-only JSON view of the objects and their status under
// /api/v1alpha1/.
package server
