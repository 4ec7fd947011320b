//! The two byte strings a leaf is made of, independent of what an event
//! looks like (the integrator decides the public event's shape).

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::canonical::canonicalize;
use crate::error::Result;
use crate::hash::{Hash, leaf_hash};

/// A leaf's entry bytes: the RFC 8785 canonical JSON of the public event.
pub fn leaf_bytes(event: &Value) -> Result<Vec<u8>> {
    canonicalize(event)
}

/// The leaf hash of a public event: `SHA-256(0x00 ‖ canonical JSON)`.
pub fn event_leaf_hash(event: &Value) -> Result<Hash> {
    Ok(leaf_hash(&leaf_bytes(event)?))
}

/// The commitment a public leaf carries instead of personal data:
/// `SHA-256(salt ‖ private payload's canonical bytes)`. The 16-byte salt
/// is random per record and given only to the applicant (on the receipt),
/// so nobody can confirm a guessed payload without it.
pub fn commitment(salt: &[u8; 16], private_payload: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(salt);
    hasher.update(private_payload);
    hasher.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn leaf_bytes_ignore_member_order_and_whitespace() {
        let a: Value = serde_json::from_str(
            r#"{ "kind": "cases.accepted", "seq": 7, "case": "430100-2026-000001" }"#,
        )
        .unwrap();
        let b = json!({"case": "430100-2026-000001", "seq": 7, "kind": "cases.accepted"});
        assert_eq!(leaf_bytes(&a).unwrap(), leaf_bytes(&b).unwrap());
        assert_eq!(
            String::from_utf8(leaf_bytes(&a).unwrap()).unwrap(),
            r#"{"case":"430100-2026-000001","kind":"cases.accepted","seq":7}"#
        );
        assert_eq!(
            event_leaf_hash(&a).unwrap(),
            leaf_hash(&leaf_bytes(&b).unwrap())
        );
    }

    #[test]
    fn commitment_is_salted_sha256() {
        let salt = [0u8; 16];
        let payload = r#"{"name":"张三"}"#.as_bytes();
        let mut concat = salt.to_vec();
        concat.extend_from_slice(payload);
        assert_eq!(
            commitment(&salt, payload),
            <[u8; 32]>::from(Sha256::digest(&concat))
        );
        assert_ne!(commitment(&[1; 16], payload), commitment(&salt, payload));
    }
}
