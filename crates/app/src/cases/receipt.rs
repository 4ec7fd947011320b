//! What the pages read back about a case after the fact: its receipt (for
//! the receipt page the apply wizard and the hotline form lead to) and its
//! 好差评 (for the rating form on the case's pages). Each is shown only to
//! those who may see the case.

use bianli_domain::calendar::WorkCalendar;
use bianli_domain::cases::{Case, Rating, Stage, clock};
use bianli_domain::identity::Role;

use super::submit::Receipt;
use crate::{Actor, App, AppError, Result};

/// The receipt's facts of a stored case.
pub(crate) fn receipt_of(case: &Case, calendar: &WorkCalendar) -> Result<Receipt> {
    Ok(Receipt {
        number: case.number.to_string(),
        verification_code: case.code.as_str().to_string(),
        item: case.item.to_string(),
        item_name: case.item_name.clone(),
        department_id: case.department_id,
        channel: case.channel,
        received_on: case.received_on,
        acceptance_due: clock::acceptance_due(case, calendar)?,
        promised_days: case.limits.promised_days,
        status_path: format!("/cases/{}?code={}", case.number, case.code.as_str()),
        ledger_secret: case.ledger_secret.clone(),
    })
}

/// A case's 好差评 as its pages show it.
#[derive(Debug, Clone)]
pub struct CaseRating {
    pub rating: Option<Rating>,
    /// The case has a result, so its applicant may rate it (once).
    pub open: bool,
    /// The applicant's account: only it may rate; `None` when a clerk or
    /// the hotline filed for someone without one.
    pub applicant_account: Option<i64>,
}

/// The applicant, whoever filed the case, and staff of its department
/// (and supervisors and admins) — as [`App::case_detail`] decides.
fn may_see(case: &Case, actor: &Actor) -> bool {
    case.applicant.account_id == Some(actor.account_id)
        || case.filed_by == actor.tag()
        || (actor.role.is_staff()
            && (actor.department_id == Some(case.department_id)
                || matches!(actor.role, Role::Supervisor | Role::Admin)))
}

impl App {
    /// The receipt of a case, for its applicant and for the clerk who filed
    /// it (who reads it out to a caller).
    pub async fn receipt(&self, actor: &Actor, number: &str) -> Result<Receipt> {
        let stored = self.stored_case(number).await?;
        if !may_see(&stored.case, actor) {
            // Said like a missing case, so numbers cannot be probed.
            return Err(AppError::NotFound(format!("case {number}")));
        }
        receipt_of(&stored.case, &self.calendar())
    }

    /// A case's rating, to those who may see the case.
    pub async fn case_rating(&self, actor: &Actor, number: &str) -> Result<CaseRating> {
        let stored = self.stored_case(number).await?;
        if !may_see(&stored.case, actor) {
            return Err(AppError::NotFound(format!("case {number}")));
        }
        self.rating_state(stored.id, &stored.case).await
    }

    /// A case's rating behind its number and verification code (the public
    /// status page); a wrong code answers as an unknown case.
    pub async fn case_rating_by_code(&self, number: &str, code: &str) -> Result<CaseRating> {
        let case = self.case_by_code(number, code).await?;
        let stored = self.stored_case(number).await?;
        self.rating_state(stored.id, &case).await
    }

    async fn rating_state(&self, case_id: i64, case: &Case) -> Result<CaseRating> {
        Ok(CaseRating {
            rating: self.store.rating(case_id, case.channel).await?,
            open: matches!(case.stage, Stage::Decided | Stage::Closed),
            applicant_account: case.applicant.account_id,
        })
    }
}
