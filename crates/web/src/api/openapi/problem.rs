//! The RFC 9457 problem every failure answers with, described from
//! [`ApiError`] itself: its `type`s, and which titles share a status.

use axum::http::StatusCode;
use bianli_app::AppError;
use bianli_domain::{FieldError, Invalid};
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::schema::Schema;
use utoipa::openapi::{ContentBuilder, RefOr};

use super::schema::{array, closed, mirror, natural, r, string, strings};
use crate::ApiError;

pub const MEDIA_TYPE: &str = "application/problem+json";

/// One error of each kind; the match makes a new kind a compile error here.
fn every_error() -> [ApiError; 8] {
    let _ = |e: &AppError| match e {
        AppError::Invalid(_)
        | AppError::NotFound(_)
        | AppError::Conflict { .. }
        | AppError::Unauthenticated
        | AppError::BadCredentials
        | AppError::Forbidden(_)
        | AppError::RateLimited
        | AppError::Internal(_) => (),
    };
    [
        AppError::Invalid(Invalid::default()),
        AppError::NotFound(String::new()),
        AppError::Conflict {
            field: String::new(),
            message: String::new(),
        },
        AppError::Unauthenticated,
        AppError::BadCredentials,
        AppError::Forbidden(String::new()),
        AppError::RateLimited,
        AppError::Internal(String::new()),
    ]
    .map(ApiError)
}

pub fn schemas() -> Vec<(&'static str, RefOr<Schema>)> {
    let types = every_error().map(|e| format!("/problems/{}", e.slug()));
    vec![
        (
            "Problem",
            closed(
                utoipa::openapi::schema::ObjectBuilder::new()
                    .description(Some(
                        "RFC 9457 problem details. `type` is stable: branch on it, not on `title`.",
                    ))
                    .property("type", strings(types))
                    .required("type")
                    .property("title", string())
                    .required("title")
                    .property("status", natural(599))
                    .required("status")
                    .property("detail", string())
                    .required("detail")
                    .property("errors", array(r("FieldError"))),
            ),
        ),
        (
            "FieldError",
            closed(
                mirror!(FieldError {
                    field: string(),
                    reason: string(),
                })
                .description(Some(
                    "The field at fault, as a path into the request (`adjustments[3].code`), or a parameter or header name.",
                )),
            ),
        ),
    ]
}

/// The problem response for `status`, described by the titles of the errors
/// that answer with it.
pub fn response(status: StatusCode) -> Response {
    let titles: Vec<&str> = every_error()
        .iter()
        .filter(|e| e.status() == status)
        .map(ApiError::title)
        .collect();
    assert!(!titles.is_empty(), "no error answers with {status}");
    let mut b = ResponseBuilder::new()
        .description(titles.join("; "))
        .content(
            MEDIA_TYPE,
            ContentBuilder::new().schema(Some(r("Problem"))).build(),
        );
    if status == StatusCode::UNAUTHORIZED {
        b = b.header(
            "WWW-Authenticate",
            HeaderBuilder::new()
                .schema(strings(["Bearer"]))
                .description(Some("the scheme to sign in with"))
                .build(),
        );
    }
    b.build()
}
