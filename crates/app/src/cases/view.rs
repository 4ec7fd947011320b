//! Reading cases: the full case for its applicant and the department's
//! staff, the public status behind number + verification code, the
//! applicant's list and the staff's work queues.

use bianli_domain::calendar::WorkCalendar;
use bianli_domain::cases::{
    CardKind, Case, CaseNumber, Dues, Outcome, Stage, VerificationCode, clock,
};
use bianli_domain::identity::Role;
use bianli_store::cases::CaseQueue;
use chrono::NaiveDate;
use serde::Serialize;

use crate::ledger::LeafLink;
use crate::{Actor, App, AppError, Result};

#[derive(Debug, Clone, Serialize)]
pub struct CaseView {
    #[serde(flatten)]
    pub case: Case,
    /// Send it back with the next action (a 409 if someone acted first).
    pub revision: i64,
    pub stage_zh: &'static str,
    pub step_name: Option<String>,
    /// Working days to the promised due date; negative once past it.
    pub days_left: Option<i64>,
    /// The card the clock shows today, if any.
    pub card: Option<CardKind>,
    /// 告知承诺: the verification is still open past its due day.
    pub verification_overdue: bool,
    /// Where the ledger records each timeline entry: `ledger[i]` is
    /// `timeline[i]`'s leaf.
    pub ledger: Vec<LeafLink>,
}

impl CaseView {
    pub(crate) fn of(
        case: Case,
        revision: i64,
        today: NaiveDate,
        cal: &WorkCalendar,
        ledger: Vec<LeafLink>,
    ) -> Self {
        CaseView {
            ledger,
            revision,
            stage_zh: case.stage.zh(),
            step_name: case.current().map(|s| s.template.name.clone()),
            days_left: days_left(&case, today, cal),
            card: clock::card(&case, today, cal, yellow_within())
                .ok()
                .flatten(),
            verification_overdue: case.verification.as_ref().is_some_and(|v| v.overdue(today)),
            case,
        }
    }
}

/// Working days left before a yellow card; `BIANLI_YELLOW_CARD_DAYS`
/// overrides the usual 1.
pub(crate) fn yellow_within() -> u16 {
    std::env::var("BIANLI_YELLOW_CARD_DAYS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
}

fn days_left(case: &Case, today: NaiveDate, cal: &WorkCalendar) -> Option<i64> {
    match case.stage {
        Stage::Working | Stage::Suspended => case
            .dues
            .and_then(|d| cal.workdays_between_estimated(today, d.promised))
            .map(|(n, _)| n),
        _ => None,
    }
}

/// What number + verification code show anyone: no applicant identity, no
/// staff names.
#[derive(Debug, Clone, Serialize)]
pub struct PublicStatus {
    pub number: String,
    pub item_name: String,
    pub department: String,
    pub stage: Stage,
    pub stage_zh: &'static str,
    pub outcome: Option<Outcome>,
    pub received_on: NaiveDate,
    pub accepted_on: Option<NaiveDate>,
    pub dues: Option<Dues>,
    pub days_left: Option<i64>,
    pub certificate: Option<String>,
    pub timeline: Vec<PublicEntry>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PublicEntry {
    pub on: NaiveDate,
    pub what: String,
    pub zh: String,
    pub note: Option<String>,
    /// The leaf that records this step, or why there is none yet.
    pub ledger: LeafLink,
}

#[derive(Debug, Clone, Serialize)]
pub struct QueueEntry {
    pub number: String,
    pub item_name: String,
    pub applicant: String,
    pub channel: String,
    pub stage: Stage,
    pub stage_zh: &'static str,
    pub step_name: Option<String>,
    pub received_on: NaiveDate,
    pub due: Option<NaiveDate>,
    pub days_left: Option<i64>,
    pub card: Option<CardKind>,
    pub assignee: Option<i64>,
}

impl App {
    /// The whole case, for its applicant and for staff of its department
    /// (and supervisors and admins).
    pub async fn case_detail(&self, actor: &Actor, number: &str) -> Result<CaseView> {
        let stored = self.stored_case(number).await?;
        let case = &stored.case;
        let own = case.applicant.account_id == Some(actor.account_id);
        let staff = actor.role.is_staff()
            && (actor.department_id == Some(case.department_id)
                || matches!(actor.role, Role::Supervisor | Role::Admin)
                || case.steps.iter().any(|s| {
                    actor
                        .department_id
                        .is_some_and(|d| s.template.joint.contains(&d))
                }));
        if !own && !staff {
            // Said like a missing case, so numbers cannot be probed.
            return Err(AppError::NotFound(format!("办件{number}")));
        }
        let ledger = self.timeline_links(&stored.case).await?;
        Ok(CaseView::of(
            stored.case,
            stored.revision,
            self.today(),
            &self.calendar(),
            ledger,
        ))
    }

    /// The public status query. A wrong code answers exactly as an unknown
    /// number does.
    pub async fn status(&self, number: &str, code: &str) -> Result<PublicStatus> {
        let case = self.case_by_code(number, code).await?;
        let department = self.department_name(case.department_id).await?;
        let cal = self.calendar();
        let links = self.timeline_links(&case).await?;
        Ok(PublicStatus {
            number: case.number.to_string(),
            item_name: case.item_name.clone(),
            department,
            stage: case.stage,
            stage_zh: case.stage.zh(),
            outcome: case.outcome,
            received_on: case.received_on,
            accepted_on: case.accepted_on,
            dues: case.dues,
            days_left: days_left(&case, self.today(), &cal),
            certificate: case.certificate.clone(),
            timeline: case
                .timeline
                .iter()
                .zip(links)
                .map(|(e, ledger)| PublicEntry {
                    on: e.on,
                    what: e.what.clone(),
                    zh: e.zh.clone(),
                    note: e.note.clone(),
                    ledger,
                })
                .collect(),
        })
    }

    /// Each timeline entry's leaf, in order.
    pub(crate) async fn timeline_links(&self, case: &Case) -> Result<Vec<LeafLink>> {
        let seqs: Vec<Option<i64>> = case.timeline.iter().map(|e| e.seq).collect();
        self.ledger_links(&seqs).await
    }

    /// The case behind a receipt: a wrong code is an unknown case.
    pub(crate) async fn case_by_code(&self, number: &str, code: &str) -> Result<Case> {
        let not_found = || AppError::NotFound("与该办件编号和查询码相符的办件".into());
        let (Ok(number), Ok(code)) = (CaseNumber::parse(number), VerificationCode::parse(code))
        else {
            return Err(not_found());
        };
        let Some(stored) = self.store.case(&number).await? else {
            return Err(not_found());
        };
        if !stored.case.code.matches(&code) {
            return Err(not_found());
        }
        Ok(stored.case)
    }

    pub async fn my_cases(&self, actor: &Actor) -> Result<Vec<QueueEntry>> {
        let rows = self.store.cases_of_applicant(actor.account_id, 200).await?;
        let (today, cal) = (self.today(), self.calendar());
        Ok(rows.iter().map(|s| entry(&s.case, today, &cal)).collect())
    }

    /// The signed-in staff member's queue: the cases of their department
    /// waiting at a step of their role.
    pub async fn queue(&self, actor: &Actor) -> Result<Vec<QueueEntry>> {
        let Some(department_id) = actor.department_id.filter(|_| actor.role.is_staff()) else {
            return Err(AppError::Forbidden("待办队列仅供部门工作人员使用".into()));
        };
        let stages = match actor.role {
            Role::Clerk => vec!["submitted", "decided"],
            Role::Reviewer | Role::Approver => vec!["working"],
            _ => vec!["submitted", "working", "suspended", "decided"],
        };
        let holder_role = matches!(actor.role, Role::Clerk | Role::Reviewer | Role::Approver)
            .then_some(actor.role);
        let rows = self
            .store
            .case_queue(&CaseQueue {
                department_id,
                stages,
                holder_role,
                after_id: 0,
                limit: 500,
            })
            .await?;
        let (today, cal) = (self.today(), self.calendar());
        Ok(rows.iter().map(|s| entry(&s.case, today, &cal)).collect())
    }
}

fn entry(case: &Case, today: NaiveDate, cal: &WorkCalendar) -> QueueEntry {
    QueueEntry {
        number: case.number.to_string(),
        item_name: case.item_name.clone(),
        applicant: case.applicant.name.clone(),
        channel: case.channel.as_str().to_string(),
        stage: case.stage,
        stage_zh: case.stage.zh(),
        step_name: case.current().map(|s| s.template.name.clone()),
        received_on: case.received_on,
        due: case.dues.map(|d| d.promised),
        days_left: days_left(case, today, cal),
        card: clock::card(case, today, cal, yellow_within())
            .ok()
            .flatten(),
        assignee: case.current().and_then(|s| s.assignee),
    }
}
