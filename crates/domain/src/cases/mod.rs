//! Cases (办件): applications from submission through acceptance (受理), the
//! workflow of review and decision, suspensions and extensions on the
//! working-day clock, to the delivered result; appointments, uploads and
//! the applicants' ratings (好差评).

pub mod appointment;
mod case;
mod certificate;
pub mod clock;
mod commitment;
mod error;
mod number;
mod rating;
mod submit;
mod transition;
pub mod upload;
mod workflow;

pub use case::{
    Applicant, ApplicantKind, Case, Correction, CorrectionItem, Decision, Deferred, Delivery,
    DeliveryMethod, Dues, Entry, Extension, FileRef, Limits, Outcome, Stage, StepState, Submitted,
    Suspension, SuspensionKind, Vote,
};
pub use certificate::{Certificate, Detail, Validity};
pub use clock::CardKind;
pub use commitment::{VERIFICATION_DAYS, Verification, VerificationResult};
pub use error::CaseError;
pub use number::{CaseNumber, VerificationCode};
pub use rating::{COMMENT_MAX_CHARS, FOLLOW_UP_WORKDAYS, FollowUp, Rating, Score};
pub use submit::{NewCase, files_expected};
pub use transition::{
    Action, Applied, CorrectionRequest, Ctx, DeferredPromise, Who, default_remedy,
};
pub use workflow::{StepKind, StepTemplate, Workflow};

#[cfg(test)]
mod tests;

/// A food-licence case as the web would file it, for the rules' tests.
#[cfg(test)]
pub(crate) fn test_case() -> Case {
    tests::submit(&tests::food_licence(), crate::catalog::Channel::Web)
}
