//! The signed-in side of cases: 我的办件 for applicants, the work queue for
//! staff, and one case with the actions its viewer may take at its stage
//! (the domain still decides; a refused action shows why).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use bianli_app::Actor;
use bianli_app::cases::{ActionInput, CaseView, QueueEntry};
use bianli_app::ledger::LeafLink;
use bianli_domain::Invalid;
use bianli_domain::cases::{CorrectionRequest, DeliveryMethod, Entry, Stage, StepKind};
use bianli_domain::identity::Role;

use super::appointment::signed_in;
use super::auth::{Viewer, see_other};
use super::error_page::PageError;
use super::form::FormData;
use super::layout::{Chrome, Section, ok};
use crate::AppState;

pub struct Row {
    pub number: String,
    pub item_name: String,
    pub applicant: String,
    pub stage_zh: &'static str,
    pub step_name: Option<String>,
    pub due: Option<String>,
    pub left: Option<String>,
    pub card: Option<&'static str>,
}

fn left(days: Option<i64>) -> Option<String> {
    days.map(|d| {
        if d >= 0 {
            format!("还有 {d} 个工作日")
        } else {
            format!("已超期 {} 个工作日", -d)
        }
    })
}

fn row(e: QueueEntry) -> Row {
    Row {
        left: left(e.days_left),
        number: e.number,
        item_name: e.item_name,
        applicant: e.applicant,
        stage_zh: e.stage_zh,
        step_name: e.step_name,
        due: e.due.map(|d| d.to_string()),
        card: e.card.map(|c| c.as_str()),
    }
}

#[derive(Template)]
#[template(path = "case_desk.html")]
pub struct DeskPage {
    pub chrome: Chrome,
    pub heading: &'static str,
    pub empty: &'static str,
    pub rows: Vec<Row>,
    /// A window clerk also files for hotline callers.
    pub hotline: bool,
}

/// `GET /cases`: the applicant's cases, or the staff member's queue.
pub async fn desk(State(s): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    let actor = match signed_in(&viewer, "/cases") {
        Ok(a) => a,
        Err(r) => return Ok(r.into_response()),
    };
    let (heading, empty, entries) = if actor.role.is_staff() {
        (
            "待办件",
            "没有等你办理的件。",
            s.app.queue(&actor).await.map_err(|e| viewer.fail(e))?,
        )
    } else {
        (
            "我的办件",
            "还没有办件。在办事指南中选择事项即可申请。",
            s.app.my_cases(&actor).await.map_err(|e| viewer.fail(e))?,
        )
    };
    ok(&DeskPage {
        chrome: viewer.chrome(Section::Cases),
        heading,
        empty,
        rows: entries.into_iter().map(row).collect(),
        hotline: actor.role == Role::Clerk,
    })
}

/// One action button (with a text box or a material choice when it needs one).
pub struct Offer {
    pub action: &'static str,
    pub label: &'static str,
    pub text: bool,
    pub text_label: &'static str,
    pub material: bool,
    pub secondary: bool,
}

fn offer(action: &'static str, label: &'static str) -> Offer {
    Offer {
        action,
        label,
        text: false,
        text_label: "",
        material: false,
        secondary: false,
    }
}

fn with_text(mut o: Offer, text_label: &'static str) -> Offer {
    o.text = true;
    o.text_label = text_label;
    o
}

/// What this viewer may try at this stage; the domain has the last word.
fn offers(v: &CaseView, actor: &Actor) -> Vec<Offer> {
    let case = &v.case;
    let own = case.applicant.account_id == Some(actor.account_id);
    let here = actor.department_id == Some(case.department_id);
    let step = case.current().map(|s| s.kind());
    let mut out = Vec::new();
    match (case.stage, actor.role) {
        (Stage::Submitted, Role::Clerk) if here => {
            out.push(offer("accept", "受理"));
            let mut correct = with_text(offer("correct", "一次性告知补正"), "需补正的内容");
            correct.material = true;
            correct.secondary = true;
            out.push(correct);
            let mut refuse = with_text(offer("refuse", "不予受理"), "不予受理的理由");
            refuse.secondary = true;
            out.push(refuse);
        }
        (Stage::Correcting, Role::Clerk) if here => {
            out.push(offer("resubmit", "材料已补正，重新提交"))
        }
        (Stage::Working, Role::Reviewer) if here && step == Some(StepKind::Review) => {
            out.push(with_text(offer("pass", "审查通过"), "审查意见"));
        }
        (Stage::Working, Role::Approver) if step == Some(StepKind::Decide) => {
            out.push(with_text(offer("approve", "准予许可"), "决定意见"));
            let mut deny = with_text(offer("deny", "不予许可"), "不予许可的理由");
            deny.secondary = true;
            out.push(deny);
            let mut back = with_text(offer("return", "退回审查"), "退回理由");
            back.secondary = true;
            out.push(back);
        }
        (Stage::Suspended, Role::Reviewer | Role::Approver) if here => {
            out.push(offer("resume", "恢复计时"));
        }
        (Stage::Decided, Role::Clerk) if here => out.push(offer("deliver", "办结送达（电子证照）")),
        _ => {}
    }
    if own && case.stage == Stage::Correcting {
        out.push(offer("resubmit", "材料已补正，重新提交"));
    }
    if own
        && matches!(
            case.stage,
            Stage::Submitted | Stage::Correcting | Stage::Working
        )
    {
        let mut withdraw = with_text(offer("withdraw", "撤回申请"), "撤回原因");
        withdraw.secondary = true;
        out.push(withdraw);
    }
    out
}

#[derive(Template)]
#[template(path = "case.html")]
pub struct CasePage {
    pub chrome: Chrome,
    pub csrf: String,
    pub v: CaseView,
    pub channel: &'static str,
    pub due: Option<String>,
    pub card: Option<&'static str>,
    pub actions: Vec<Offer>,
    pub materials: Vec<(usize, String)>,
    /// 申请表 as filed: label and value.
    pub form: Vec<(String, String)>,
    pub rating: super::rating::RatingBlock,
}

impl CasePage {
    /// Each step with where the ledger records it.
    fn timeline(&self) -> Vec<(&Entry, &LeafLink)> {
        self.v.case.timeline.iter().zip(&self.v.ledger).collect()
    }
}

/// The whole case, to its applicant and the staff handling it.
pub async fn show(s: &AppState, viewer: &Viewer, number: &str) -> Result<Response, PageError> {
    let actor = match signed_in(viewer, &format!("/cases/{number}")) {
        Ok(a) => a,
        Err(r) => return Ok(r.into_response()),
    };
    let v = s
        .app
        .case_detail(&actor, number)
        .await
        .map_err(|e| viewer.fail(e))?;
    let rating = s
        .app
        .case_rating(&actor, number)
        .await
        .map_err(|e| viewer.fail(e))?;
    let rating = super::rating::block(&rating, viewer, number, None, &viewer.here);
    // The labels come from the item as it is now; an item that can no
    // longer be read still shows the values, under their keys.
    let item = s
        .app
        .item(&v.case.item.to_string())
        .await
        .ok()
        .map(|d| d.current.item);
    let form = super::case_form::filled(item.as_ref(), &v.case.form);
    let materials = v
        .case
        .materials
        .iter()
        .map(|m| (m.material, m.name.clone()))
        .collect();
    ok(&CasePage {
        chrome: viewer.chrome(Section::Cases),
        csrf: viewer.csrf(),
        channel: v.case.channel.zh(),
        due: v.case.dues.map(|d| match left(v.days_left) {
            Some(l) => format!("{}（{l}）", d.promised),
            None => d.promised.to_string(),
        }),
        card: v.card.map(|c| c.zh()),
        actions: offers(&v, &actor),
        materials,
        form,
        rating,
        v,
    })
}

/// `POST /cases/{number}`: one action from the case page's forms.
pub async fn act(
    State(s): State<AppState>,
    viewer: Viewer,
    Path(number): Path<String>,
    form: FormData,
) -> Result<Response, PageError> {
    let actor = match signed_in(&viewer, &format!("/cases/{number}")) {
        Ok(a) => a,
        Err(r) => return Ok(r.into_response()),
    };
    viewer.check_csrf(&form)?;
    let text = form.get("text").to_string();
    let input = match form.get("action") {
        "accept" => ActionInput::Accept { deferred: vec![] },
        "refuse" => ActionInput::Refuse {
            reasons: text,
            remedy: None,
        },
        "correct" => ActionInput::RequestCorrection {
            items: vec![CorrectionRequest {
                material: form.get("material").parse().unwrap_or(usize::MAX),
                reason: text,
            }],
        },
        "resubmit" => ActionInput::Resubmit,
        "pass" => ActionInput::Pass { opinion: text },
        "return" => ActionInput::Return { reason: text },
        "approve" => ActionInput::Decide {
            approve: true,
            opinion: text,
            remedy: None,
        },
        "deny" => ActionInput::Decide {
            approve: false,
            opinion: text,
            remedy: None,
        },
        "resume" => ActionInput::Resume,
        "deliver" => ActionInput::Deliver {
            method: DeliveryMethod::Electronic,
        },
        "withdraw" => ActionInput::Withdraw { reason: text },
        other => {
            return Err(viewer.fail(Invalid::one(
                "action",
                format!("“{other}”不是本页面可执行的操作"),
            )));
        }
    };
    s.app
        .act(&actor, &number, input)
        .await
        .map_err(|e| viewer.fail(e))?;
    Ok(see_other(&format!("/cases/{number}"), None))
}
