package v1alpha1

// Accessors the reconcilers' shared preamble uses on every kind: the observed generation,
// the handled reconcile request and suspension. They hold no logic beyond reading and
// writing the fields.

// GetObservedGeneration returns status.observedGeneration.
func (in *ImageRepository) GetObservedGeneration() int64 { return in.Status.ObservedGeneration }

// SetObservedGeneration sets status.observedGeneration.
func (in *ImageRepository) SetObservedGeneration(g int64) { in.Status.ObservedGeneration = g }

// GetLastHandledReconcileAt returns status.lastHandledReconcileAt.
func (in *ImageRepository) GetLastHandledReconcileAt() string {
	return in.Status.LastHandledReconcileAt
}

// SetLastHandledReconcileAt sets status.lastHandledReconcileAt.
func (in *ImageRepository) SetLastHandledReconcileAt(v string) { in.Status.LastHandledReconcileAt = v }

// IsSuspended returns spec.suspend.
func (in *ImageRepository) IsSuspended() bool { return in.Spec.Suspend }

// GetObservedGeneration returns status.observedGeneration.
func (in *ImagePolicy) GetObservedGeneration() int64 { return in.Status.ObservedGeneration }

// SetObservedGeneration sets status.observedGeneration.
func (in *ImagePolicy) SetObservedGeneration(g int64) { in.Status.ObservedGeneration = g }

// GetLastHandledReconcileAt returns status.lastHandledReconcileAt.
func (in *ImagePolicy) GetLastHandledReconcileAt() string { return in.Status.LastHandledReconcileAt }

// SetLastHandledReconcileAt sets status.lastHandledReconcileAt.
func (in *ImagePolicy) SetLastHandledReconcileAt(v string) { in.Status.LastHandledReconcileAt = v }

// IsSuspended returns spec.suspend.
func (in *ImagePolicy) IsSuspended() bool { return in.Spec.Suspend }

// GetObservedGeneration returns status.observedGeneration.
func (in *ImageUpdateAutomation) GetObservedGeneration() int64 {
	return in.Status.ObservedGeneration
}

// SetObservedGeneration sets status.observedGeneration.
func (in *ImageUpdateAutomation) SetObservedGeneration(g int64) { in.Status.ObservedGeneration = g }

// GetLastHandledReconcileAt returns status.lastHandledReconcileAt.
func (in *ImageUpdateAutomation) GetLastHandledReconcileAt() string {
	return in.Status.LastHandledReconcileAt
}

// SetLastHandledReconcileAt sets status.lastHandledReconcileAt.
func (in *ImageUpdateAutomation) SetLastHandledReconcileAt(v string) {
	in.Status.LastHandledReconcileAt = v
}

// IsSuspended returns spec.suspend.
func (in *ImageUpdateAutomation) IsSuspended() bool { return in.Spec.Suspend }
