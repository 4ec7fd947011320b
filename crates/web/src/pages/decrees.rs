//! `/decrees`, `/decrees/{id}` and `/diff`: the decrees that changed the list
//! and what changed between two dates.

use std::collections::HashMap;

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use bianli_app::App;
use bianli_app::store::{DecreeDetail, DecreeSummary, Diff, DiffKind};
use bianli_domain::Invalid;
use bianli_domain::catalog::{Adjustment, DecreeStatus};
use serde::Deserialize;

use super::auth::Viewer;
use super::error_page::PageError;
use super::form;
use super::guide::{Link, decree_link};
use super::layout::{Chrome, Section, count, date, ok, promised, query};
use super::lookup::Names;
use crate::AppState;

/// How many draft adjustments a page lists with their item names.
const SHOWN_ADJUSTMENTS: usize = 200;

pub fn status_zh(s: DecreeStatus) -> &'static str {
    match s {
        DecreeStatus::Applied => "已施行",
        DecreeStatus::Draft => "草稿",
    }
}

pub fn change_zh(c: DiffKind) -> &'static str {
    match c {
        DiffKind::Added => "新增",
        DiffKind::Removed => "取消",
        DiffKind::Changed => "变更",
    }
}

pub struct DecreeRow {
    pub href: String,
    pub number: String,
    pub title: String,
    pub issued_on: String,
    pub effective_on: String,
    pub status: &'static str,
    pub draft: bool,
    pub started: String,
    pub ended: String,
    pub drafted: String,
}

#[derive(Template)]
#[template(path = "decrees.html")]
pub struct DecreesPage {
    pub chrome: Chrome,
    pub rows: Vec<DecreeRow>,
    pub maintainer: bool,
}

pub fn decree_rows(list: &[DecreeSummary], maintainer: bool) -> Vec<DecreeRow> {
    list.iter()
        .map(|s| {
            let d = &s.decree;
            let draft = d.status == DecreeStatus::Draft;
            DecreeRow {
                href: if draft && maintainer {
                    format!("/admin/decrees/{}", d.id)
                } else {
                    format!("/decrees/{}", d.id)
                },
                number: d.number.as_str().to_string(),
                title: d.title.clone(),
                issued_on: date(d.issued_on),
                effective_on: date(d.effective_on),
                status: status_zh(d.status),
                draft,
                started: count(s.started),
                ended: count(s.ended),
                drafted: count(s.drafted),
            }
        })
        .collect()
}

pub async fn list(State(s): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    let list = s.app.decrees().await.map_err(|e| viewer.fail(e))?;
    let maintainer = viewer.is_maintainer();
    ok(&DecreesPage {
        chrome: viewer.chrome(Section::Decrees),
        rows: decree_rows(&list, maintainer),
        maintainer,
    })
}

/// A draft adjustment in words, with the items it names.
pub struct AdjustmentView {
    pub kind: &'static str,
    pub items: Vec<Link>,
    pub note: String,
}

async fn item_link(app: &App, code: &str) -> Link {
    // A code the list does not know yet still shows, without a name.
    let label = match app.item(code).await {
        Ok(d) => format!("{}（{code}）", d.current.item.name),
        Err(_) => code.to_string(),
    };
    Link {
        href: format!("/items/{code}"),
        label,
    }
}

pub async fn describe(app: &App, a: &Adjustment) -> AdjustmentView {
    let kind = a.kind().zh();
    match a {
        Adjustment::Add { item } => AdjustmentView {
            kind,
            items: vec![],
            note: format!("{}（{}）", item.name, item.code),
        },
        Adjustment::Cancel { code } | Adjustment::Delegate { code } => AdjustmentView {
            kind,
            items: vec![item_link(app, &code.to_string()).await],
            note: String::new(),
        },
        Adjustment::PreToPost { code, prerequisite } => AdjustmentView {
            kind,
            items: vec![item_link(app, &code.to_string()).await],
            note: format!("前置条件“{prerequisite}”改为后置"),
        },
        Adjustment::Merge { codes, into } => {
            let mut items = Vec::new();
            for c in codes {
                items.push(item_link(app, &c.to_string()).await);
            }
            AdjustmentView {
                kind,
                items,
                note: format!("合并为 {}（{}）", into.name, into.code),
            }
        }
        Adjustment::Modify { item } => AdjustmentView {
            kind,
            items: vec![item_link(app, &item.code.to_string()).await],
            note: format!("修改后：{}，{}", item.name, promised(item.promised_days)),
        },
    }
}

pub async fn describe_all(app: &App, list: &[Adjustment]) -> Vec<AdjustmentView> {
    let mut out = Vec::new();
    for a in list.iter().take(SHOWN_ADJUSTMENTS) {
        out.push(describe(app, a).await);
    }
    out
}

pub struct EffectRow {
    pub kind: &'static str,
    pub level: &'static str,
    pub started: String,
    pub ended: String,
}

#[derive(Template)]
#[template(path = "decree.html")]
pub struct DecreePage {
    pub chrome: Chrome,
    pub number: String,
    pub title: String,
    pub issued_on: String,
    pub effective_on: String,
    pub status: &'static str,
    pub draft: bool,
    pub effects: Vec<EffectRow>,
    pub adjustments: Vec<AdjustmentView>,
    pub more_adjustments: usize,
    pub diff_href: String,
    pub admin_href: Option<String>,
}

pub fn decree_page(
    d: &DecreeDetail,
    adjustments: Vec<AdjustmentView>,
    viewer: &Viewer,
) -> DecreePage {
    let h = &d.decree;
    let draft = h.status == DecreeStatus::Draft;
    let before = h.effective_on.pred_opt().unwrap_or(h.effective_on);
    DecreePage {
        chrome: viewer.chrome(Section::Decrees),
        number: h.number.as_str().to_string(),
        title: h.title.clone(),
        issued_on: date(h.issued_on),
        effective_on: date(h.effective_on),
        status: status_zh(h.status),
        draft,
        effects: d
            .effects
            .iter()
            .map(|e| EffectRow {
                kind: e.adjustment.zh(),
                level: e.level.zh(),
                started: count(e.started),
                ended: count(e.ended),
            })
            .collect(),
        more_adjustments: d.adjustments.len().saturating_sub(adjustments.len()),
        adjustments,
        diff_href: format!(
            "/diff{}",
            query(&[("from", &date(before)), ("to", &date(h.effective_on))])
        ),
        admin_href: (draft && viewer.is_maintainer()).then(|| format!("/admin/decrees/{}", h.id)),
    }
}

pub fn parse_id(s: &str) -> Result<i64, Invalid> {
    s.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| Invalid::one("id", format!("“{s}”不是有效的调整决定编号")))
}

pub async fn show(
    State(s): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id).map_err(|e| viewer.fail(e))?;
    let d = s.app.decree(id).await.map_err(|e| viewer.fail(e))?;
    let adjustments = describe_all(&s.app, &d.adjustments).await;
    ok(&decree_page(&d, adjustments, &viewer))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DiffQuery {
    from: Option<String>,
    to: Option<String>,
    division: Option<String>,
    cursor: Option<String>,
}

pub struct SummaryRow {
    pub decree: Option<Link>,
    pub adjustment: &'static str,
    pub change: &'static str,
    pub level: &'static str,
    pub count: String,
}

pub struct DiffRowView {
    pub href: String,
    pub code: String,
    pub name: String,
    pub division: String,
    pub department: String,
    pub change: &'static str,
    pub adjustment: &'static str,
    pub decree: Option<Link>,
}

#[derive(Template)]
#[template(path = "diff.html")]
pub struct DiffPage {
    pub chrome: Chrome,
    pub from: String,
    pub to: String,
    pub division: String,
    pub asked: bool,
    pub summary: Vec<SummaryRow>,
    pub rows: Vec<DiffRowView>,
    pub next_href: Option<String>,
}

pub fn diff_view(page: &mut DiffPage, diff: &Diff, names: &Names, numbers: &HashMap<i64, String>) {
    page.summary = diff
        .summary
        .iter()
        .map(|s| SummaryRow {
            decree: decree_link(s.decree_id, numbers),
            adjustment: s.adjustment.zh(),
            change: change_zh(s.change),
            level: s.level.zh(),
            count: count(s.count),
        })
        .collect();
    page.rows = diff
        .rows
        .iter()
        .map(|r| DiffRowView {
            href: format!("/items/{}", r.code),
            code: r.code.clone(),
            name: r.name.clone(),
            division: names.division(&r.division),
            department: names.department_name(r.department_id),
            change: change_zh(r.change),
            adjustment: r.adjustment.map(|a| a.zh()).unwrap_or("日常维护"),
            decree: decree_link(r.decree_id, numbers),
        })
        .collect();
    page.next_href = diff.next_after.as_deref().map(|c| {
        format!(
            "/diff{}",
            query(&[
                ("from", &page.from),
                ("to", &page.to),
                ("division", &page.division),
                ("cursor", c)
            ])
        )
    });
}

pub async fn diff(
    State(s): State<AppState>,
    viewer: Viewer,
    q: Result<Query<DiffQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let q = form::query(&viewer, q)?;
    let text = |o: &Option<String>| o.as_deref().unwrap_or("").trim().to_string();
    let mut page = DiffPage {
        chrome: viewer.chrome(Section::Decrees),
        from: text(&q.from),
        to: text(&q.to),
        division: text(&q.division),
        asked: !(text(&q.from).is_empty() && text(&q.to).is_empty()),
        summary: Vec::new(),
        rows: Vec::new(),
        next_href: None,
    };
    if page.asked {
        let diff = s
            .app
            .diff(
                &page.from,
                &page.to,
                q.division.as_deref(),
                q.cursor.as_deref(),
                None,
            )
            .await
            .map_err(|e| viewer.fail(e))?;
        let names = Names::load(&s.app).await.map_err(|e| viewer.fail(e))?;
        let numbers = decree_numbers(&s.app).await.map_err(|e| viewer.fail(e))?;
        diff_view(&mut page, &diff, &names, &numbers);
    }
    ok(&page)
}

pub async fn decree_numbers(app: &App) -> Result<HashMap<i64, String>, bianli_app::AppError> {
    Ok(app
        .decrees()
        .await?
        .into_iter()
        .map(|d| (d.decree.id, d.decree.number.as_str().to_string()))
        .collect())
}
