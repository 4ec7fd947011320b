use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use bianli_app::catalog::{AdjustmentInput, ItemQuery};
use bianli_app::store::{Applied, DecreeDetail, DecreeSummary, Diff, ItemVersion};
use bianli_domain::catalog::{Decree, DecreeInput, Department, ItemInput};
use bianli_domain::division::Division;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::extract::{Authed, JsonBody, id};
use crate::{ApiError, AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/items", get(items))
        .route("/items/{code}", get(item).put(revise))
        .route("/stats", get(stats))
        .route("/diff", get(diff))
        .route("/departments", get(departments))
        .route("/divisions", get(divisions))
        .route("/decrees", get(decrees).post(draft))
        .route("/decrees/{id}", get(decree))
        .route("/decrees/{id}/adjustments", post(adjust))
        .route("/decrees/{id}/apply", post(apply))
}

/// An item as lists show it: the elements people compare at a glance.
#[derive(Serialize)]
struct ItemSummary {
    code: String,
    name: String,
    aliases: Vec<String>,
    kind: String,
    level: &'static str,
    division: String,
    department_id: i64,
    department: String,
    statutory_days: Option<u16>,
    statutory_unit: Option<&'static str>,
    promised_days: u16,
    visits: u8,
    channels: Vec<&'static str>,
    valid_from: chrono::NaiveDate,
    valid_to: Option<chrono::NaiveDate>,
}

fn summary(v: &ItemVersion, names: &HashMap<i64, String>) -> ItemSummary {
    let i = &v.item;
    ItemSummary {
        code: i.code.to_string(),
        name: i.name.clone(),
        aliases: i.aliases.clone(),
        kind: i.kind.zh().to_string(),
        level: i.level().as_str(),
        division: i.division.to_string(),
        department_id: i.department_id,
        department: names.get(&i.department_id).cloned().unwrap_or_default(),
        statutory_days: i.statutory_limit.map(|l| l.days),
        statutory_unit: i.statutory_limit.map(|l| match l.unit {
            bianli_domain::catalog::DayCount::Working => "working",
            bianli_domain::catalog::DayCount::Calendar => "calendar",
        }),
        promised_days: i.promised_days,
        visits: i.visits,
        channels: i.channels.iter().map(|c| c.as_str()).collect(),
        valid_from: v.valid_from,
        valid_to: v.valid_to,
    }
}

async fn names(s: &AppState) -> Arc<HashMap<i64, String>> {
    s.app.department_names().await
}

async fn items(
    State(s): State<AppState>,
    Query(q): Query<ItemQuery>,
) -> Result<Json<Value>, ApiError> {
    let page = s.app.search_items(&q).await?;
    let names = names(&s).await;
    let items: Vec<ItemSummary> = page.items.iter().map(|v| summary(v, &names)).collect();
    Ok(Json(json!({
        "items": items,
        "total": page.total,
        "ranked": page.ranked,
        "next_cursor": page.next_cursor,
    })))
}

async fn item(
    State(s): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let d = s.app.item(&code).await?;
    Ok(Json(json!({
        "code": d.current.item.code,
        "in_force": d.current.valid_to.is_none(),
        "item": d.current.item,
        "level": d.current.item.level(),
        "department": d.department,
        "valid_from": d.current.valid_from,
        "valid_to": d.current.valid_to,
        "versions": d.history,
    })))
}

#[derive(Deserialize)]
struct Revision {
    #[serde(flatten)]
    item: ItemInput,
    effective_on: Option<String>,
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
struct StatsQuery {
    as_of: Option<String>,
    baseline: Option<String>,
}

async fn stats(
    State(s): State<AppState>,
    Query(q): Query<StatsQuery>,
) -> Result<Json<Value>, ApiError> {
    let st = s
        .app
        .stats(q.as_of.as_deref(), q.baseline.as_deref())
        .await?;
    let names = names(&s).await;
    let by_level: serde_json::Map<String, Value> = st
        .levels
        .iter()
        .map(|l| (l.level.as_str().to_string(), json!(l.in_force)))
        .collect();
    let by_kind: serde_json::Map<String, Value> = st
        .by_kind
        .iter()
        .map(|(k, n)| (k.zh().to_string(), json!(n)))
        .collect();
    let by_department: Vec<Value> = st
        .by_department
        .iter()
        .map(|(id, n)| json!({"id": id, "name": names.get(id), "count": n}))
        .collect();
    let by_division: serde_json::Map<String, Value> = st
        .by_division
        .iter()
        .map(|(d, n)| (d.clone(), json!(n)))
        .collect();
    Ok(Json(json!({
        "as_of": st.as_of,
        "total": st.total,
        "by_level": by_level,
        "by_kind": by_kind,
        "by_department": by_department,
        "by_division": by_division,
        "baseline": st.baseline_date.map(|b| json!({
            "date": b,
            "total": st.baseline_total,
            "reduction_pct": st.reduction_pct,
            "by_level": st.levels.iter().map(|l| (l.level.as_str().to_string(), json!({
                "baseline": l.baseline, "in_force": l.in_force, "reduction_pct": l.reduction_pct,
            }))).collect::<serde_json::Map<String, Value>>(),
        })),
    })))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DiffParams {
    from: String,
    to: String,
    division: Option<String>,
    cursor: Option<String>,
    limit: Option<String>,
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
struct Adjustments {
    adjustments: Vec<AdjustmentInput>,
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
