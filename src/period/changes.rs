//! CloudTrail change events that move a period control between two snapshots: a security group
//! opened and closed again, MFA deactivated, a key created, a bucket made public, logging stopped.
//! Captured as the records stream (the records themselves are not kept) and turned into
//! [`Transition`]s of one control.

use super::Transition;

/// The change events of the run's CloudTrail records that can move a period control.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ChangeLog {}

impl ChangeLog {
    #[allow(dead_code)] // the CloudTrail reader merges its workers' logs (in progress)
    pub(crate) fn merge(&mut self, _other: ChangeLog) {}
}

/// Can CloudTrail date changes of this check's state?
pub(crate) fn refinable(_check: &str) -> bool {
    false
}

/// The changes of one control's state that the log records, oldest first.
pub(crate) fn transitions(_log: &ChangeLog, _check: &str, _resource: &str, _account: Option<&str>) -> Vec<Transition> {
    Vec::new()
}
