//! A case (办件): one application for one item, from submission to the
//! handed-over result, with everything that happened to it on the way.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::number::{CaseNumber, VerificationCode};
use super::workflow::{StepKind, StepTemplate};
use crate::catalog::{Channel, ItemCode, TimeLimit};
use crate::division::DivisionCode;

/// Where a case stands. The workflow step says who holds it while `Working`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Materials received; waiting for the window's acceptance decision.
    Submitted,
    /// Sent back before acceptance with a list of what to fix (补正).
    Correcting,
    /// Accepted and in the workflow; the clock runs.
    Working,
    /// Clock stopped (补正 after acceptance, 听证, 检验检测, 专家评审).
    Suspended,
    /// Approved or denied; the result still to be handed over.
    Decided,
    /// Nothing more will happen: delivered, refused or withdrawn.
    Closed,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Submitted => "submitted",
            Stage::Correcting => "correcting",
            Stage::Working => "working",
            Stage::Suspended => "suspended",
            Stage::Decided => "decided",
            Stage::Closed => "closed",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Stage::Submitted => "待受理",
            Stage::Correcting => "待补正",
            Stage::Working => "办理中",
            Stage::Suspended => "已中止计时",
            Stage::Decided => "已决定",
            Stage::Closed => "已办结",
        }
    }

    pub fn parse(s: &str) -> Option<Stage> {
        [
            Stage::Submitted,
            Stage::Correcting,
            Stage::Working,
            Stage::Suspended,
            Stage::Decided,
            Stage::Closed,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Approved,
    Denied,
    /// 不予受理.
    Refused,
    Withdrawn,
}

impl Outcome {
    pub fn zh(self) -> &'static str {
        match self {
            Outcome::Approved => "准予许可",
            Outcome::Denied => "不予许可",
            Outcome::Refused => "不予受理",
            Outcome::Withdrawn => "申请人撤回",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicantKind {
    Citizen,
    Enterprise,
}

/// Who the case is for. `id` is a resident ID number or a unified social
/// credit code, validated where it entered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applicant {
    pub kind: ApplicantKind,
    pub name: String,
    pub id: String,
    /// The applicant's own account, when they have one; a clerk or the
    /// hotline may file for someone without.
    pub account_id: Option<i64>,
}

/// One uploaded file of a material, kept in the blob store by its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRef {
    pub blob: String,
    pub name: String,
    pub size: u64,
    pub media_type: String,
}

/// What was handed in for one of the item's materials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submitted {
    /// Index into the item's materials.
    pub material: usize,
    pub name: String,
    pub files: Vec<FileRef>,
}

/// One step of this case's workflow and what happened at it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepState {
    #[serde(flatten)]
    pub template: StepTemplate,
    pub assignee: Option<i64>,
    pub started_on: Option<NaiveDate>,
    pub done_on: Option<NaiveDate>,
    /// Decisions of a decide step: the item's department and each joint one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub votes: Vec<Vote>,
}

impl StepState {
    pub fn kind(&self) -> StepKind {
        self.template.kind
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vote {
    pub department_id: i64,
    pub approve: bool,
    pub opinion: String,
    pub by: String,
    pub on: NaiveDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuspensionKind {
    /// 补正 after acceptance (行政许可法 §45 does not count it).
    Correction,
    /// 听证.
    Hearing,
    /// 检验、检测、检疫.
    Testing,
    /// 专家评审.
    ExpertReview,
}

impl SuspensionKind {
    pub fn zh(self) -> &'static str {
        match self {
            SuspensionKind::Correction => "补正材料",
            SuspensionKind::Hearing => "听证",
            SuspensionKind::Testing => "检验检测",
            SuspensionKind::ExpertReview => "专家评审",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suspension {
    pub kind: SuspensionKind,
    pub reason: String,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

/// 延期: once, by the head of the department (§42).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    pub days: u16,
    pub reason: String,
    pub by: String,
    pub on: NaiveDate,
}

/// A material accepted as missing (容缺), to be supplied by a promised day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deferred {
    pub material: usize,
    pub name: String,
    pub promised_by: NaiveDate,
    pub supplied_on: Option<NaiveDate>,
}

/// 一次性告知: everything to fix, listed at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    pub items: Vec<CorrectionItem>,
    pub on: NaiveDate,
    pub resubmitted_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorrectionItem {
    pub material: usize,
    pub name: String,
    pub reason: String,
}

/// Why a case ended without approval, or was approved, in the words the
/// notice will print.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub outcome: Outcome,
    pub reasons: String,
    /// 救济途径: where the applicant can take it (复议, 诉讼).
    pub remedy: Option<String>,
    pub by: String,
    pub on: NaiveDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryMethod {
    /// 窗口领取.
    PickUp,
    /// 邮寄.
    Mail,
    /// 电子证照.
    Electronic,
}

impl DeliveryMethod {
    pub fn zh(self) -> &'static str {
        match self {
            DeliveryMethod::PickUp => "窗口领取",
            DeliveryMethod::Mail => "邮寄送达",
            DeliveryMethod::Electronic => "电子送达",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    pub method: DeliveryMethod,
    pub on: NaiveDate,
}

/// The limits the item promised when the case was submitted: later changes
/// to the item do not move a running case's deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    pub promised_days: u16,
    pub statutory: Option<TimeLimit>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dues {
    pub promised: NaiveDate,
    pub statutory: Option<NaiveDate>,
    /// Counted partly in a year whose holidays are not yet loaded (Monday to
    /// Friday there, which can only make the dates earlier); the deadline
    /// scan recounts them once the year is loaded.
    #[serde(default)]
    pub provisional: bool,
}

/// One line of the case's history, as the status page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub at: DateTime<Utc>,
    pub on: NaiveDate,
    /// Machine name of what happened, e.g. `accepted`.
    pub what: String,
    /// The same in Chinese, for people.
    pub zh: String,
    /// The workflow step it happened at.
    pub step: Option<usize>,
    /// `account:<id>` or `system:<name>`.
    pub by: String,
    pub note: Option<String>,
    /// The `seq` of the event that records this entry in the ledger, set by
    /// the store in the transaction that writes both ([`Case::record`]).
    /// `None` until saved, and on entries saved before links were kept.
    #[serde(default)]
    pub seq: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    pub number: CaseNumber,
    pub code: VerificationCode,
    pub item: ItemCode,
    pub item_name: String,
    pub department_id: i64,
    pub division: DivisionCode,
    pub applicant: Applicant,
    pub channel: Channel,
    /// Who filed it: the applicant, or the clerk / hotline operator.
    pub filed_by: String,
    pub form: BTreeMap<String, String>,
    pub materials: Vec<Submitted>,
    pub stage: Stage,
    pub outcome: Option<Outcome>,
    /// Index into `steps` of the step that holds the case.
    pub step: usize,
    pub steps: Vec<StepState>,
    pub limits: Limits,
    /// When the materials (or the last resubmission) arrived: acceptance is
    /// due within 5 working days of it.
    pub received_on: NaiveDate,
    pub accepted_on: Option<NaiveDate>,
    /// Accepted by law for want of a decision in time (§32).
    #[serde(default)]
    pub deemed: bool,
    /// 告知承诺: accepted on the applicant's written commitment.
    #[serde(default)]
    pub commitment: bool,
    /// The signed commitment and its verification (事后核查), on a case
    /// accepted on commitment.
    #[serde(default)]
    pub verification: Option<super::commitment::Verification>,
    pub dues: Option<Dues>,
    #[serde(default)]
    pub suspensions: Vec<Suspension>,
    pub extension: Option<Extension>,
    pub correction: Option<Correction>,
    #[serde(default)]
    pub deferred: Vec<Deferred>,
    pub decision: Option<Decision>,
    pub certificate: Option<String>,
    pub delivery: Option<Delivery>,
    pub timeline: Vec<Entry>,
    /// 16 random bytes (hex) salting this case's entries in the public
    /// ledger: shown only to the applicant (receipt, case detail), so they
    /// and nobody else can open the commitments of their own record.
    #[serde(default)]
    pub ledger_secret: Option<String>,
}

impl Case {
    pub fn current(&self) -> Option<&StepState> {
        self.steps.get(self.step)
    }

    /// The open suspension, if the clock is stopped.
    pub fn open_suspension(&self) -> Option<&Suspension> {
        self.suspensions.iter().rev().find(|s| s.to.is_none())
    }

    /// Marks the last `entries` timeline entries as recorded by event `seq`:
    /// one save writes one event for what one action logged (an 即办件's
    /// acceptance logs its approval too), so the link is kept at write time
    /// rather than guessed later from the order of the case's events, among
    /// which cards, recounts and ratings have no entry of their own.
    pub fn record(&mut self, entries: usize, seq: i64) {
        let from = self.timeline.len().saturating_sub(entries);
        for e in &mut self.timeline[from..] {
            e.seq = Some(seq);
        }
    }

    /// The role that holds the case now, for work queues: the window before
    /// acceptance, the step's role while working.
    pub fn holder_role(&self) -> Option<crate::identity::Role> {
        match self.stage {
            Stage::Submitted | Stage::Working | Stage::Decided => {
                self.current().map(|s| s.template.role)
            }
            _ => None,
        }
    }
}
