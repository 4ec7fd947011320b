//! C2SP signed notes (<https://c2sp.org/signed-note>): a text ending in a
//! newline, a blank line, then one line per signature,
//! `— <key name> <base64(key id ‖ signature)>`, with the em dash U+2014.
//! Parsing follows Go's `note.Open`: unknown keys are kept but not trusted,
//! a repeated signature is dropped, more than 100 signatures is malformed.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::error::{LedgerError, Result};
use crate::keys::{KeyId, KeyName, SignerKey, VerifierKey};

const SIGNATURE_PREFIX: &str = "\u{2014} ";
const MAX_SIGNATURES: usize = 100;

/// One signature line of a note, not yet checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteSignature {
    pub name: KeyName,
    pub key_id: KeyId,
    /// The signature proper, without the key ID.
    pub signature: Vec<u8>,
}

/// A parsed, unverified signed note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedNote {
    /// The signed text, ending in a newline.
    pub text: String,
    pub signatures: Vec<NoteSignature>,
}

fn malformed(why: &str) -> LedgerError {
    LedgerError::MalformedNote(why.to_owned())
}

/// C2SP: the text is UTF-8 without control characters other than newline.
fn check_text(text: &str) -> Result<()> {
    if let Some(c) = text.chars().find(|c| *c < '\u{20}' && *c != '\n') {
        return Err(malformed(&format!(
            "control character {:#04x} in the note",
            c as u32
        )));
    }
    Ok(())
}

impl SignedNote {
    pub fn parse(message: &[u8]) -> Result<Self> {
        let message = std::str::from_utf8(message).map_err(|_| malformed("not UTF-8"))?;
        check_text(message)?;
        let split = message
            .rfind("\n\n")
            .ok_or_else(|| malformed("no blank line before the signatures"))?;
        let (text, lines) = (&message[..=split], &message[split + 2..]);
        if lines.is_empty() || !lines.ends_with('\n') {
            return Err(malformed("signature lines must each end in a newline"));
        }
        let mut signatures: Vec<NoteSignature> = Vec::new();
        for (n, line) in lines[..lines.len() - 1].split('\n').enumerate() {
            if n >= MAX_SIGNATURES {
                return Err(malformed("more than 100 signatures"));
            }
            let line = line.strip_prefix(SIGNATURE_PREFIX).ok_or_else(|| {
                malformed(&format!(
                    "signature line {} does not start with \"— \"",
                    n + 1
                ))
            })?;
            let (name, b64) = line.split_once(' ').unwrap_or((line, ""));
            let name = KeyName::parse(name)
                .map_err(|_| malformed(&format!("bad key name in signature line {}", n + 1)))?;
            let bytes = STANDARD
                .decode(b64)
                .map_err(|_| malformed(&format!("signature line {} is not base64", n + 1)))?;
            if bytes.len() < 5 {
                return Err(malformed(&format!("signature line {} is too short", n + 1)));
            }
            let signature = NoteSignature {
                name,
                key_id: [bytes[0], bytes[1], bytes[2], bytes[3]],
                signature: bytes[4..].to_vec(),
            };
            if !signatures.contains(&signature) {
                signatures.push(signature);
            }
        }
        Ok(Self {
            text: text.to_owned(),
            signatures,
        })
    }

    /// Checks that `key` signed this note. Signatures by other keys are
    /// ignored (a note may carry witnesses' cosignatures); a bad signature
    /// under `key`'s name and ID is an error, never skipped.
    pub fn verify(&self, key: &VerifierKey) -> Result<()> {
        let mut found = false;
        for sig in &self.signatures {
            if sig.name == *key.name() && sig.key_id == key.id() {
                if !key.verifies(self.text.as_bytes(), &sig.signature) {
                    return Err(LedgerError::BadSignature(format!(
                        "{}+{}",
                        key.name(),
                        hex::encode(key.id())
                    )));
                }
                found = true;
            }
        }
        if found {
            Ok(())
        } else {
            let signers: Vec<String> = self
                .signatures
                .iter()
                .map(|s| format!("{}+{}", s.name, hex::encode(s.key_id)))
                .collect();
            Err(LedgerError::UnknownKey(
                format!("{}+{}", key.name(), hex::encode(key.id())),
                if signers.is_empty() {
                    "nobody".to_owned()
                } else {
                    signers.join(", ")
                },
            ))
        }
    }
}

/// Parses `message` and checks `key` signed it; returns the signed text.
pub fn open(message: &[u8], key: &VerifierKey) -> Result<String> {
    let note = SignedNote::parse(message)?;
    note.verify(key)?;
    Ok(note.text)
}

/// Signs `text` (which must end in a newline) and returns the whole note.
pub fn sign(text: &str, key: &SignerKey) -> Result<String> {
    if !text.ends_with('\n') {
        return Err(malformed("the text must end in a newline"));
    }
    check_text(text)?;
    let mut payload = Vec::with_capacity(68);
    payload.extend_from_slice(&key.id());
    payload.extend_from_slice(&key.sign(text.as_bytes()));
    Ok(format!(
        "{text}\n{SIGNATURE_PREFIX}{} {}\n",
        key.name(),
        STANDARD.encode(payload)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Vectors from golang.org/x/mod/sumdb/note's tests.
    const PETER_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    const PETER_SKEY: &str =
        "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    const ENOCH_VKEY: &str = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
    const TEXT: &str = "If you think cryptography is the answer to your problem,\n\
                        then you don't know what your problem is.\n";
    const PETER_SIG: &str = "\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
    const ENOCH_SIG: &str = "\u{2014} EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

    fn peter() -> VerifierKey {
        VerifierKey::parse(PETER_VKEY).unwrap()
    }

    #[test]
    fn signs_exactly_as_go() {
        let signer = SignerKey::parse(PETER_SKEY).unwrap();
        assert_eq!(sign(TEXT, &signer).unwrap(), format!("{TEXT}\n{PETER_SIG}"));
    }

    #[test]
    fn opens_go_notes() {
        let enoch = VerifierKey::parse(ENOCH_VKEY).unwrap();
        let both = format!("{TEXT}\n{PETER_SIG}{ENOCH_SIG}");
        assert_eq!(open(both.as_bytes(), &peter()).unwrap(), TEXT);
        assert_eq!(open(both.as_bytes(), &enoch).unwrap(), TEXT);
        // Repeated signatures collapse; the note still verifies.
        let repeated = format!("{TEXT}\n{PETER_SIG}{PETER_SIG}{ENOCH_SIG}");
        assert_eq!(
            SignedNote::parse(repeated.as_bytes())
                .unwrap()
                .signatures
                .len(),
            2
        );
        assert_eq!(open(repeated.as_bytes(), &peter()).unwrap(), TEXT);
    }

    #[test]
    fn unknown_key_is_refused() {
        let only_enoch = format!("{TEXT}\n{ENOCH_SIG}");
        let err = open(only_enoch.as_bytes(), &peter()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "note is not signed by PeterNeumann+c74f20a3 (signed by: EnochRoot+af0cfe78)"
        );
        // The same signature under another name is not Peter's.
        let renamed = format!(
            "{TEXT}\n{}",
            PETER_SIG.replace("PeterNeumann", "CarmenSandiego")
        );
        assert!(matches!(
            open(renamed.as_bytes(), &peter()),
            Err(LedgerError::UnknownKey(..))
        ));
    }

    #[test]
    fn bad_signature_is_refused() {
        let bent = format!("{TEXT}\n{}ABCD{}", &PETER_SIG[..60], &PETER_SIG[60..]);
        assert_eq!(
            open(bent.as_bytes(), &peter()),
            Err(LedgerError::BadSignature(
                "PeterNeumann+c74f20a3".to_owned()
            ))
        );
        // A changed text under the right signature.
        let changed = format!("{}\n{PETER_SIG}", TEXT.replace("problem", "answer"));
        assert!(matches!(
            open(changed.as_bytes(), &peter()),
            Err(LedgerError::BadSignature(_))
        ));
    }

    #[test]
    fn malformed_notes_are_refused() {
        let without_newline = &PETER_SIG[..PETER_SIG.len() - 1];
        let bad: Vec<Vec<u8>> = vec![
            TEXT.into(),
            format!("{TEXT}\n").into(),
            format!("{TEXT}\n{without_newline}").into(),
            format!("\x01{TEXT}\n{PETER_SIG}").into(),
            [b"\xff".as_slice(), format!("{TEXT}\n{PETER_SIG}").as_bytes()].concat(),
            format!("{TEXT}\n\u{2014} Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=").into(),
            format!("{TEXT}\n{PETER_SIG}Unexpected line.\n").into(),
            format!("{TEXT}\n{}", PETER_SIG.repeat(101)).into(),
        ];
        for msg in bad {
            let err = open(&msg, &peter()).unwrap_err();
            assert!(
                matches!(err, LedgerError::MalformedNote(_)),
                "{err} for {:?}",
                String::from_utf8_lossy(&msg)
            );
        }
        let signer = SignerKey::parse(PETER_SKEY).unwrap();
        assert!(sign("no newline", &signer).is_err());
        assert!(sign("tab\there\n", &signer).is_err());
    }
}
