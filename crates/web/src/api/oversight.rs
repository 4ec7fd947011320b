//! `/api/v1/oversight/...`: the public figures (province, divisions,
//! departments, trends) and, signed in, per-person figures and the
//! supervisor's workbench of cards.

use axum::Json;
use axum::extract::{Path, Query, State};
use bianli_app::oversight::{CardActionInput, CardQuery, PersonFigures, Report, Trend, TrendQuery};
use bianli_app::store::oversight::SupervisedCard;
use serde::{Deserialize, Serialize};

use super::extract::{Authed, JsonBody};
use super::openapi::oversight as doc;
use super::routes::Routes;
use crate::{ApiError, AppState};

pub fn routes() -> Routes {
    Routes::new()
        .get("/province", province, doc::province())
        .get("/divisions/{code}", division, doc::division())
        .get("/departments/{id}", department, doc::department())
        .get("/trends", trends, doc::trends())
        .get("/people", people, doc::people())
        .get("/cards", cards, doc::cards())
        .get("/cards/{number}/{step}/{kind}", card, doc::card())
        .post("/cards/{number}/{step}/{kind}", act, doc::act())
}

async fn province(State(s): State<AppState>) -> Result<Json<Report>, ApiError> {
    Ok(Json(s.app.oversight_province().await?))
}

async fn division(
    State(s): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<Report>, ApiError> {
    Ok(Json(s.app.oversight_division(&code).await?))
}

async fn department(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Report>, ApiError> {
    Ok(Json(s.app.oversight_department(&id).await?))
}

async fn trends(
    State(s): State<AppState>,
    Query(q): Query<TrendQuery>,
) -> Result<Json<Trend>, ApiError> {
    Ok(Json(s.app.oversight_trend(&q).await?))
}

#[derive(Deserialize)]
pub(super) struct PeopleQuery {
    pub(super) department: Option<String>,
}

#[derive(Serialize)]
pub(super) struct People {
    pub(super) people: Vec<PersonFigures>,
}

async fn people(
    State(s): State<AppState>,
    Authed(actor): Authed,
    Query(q): Query<PeopleQuery>,
) -> Result<Json<People>, ApiError> {
    Ok(Json(People {
        people: s
            .app
            .oversight_people(&actor, q.department.as_deref().filter(|d| !d.is_empty()))
            .await?,
    }))
}

#[derive(Serialize)]
pub(super) struct Cards {
    pub(super) cards: Vec<SupervisedCard>,
}

async fn cards(
    State(s): State<AppState>,
    Authed(actor): Authed,
    Query(q): Query<CardQuery>,
) -> Result<Json<Cards>, ApiError> {
    Ok(Json(Cards {
        cards: s.app.supervised_cards(&actor, &q).await?,
    }))
}

async fn card(
    State(s): State<AppState>,
    Authed(actor): Authed,
    Path((number, step, kind)): Path<(String, String, String)>,
) -> Result<Json<SupervisedCard>, ApiError> {
    Ok(Json(
        s.app.supervised_card(&actor, &number, &step, &kind).await?,
    ))
}

async fn act(
    State(s): State<AppState>,
    Authed(actor): Authed,
    Path((number, step, kind)): Path<(String, String, String)>,
    JsonBody(input): JsonBody<CardActionInput>,
) -> Result<Json<SupervisedCard>, ApiError> {
    Ok(Json(
        s.app
            .handle_card(&actor, &number, &step, &kind, input)
            .await?,
    ))
}
