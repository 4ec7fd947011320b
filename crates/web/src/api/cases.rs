use std::net::SocketAddr;

use axum::Json;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use bianli_app::AppError;
use bianli_app::cases::{
    ActionInput, Application, CaseView, CertificateView, ListedRating, ListedVerification,
    PublicStatus, QueueEntry, RatingInput, RatingQuery, Receipt, Swept,
};
use bianli_app::store::cases::{CardRow, RatingStats};
use bianli_domain::Invalid;
use bianli_domain::cases::upload::MAX_FILE_BYTES;
use bianli_domain::cases::{FileRef, Rating, StepTemplate};
use serde::{Deserialize, Serialize};

use super::extract::{Authed, JsonBody, bearer};
use super::openapi::cases as doc;
use super::routes::Routes;
use crate::{ApiError, AppState};

pub fn routes() -> Routes {
    Routes::new()
        .post("", submit, doc::submit())
        .post("/uploads", upload, doc::upload())
        .get("", mine, doc::mine())
        .get("/queue", queue, doc::queue())
        .get("/cards", cards, doc::cards())
        .post("/deadlines/scan", scan, doc::scan())
        .get("/ratings", ratings, doc::ratings())
        .get("/ratings/stats", rating_stats, doc::rating_stats())
        .get("/verifications", verifications, doc::verifications())
        .get("/certificates/{number}", certificate, doc::certificate_op())
        .get("/workflows/{code}", workflow, doc::workflow())
        .put("/workflows/{code}", set_workflow, doc::set_workflow())
        .get("/{number}", case, doc::case_op())
        .post("/{number}/actions", act, doc::act())
        .post("/{number}/rating", rate, doc::rate())
        .post("/{number}/rating/answer", answer, doc::answer_follow_up())
}

#[derive(Deserialize)]
pub(super) struct UploadQuery {
    pub(super) name: Option<String>,
}

/// One file as the raw body. Read here rather than through `Bytes`, whose
/// 2 MB default is far below a scanned licence.
async fn upload(
    State(s): State<AppState>,
    Authed(actor): Authed,
    Query(q): Query<UploadQuery>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Result<(StatusCode, Json<FileRef>), ApiError> {
    let limit = usize::try_from(MAX_FILE_BYTES).unwrap_or(usize::MAX);
    let content = axum::body::to_bytes(body, limit).await.map_err(|_| {
        Invalid::one(
            "body",
            format!("单个文件不能超过{} MiB", MAX_FILE_BYTES >> 20),
        )
    })?;
    let declared = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let name = q.name.unwrap_or_default();
    let file = s.app.upload(&actor, &name, declared, content).await?;
    Ok((StatusCode::CREATED, Json(file)))
}

async fn submit(
    State(s): State<AppState>,
    Authed(actor): Authed,
    JsonBody(a): JsonBody<Application>,
) -> Result<(StatusCode, Json<Receipt>), ApiError> {
    Ok((StatusCode::CREATED, Json(s.app.submit(&actor, a).await?)))
}

#[derive(Serialize)]
pub(super) struct CaseList {
    pub(super) cases: Vec<QueueEntry>,
}

async fn mine(
    State(s): State<AppState>,
    Authed(actor): Authed,
) -> Result<Json<CaseList>, ApiError> {
    Ok(Json(CaseList {
        cases: s.app.my_cases(&actor).await?,
    }))
}

async fn queue(
    State(s): State<AppState>,
    Authed(actor): Authed,
) -> Result<Json<CaseList>, ApiError> {
    Ok(Json(CaseList {
        cases: s.app.queue(&actor).await?,
    }))
}

#[derive(Serialize)]
pub(super) struct Cards {
    pub(super) cards: Vec<CardRow>,
}

async fn cards(State(s): State<AppState>, Authed(actor): Authed) -> Result<Json<Cards>, ApiError> {
    Ok(Json(Cards {
        cards: s.app.cards(&actor).await?,
    }))
}

async fn scan(State(s): State<AppState>, Authed(actor): Authed) -> Result<Json<Swept>, ApiError> {
    if !matches!(
        actor.role,
        bianli_domain::identity::Role::Admin | bianli_domain::identity::Role::Supervisor
    ) {
        return Err(AppError::Forbidden("时限扫描只能由电子监察人员发起".into()).into());
    }
    Ok(Json(s.app.sweep_deadlines().await?))
}

async fn certificate(
    State(s): State<AppState>,
    Path(number): Path<String>,
) -> Result<Json<CertificateView>, ApiError> {
    Ok(Json(s.app.certificate(&number).await?))
}

#[derive(Serialize, Deserialize)]
pub(super) struct Steps {
    pub(super) steps: Vec<StepTemplate>,
}

async fn workflow(
    State(s): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<Steps>, ApiError> {
    Ok(Json(Steps {
        steps: s.app.workflow(&code).await?.steps,
    }))
}

async fn set_workflow(
    State(s): State<AppState>,
    Authed(actor): Authed,
    Path(code): Path<String>,
    JsonBody(body): JsonBody<Steps>,
) -> Result<Json<Steps>, ApiError> {
    Ok(Json(Steps {
        steps: s.app.set_workflow(&actor, &code, body.steps).await?.steps,
    }))
}

#[derive(Deserialize)]
pub(super) struct CodeQuery {
    pub(super) code: Option<String>,
}

/// With `?code=`: the public status, to anyone holding the receipt (rate
/// limited per client). Without: the whole case, to its applicant and staff.
async fn case(
    State(s): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(number): Path<String>,
    Query(q): Query<CodeQuery>,
) -> Result<Response, ApiError> {
    if let Some(code) = q.code {
        if !s.status_limit.allow(peer.ip(), std::time::Instant::now()) {
            return Err(AppError::RateLimited.into());
        }
        let status: PublicStatus = s.app.status(&number, &code).await?;
        return Ok(Json(status).into_response());
    }
    // Anonymous callers come with the receipt's code; the case itself is
    // for the signed-in applicant and staff.
    let token = bearer(&headers)
        .ok_or_else(|| Invalid::one("code", "请填写回执上的查询码，或登录后查看完整办件"))?;
    let actor = s.app.authenticate(token).await?;
    let view: CaseView = s.app.case_detail(&actor, &number).await?;
    Ok(Json(view).into_response())
}

async fn act(
    State(s): State<AppState>,
    Authed(actor): Authed,
    Path(number): Path<String>,
    JsonBody(action): JsonBody<ActionInput>,
) -> Result<Json<CaseView>, ApiError> {
    Ok(Json(s.app.act(&actor, &number, action).await?))
}

async fn rate(
    State(s): State<AppState>,
    Authed(actor): Authed,
    Path(number): Path<String>,
    JsonBody(input): JsonBody<RatingInput>,
) -> Result<(StatusCode, Json<Rating>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(s.app.rate(&actor, &number, input).await?),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AnswerBody {
    pub(super) answer: String,
}

async fn answer(
    State(s): State<AppState>,
    Authed(actor): Authed,
    Path(number): Path<String>,
    JsonBody(body): JsonBody<AnswerBody>,
) -> Result<Json<Rating>, ApiError> {
    Ok(Json(
        s.app
            .answer_follow_up(&actor, &number, &body.answer)
            .await?,
    ))
}

#[derive(Serialize)]
pub(super) struct Ratings {
    pub(super) ratings: Vec<ListedRating>,
}

async fn ratings(
    State(s): State<AppState>,
    Authed(actor): Authed,
    Query(q): Query<RatingQuery>,
) -> Result<Json<Ratings>, ApiError> {
    Ok(Json(Ratings {
        ratings: s.app.ratings(&actor, &q).await?,
    }))
}

#[derive(Serialize)]
pub(super) struct Verifications {
    pub(super) verifications: Vec<ListedVerification>,
}

async fn verifications(
    State(s): State<AppState>,
    Authed(actor): Authed,
) -> Result<Json<Verifications>, ApiError> {
    Ok(Json(Verifications {
        verifications: s.app.open_verifications(&actor).await?,
    }))
}

async fn rating_stats(
    State(s): State<AppState>,
    Authed(actor): Authed,
) -> Result<Json<RatingStats>, ApiError> {
    Ok(Json(s.app.rating_stats(&actor).await?))
}
