use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

use crate::error::{LedgerError, Result};

/// A SHA-256 output: a leaf hash, an interior node hash or a tree root.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Hash(pub [u8; 32]);

impl Hash {
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Standard base64 with padding: what checkpoints and proof JSON carry.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0)
    }

    /// `what` names the field in the error ("root", "hashes[3]").
    pub fn from_base64(text: &str, what: &'static str) -> Result<Self> {
        let bytes = STANDARD.decode(text).map_err(|e| LedgerError::BadHash {
            what,
            reason: e.to_string(),
        })?;
        Self::from_slice(&bytes, what)
    }

    pub fn from_slice(bytes: &[u8], what: &'static str) -> Result<Self> {
        let array: [u8; 32] = bytes.try_into().map_err(|_| LedgerError::BadHash {
            what,
            reason: format!("{} bytes, not 32", bytes.len()),
        })?;
        Ok(Self(array))
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash({})", self.to_hex())
    }
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_base64())
    }
}

/// RFC 9162 §2.1.1: the root of the empty tree is the hash of nothing.
pub fn empty_root() -> Hash {
    Hash(Sha256::digest([]).into())
}

/// RFC 9162 §2.1.1: `SHA-256(0x00 ‖ entry)`. The prefix keeps a leaf from
/// ever being mistaken for an interior node (second-preimage resistance).
pub fn leaf_hash(entry: &[u8]) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([0x00]);
    hasher.update(entry);
    Hash(hasher.finalize().into())
}

/// RFC 9162 §2.1.1: `SHA-256(0x01 ‖ left ‖ right)`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut block = [0u8; 65];
    block[0] = 0x01;
    block[1..33].copy_from_slice(&left.0);
    block[33..].copy_from_slice(&right.0);
    Hash(Sha256::digest(block).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_root_is_sha256_of_nothing() {
        assert_eq!(
            empty_root().to_hex(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn leaf_and_node_prefixes() {
        // SHA-256 of the single byte 0x00: the leaf hash of an empty entry.
        assert_eq!(
            leaf_hash(b"").to_hex(),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
        );
        let (l, r) = (leaf_hash(b"a"), leaf_hash(b"b"));
        let mut concat = vec![0x01];
        concat.extend_from_slice(&l.0);
        concat.extend_from_slice(&r.0);
        assert_eq!(
            node_hash(&l, &r).0,
            <[u8; 32]>::from(Sha256::digest(&concat))
        );
        assert_ne!(node_hash(&l, &r), node_hash(&r, &l));
    }

    #[test]
    fn base64_round_trip_and_errors() {
        let h = leaf_hash(b"x");
        assert_eq!(Hash::from_base64(&h.to_base64(), "root"), Ok(h));
        let short = Hash::from_base64("AAAA", "root").unwrap_err();
        assert_eq!(
            short.to_string(),
            "root is not a base64 SHA-256 hash: 3 bytes, not 32"
        );
        assert!(Hash::from_base64("not base64!", "hashes[0]").is_err());
    }
}
