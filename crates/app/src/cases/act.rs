//! Acting on a case: every step of the workflow goes through here, so each
//! is authorised by the domain's rules and saved with its event.

use bianli_domain::Invalid;
use bianli_domain::cases::Certificate;
use bianli_domain::cases::{
    Action, CorrectionRequest, Ctx, DeferredPromise, DeliveryMethod, SuspensionKind, default_remedy,
};
use bianli_store::cases::CaseChange;
use serde::Deserialize;

use super::view::CaseView;
use crate::{Actor, App, AppError, Result};

/// An action as the API and the pages send it: `{"action": "accept", …}`.
/// Kept apart from the domain's `Action` so that an assignment names a
/// username (looked up here) and remedies default to the standard text.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ActionInput {
    Accept {
        #[serde(default)]
        deferred: Vec<DeferredPromise>,
    },
    Refuse {
        reasons: String,
        remedy: Option<String>,
    },
    RequestCorrection {
        items: Vec<CorrectionRequest>,
    },
    Resubmit,
    Pass {
        opinion: String,
    },
    Return {
        reason: String,
    },
    Decide {
        approve: bool,
        opinion: String,
        remedy: Option<String>,
    },
    Suspend {
        kind: SuspensionKind,
        reason: String,
    },
    Resume,
    Extend {
        reason: String,
    },
    Deliver {
        method: DeliveryMethod,
    },
    Withdraw {
        reason: String,
    },
    Supply {
        material: usize,
    },
    Assign {
        username: String,
    },
    /// 告知承诺: accept and approve on the applicant's signed commitment.
    AcceptOnCommitment {
        signer: String,
        text: String,
    },
    /// 事后核查 of a commitment: `confirmed: false` revokes the certificate.
    Verify {
        confirmed: bool,
        note: String,
    },
}

impl App {
    pub async fn act(&self, actor: &Actor, number: &str, input: ActionInput) -> Result<CaseView> {
        let (case, revision) = self.act_unviewed(actor, number, input).await?;
        let ledger = self.timeline_links(&case).await?;
        Ok(CaseView::of(
            case,
            revision,
            self.today(),
            &self.calendar(),
            ledger,
        ))
    }

    /// [`App::act`] without reading back the view (the demo's history plays
    /// tens of thousands of steps and looks at none): the case as saved and
    /// its revision.
    pub(crate) async fn act_unviewed(
        &self,
        actor: &Actor,
        number: &str,
        input: ActionInput,
    ) -> Result<(bianli_domain::cases::Case, i64)> {
        let stored = self.stored_case(number).await?;
        let mut case = stored.case;
        let item = self.case_item(&case.item).await?;
        let department = self.department_name(case.department_id).await?;
        let remedy = |given: Option<String>| {
            Some(
                given
                    .filter(|r| !r.trim().is_empty())
                    .unwrap_or_else(|| default_remedy(&department)),
            )
        };
        let action = match input {
            ActionInput::Accept { deferred } => Action::Accept { deferred },
            ActionInput::Refuse { reasons, remedy: r } => Action::Refuse {
                reasons,
                remedy: remedy(r),
            },
            ActionInput::RequestCorrection { items } => Action::RequestCorrection { items },
            ActionInput::Resubmit => Action::Resubmit,
            ActionInput::Pass { opinion } => Action::Pass { opinion },
            ActionInput::Return { reason } => Action::Return { reason },
            ActionInput::Decide {
                approve,
                opinion,
                remedy: r,
            } => Action::Decide {
                approve,
                opinion,
                remedy: if approve { None } else { remedy(r) },
            },
            ActionInput::Suspend { kind, reason } => Action::Suspend { kind, reason },
            ActionInput::Resume => Action::Resume,
            ActionInput::Extend { reason } => Action::Extend { reason },
            ActionInput::Deliver { method } => Action::Deliver { method },
            ActionInput::Withdraw { reason } => Action::Withdraw { reason },
            ActionInput::Supply { material } => Action::Supply { material },
            ActionInput::AcceptOnCommitment { signer, text } => {
                Action::AcceptOnCommitment { signer, text }
            }
            ActionInput::Verify { confirmed, note } => Action::Verify { confirmed, note },
            ActionInput::Assign { username } => {
                let target = self
                    .store
                    .account_by_username(username.trim())
                    .await?
                    .ok_or_else(|| AppError::Invalid(Invalid::one("username", "没有这个账号")))?;
                Action::Assign {
                    account_id: target.id,
                    role: target.role,
                    department_id: target.department_id,
                }
            }
        };
        let today = self.today();
        let calendar = self.calendar();
        let who = actor.who();
        let ctx = Ctx {
            who: &who,
            today,
            at: self.now(),
            calendar: &calendar,
            item: &item,
        };
        let before = case.timeline.len();
        let applied = case.apply(action, &ctx)?;
        let logged = case.timeline.len() - before;
        let certificate = applied
            .approved
            .then(|| Certificate::issue(&case, &item, today));
        if let Some(c) = &certificate {
            case.certificate = Some(c.number.clone());
        }
        let revoked = match (applied.event, &case.certificate) {
            ("case.commitment_false", Some(number)) => {
                let mut c = self
                    .store
                    .certificate(number)
                    .await?
                    .ok_or_else(|| AppError::NotFound(format!("证照{number}")))?;
                let reason = case
                    .verification
                    .as_ref()
                    .and_then(|v| v.result.as_ref())
                    .map_or_else(String::new, |r| r.note.clone());
                c.revoked = Some(format!("告知承诺不实：{reason}"));
                Some(c)
            }
            _ => None,
        };
        let event = bianli_domain::event::NewEvent::new(
            "cases",
            applied.event,
            format!("case:{}", case.number),
            actor.tag(),
            serde_json::json!({
                "stage": case.stage.as_str(),
                "step": case.step,
                "outcome": case.outcome,
            }),
        );
        let revision = self
            .store
            .save_case(
                stored.id,
                stored.revision,
                CaseChange {
                    case: &mut case,
                    event,
                    logged,
                    cards: &[],
                    certificate: certificate.as_ref(),
                    revoked: revoked.as_ref(),
                },
                self.now(),
            )
            .await?;
        Ok((case, revision))
    }

    /// From the names the index keeps (the status query asks on every
    /// request), else from the store.
    pub(crate) async fn department_name(&self, id: i64) -> Result<String> {
        if let Some(name) = self.department_names().get(&id) {
            return Ok(name.clone());
        }
        Ok(self
            .store
            .department(id)
            .await?
            .map(|d| d.name)
            .unwrap_or_else(|| format!("部门 {id}")))
    }
}
