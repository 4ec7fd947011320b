use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use bianli_app::catalog::{AdjustmentInput, ItemQuery};
use bianli_app::store::{Applied, DecreeDetail, DecreeSummary, Diff, ItemVersion};
use bianli_domain::catalog::{
    Channel, DayCount, Decree, DecreeInput, Department, Item, ItemCode, ItemInput, ItemKind,
};
use bianli_domain::division::{Division, DivisionCode, Level};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::extract::{Authed, JsonBody, id};
use super::openapi::catalog as doc;
use super::routes::Routes;
use crate::{ApiError, AppState};

pub fn routes() -> Routes {
    Routes::new()
        .get("/items", items, doc::items())
        .get("/items/{code}", item, doc::item())
        .put("/items/{code}", revise, doc::revise())
        .get("/stats", stats, doc::stats())
        .get("/diff", diff, doc::diff())
        .get("/departments", departments, doc::departments())
        .get("/divisions", divisions, doc::divisions())
        .get("/decrees", decrees, doc::decrees())
        .post("/decrees", draft, doc::draft())
        .get("/decrees/{id}", decree, doc::decree())
        .post("/decrees/{id}/adjustments", adjust, doc::adjust())
        .post("/decrees/{id}/apply", apply, doc::apply())
}

// The bodies below are structs rather than `json!` so that the OpenAPI
// schemas in `openapi::catalog` can name their fields (see `mirror!`).

/// An item as lists show it: the elements people compare at a glance.
#[derive(Serialize)]
pub(super) struct ItemSummary {
    pub(super) code: ItemCode,
    pub(super) name: String,
    pub(super) aliases: Vec<String>,
    pub(super) kind: ItemKind,
    pub(super) level: Level,
    pub(super) division: DivisionCode,
    pub(super) department_id: i64,
    pub(super) department: String,
    pub(super) statutory_days: Option<u16>,
    pub(super) statutory_unit: Option<DayCount>,
    pub(super) promised_days: u16,
    pub(super) visits: u8,
    pub(super) channels: Vec<Channel>,
    pub(super) valid_from: NaiveDate,
    pub(super) valid_to: Option<NaiveDate>,
}

fn summary(v: &ItemVersion, names: &HashMap<i64, String>) -> ItemSummary {
    let i = &v.item;
    ItemSummary {
        code: i.code.clone(),
        name: i.name.clone(),
        aliases: i.aliases.clone(),
        kind: i.kind,
        level: i.level(),
        division: i.division.clone(),
        department_id: i.department_id,
        department: names.get(&i.department_id).cloned().unwrap_or_default(),
        statutory_days: i.statutory_limit.map(|l| l.days),
        statutory_unit: i.statutory_limit.map(|l| l.unit),
        promised_days: i.promised_days,
        visits: i.visits,
        channels: i.channels.iter().copied().collect(),
        valid_from: v.valid_from,
        valid_to: v.valid_to,
    }
}

fn names(s: &AppState) -> Arc<HashMap<i64, String>> {
    s.app.department_names()
}

#[derive(Serialize)]
pub(super) struct ItemPage {
    pub(super) items: Vec<ItemSummary>,
    pub(super) total: i64,
    pub(super) ranked: bool,
    pub(super) next_cursor: Option<String>,
}

async fn items(
    State(s): State<AppState>,
    Query(q): Query<ItemQuery>,
) -> Result<Json<ItemPage>, ApiError> {
    let page = s.app.search_items(&q).await?;
    let names = names(&s);
    Ok(Json(ItemPage {
        items: page.items.iter().map(|v| summary(v, &names)).collect(),
        total: page.total,
        ranked: page.ranked,
        next_cursor: page.next_cursor,
    }))
}

/// An item's current (or last) version with its whole history.
#[derive(Serialize)]
pub(super) struct ItemDetail {
    pub(super) code: ItemCode,
    pub(super) in_force: bool,
    pub(super) item: Item,
    pub(super) level: Level,
    pub(super) department: Option<Department>,
    pub(super) valid_from: NaiveDate,
    pub(super) valid_to: Option<NaiveDate>,
    pub(super) versions: Vec<ItemVersion>,
}

async fn item(
    State(s): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<ItemDetail>, ApiError> {
    let d = s.app.item(&code).await?;
    let current = d.current;
    Ok(Json(ItemDetail {
        code: current.item.code.clone(),
        in_force: current.valid_to.is_none(),
        level: current.item.level(),
        item: current.item,
        department: d.department,
        valid_from: current.valid_from,
        valid_to: current.valid_to,
        versions: d.history,
    }))
}

#[derive(Deserialize)]
pub(super) struct Revision {
    #[serde(flatten)]
    pub(super) item: ItemInput,
    pub(super) effective_on: Option<String>,
}

async fn revise(
    State(s): State<AppState>,
    Authed(actor): Authed,
    Path(code): Path<String>,
    JsonBody(r): JsonBody<Revision>,
) -> Result<Json<ItemVersion>, ApiError> {
    Ok(Json(
        s.app
            .revise_item(&actor, &code, r.item, r.effective_on.as_deref())
            .await?,
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct StatsQuery {
    pub(super) as_of: Option<String>,
    pub(super) baseline: Option<String>,
}

/// Counts on `as_of`. Maps are keyed by what serde writes for the key: a
/// level (`province`), a kind (`行政许可`), a division code.
#[derive(Serialize)]
pub(super) struct StatsReport {
    pub(super) as_of: NaiveDate,
    pub(super) total: i64,
    pub(super) by_level: BTreeMap<Level, i64>,
    pub(super) by_kind: BTreeMap<ItemKind, i64>,
    pub(super) by_department: Vec<DepartmentCount>,
    pub(super) by_division: BTreeMap<String, i64>,
    pub(super) baseline: Option<BaselineReport>,
}

#[derive(Serialize)]
pub(super) struct DepartmentCount {
    pub(super) id: i64,
    pub(super) name: Option<String>,
    pub(super) count: i64,
}

/// The same list on the baseline date, and how much smaller it is now.
#[derive(Serialize)]
pub(super) struct BaselineReport {
    pub(super) date: NaiveDate,
    pub(super) total: Option<i64>,
    pub(super) reduction_pct: Option<f64>,
    pub(super) by_level: BTreeMap<Level, LevelChange>,
}

#[derive(Serialize)]
pub(super) struct LevelChange {
    pub(super) baseline: Option<i64>,
    pub(super) in_force: i64,
    pub(super) reduction_pct: Option<f64>,
}

async fn stats(
    State(s): State<AppState>,
    Query(q): Query<StatsQuery>,
) -> Result<Json<StatsReport>, ApiError> {
    let st = s
        .app
        .stats(q.as_of.as_deref(), q.baseline.as_deref())
        .await?;
    let names = names(&s);
    Ok(Json(StatsReport {
        as_of: st.as_of,
        total: st.total,
        by_level: st.levels.iter().map(|l| (l.level, l.in_force)).collect(),
        by_kind: st.by_kind.iter().copied().collect(),
        by_department: st
            .by_department
            .iter()
            .map(|&(id, count)| DepartmentCount {
                id,
                name: names.get(&id).cloned(),
                count,
            })
            .collect(),
        by_division: st.by_division.iter().cloned().collect(),
        baseline: st.baseline_date.map(|date| BaselineReport {
            date,
            total: st.baseline_total,
            reduction_pct: st.reduction_pct,
            by_level: st
                .levels
                .iter()
                .map(|l| {
                    let change = LevelChange {
                        baseline: l.baseline,
                        in_force: l.in_force,
                        reduction_pct: l.reduction_pct,
                    };
                    (l.level, change)
                })
                .collect(),
        }),
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct DiffParams {
    pub(super) from: String,
    pub(super) to: String,
    pub(super) division: Option<String>,
    pub(super) cursor: Option<String>,
    pub(super) limit: Option<String>,
}

async fn diff(
    State(s): State<AppState>,
    Query(q): Query<DiffParams>,
) -> Result<Json<Diff>, ApiError> {
    Ok(Json(
        s.app
            .diff(
                &q.from,
                &q.to,
                q.division.as_deref(),
                q.cursor.as_deref(),
                q.limit.as_deref(),
            )
            .await?,
    ))
}

async fn departments(State(s): State<AppState>) -> Result<Json<Vec<Department>>, ApiError> {
    Ok(Json(s.app.departments().await?))
}

async fn divisions(State(s): State<AppState>) -> Result<Json<Vec<Division>>, ApiError> {
    Ok(Json(s.app.divisions().await?))
}

async fn decrees(State(s): State<AppState>) -> Result<Json<Vec<DecreeSummary>>, ApiError> {
    Ok(Json(s.app.decrees().await?))
}

async fn decree(
    State(s): State<AppState>,
    Path(did): Path<String>,
) -> Result<Json<DecreeDetail>, ApiError> {
    Ok(Json(s.app.decree(id("id", &did)?).await?))
}

async fn draft(
    State(s): State<AppState>,
    Authed(actor): Authed,
    JsonBody(d): JsonBody<DecreeInput>,
) -> Result<(StatusCode, Json<Decree>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(s.app.draft_decree(&actor, d).await?),
    ))
}

#[derive(Deserialize)]
pub(super) struct Adjustments {
    pub(super) adjustments: Vec<AdjustmentInput>,
}

async fn adjust(
    State(s): State<AppState>,
    Authed(actor): Authed,
    Path(did): Path<String>,
    JsonBody(a): JsonBody<Adjustments>,
) -> Result<Json<DecreeDetail>, ApiError> {
    let did = id("id", &did)?;
    s.app.add_adjustments(&actor, did, a.adjustments).await?;
    Ok(Json(s.app.decree(did).await?))
}

async fn apply(
    State(s): State<AppState>,
    Authed(actor): Authed,
    Path(did): Path<String>,
) -> Result<Json<Applied>, ApiError> {
    Ok(Json(s.app.apply_decree(&actor, id("id", &did)?).await?))
}
