//! Identity's operations (`/identity/...`) and the schemas of its bodies.

use axum::http::StatusCode;
use bianli_app::identity::{Me, Registration, Session};
use bianli_domain::identity::{AccountKind, Role};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::Schema;

use super::operation::Op;
use super::schema::{
    closed, date_time, described, every, integer, mirror, nullable, open, r, serialized, string,
    strings,
};
use crate::api::identity::Login;

const TAG: &str = "identity";

pub fn schemas() -> Vec<(&'static str, RefOr<Schema>)> {
    let kinds = every!(AccountKind {
        Citizen,
        Enterprise,
        Staff
    });
    vec![
        ("AccountKind", serialized(kinds)),
        ("Role", serialized(Role::ALL)),
        (
            "Me",
            closed(
                mirror!(Me {
                    id: integer(),
                    username: string(),
                    name: string(),
                    kind: r("AccountKind"),
                    role: r("Role"),
                    role_zh: strings(Role::ALL.map(Role::zh)),
                    id_number: nullable(string()),
                    uscc: nullable(string()),
                    employee_no: nullable(string()),
                    department_id: nullable(integer()),
                    division: nullable(r("DivisionCode")),
                })
                .description(Some(
                    "The signed-in account. Its owner sees the ID number in full.",
                )),
            ),
        ),
        (
            "Session",
            closed(mirror!(Session {
                token: described("send as `Authorization: Bearer TOKEN`"),
                expires_at: date_time(),
            })),
        ),
        (
            "Registration",
            open(
                mirror!(Registration {
                    kind: serialized(
                        kinds
                            .into_iter()
                            .filter(|k| *k != AccountKind::Staff)
                    ),
                    name: string(),
                    password: described("8 to 128 characters"),
                } optional {
                    id_number: nullable(described("a citizen's resident ID number (GB 11643)")),
                    uscc: nullable(described(
                        "an enterprise's unified social credit code (GB 32100)"
                    )),
                })
                .description(Some(
                    "A citizen signs up with `id_number`, an enterprise with `uscc`; either is \
                     then the username. Staff accounts are made by an administrator.",
                )),
            ),
        ),
        (
            "Login",
            open(mirror!(Login {
                username: string(),
                password: string(),
            })),
        ),
    ]
}

pub fn register() -> Op {
    Op::new(TAG, "register", "Sign up as a citizen or an enterprise")
        .body(r("Registration"))
        .ok(StatusCode::CREATED, "the new account", r("Me"))
        .fails(&[StatusCode::CONFLICT])
}

pub fn login() -> Op {
    Op::new(TAG, "login", "Sign in")
        .body(r("Login"))
        .ok(StatusCode::OK, "a session", r("Session"))
        .fails(&[StatusCode::UNAUTHORIZED])
}

pub fn logout() -> Op {
    Op::new(TAG, "logout", "Sign out")
        .describe("Ends the session of the bearer token, if one is sent.")
        .bearer_optional()
        .empty(StatusCode::NO_CONTENT, "signed out")
}

pub fn me() -> Op {
    Op::new(TAG, "me", "The signed-in account")
        .bearer()
        .ok(StatusCode::OK, "the account", r("Me"))
}
