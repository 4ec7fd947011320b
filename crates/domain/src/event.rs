//! The shape of one state change, as every context records it in the append-only
//! `events` table. The ledger turns these rows into a Merkle log, so the payload is
//! plain JSON and the subject is a public identifier (item code, decree id, account
//! id), never personal data in clear.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewEvent {
    /// The context that owns the change: `catalog`, `identity`, ...
    pub context: &'static str,
    /// What happened, e.g. `item.version`, `decree.applied`.
    pub kind: &'static str,
    /// The public identifier of what changed.
    pub subject: String,
    /// Who did it: `account:<id>` or `system:<name>`.
    pub actor: String,
    pub payload: serde_json::Value,
}

impl NewEvent {
    pub fn new(
        context: &'static str,
        kind: &'static str,
        subject: impl Into<String>,
        actor: impl Into<String>,
        payload: serde_json::Value,
    ) -> Self {
        Self {
            context,
            kind,
            subject: subject.into(),
            actor: actor.into(),
            payload,
        }
    }
}
