//! What an event looks like in the public log: metadata, public
//! identifiers and a salted commitment to the rest, never personal data.

use bianli_ledger::canonical::canonicalize;
use bianli_store::EventRow;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::{AppError, Result};

/// The commitment's salt: the first 16 bytes of
/// `SHA-256("bianli-ledger-salt" ‖ secret ‖ seq in decimal)`, the secret
/// being the hex text of the case's or the server's secret. One per event,
/// so equal payloads never show equal commitments.
pub fn salt(secret: &str, seq: i64) -> [u8; 16] {
    let mut h = Sha256::new();
    h.update(b"bianli-ledger-salt");
    h.update(secret.as_bytes());
    h.update(seq.to_string().as_bytes());
    let digest: [u8; 32] = h.finalize().into();
    let mut salt = [0u8; 16];
    salt.copy_from_slice(&digest[..16]);
    salt
}

/// Hex `SHA-256(salt ‖ canonical({"actor": actor, "payload": payload}))`:
/// what the applicant recomputes from their receipt and the case's API.
pub fn commitment_hex(secret: &str, seq: i64, actor: &str, payload: &Value) -> Result<String> {
    let private = canonicalize(&json!({ "actor": actor, "payload": payload }))
        .map_err(|e| AppError::Internal(format!("event {seq}'s payload: {e}")))?;
    Ok(hex::encode(bianli_ledger::commitment(
        &salt(secret, seq),
        &private,
    )))
}

/// The case number of an event about a case, whose own secret salts it.
pub(crate) fn case_number(e: &EventRow) -> Option<&str> {
    (e.context == "cases")
        .then(|| e.subject.strip_prefix("case:"))
        .flatten()
}

/// The public leaf of an event (RFC 8785 canonical JSON) and its JSON.
pub fn public_leaf(e: &EventRow, secret: &str) -> Result<(Value, Vec<u8>)> {
    // Fixed when the event was written: never read from the accounts now.
    let actor = e.public_actor.as_deref().ok_or_else(|| {
        AppError::Internal(format!(
            "event {} has no public actor (written past the store?)",
            e.seq
        ))
    })?;
    let mut leaf = json!({
        "seq": e.seq,
        "at": e.at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
        "context": e.context,
        "kind": e.kind,
        "subject": e.subject,
        "actor": actor,
        "commitment": commitment_hex(secret, e.seq, &e.actor, &e.payload)?,
    });
    if let (Some(role), Some(map)) = (&e.public_role, leaf.as_object_mut()) {
        map.insert("role".into(), Value::String(role.clone()));
    }
    let bytes = canonicalize(&leaf).map_err(|e| AppError::Internal(format!("public leaf: {e}")))?;
    Ok((leaf, bytes))
}
