//! The public pages of the `cases` context: a case's status behind its
//! number and verification code (what the receipt's QR code opens), and an
//! e-certificate's verification (what the licence's QR code opens).

use std::net::SocketAddr;

use askama::Template;
use axum::Extension;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::response::Response;
use bianli_app::AppError;
use bianli_app::cases::{CertificateView, PublicStatus};
#[allow(unused_imports)] // named by the templates' `leaf` macro
use bianli_app::ledger::LeafLink;
use serde::Deserialize;

use super::auth::Viewer;
use super::error_page::PageError;
use super::layout::{Chrome, Section, ok};
use crate::AppState;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CodeQuery {
    code: Option<String>,
}

/// The client's address for the per-client budget; a request that came
/// without a socket (the router driven in tests) counts as loopback.
fn client(peer: Option<Extension<ConnectInfo<SocketAddr>>>) -> std::net::IpAddr {
    peer.map_or(
        std::net::IpAddr::from([127, 0, 0, 1]),
        |Extension(ConnectInfo(a))| a.ip(),
    )
}

#[derive(Template)]
#[template(path = "case_status.html")]
pub struct StatusPage {
    pub chrome: Chrome,
    pub s: PublicStatus,
    pub outcome_zh: Option<&'static str>,
    pub due: Option<String>,
    pub countdown: Option<String>,
    pub papers: Vec<(String, &'static str)>,
    pub rating: super::rating::RatingBlock,
}

/// With `?code=`: the public status. Without: the whole case, to its
/// applicant and staff, signed in.
pub async fn status(
    State(s): State<AppState>,
    viewer: Viewer,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    Path(number): Path<String>,
    Query(q): Query<CodeQuery>,
) -> Result<Response, PageError> {
    let Some(code) = q.code else {
        return super::case_desk::show(&s, &viewer, &number).await;
    };
    if !s
        .status_limit
        .allow(client(peer), std::time::Instant::now())
    {
        return Err(viewer.fail(AppError::RateLimited));
    }
    let status = s
        .app
        .status(&number, &code)
        .await
        .map_err(|e| viewer.fail(e))?;
    let rating = s
        .app
        .case_rating_by_code(&number, &code)
        .await
        .map_err(|e| viewer.fail(e))?;
    let rating = super::rating::block(&rating, &viewer, &number, Some(code.as_str()), &viewer.here);
    let paper = |p: &str| format!("/cases/{}/papers/{p}?code={code}", status.number);
    let mut papers = vec![(paper("receipt"), "申请材料接收回执")];
    let whats: Vec<&str> = status.timeline.iter().map(|e| e.what.as_str()).collect();
    if whats.contains(&"correction_requested") {
        papers.push((paper("correction"), "补正材料通知书"));
    }
    if status.accepted_on.is_some() {
        papers.push((paper("acceptance"), "受理通知书"));
    }
    if whats.contains(&"refused") {
        papers.push((paper("refusal"), "不予受理决定书"));
    }
    if whats.contains(&"approved") || whats.contains(&"denied") {
        papers.push((paper("decision"), "行政许可决定书"));
    }
    let countdown = status.days_left.map(|d| {
        if d >= 0 {
            format!("还有 {d} 个工作日")
        } else {
            format!("已超期 {} 个工作日", -d)
        }
    });
    let page = StatusPage {
        chrome: viewer.chrome(Section::None),
        outcome_zh: status.outcome.map(|o| o.zh()),
        due: status.dues.map(|d| {
            let provisional = if d.provisional {
                "（暂估，待下一年节假日公布后核定）"
            } else {
                ""
            };
            format!("{}{provisional}", d.promised)
        }),
        countdown,
        papers,
        rating,
        s: status,
    };
    ok(&page)
}

#[derive(Template)]
#[template(path = "certificate.html")]
pub struct CertificatePage {
    pub chrome: Chrome,
    pub c: CertificateView,
    pub validity: String,
}

pub async fn certificate(
    State(s): State<AppState>,
    viewer: Viewer,
    Path(number): Path<String>,
) -> Result<Response, PageError> {
    let c = s
        .app
        .certificate(&number)
        .await
        .map_err(|e| viewer.fail(e))?;
    let page = CertificatePage {
        chrome: viewer.chrome(Section::None),
        validity: serde_json::to_value(c.validity)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
        c,
    };
    ok(&page)
}

fn pdf(bytes: Vec<u8>, name: &str) -> Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{name}.pdf\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// A case's paper (receipt, notices, decision) as PDF, behind the same
/// number + code (and budget) as the status page.
pub async fn paper(
    State(s): State<AppState>,
    viewer: Viewer,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: axum::http::HeaderMap,
    Path((number, paper)): Path<(String, String)>,
    Query(q): Query<CodeQuery>,
) -> Result<Response, PageError> {
    if !s
        .status_limit
        .allow(client(peer), std::time::Instant::now())
    {
        return Err(viewer.fail(AppError::RateLimited));
    }
    let which = bianli_app::cases::Paper::parse(&paper).map_err(|e| viewer.fail(e))?;
    let bytes = s
        .app
        .case_paper(
            &number,
            &q.code.unwrap_or_default(),
            which,
            &crate::site::base(&headers),
        )
        .await
        .map_err(|e| viewer.fail(e))?;
    Ok(pdf(bytes, &format!("{number}-{paper}")))
}

/// The licence as PDF; certificates are public.
pub async fn certificate_pdf(
    State(s): State<AppState>,
    viewer: Viewer,
    headers: axum::http::HeaderMap,
    Path(number): Path<String>,
) -> Result<Response, PageError> {
    let bytes = s
        .app
        .certificate_paper(&number, &crate::site::base(&headers))
        .await
        .map_err(|e| viewer.fail(e))?;
    Ok(pdf(bytes, &number))
}
