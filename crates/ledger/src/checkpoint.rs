//! C2SP tlog-checkpoint (<https://c2sp.org/tlog-checkpoint>): the signed
//! statement "the log `origin` has `size` entries with root `root`", as the
//! body of a signed note:
//!
//! ```text
//! <origin>
//! <size, decimal, no leading zeros>
//! <root, standard base64>
//! [extension lines]
//! ```

use crate::error::{LedgerError, Result};
use crate::hash::Hash;
use crate::keys::{SignerKey, VerifierKey};
use crate::note::{self, SignedNote};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    /// Names the log; by convention a schema-less URL, e.g. `gov.example/ledger`.
    pub origin: String,
    pub size: u64,
    pub root: Hash,
    /// Optional lines after the root, each non-empty.
    pub extensions: Vec<String>,
}

fn malformed(why: String) -> LedgerError {
    LedgerError::MalformedCheckpoint(why)
}

fn check_line(what: &str, line: &str) -> Result<()> {
    if line.is_empty() {
        return Err(malformed(format!("{what} is empty")));
    }
    if line.chars().any(|c| c.is_control()) {
        return Err(malformed(format!("{what} contains a control character")));
    }
    Ok(())
}

impl Checkpoint {
    pub fn new(origin: &str, size: u64, root: Hash) -> Result<Self> {
        check_line("origin", origin)?;
        Ok(Self {
            origin: origin.to_owned(),
            size,
            root,
            extensions: Vec::new(),
        })
    }

    /// The note body: what gets signed.
    pub fn to_body(&self) -> Result<String> {
        check_line("origin", &self.origin)?;
        let mut body = format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            self.root.to_base64()
        );
        for (i, line) in self.extensions.iter().enumerate() {
            check_line(&format!("extension line {}", i + 1), line)?;
            body.push_str(line);
            body.push('\n');
        }
        Ok(body)
    }

    pub fn parse_body(body: &str) -> Result<Self> {
        let lines = body
            .strip_suffix('\n')
            .ok_or_else(|| malformed("the body must end in a newline".to_owned()))?;
        let mut lines = lines.split('\n');
        let mut next = |what: &str| {
            lines
                .next()
                .ok_or_else(|| malformed(format!("missing {what} line")))
        };
        let origin = next("origin")?;
        let size_text = next("size")?;
        let root_text = next("root hash")?;
        check_line("origin", origin)?;
        let canonical_decimal = !size_text.is_empty()
            && size_text.bytes().all(|b| b.is_ascii_digit())
            && (size_text == "0" || !size_text.starts_with('0'));
        let size = size_text
            .parse::<u64>()
            .ok()
            .filter(|_| canonical_decimal)
            .ok_or_else(|| {
                malformed(format!(
                    "size {size_text:?} is not a decimal number without leading zeros"
                ))
            })?;
        let root = Hash::from_base64(root_text, "checkpoint root hash")
            .map_err(|e| malformed(e.to_string()))?;
        let extensions = lines
            .enumerate()
            .map(|(i, line)| {
                check_line(&format!("extension line {}", i + 1), line).map(|()| line.to_owned())
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            origin: origin.to_owned(),
            size,
            root,
            extensions,
        })
    }

    /// The signed note carrying this checkpoint.
    pub fn sign(&self, key: &SignerKey) -> Result<String> {
        note::sign(&self.to_body()?, key)
    }

    /// Parses a signed checkpoint, checks `key` signed it and that it is
    /// for the log `origin` (a signature from the right key over another
    /// log's checkpoint proves nothing about this one).
    pub fn open(message: &[u8], key: &VerifierKey, origin: &str) -> Result<Self> {
        let note = SignedNote::parse(message)?;
        note.verify(key)?;
        let checkpoint = Self::parse_body(&note.text)?;
        if checkpoint.origin != origin {
            return Err(LedgerError::OriginMismatch {
                expected: origin.to_owned(),
                got: checkpoint.origin,
            });
        }
        Ok(checkpoint)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::{empty_root, leaf_hash};

    fn key() -> SignerKey {
        SignerKey::from_seed("gov.example/ledger", [7; 32]).unwrap()
    }

    #[test]
    fn body_layout() {
        let c = Checkpoint::new("gov.example/ledger", 0, empty_root()).unwrap();
        assert_eq!(
            c.to_body().unwrap(),
            "gov.example/ledger\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n"
        );
        assert_eq!(Checkpoint::parse_body(&c.to_body().unwrap()).unwrap(), c);
    }

    #[test]
    fn sign_and_open_round_trip_with_extensions() {
        let mut c = Checkpoint::new("gov.example/ledger", 1234, leaf_hash(b"x")).unwrap();
        c.extensions.push("— extension data".to_owned());
        let note = c.sign(&key()).unwrap();
        assert!(note.starts_with("gov.example/ledger\n1234\n"));
        assert!(note.contains("\n\n\u{2014} gov.example/ledger "));
        let opened =
            Checkpoint::open(note.as_bytes(), &key().verifier(), "gov.example/ledger").unwrap();
        assert_eq!(opened, c);
    }

    #[test]
    fn refuses_other_origin_key_and_tampering() {
        let c = Checkpoint::new("gov.example/ledger", 10, leaf_hash(b"x")).unwrap();
        let note = c.sign(&key()).unwrap();
        assert!(matches!(
            Checkpoint::open(note.as_bytes(), &key().verifier(), "other.example/log"),
            Err(LedgerError::OriginMismatch { .. })
        ));
        let stranger = SignerKey::from_seed("gov.example/ledger", [8; 32]).unwrap();
        assert!(matches!(
            Checkpoint::open(note.as_bytes(), &stranger.verifier(), "gov.example/ledger"),
            Err(LedgerError::UnknownKey(..))
        ));
        let grown = note.replacen("\n10\n", "\n11\n", 1);
        assert!(matches!(
            Checkpoint::open(grown.as_bytes(), &key().verifier(), "gov.example/ledger"),
            Err(LedgerError::BadSignature(_))
        ));
    }

    #[test]
    fn malformed_bodies() {
        let root = empty_root().to_base64();
        for body in [
            String::new(),
            format!("o\n1\n{root}"),
            format!("\n1\n{root}\n"),
            format!("o\n01\n{root}\n"),
            format!("o\n+1\n{root}\n"),
            format!("o\n-1\n{root}\n"),
            format!("o\n18446744073709551616\n{root}\n"),
            "o\n1\nAAAA\n".to_owned(),
            "o\n1\n".to_owned(),
            format!("o\n1\n{root}\n\n"),
        ] {
            let err = Checkpoint::parse_body(&body).unwrap_err();
            assert!(
                matches!(err, LedgerError::MalformedCheckpoint(_)),
                "{body:?}: {err}"
            );
        }
        assert!(Checkpoint::new("", 1, empty_root()).is_err());
        assert!(Checkpoint::new("a\nb", 1, empty_root()).is_err());
    }
}
