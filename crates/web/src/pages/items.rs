//! `/items`: find items by words and filters, each result a card linking to its guide.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use bianli_app::AppError;
use bianli_app::catalog::ItemQuery;
use bianli_app::store::ItemVersion;
use bianli_domain::catalog::{Channel, ItemKind};
use bianli_domain::division::Level;

use super::auth::Viewer;
use super::error_page::{FieldView, PageError, field_views};
use super::form;
use super::layout::{Chrome, Section, count, promised, query, render, visits};
use super::lookup::{Choice, ChoiceGroup, Names, division_groups};
use crate::{ApiError, AppState};

/// One result as a card: what people compare before opening the guide.
pub struct ItemCard {
    pub href: String,
    pub name: String,
    pub code: String,
    pub aliases: String,
    pub department: String,
    pub division: String,
    pub kind: &'static str,
    pub promised: String,
    pub visits: String,
    pub channels: String,
    /// Set when the version shown is no longer in force.
    pub ended: Option<String>,
}

pub fn card(v: &ItemVersion, names: &Names) -> ItemCard {
    let i = &v.item;
    ItemCard {
        href: format!("/items/{}", i.code),
        name: i.name.clone(),
        code: i.code.to_string(),
        aliases: i.aliases.join("、"),
        department: names.department_name(i.department_id),
        division: names.division(i.division.as_str()),
        kind: i.kind.zh(),
        promised: promised(i.promised_days),
        visits: visits(i.visits),
        channels: i.channels_zh(),
        ended: v.valid_to.map(|d| format!("{d} 起不再实施")),
    }
}

pub struct Filters {
    pub q: String,
    pub levels: Vec<Choice>,
    pub kinds: Vec<Choice>,
    pub channels: Vec<Choice>,
    pub divisions: Vec<ChoiceGroup>,
    /// The department filter, kept as a hidden field with a way to drop it.
    pub department: Option<(String, String)>,
    pub zero_trip: bool,
    pub as_of: String,
    pub clear_department_href: String,
}

#[derive(Template)]
#[template(path = "items.html")]
pub struct ItemsPage {
    pub chrome: Chrome,
    pub filters: Filters,
    pub errors: Vec<FieldView>,
    pub total: String,
    pub cards: Vec<ItemCard>,
    pub next_href: Option<String>,
    pub first_href: Option<String>,
    pub ranked: bool,
}

fn v(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("")
}

/// The query's parameters as pairs, to rebuild links (cursor left out).
fn params(q: &ItemQuery) -> Vec<(&'static str, &str)> {
    vec![
        ("q", v(&q.q)),
        ("level", v(&q.level)),
        ("division", v(&q.division)),
        ("department", v(&q.department)),
        ("kind", v(&q.kind)),
        ("channel", v(&q.channel)),
        ("zero_trip", v(&q.zero_trip)),
        ("as_of", v(&q.as_of)),
        ("limit", v(&q.limit)),
    ]
}

fn filters(q: &ItemQuery, names: &Names) -> Filters {
    let level = v(&q.level);
    let kind = v(&q.kind);
    let channel = v(&q.channel);
    let department = v(&q.department).trim();
    let department = (!department.is_empty()).then(|| {
        let name = department
            .parse::<i64>()
            .ok()
            .and_then(|id| names.department(id))
            .map(|d| d.name.clone())
            .unwrap_or_else(|| format!("部门 {department}"));
        (department.to_string(), name)
    });
    let without_department: Vec<(&str, &str)> = params(q)
        .into_iter()
        .filter(|(k, _)| *k != "department")
        .collect();
    Filters {
        q: v(&q.q).to_string(),
        levels: Level::ALL
            .iter()
            .map(|l| Choice::new(l.as_str(), l.zh(), level))
            .collect(),
        kinds: ItemKind::ALL
            .iter()
            .map(|k| Choice::new(k.zh(), k.zh(), kind))
            .collect(),
        channels: Channel::ALL
            .iter()
            .map(|c| Choice::new(c.as_str(), c.zh(), channel))
            .collect(),
        divisions: division_groups(&names.divisions, v(&q.division)),
        department,
        zero_trip: matches!(v(&q.zero_trip).trim(), "on" | "true" | "1"),
        as_of: v(&q.as_of).to_string(),
        clear_department_href: format!("/items{}", query(&without_department)),
    }
}

pub async fn list(
    State(s): State<AppState>,
    viewer: Viewer,
    q: Result<Query<ItemQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let q = form::query(&viewer, q)?;
    let names = Names::load(&s.app).await.map_err(|e| viewer.fail(e))?;
    let mut page = ItemsPage {
        chrome: viewer.chrome(Section::Items),
        filters: filters(&q, &names),
        errors: Vec::new(),
        total: String::new(),
        cards: Vec::new(),
        next_href: None,
        first_href: None,
        ranked: false,
    };
    match s.app.search_items(&q).await {
        Ok(found) => {
            let base = params(&q);
            page.total = count(found.total);
            page.ranked = found.ranked;
            page.cards = found.items.iter().map(|v| card(v, &names)).collect();
            page.next_href = found.next_cursor.map(|c| {
                let mut p = base.clone();
                p.push(("cursor", c.as_str()));
                format!("/items{}", query(&p))
            });
            page.first_href =
                (!v(&q.cursor).trim().is_empty()).then(|| format!("/items{}", query(&base)));
            super::layout::ok(&page)
        }
        // Bad filters: the same form, with what to fix, as a 422.
        Err(e @ AppError::Invalid(_)) => {
            page.errors = field_views(&ApiError(e));
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(viewer.fail(e)),
    }
}
