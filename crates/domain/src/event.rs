//! The shape of one state change, as every context records it in the append-only
//! `events` table. The ledger turns these rows into a Merkle log, so the payload is
//! plain JSON and the subject is a public identifier (item code, decree id, account
//! id), never personal data in clear.

use serde::Serialize;

use crate::identity::Role;

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

/// The actor as the public ledger shows it: staff by staff number and role,
/// citizens and enterprises only as `applicant`, system actors as they are.
/// Fixed when the event is written, so a leaf never changes when an
/// account's role or staff number later does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicActor {
    pub actor: String,
    /// The staff role, for staff.
    pub role: Option<Role>,
}

/// The account facts the public form of an `account:<id>` actor needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActingAccount<'a> {
    pub id: i64,
    pub role: Role,
    pub employee_no: Option<&'a str>,
}

impl PublicActor {
    /// The account an `account:<id>` actor names, to look up before [`Self::of`].
    pub fn account_id(actor: &str) -> Option<i64> {
        actor.strip_prefix("account:")?.parse().ok()
    }

    /// `account` is what [`Self::account_id`] named, if it exists.
    pub fn of(actor: &str, account: Option<ActingAccount<'_>>) -> Self {
        if Self::account_id(actor).is_none() {
            return PublicActor {
                actor: actor.to_string(),
                role: None,
            };
        }
        match account {
            Some(a) if a.role.is_staff() => PublicActor {
                actor: format!(
                    "staff:{}",
                    a.employee_no
                        .map_or_else(|| format!("#{}", a.id), str::to_string)
                ),
                role: Some(a.role),
            },
            _ => PublicActor {
                actor: "applicant".to_string(),
                role: None,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{ActingAccount, PublicActor};
    use crate::identity::Role;

    fn account(role: Role, employee_no: Option<&str>) -> Option<ActingAccount<'_>> {
        Some(ActingAccount {
            id: 7,
            role,
            employee_no,
        })
    }

    #[test]
    fn staff_show_number_and_role_applicants_only_that_they_applied() {
        let clerk = PublicActor::of("account:7", account(Role::Clerk, Some("CS0001")));
        assert_eq!(clerk.actor, "staff:CS0001");
        assert_eq!(clerk.role, Some(Role::Clerk));
        let unnumbered = PublicActor::of("account:7", account(Role::Supervisor, None));
        assert_eq!(unnumbered.actor, "staff:#7");
        for role in [Role::Citizen, Role::Enterprise] {
            let a = PublicActor::of("account:7", account(role, None));
            assert_eq!((a.actor.as_str(), a.role), ("applicant", None));
        }
        // An account that is gone names nobody.
        assert_eq!(PublicActor::of("account:7", None).actor, "applicant");
        let system = PublicActor::of("system:clock", None);
        assert_eq!((system.actor.as_str(), system.role), ("system:clock", None));
        assert_eq!(PublicActor::account_id("account:x"), None);
    }
}
