//! Use cases of the `cases` context: applying, the window's acceptance, the
//! workflow's actions, the public status query, certificates and the
//! deadline scan that hands out cards, ratings (好差评) and the open
//! 告知承诺 verifications.

mod act;
mod certificate;
mod documents;
mod once;
mod rating;
mod receipt;
mod submit;
mod sweep;
mod upload;
mod verification;
mod view;

pub use act::ActionInput;
pub use certificate::CertificateView;
pub use documents::{Paper, PaperFonts};
pub use once::{Filed, form_key, form_token};
pub use rating::{ListedRating, RatingInput, RatingQuery};
pub use receipt::CaseRating;
pub use submit::{ApplicantInput, Application, MaterialInput, Receipt};
pub use sweep::Swept;
pub use verification::ListedVerification;
pub use view::{CaseView, PublicEntry, PublicStatus, QueueEntry};

use bianli_domain::cases::{CaseError, CaseNumber, Who};
use bianli_domain::catalog::{Item, ItemCode};
use bianli_store::cases::StoredCase;

use crate::{Actor, App, AppError, Result};

impl From<CaseError> for AppError {
    fn from(e: CaseError) -> Self {
        match e {
            CaseError::Invalid(i) => AppError::Invalid(i),
            CaseError::Forbidden(m) => AppError::Forbidden(m),
            CaseError::State(m) => AppError::Conflict {
                field: "state".into(),
                message: m,
            },
        }
    }
}

impl Actor {
    pub(crate) fn who(&self) -> Who {
        Who {
            tag: self.tag(),
            account_id: self.account_id,
            role: self.role,
            department_id: self.department_id,
        }
    }
}

impl App {
    pub(crate) async fn stored_case(&self, number: &str) -> Result<StoredCase> {
        let number = CaseNumber::parse(number)?;
        self.store
            .case(&number)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("办件{number}")))
    }

    /// The item's latest version, even if it has since been cancelled: a
    /// running case finishes under the rules it was filed under.
    pub(crate) async fn case_item(&self, code: &ItemCode) -> Result<Item> {
        if let Some(v) = self
            .store
            .items_by_code(&[code.to_string()], crate::end_of_time())
            .await?
            .into_iter()
            .next()
        {
            return Ok(v.item);
        }
        self.store
            .item_history(code)
            .await?
            .into_iter()
            .last()
            .map(|v| v.item)
            .ok_or_else(|| AppError::NotFound(format!("事项{code}")))
    }
}
