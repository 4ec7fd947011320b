//! The ledger's operations (`/ledger/...`) and the schemas of its answers.

use axum::http::StatusCode;
use bianli_app::ledger::{Entry, Proof};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

use super::operation::{Op, queries};
use super::schema::{array, closed, mirror, open, r, string};
use crate::api::ledger::{ConsistencyQuery, Entries, EntriesQuery, InclusionQuery};

const TAG: &str = "ledger";

fn natural() -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(0))
        .into()
}

pub fn schemas() -> Vec<(&'static str, RefOr<Schema>)> {
    vec![
        (
            "LedgerEntry",
            closed(mirror!(Entry {
                index: natural(),
                leaf: string(),
                json: open(ObjectBuilder::new().description(Some(
                    "the leaf as JSON: seq, at, context, kind, subject, actor, [role], commitment"
                ))),
            })),
        ),
        (
            "LedgerEntries",
            closed(mirror!(Entries {
                entries: array(r("LedgerEntry")),
            })),
        ),
        (
            "LedgerProof",
            closed(mirror!(Proof {
                hashes: array(string()),
            })),
        ),
    ]
}

pub fn checkpoint() -> Op {
    Op::new(TAG, "ledgerCheckpoint", "The latest signed checkpoint")
        .describe(
            "A C2SP signed note whose body is a C2SP tlog-checkpoint (origin, size, base64 \
             RFC 9162 root), signed with Ed25519. 404 while the log is empty.",
        )
        .text(StatusCode::OK, "the signed note")
        .fails(&[StatusCode::NOT_FOUND])
}

pub fn key() -> Op {
    Op::new(TAG, "ledgerKey", "The checkpoint verifier key").text(
        StatusCode::OK,
        "`name+keyid+base64(0x01 ‖ Ed25519 public key)`",
    )
}

pub fn entries() -> Op {
    let op = Op::new(TAG, "ledgerEntries", "Entries [start, end)").describe(
        "At most 1,000 a request; `end` at most the log's size. Each leaf's bytes are the RFC \
         8785 canonical JSON of the public event; its hash is SHA-256(0x00 ‖ bytes).",
    );
    queries!(
        op,
        EntriesQuery {
            start: required_query(natural(), "the first entry"),
            end: required_query(natural(), "one past the last entry"),
        }
    )
    .ok(StatusCode::OK, "the entries", r("LedgerEntries"))
    .fails(&[StatusCode::UNPROCESSABLE_ENTITY])
}

pub fn inclusion() -> Op {
    let op = Op::new(
        TAG,
        "ledgerInclusion",
        "An inclusion proof (RFC 9162 §2.1.3)",
    );
    queries!(
        op,
        InclusionQuery {
            index: required_query(natural(), "the entry, below size"),
            size: required_query(natural(), "the tree size, at most the log's"),
        }
    )
    .ok(StatusCode::OK, "the audit path", r("LedgerProof"))
    .fails(&[StatusCode::UNPROCESSABLE_ENTITY])
}

pub fn consistency() -> Op {
    let op = Op::new(
        TAG,
        "ledgerConsistency",
        "A consistency proof (RFC 9162 §2.1.4)",
    );
    queries!(
        op,
        ConsistencyQuery {
            from: required_query(natural(), "the older tree size, at most to"),
            to: required_query(natural(), "the newer tree size, at most the log's"),
        }
    )
    .ok(StatusCode::OK, "the proof", r("LedgerProof"))
    .fails(&[StatusCode::UNPROCESSABLE_ENTITY])
}
