//! `/cases/{number}/receipt`: what the apply wizard and the hotline form end
//! on — the case number, the verification code, the QR code of the public
//! status page, and links to the receipt as PDF and to the status.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use bianli_app::cases::Receipt;
use bianli_domain::catalog::Channel;

use super::appointment::signed_in;
use super::appointment_qr::qr_svg;
use super::auth::Viewer;
use super::error_page::PageError;
use super::layout::{Chrome, Section, date, encode, ok};
use crate::AppState;

#[derive(Template)]
#[template(path = "receipt.html")]
pub struct ReceiptPage {
    pub chrome: Chrome,
    pub r: Receipt,
    pub channel: &'static str,
    pub received_on: String,
    pub acceptance_due: String,
    pub status_url: String,
    pub paper_href: String,
    pub qr: String,
    /// Filed for a caller: the page is read out to them.
    pub for_caller: bool,
}

pub async fn show(
    State(s): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(number): Path<String>,
) -> Result<Response, PageError> {
    let actor = match signed_in(&viewer, &format!("/cases/{}/receipt", encode(&number))) {
        Ok(a) => a,
        Err(r) => return Ok(r.into_response()),
    };
    let r = s
        .app
        .receipt(&actor, &number)
        .await
        .map_err(|e| viewer.fail(e))?;
    let status_url = format!("{}{}", crate::site::base(&headers), r.status_path);
    ok(&ReceiptPage {
        chrome: viewer.chrome(Section::Cases),
        channel: r.channel.zh(),
        received_on: date(r.received_on),
        acceptance_due: date(r.acceptance_due),
        paper_href: format!(
            "/cases/{}/papers/receipt?code={}",
            r.number, r.verification_code
        ),
        qr: qr_svg(&status_url),
        status_url,
        for_caller: matches!(r.channel, Channel::Hotline | Channel::Hall),
        r,
    })
}
