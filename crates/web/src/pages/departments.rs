//! `/departments/{id}`: a department and the items it implements today.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use bianli_app::AppError;
use bianli_app::catalog::ItemQuery;
use bianli_domain::Invalid;
use serde::Deserialize;

use super::auth::Viewer;
use super::error_page::PageError;
use super::form;
use super::items::{ItemCard, card};
use super::layout::{Chrome, Section, count, ok, query};
use super::lookup::Names;
use crate::AppState;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PageQuery {
    cursor: Option<String>,
}

#[derive(Template)]
#[template(path = "department.html")]
pub struct DepartmentPage {
    pub chrome: Chrome,
    pub name: String,
    pub division: String,
    pub division_href: String,
    pub total: String,
    pub cards: Vec<ItemCard>,
    pub next_href: Option<String>,
    pub first_href: Option<String>,
    pub search_href: String,
}

pub async fn show(
    State(s): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    q: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let q = form::query(&viewer, q)?;
    let id: i64 = id
        .trim()
        .parse()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| viewer.fail(Invalid::one("id", format!("“{id}”不是有效的部门编号"))))?;
    let names = Names::load(&s.app).await.map_err(|e| viewer.fail(e))?;
    let dep = names
        .department(id)
        .cloned()
        .ok_or_else(|| viewer.fail(AppError::NotFound(format!("部门{id}"))))?;
    let found = s
        .app
        .search_items(&ItemQuery {
            department: Some(id.to_string()),
            cursor: q.cursor.clone(),
            ..ItemQuery::default()
        })
        .await
        .map_err(|e| viewer.fail(e))?;
    let here = format!("/departments/{id}");
    let page = DepartmentPage {
        chrome: viewer.chrome(Section::Items),
        name: dep.name.clone(),
        division: names.division(dep.division.as_str()),
        division_href: format!("/items{}", query(&[("division", dep.division.as_str())])),
        total: count(found.total),
        cards: found.items.iter().map(|v| card(v, &names)).collect(),
        next_href: found
            .next_cursor
            .map(|c| format!("{here}{}", query(&[("cursor", &c)]))),
        first_href: q
            .cursor
            .filter(|c| !c.trim().is_empty())
            .map(|_| here.clone()),
        search_href: format!("/items{}", query(&[("department", &id.to_string())])),
    };
    ok(&page)
}
