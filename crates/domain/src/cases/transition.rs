//! What people do to a case, and the rules that say who may do it when.
//! Each action either changes the case and appends a timeline entry, or
//! leaves it untouched and says why not.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::case::{
    Case, Correction, CorrectionItem, Decision, Deferred, Delivery, DeliveryMethod, Entry,
    Extension, Outcome, Stage, Suspension, SuspensionKind, Vote,
};
use super::clock::{self, EXTENSION_DAYS};
use super::error::CaseError;
use super::workflow::StepKind;
use crate::Invalid;
use crate::calendar::WorkCalendar;
use crate::catalog::Item;
use crate::identity::Role;

/// The person acting, as the rules need them.
#[derive(Debug, Clone)]
pub struct Who {
    /// `account:<id>` or `system:<name>`, as events record it.
    pub tag: String,
    pub account_id: i64,
    pub role: Role,
    pub department_id: Option<i64>,
}

/// Everything an action depends on besides the case: no clock of its own.
pub struct Ctx<'a> {
    pub who: &'a Who,
    pub today: NaiveDate,
    pub at: DateTime<Utc>,
    pub calendar: &'a WorkCalendar,
    /// The item as it stands, for its materials' rules.
    pub item: &'a Item,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// 受理, optionally with missing materials accepted on a promise (容缺).
    Accept {
        #[serde(default)]
        deferred: Vec<DeferredPromise>,
    },
    /// 不予受理.
    Refuse {
        reasons: String,
        remedy: Option<String>,
    },
    /// 一次性告知: everything to fix, at once.
    RequestCorrection {
        items: Vec<CorrectionRequest>,
    },
    /// The applicant hands in the corrected materials.
    Resubmit,
    /// A review step passes the case on.
    Pass {
        opinion: String,
    },
    /// Back to the previous step, with why.
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
    /// 延期 by the head of the department.
    Extend {
        reason: String,
    },
    Deliver {
        method: DeliveryMethod,
    },
    Withdraw {
        reason: String,
    },
    /// A 容缺 material arrives.
    Supply {
        material: usize,
    },
    /// The current step goes to one member of staff.
    Assign {
        account_id: i64,
        role: Role,
        department_id: Option<i64>,
    },
    /// 告知承诺: accepted and approved on the applicant's signed commitment,
    /// verified afterwards.
    AcceptOnCommitment {
        signer: String,
        text: String,
    },
    /// 事后核查: the department records whether the commitment was true.
    Verify {
        confirmed: bool,
        note: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeferredPromise {
    pub material: usize,
    pub promised_by: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorrectionRequest {
    pub material: usize,
    pub reason: String,
}

/// What the caller must do beyond saving the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    /// The event kind, e.g. `case.accepted`.
    pub event: &'static str,
    /// The case was just approved: issue its certificate.
    pub approved: bool,
}

/// 行政复议法 (2023) §20 gives 60 days; 行政诉讼法 §46 six months.
pub fn default_remedy(department: &str) -> String {
    format!(
        "如不服本决定，可以自收到本决定之日起六十日内依法申请行政复议，或者自收到本决定之日起六个月内依法向人民法院提起行政诉讼。（作出机关：{department}）"
    )
}

pub(super) fn state(msg: impl Into<String>) -> CaseError {
    CaseError::State(msg.into())
}

pub(super) fn need_text(field: &str, value: &str, what: &str) -> Result<String, CaseError> {
    let v = value.trim();
    if v.chars().count() < 2 || v.chars().count() > 1000 {
        return Err(Invalid::one(field, format!("请填写{what}（2至1000个字）")).into());
    }
    Ok(v.to_string())
}

impl Case {
    /// Applies `action`, or returns why not with the case unchanged.
    pub fn apply(&mut self, action: Action, ctx: &Ctx) -> Result<Applied, CaseError> {
        let mut next = self.clone();
        let applied = next.apply_in_place(action, ctx)?;
        *self = next;
        Ok(applied)
    }

    fn apply_in_place(&mut self, action: Action, ctx: &Ctx) -> Result<Applied, CaseError> {
        let event = |e| Applied {
            event: e,
            approved: false,
        };
        match action {
            Action::Accept { deferred } => self.accept(deferred, ctx),
            Action::AcceptOnCommitment { signer, text } => {
                self.accept_on_commitment(signer, text, ctx)
            }
            Action::Verify { confirmed, note } => self.verify(confirmed, note, ctx),
            Action::Refuse { reasons, remedy } => {
                self.expect_stage(&[Stage::Submitted], "不予受理")?;
                self.staff_at_step(ctx, StepKind::Accept)?;
                let reasons = need_text("reasons", &reasons, "不予受理的理由")?;
                self.close(ctx, Outcome::Refused, reasons.clone(), remedy);
                self.log(ctx, "refused", "不予受理", Some(reasons));
                Ok(event("case.refused"))
            }
            Action::RequestCorrection { items } => {
                self.expect_stage(&[Stage::Submitted], "一次性告知补正")?;
                self.staff_at_step(ctx, StepKind::Accept)?;
                if self.correction.is_some() {
                    return Err(state(
                        "已一次性告知过补正，不能再次要求补正；请对补正后的申请作出受理或不予受理决定",
                    ));
                }
                let items = self.correction_items(items, ctx)?;
                let note = items
                    .iter()
                    .map(|i| format!("{}：{}", i.name, i.reason))
                    .collect::<Vec<_>>()
                    .join("；");
                self.correction = Some(Correction {
                    items,
                    on: ctx.today,
                    resubmitted_on: None,
                });
                self.stage = Stage::Correcting;
                self.log(ctx, "correction_requested", "一次性告知补正", Some(note));
                Ok(event("case.correction_requested"))
            }
            Action::Resubmit => {
                self.expect_stage(&[Stage::Correcting], "补正后重新提交")?;
                self.applicant_or_window(ctx)?;
                if let Some(c) = self.correction.as_mut() {
                    c.resubmitted_on = Some(ctx.today);
                }
                self.received_on = ctx.today;
                self.stage = Stage::Submitted;
                self.log(ctx, "resubmitted", "补正后重新提交", None);
                Ok(event("case.resubmitted"))
            }
            Action::Pass { opinion } => {
                self.expect_stage(&[Stage::Working], "通过审查")?;
                self.staff_at_step(ctx, StepKind::Review)?;
                let opinion = need_text("opinion", &opinion, "审查意见")?;
                let name = self.steps[self.step].template.name.clone();
                self.advance(ctx.today);
                self.log(ctx, "passed", &format!("{name}通过"), Some(opinion));
                Ok(event("case.passed"))
            }
            Action::Return { reason } => {
                self.expect_stage(&[Stage::Working], "退回")?;
                let kind = self.current_kind();
                if self.step <= 1 || kind == Some(StepKind::Deliver) {
                    return Err(state("只有审查或决定环节可以退回办件"));
                }
                self.staff_at_step(ctx, kind.unwrap_or(StepKind::Review))?;
                let reason = need_text("reason", &reason, "退回理由")?;
                self.steps[self.step].started_on = None;
                self.step -= 1;
                self.steps[self.step].done_on = None;
                self.steps[self.step].started_on = Some(ctx.today);
                self.steps[self.step].votes.clear();
                let name = self.steps[self.step].template.name.clone();
                self.log(ctx, "returned", &format!("退回{name}"), Some(reason));
                Ok(event("case.returned"))
            }
            Action::Decide {
                approve,
                opinion,
                remedy,
            } => self.decide(approve, opinion, remedy, ctx),
            Action::Suspend { kind, reason } => {
                self.expect_stage(&[Stage::Working], "中止计时")?;
                let step = self.current_kind().unwrap_or(StepKind::Review);
                self.staff_at_step(ctx, step)?;
                let reason = need_text("reason", &reason, "中止计时的理由")?;
                self.suspensions.push(Suspension {
                    kind,
                    reason: reason.clone(),
                    from: ctx.today,
                    to: None,
                });
                self.stage = Stage::Suspended;
                self.log(
                    ctx,
                    "suspended",
                    &format!("中止计时（{}）", kind.zh()),
                    Some(reason),
                );
                Ok(event("case.suspended"))
            }
            Action::Resume => {
                self.expect_stage(&[Stage::Suspended], "恢复计时")?;
                let step = self.current_kind().unwrap_or(StepKind::Review);
                self.staff_at_step(ctx, step)?;
                if let Some(s) = self.suspensions.iter_mut().rev().find(|s| s.to.is_none()) {
                    s.to = Some(ctx.today);
                }
                self.stage = Stage::Working;
                self.dues = clock::dues(self, ctx.calendar)?;
                self.log(ctx, "resumed", "恢复计时", None);
                Ok(event("case.resumed"))
            }
            Action::Extend { reason } => {
                self.expect_stage(&[Stage::Working, Stage::Suspended], "延长办理期限")?;
                self.head_of_department(ctx)?;
                if self.extension.is_some() {
                    return Err(state("办理期限只能延长一次（行政许可法第四十二条）"));
                }
                let reason = need_text("reason", &reason, "延长期限的理由")?;
                self.extension = Some(Extension {
                    days: EXTENSION_DAYS,
                    reason: reason.clone(),
                    by: ctx.who.tag.clone(),
                    on: ctx.today,
                });
                self.dues = clock::dues(self, ctx.calendar)?;
                self.log(
                    ctx,
                    "extended",
                    &format!("经负责人批准延长{EXTENSION_DAYS}个工作日"),
                    Some(reason),
                );
                Ok(event("case.extended"))
            }
            Action::Deliver { method } => {
                self.expect_stage(&[Stage::Decided], "办结送达")?;
                self.staff_at_step(ctx, StepKind::Deliver)?;
                self.delivery = Some(Delivery {
                    method,
                    on: ctx.today,
                });
                self.steps[self.step].done_on = Some(ctx.today);
                self.stage = Stage::Closed;
                self.log(ctx, "delivered", &format!("办结（{}）", method.zh()), None);
                Ok(event("case.delivered"))
            }
            Action::Withdraw { reason } => {
                self.expect_stage(
                    &[
                        Stage::Submitted,
                        Stage::Correcting,
                        Stage::Working,
                        Stage::Suspended,
                    ],
                    "撤回申请",
                )?;
                self.applicant_or_window(ctx)?;
                let reason = need_text("reason", &reason, "撤回理由")?;
                if let Some(s) = self.suspensions.iter_mut().rev().find(|s| s.to.is_none()) {
                    s.to = Some(ctx.today);
                }
                self.close(ctx, Outcome::Withdrawn, reason.clone(), None);
                self.log(ctx, "withdrawn", "申请人撤回申请", Some(reason));
                Ok(event("case.withdrawn"))
            }
            Action::Supply { material } => {
                self.expect_stage(
                    &[Stage::Working, Stage::Suspended, Stage::Decided],
                    "补齐容缺材料",
                )?;
                self.applicant_or_window(ctx)?;
                let Some(d) = self
                    .deferred
                    .iter_mut()
                    .find(|d| d.material == material && d.supplied_on.is_none())
                else {
                    return Err(Invalid::one("material", "该材料未作容缺受理，或已补齐").into());
                };
                d.supplied_on = Some(ctx.today);
                let name = d.name.clone();
                self.log(ctx, "supplied", &format!("补齐容缺材料：{name}"), None);
                Ok(event("case.supplied"))
            }
            Action::Assign {
                account_id,
                role,
                department_id,
            } => {
                self.expect_stage(
                    &[
                        Stage::Submitted,
                        Stage::Working,
                        Stage::Suspended,
                        Stage::Decided,
                    ],
                    "分派",
                )?;
                let may = match ctx.who.role {
                    Role::DeptAdmin | Role::Approver => {
                        ctx.who.department_id == Some(self.department_id)
                    }
                    _ => false,
                };
                // Anyone holding the step's role may take it for themselves.
                let claim = ctx.who.account_id == account_id && self.holds_step(ctx.who);
                if !may && !claim {
                    return Err(CaseError::Forbidden(
                        "只有本部门负责人或管理员可以分派环节；工作人员只能认领本岗位的环节".into(),
                    ));
                }
                let step = &self.steps[self.step];
                if role != step.template.role || department_id != Some(self.department_id) {
                    return Err(Invalid::one(
                        "account_id",
                        format!(
                            "“{}”环节应由事项所属部门的{}办理",
                            step.template.name,
                            step.template.role.zh()
                        ),
                    )
                    .into());
                }
                self.steps[self.step].assignee = Some(account_id);
                let name = self.steps[self.step].template.name.clone();
                self.log(
                    ctx,
                    "assigned",
                    &format!("{name}分派"),
                    Some(format!("account:{account_id}")),
                );
                Ok(event("case.assigned"))
            }
        }
    }

    fn accept(&mut self, deferred: Vec<DeferredPromise>, ctx: &Ctx) -> Result<Applied, CaseError> {
        self.expect_stage(&[Stage::Submitted], "受理")?;
        self.staff_at_step(ctx, StepKind::Accept)?;
        let mut inv = Invalid::default();
        let limit = ctx
            .calendar
            .add_workdays_estimated(ctx.today, u32::from(self.limits.promised_days.max(1)))
            .map_or(ctx.today, |(d, _)| d);
        let mut promised: Vec<Deferred> = Vec::new();
        for (i, d) in deferred.iter().enumerate() {
            let field = format!("deferred[{i}]");
            let Some(m) = ctx.item.materials.get(d.material) else {
                inv.push(format!("{field}.material"), "没有这项材料");
                continue;
            };
            if !m.may_defer {
                inv.push(
                    format!("{field}.material"),
                    format!("本事项的“{}”不能容缺受理", m.name),
                );
            }
            if promised.iter().any(|p| p.material == d.material) {
                inv.push(format!("{field}.material"), "同一材料不能重复列出");
            }
            if d.promised_by < ctx.today || d.promised_by > limit {
                inv.push(
                    format!("{field}.promised_by"),
                    format!("补齐日期应在今天至{limit}之间（不超过承诺时限）"),
                );
            }
            promised.push(Deferred {
                material: d.material,
                name: m.name.clone(),
                promised_by: d.promised_by,
                supplied_on: None,
            });
        }
        if super::submit::files_expected(self.channel) {
            for (i, m) in ctx.item.materials.iter().enumerate() {
                let given = self
                    .materials
                    .iter()
                    .any(|s| s.material == i && !s.files.is_empty());
                if m.required && !given && !promised.iter().any(|p| p.material == i) {
                    inv.push(
                        "deferred",
                        format!(
                            "缺少“{}”：可以容缺的请容缺受理，否则请一次性告知补正",
                            m.name
                        ),
                    );
                }
            }
        }
        inv.into_result(|| ())?;
        self.deferred = promised;
        self.accepted_on = Some(ctx.today);
        self.stage = Stage::Working;
        self.dues = clock::dues(self, ctx.calendar)?;
        let note = (!self.deferred.is_empty()).then(|| {
            let names: Vec<_> = self.deferred.iter().map(|d| d.name.as_str()).collect();
            format!("容缺受理：{}", names.join("、"))
        });
        self.advance(ctx.today);
        self.log(ctx, "accepted", "受理", note);
        if self.limits.promised_days == 0 {
            // 即办件: decided at the window, on acceptance.
            self.step = self.decide_index();
            self.approve(ctx, "即办件，当场办结".into());
            return Ok(Applied {
                event: "case.accepted",
                approved: true,
            });
        }
        Ok(Applied {
            event: "case.accepted",
            approved: false,
        })
    }

    fn decide(
        &mut self,
        approve: bool,
        opinion: String,
        remedy: Option<String>,
        ctx: &Ctx,
    ) -> Result<Applied, CaseError> {
        self.expect_stage(&[Stage::Working], "作出决定")?;
        if self.current_kind() != Some(StepKind::Decide) {
            return Err(state(format!(
                "该办件当前处于“{}”环节，还未到决定环节",
                self.steps[self.step].template.name
            )));
        }
        let department = self.voting_department(ctx)?;
        let opinion = need_text("opinion", &opinion, "决定理由")?;
        let step = &mut self.steps[self.step];
        if step.votes.iter().any(|v| v.department_id == department) {
            return Err(state("本部门已作出决定，不能重复决定"));
        }
        step.votes.push(Vote {
            department_id: department,
            approve,
            opinion: opinion.clone(),
            by: ctx.who.tag.clone(),
            on: ctx.today,
        });
        if !approve {
            self.decision = Some(Decision {
                outcome: Outcome::Denied,
                reasons: opinion.clone(),
                remedy,
                by: ctx.who.tag.clone(),
                on: ctx.today,
            });
            self.outcome = Some(Outcome::Denied);
            self.stage = Stage::Decided;
            self.advance(ctx.today);
            self.log(ctx, "denied", "不予许可", Some(opinion));
            return Ok(Applied {
                event: "case.denied",
                approved: false,
            });
        }
        let waiting = self.parties().len() - self.steps[self.step].votes.len();
        if waiting > 0 {
            self.log(
                ctx,
                "voted",
                &format!("并联审批意见：同意（尚待{waiting}个部门）"),
                Some(opinion),
            );
            return Ok(Applied {
                event: "case.voted",
                approved: false,
            });
        }
        self.approve(ctx, opinion);
        Ok(Applied {
            event: "case.approved",
            approved: true,
        })
    }

    pub(super) fn approve(&mut self, ctx: &Ctx, opinion: String) {
        self.decision = Some(Decision {
            outcome: Outcome::Approved,
            reasons: opinion.clone(),
            remedy: None,
            by: ctx.who.tag.clone(),
            on: ctx.today,
        });
        self.outcome = Some(Outcome::Approved);
        self.stage = Stage::Decided;
        self.advance(ctx.today);
        self.log(ctx, "approved", "准予许可", Some(opinion));
    }

    fn close(&mut self, ctx: &Ctx, outcome: Outcome, reasons: String, remedy: Option<String>) {
        self.decision = Some(Decision {
            outcome,
            reasons,
            remedy,
            by: ctx.who.tag.clone(),
            on: ctx.today,
        });
        self.outcome = Some(outcome);
        self.stage = Stage::Closed;
    }

    /// Marks the current step done and starts the next.
    pub(super) fn advance(&mut self, today: NaiveDate) {
        self.steps[self.step].done_on = Some(today);
        if self.step + 1 < self.steps.len() {
            self.step += 1;
            self.steps[self.step].started_on = Some(today);
        }
    }

    pub(super) fn decide_index(&self) -> usize {
        self.steps
            .iter()
            .position(|s| s.kind() == StepKind::Decide)
            .unwrap_or(self.step)
    }

    fn current_kind(&self) -> Option<StepKind> {
        self.current().map(|s| s.kind())
    }

    /// The departments that decide: the item's own, then the joint ones.
    pub(super) fn parties(&self) -> Vec<i64> {
        let mut out = vec![self.department_id];
        if let Some(step) = self.current() {
            out.extend(step.template.joint.iter().copied());
        }
        out
    }

    fn voting_department(&self, ctx: &Ctx) -> Result<i64, CaseError> {
        let step = &self.steps[self.step];
        let dept = ctx.who.department_id.filter(|d| self.parties().contains(d));
        match dept {
            Some(d) if ctx.who.role == step.template.role => {
                if d == self.department_id {
                    self.not_someone_elses(ctx)?;
                }
                Ok(d)
            }
            _ => Err(CaseError::Forbidden(format!(
                "决定应由参与决定的部门的{}作出",
                step.template.role.zh()
            ))),
        }
    }

    fn holds_step(&self, who: &Who) -> bool {
        self.current().is_some_and(|s| {
            s.template.role == who.role && who.department_id == Some(self.department_id)
        })
    }

    pub(super) fn staff_at_step(&self, ctx: &Ctx, kind: StepKind) -> Result<(), CaseError> {
        if self.current_kind() != Some(kind) {
            return Err(state(format!(
                "该办件当前处于“{}”环节，不在“{}”环节",
                self.current().map_or("—", |s| s.template.name.as_str()),
                kind.zh()
            )));
        }
        if !self.holds_step(ctx.who) {
            let step = &self.steps[self.step];
            return Err(CaseError::Forbidden(format!(
                "“{}”应由事项所属部门的{}办理",
                step.template.name,
                step.template.role.zh()
            )));
        }
        self.not_someone_elses(ctx)
    }

    fn not_someone_elses(&self, ctx: &Ctx) -> Result<(), CaseError> {
        match self.steps[self.step].assignee {
            Some(a) if a != ctx.who.account_id => {
                Err(CaseError::Forbidden("该环节已分派给其他工作人员".into()))
            }
            _ => Ok(()),
        }
    }

    fn head_of_department(&self, ctx: &Ctx) -> Result<(), CaseError> {
        if ctx.who.role == Role::Approver && ctx.who.department_id == Some(self.department_id) {
            Ok(())
        } else {
            Err(CaseError::Forbidden(
                "延长办理期限须由事项所属部门的负责人（审批人）批准".into(),
            ))
        }
    }

    fn applicant_or_window(&self, ctx: &Ctx) -> Result<(), CaseError> {
        let own = self.applicant.account_id == Some(ctx.who.account_id);
        let window =
            ctx.who.role == Role::Clerk && ctx.who.department_id == Some(self.department_id);
        if own || window {
            Ok(())
        } else {
            Err(CaseError::Forbidden(
                "只有申请人本人或代为办理的窗口工作人员可以办理此项".into(),
            ))
        }
    }

    pub(super) fn expect_stage(&self, allowed: &[Stage], what: &str) -> Result<(), CaseError> {
        if allowed.contains(&self.stage) {
            Ok(())
        } else {
            Err(state(format!(
                "该办件当前处于“{}”，不能执行“{what}”",
                self.stage.zh()
            )))
        }
    }

    fn correction_items(
        &self,
        items: Vec<CorrectionRequest>,
        ctx: &Ctx,
    ) -> Result<Vec<CorrectionItem>, CaseError> {
        let mut inv = Invalid::default();
        if items.is_empty() {
            inv.push("items", "请逐项列出需要补正的材料及问题");
        }
        let mut out: Vec<CorrectionItem> = Vec::new();
        for (i, r) in items.into_iter().enumerate() {
            let Some(m) = ctx.item.materials.get(r.material) else {
                inv.push(format!("items[{i}].material"), "没有这项材料");
                continue;
            };
            if out.iter().any(|o| o.material == r.material) {
                inv.push(format!("items[{i}].material"), "同一材料不能重复列出");
            }
            let reason = r.reason.trim();
            if reason.chars().count() < 2 || reason.chars().count() > 200 {
                inv.push(
                    format!("items[{i}].reason"),
                    "请说明材料存在的问题（2至200个字）",
                );
            }
            out.push(CorrectionItem {
                material: r.material,
                name: m.name.clone(),
                reason: reason.to_string(),
            });
        }
        inv.into_result(|| out).map_err(Into::into)
    }

    pub(super) fn log(&mut self, ctx: &Ctx, what: &str, zh: &str, note: Option<String>) {
        self.timeline.push(Entry {
            at: ctx.at,
            on: ctx.today,
            what: what.to_string(),
            zh: zh.to_string(),
            step: Some(self.step),
            by: ctx.who.tag.clone(),
            note,
            seq: None,
        });
    }

    /// §32: no acceptance decision within five working days of receipt means
    /// the case was accepted the day its materials arrived. Done by the
    /// system's deadline scan; the department earns a red card.
    pub fn deem_accepted(
        &mut self,
        today: NaiveDate,
        at: DateTime<Utc>,
        calendar: &WorkCalendar,
    ) -> Result<bool, CaseError> {
        if self.stage != Stage::Submitted || today <= clock::acceptance_due(self, calendar)? {
            return Ok(false);
        }
        self.accepted_on = Some(self.received_on);
        self.deemed = true;
        self.stage = Stage::Working;
        self.dues = clock::dues(self, calendar)?;
        self.advance(today);
        self.timeline.push(Entry {
            at,
            on: today,
            what: "deemed_accepted".into(),
            zh: "逾期未作受理决定，依法视为受理".into(),
            step: Some(self.step),
            by: "system:clock".into(),
            note: Some(format!("自收到材料之日（{}）起受理", self.received_on)),
            seq: None,
        });
        Ok(true)
    }
}
