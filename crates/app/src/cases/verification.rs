//! 告知承诺 verifications still open, for those who watch them: supervisors
//! over their division (and the divisions under it; province-wide without
//! one), a department's staff over their own department.

use bianli_domain::division::{DivisionCode, Level};
use bianli_domain::identity::Role;
use bianli_store::cases::{OpenVerification, VerificationFilter};
use serde::Serialize;

use crate::{Actor, App, AppError, Result};

/// An open verification as listed: with whether it is past its due date.
#[derive(Debug, Clone, Serialize)]
pub struct ListedVerification {
    #[serde(flatten)]
    pub verification: OpenVerification,
    pub overdue: bool,
}

const MAX_VERIFICATIONS: i64 = 500;

/// Whose verifications `actor` sees: (division, department).
fn scope(actor: &Actor) -> Result<(Option<String>, Option<i64>)> {
    let refuse = || AppError::Forbidden("告知承诺核查仅供电子监察人员和部门工作人员查看".into());
    match actor.role {
        Role::Admin => Ok((None, None)),
        Role::Supervisor => {
            let division = actor
                .division
                .as_deref()
                .and_then(|d| DivisionCode::parse(d).ok())
                .filter(|d| d.level() != Level::Province)
                .map(|d| d.as_str().to_string());
            Ok((division, None))
        }
        r if r.is_staff() => Ok((None, Some(actor.department_id.ok_or_else(refuse)?))),
        _ => Err(refuse()),
    }
}

impl App {
    /// Open verifications, soonest due first.
    pub async fn open_verifications(&self, actor: &Actor) -> Result<Vec<ListedVerification>> {
        let (division, department_id) = scope(actor)?;
        let filter = VerificationFilter {
            division,
            department_id,
            limit: MAX_VERIFICATIONS,
        };
        let today = self.today();
        Ok(self
            .store
            .open_verifications(&filter)
            .await?
            .into_iter()
            .map(|verification| ListedVerification {
                overdue: today > verification.due,
                verification,
            })
            .collect())
    }
}
