//! The supervisor's workbench on the pages: `/oversight/cards` lists cards
//! (filtered by department, division, person, kind, state) with the actions
//! the viewer may take; each action posts to
//! `/oversight/cards/{number}/{step}/{kind}` and comes back to the list.
//! Below the cards, the open 告知承诺 verifications (核查) in the viewer's
//! scope, the overdue ones marked.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use bianli_app::oversight::{CardActionInput, CardQuery};
use bianli_domain::Invalid;
use bianli_domain::identity::Role;
use bianli_domain::oversight::CardState;

use super::appointment::signed_in;
use super::auth::{Viewer, see_other};
use super::error_page::PageError;
use super::form::{self, FormData};
use super::layout::{Chrome, Section, ok, query};
use super::lookup::Names;
use crate::AppState;

pub struct CardRow {
    pub action_href: String,
    pub case_number: String,
    pub kind_zh: &'static str,
    pub kind: &'static str,
    pub step: i64,
    pub department: String,
    pub on: String,
    pub reason: String,
    pub state_zh: &'static str,
    pub history: Vec<String>,
    pub explanation: Option<String>,
    pub may_acknowledge: bool,
    pub may_explain: bool,
    pub may_close: bool,
}

/// An open 告知承诺 verification as the workbench lists it.
pub struct VerificationRow {
    pub case_number: String,
    pub item: String,
    pub department: String,
    pub due: String,
    pub provisional: bool,
    pub overdue: bool,
}

#[derive(Template)]
#[template(path = "oversight_cards.html")]
pub struct WorkbenchPage {
    pub chrome: Chrome,
    pub csrf: String,
    pub back: String,
    pub q: CardQuery,
    pub states: Vec<(&'static str, &'static str)>,
    pub cards: Vec<CardRow>,
    pub verifications: Vec<VerificationRow>,
}

fn stamp(
    by: &Option<String>,
    at: &Option<chrono::DateTime<chrono::Utc>>,
    what: &str,
) -> Option<String> {
    Some(format!(
        "{what}：{} {}",
        by.as_deref()?,
        at.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
            .unwrap_or_default()
    ))
}

pub async fn list(
    State(s): State<AppState>,
    viewer: Viewer,
    q: Result<Query<CardQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let actor = match signed_in(&viewer, &viewer.here) {
        Ok(a) => a,
        Err(r) => return Ok(r.into_response()),
    };
    let q = form::query(&viewer, q)?;
    let cards = s
        .app
        .supervised_cards(&actor, &q)
        .await
        .map_err(|e| viewer.fail(e))?;
    let names = Names::load(&s.app).await.map_err(|e| viewer.fail(e))?;
    let verifications = s
        .app
        .open_verifications(&actor)
        .await
        .map_err(|e| viewer.fail(e))?
        .into_iter()
        .map(|v| {
            let o = v.verification;
            VerificationRow {
                department: names.department_name(o.department_id),
                due: o.due.to_string(),
                provisional: o.provisional,
                overdue: v.overdue,
                item: o.item_code,
                case_number: o.case_number,
            }
        })
        .collect();
    let supervises = matches!(actor.role, Role::Supervisor | Role::Admin);
    let rows = cards
        .into_iter()
        .map(|c| {
            let open = c.state != CardState::Closed;
            let own = actor.department_id == Some(c.department_id)
                && actor.role.is_staff()
                && !supervises;
            CardRow {
                action_href: format!(
                    "/oversight/cards/{}/{}/{}",
                    c.case_number,
                    c.step,
                    c.kind.as_str()
                ),
                kind_zh: match c.kind {
                    bianli_domain::cases::CardKind::Yellow => "黄牌",
                    bianli_domain::cases::CardKind::Red => "红牌",
                },
                kind: c.kind.as_str(),
                step: c.step,
                department: names
                    .department(c.department_id)
                    .map_or_else(|| c.department_id.to_string(), |d| d.name.clone()),
                on: c.on.to_string(),
                reason: c.reason.clone(),
                state_zh: c.state.zh(),
                history: [
                    stamp(&c.acknowledged_by, &c.acknowledged_at, "知悉"),
                    stamp(&c.explained_by, &c.explained_at, "说明"),
                    stamp(&c.closed_by, &c.closed_at, "销号"),
                ]
                .into_iter()
                .flatten()
                .collect(),
                explanation: c.explanation.clone(),
                may_acknowledge: supervises && c.state == CardState::Open,
                may_explain: own && open && c.state != CardState::Explained,
                may_close: supervises && open,
                case_number: c.case_number,
            }
        })
        .collect();
    let back = format!(
        "/oversight/cards{}",
        query(&[
            ("department", q.department.as_deref().unwrap_or("")),
            ("division", q.division.as_deref().unwrap_or("")),
            ("person", q.person.as_deref().unwrap_or("")),
            ("kind", q.kind.as_deref().unwrap_or("")),
            ("state", q.state.as_deref().unwrap_or("")),
        ])
    );
    ok(&WorkbenchPage {
        chrome: viewer.chrome(Section::Workbench),
        csrf: viewer.csrf(),
        back,
        q,
        states: CardState::ALL
            .iter()
            .map(|s| (s.as_str(), s.zh()))
            .collect(),
        cards: rows,
        verifications,
    })
}

pub async fn act(
    State(s): State<AppState>,
    viewer: Viewer,
    Path((number, step, kind)): Path<(String, String, String)>,
    form: FormData,
) -> Result<Response, PageError> {
    let actor = match signed_in(&viewer, "/oversight/cards") {
        Ok(a) => a,
        Err(r) => return Ok(r.into_response()),
    };
    viewer.check_csrf(&form)?;
    let input = match form.get("action") {
        "acknowledge" => CardActionInput::Acknowledge,
        "explain" => CardActionInput::Explain {
            explanation: form.get("explanation").to_string(),
        },
        "close" => CardActionInput::Close,
        other => {
            return Err(viewer.fail(Invalid::one(
                "action",
                format!("`{other}` is not an action of this page"),
            )));
        }
    };
    s.app
        .handle_card(&actor, &number, &step, &kind, input)
        .await
        .map_err(|e| viewer.fail(e))?;
    let back = super::auth::safe_next(form.get("back")).unwrap_or("/oversight/cards");
    Ok(see_other(back, None))
}
