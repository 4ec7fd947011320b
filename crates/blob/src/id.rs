use std::fmt;

use sha2::{Digest, Sha256};

use crate::BlobError;

/// A blob's name: the SHA-256 of its content. Two uploads of the same bytes
/// have the same id, so the store keeps them once, and anyone holding the id
/// can check that what the store returns is what was put.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BlobId([u8; 32]);

impl BlobId {
    /// The id of this content.
    pub fn of(content: &[u8]) -> Self {
        Self(Sha256::digest(content).into())
    }

    /// Reads the form `Display` writes: 64 lowercase hexadecimal digits.
    /// Uppercase is refused rather than folded so that one blob has exactly
    /// one spelling in URLs, database rows and object keys.
    pub fn parse(s: &str) -> Result<Self, BlobError> {
        let bad = |why: &str| BlobError::BadId(format!("{s:?}: {why}"));
        if s.len() != 64 {
            return Err(bad(&format!(
                "a blob id is 64 hexadecimal digits (a SHA-256), not {} characters",
                s.chars().count()
            )));
        }
        if !s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return Err(bad("a blob id has only the digits 0-9 and lowercase a-f"));
        }
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(s, &mut bytes).map_err(|e| bad(&format!("not hexadecimal: {e}")))?;
        Ok(Self(bytes))
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Where the blob lives in a store: `ab/cd/abcd…`. Two levels of 256
    /// folders keep any one directory (or S3 listing page) small even with
    /// millions of uploads.
    pub(crate) fn key(&self) -> String {
        let hex = self.to_string();
        format!("{}/{}/{hex}", &hex[0..2], &hex[2..4])
    }
}

impl fmt::Display for BlobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for BlobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BlobId({self})")
    }
}

impl std::str::FromStr for BlobId {
    type Err = BlobError;
    fn from_str(s: &str) -> Result<Self, BlobError> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_id_is_the_sha256_of_the_content() {
        // The SHA-256 of "abc" from FIPS 180-2, appendix B.1.
        let id = BlobId::of(b"abc");
        assert_eq!(
            id.to_string(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(BlobId::parse(&id.to_string()).ok(), Some(id));
    }

    #[test]
    fn keys_fan_out_on_the_first_two_bytes() {
        let id = BlobId::of(b"abc");
        assert_eq!(
            id.key(),
            "ba/78/ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn parse_refuses_anything_but_64_lowercase_hex_digits() {
        let good = BlobId::of(b"abc").to_string();
        for (bad, says) in [
            (String::new(), "64 hexadecimal digits"),
            (good[..63].to_string(), "not 63 characters"),
            (format!("{good}0"), "not 65 characters"),
            (good.to_uppercase(), "lowercase"),
            (format!("{}g", &good[..63]), "lowercase a-f"),
            (format!("{}é", &good[..62]), "0-9"),
            (format!("../{}", &good[..61]), "0-9"),
        ] {
            match BlobId::parse(&bad) {
                Err(BlobError::BadId(msg)) => assert!(msg.contains(says), "{bad:?}: {msg}"),
                other => panic!("{bad:?} parsed as {other:?}"),
            }
        }
    }
}
