//! The OpenAPI 3.1 document of the API, served at `/api/v1/openapi.json`.
//!
//! Paths come from `api::routes`, which registers each route with its
//! operation; schemas are written per context against the types the handlers
//! serialize (see `schema` for what keeps them true).

pub mod appointment;
pub mod calendar;
pub mod cases;
pub mod catalog;
pub mod identity;
pub mod ledger;
mod operation;
pub mod oversight;
mod problem;
mod schema;

use std::sync::{Arc, OnceLock};

use axum::body::Bytes;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::tag::TagBuilder;
use utoipa::openapi::{
    ComponentsBuilder, InfoBuilder, OpenApi, OpenApiBuilder, Paths, ServerBuilder,
};

pub use operation::Op;

/// Filled once the router is built, since the document describes itself too.
pub type Document = Arc<OnceLock<Bytes>>;

pub fn operation() -> Op {
    Op::new("openapi", "openapi", "This document").ok(
        StatusCode::OK,
        "the OpenAPI 3.1 description of every route under /api/v1",
        schema::open(utoipa::openapi::ObjectBuilder::new()),
    )
}

pub async fn serve(document: Document) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        document.get().cloned().unwrap_or_default(),
    )
}

pub fn document(paths: Paths) -> OpenApi {
    let mut components = ComponentsBuilder::new().security_scheme(
        operation::BEARER,
        SecurityScheme::Http(
            Http::builder()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some(
                    "the `token` of POST /identity/login; a session lasts 12 hours",
                ))
                .build(),
        ),
    );
    let mut seen = std::collections::BTreeSet::new();
    for (name, schema) in problem::schemas()
        .into_iter()
        .chain(appointment::schemas())
        .chain(calendar::schemas())
        .chain(catalog::schemas())
        .chain(identity::schemas())
        .chain(cases::schemas())
        .chain(ledger::schemas())
        .chain(oversight::schemas())
    {
        assert!(seen.insert(name), "schema {name} defined twice");
        components = components.schema(name, schema);
    }
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("Bianli 便利")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(
                    "The power list (权力清单) of a province: service items with their standard \
                     elements and history, the decrees that change them, the working-day calendar, \
                     appointments at the service halls, cases from application to certificate, \
                     electronic supervision (figures, cards), \
                     and accounts. Errors \
                     are RFC 9457 application/problem+json. Every POST and PUT honours an \
                     Idempotency-Key header.",
                )),
        )
        .servers(Some([ServerBuilder::new().url("/api/v1").build()]))
        .tags(Some([
            TagBuilder::new()
                .name("catalog")
                .description(Some(
                    "the power list: items, decrees, divisions, departments",
                ))
                .build(),
            TagBuilder::new()
                .name("ledger")
                .description(Some(
                    "the transparency log (电子监察日志): RFC 9162 entries and proofs, signed checkpoints",
                ))
                .build(),
            TagBuilder::new()
                .name("calendar")
                .description(Some(
                    "working days: statutory holidays and adjusted workdays (调休)",
                ))
                .build(),
            TagBuilder::new()
                .name("cases")
                .description(Some(
                    "cases (办件): appointments at the service halls (预约)",
                ))
                .build(),
            TagBuilder::new()
                .name("identity")
                .description(Some("accounts and sessions"))
                .build(),
            TagBuilder::new()
                .name("oversight")
                .description(Some(
                    "electronic supervision (电子监察): performance figures, trends, the \
                     supervisor's workbench of deadline cards",
                ))
                .build(),
            TagBuilder::new()
                .name("openapi")
                .description(Some("this document"))
                .build(),
        ]))
        .paths(paths)
        .components(Some(components.build()))
        .build()
}
