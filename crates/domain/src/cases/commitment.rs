//! 告知承诺制: where the item allows it, the applicant signs a written
//! commitment that they meet the conditions; the window accepts and decides
//! on the spot, and the department verifies afterwards (事后核查), revoking
//! the approval if the commitment was false (国办发〔2020〕42号).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::case::{Case, Stage};
use super::clock;
use super::error::CaseError;
use super::transition::{Applied, Ctx, need_text, state};
use super::workflow::StepKind;
use crate::Invalid;
use crate::identity::Role;

/// Working days the department has to verify a commitment after approval.
/// Twenty is the period 行政许可法 §42 gives a decision itself, about a
/// calendar month: long enough for an on-site check or a query to another
/// department, short enough that a false commitment does not run a business
/// for a season. Provinces set 1–3 months; a month is the common choice.
pub const VERIFICATION_DAYS: u32 = 20;

const SIGNER_CHARS: std::ops::RangeInclusive<usize> = 2..=50;

/// The commitment a case was approved on, and its verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    /// Who signed the commitment (the applicant or their legal representative).
    pub signer: String,
    /// What they committed to, as signed.
    pub text: String,
    pub signed_on: NaiveDate,
    /// The verification is due by this day.
    pub due: NaiveDate,
    /// Counted partly in a year whose holidays are not loaded yet (see
    /// [`super::Dues::provisional`]).
    #[serde(default)]
    pub provisional: bool,
    pub result: Option<VerificationResult>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerificationResult {
    /// The commitment held; `false` revoked the approval.
    pub confirmed: bool,
    pub note: String,
    pub on: NaiveDate,
    pub by: String,
}

impl Verification {
    /// Open and past its due day.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.result.is_none() && today > self.due
    }

    /// Counts a provisional due date again on `calendar`; true when it
    /// changed. Still provisional while the year is not loaded.
    pub fn recount(&mut self, calendar: &crate::calendar::WorkCalendar) -> bool {
        if !self.provisional {
            return false;
        }
        let Some((due, provisional)) =
            calendar.add_workdays_estimated(self.signed_on, VERIFICATION_DAYS)
        else {
            return false;
        };
        let changed = (due, provisional) != (self.due, self.provisional);
        self.due = due;
        self.provisional = provisional;
        changed
    }
}

impl Case {
    pub(super) fn accept_on_commitment(
        &mut self,
        signer: String,
        text: String,
        ctx: &Ctx,
    ) -> Result<Applied, CaseError> {
        if !ctx.item.commitment_allowed {
            return Err(state("本事项未实行告知承诺制，不能按告知承诺受理"));
        }
        self.expect_stage(&[Stage::Submitted], "告知承诺受理")?;
        self.staff_at_step(ctx, StepKind::Accept)?;
        let decide = self.decide_index();
        if !self.steps[decide].template.joint.is_empty() {
            return Err(state(
                "本事项须多个部门并联审批，不能由窗口按告知承诺当场作出决定",
            ));
        }
        let mut inv = Invalid::default();
        let signer = signer.trim().to_string();
        if !SIGNER_CHARS.contains(&signer.chars().count()) {
            inv.push("signer", "请填写承诺人姓名（2至50个字）");
        }
        let text = match need_text("text", &text, "承诺内容") {
            Ok(t) => Some(t),
            Err(CaseError::Invalid(e)) => {
                inv.0.extend(e.0);
                None
            }
            Err(other) => return Err(other),
        };
        let (due, provisional) = ctx
            .calendar
            .add_workdays_estimated(ctx.today, VERIFICATION_DAYS)
            .ok_or_else(|| Invalid::one("text", "日期过远，无法计算核查期限"))?;
        let Some(text) = text.filter(|_| inv.0.is_empty()) else {
            return Err(inv.into());
        };
        self.accepted_on = Some(ctx.today);
        self.stage = Stage::Working;
        self.commitment = true;
        self.dues = clock::dues(self, ctx.calendar)?;
        self.advance(ctx.today);
        self.log(
            ctx,
            "accepted",
            "告知承诺受理",
            Some(format!("{signer}签署告知承诺书")),
        );
        // Decided at the window, as a 即办件 is: the commitment stands in for
        // the review until the verification.
        self.step = decide;
        self.approve(
            ctx,
            "申请人书面承诺符合条件，依告知承诺制当场作出准予许可决定".into(),
        );
        self.verification = Some(Verification {
            signer,
            text,
            signed_on: ctx.today,
            due,
            provisional,
            result: None,
        });
        self.log(
            ctx,
            "verification_opened",
            &format!("启动事后核查（应于{due}前完成）"),
            None,
        );
        Ok(Applied {
            event: "case.accepted_on_commitment",
            approved: true,
        })
    }

    pub(super) fn verify(
        &mut self,
        confirmed: bool,
        note: String,
        ctx: &Ctx,
    ) -> Result<Applied, CaseError> {
        let Some(v) = &self.verification else {
            return Err(state("该办件不是告知承诺办件，没有需要核查的承诺"));
        };
        if v.result.is_some() {
            return Err(state("该办件的事后核查已有结论，不能重复登记"));
        }
        let ours = ctx.who.department_id == Some(self.department_id)
            && matches!(
                ctx.who.role,
                Role::Reviewer | Role::Approver | Role::Inspector
            );
        if !ours {
            return Err(CaseError::Forbidden(
                "事后核查结果须由事项所属部门的审核、审批或执法检查人员登记".into(),
            ));
        }
        let note = need_text("note", &note, "核查情况")?;
        if let Some(v) = self.verification.as_mut() {
            v.result = Some(VerificationResult {
                confirmed,
                note: note.clone(),
                on: ctx.today,
                by: ctx.who.tag.clone(),
            });
        }
        if confirmed {
            self.log(ctx, "verified", "事后核查：承诺属实", Some(note));
            Ok(Applied {
                event: "case.verified",
                approved: false,
            })
        } else {
            self.log(ctx, "revoked", "事后核查：承诺不实，撤销许可", Some(note));
            Ok(Applied {
                event: "case.commitment_false",
                approved: false,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::calendar::{DayKind, SpecialDay, WorkCalendar};
    use crate::cases::clock::tests_support::{calendar, day};

    #[test]
    fn a_provisional_due_date_is_recounted_once_the_year_is_loaded() {
        // Signed Friday 2024-12-20; 2025 is not in `calendar()`.
        let (due, provisional) = calendar()
            .add_workdays_estimated(day("2024-12-20"), VERIFICATION_DAYS)
            .unwrap();
        let mut v = Verification {
            signer: "李示范".into(),
            text: "承诺".into(),
            signed_on: day("2024-12-20"),
            due,
            provisional,
            result: None,
        };
        assert!(v.provisional);
        assert_eq!(v.due, day("2025-01-17"));
        assert!(!v.recount(&calendar()), "nothing known yet");
        let new_year = [SpecialDay {
            date: day("2025-01-01"),
            kind: DayKind::Holiday,
            name: "New Year's Day".into(),
            name_zh: "元旦".into(),
        }];
        let loaded = WorkCalendar::new(BTreeSet::from([2024, 2025]), &new_year).unwrap();
        assert!(v.recount(&loaded));
        assert_eq!((v.due, v.provisional), (day("2025-01-20"), false));
        assert!(!v.recount(&loaded));
    }
}
