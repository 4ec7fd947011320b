//! Ed25519 keys in the text forms of Go's `golang.org/x/mod/sumdb/note`
//! (which C2SP signed-note adopted), so keys interoperate with its tools:
//!
//! - verifier key: `<name>+<key id, 8 hex>+<base64(0x01 ‖ public key)>`
//! - signer key: `PRIVATE+KEY+<name>+<key id>+<base64(0x01 ‖ seed)>`
//!
//! The key ID is the first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public
//! key): it binds the name to the key, so a note signed under one name
//! cannot be passed off under another.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::error::{LedgerError, Result};

/// The signature type byte C2SP signed-note assigns to Ed25519.
const ALG_ED25519: u8 = 0x01;

/// A key name: non-empty, no Unicode white space, no `+` (the separator of
/// the key strings, and the signature line splits at the first space).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct KeyName(String);

impl KeyName {
    pub fn parse(name: &str) -> Result<Self> {
        if name.is_empty() || name.contains('+') || name.chars().any(char::is_whitespace) {
            return Err(LedgerError::BadKeyName(name.to_owned()));
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for KeyName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The 4-byte key ID (big-endian, as Go's `uint32` key hash).
pub type KeyId = [u8; 4];

fn key_id(name: &KeyName, public: &VerifyingKey) -> KeyId {
    let mut hasher = Sha256::new();
    hasher.update(name.as_str().as_bytes());
    hasher.update([0x0A, ALG_ED25519]);
    hasher.update(public.as_bytes());
    let digest = hasher.finalize();
    [digest[0], digest[1], digest[2], digest[3]]
}

/// `<hex key id>+<base64(0x01 ‖ 32 bytes)>` → (key id, 32 bytes).
fn parse_id_and_key(rest: &str) -> Result<(KeyId, [u8; 32])> {
    let malformed = |why: &str| LedgerError::MalformedKey(why.to_owned());
    let (id_hex, key_b64) = rest
        .split_once('+')
        .ok_or_else(|| malformed("missing '+' before the key"))?;
    if id_hex.len() != 8 || !id_hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(malformed("key id must be 8 hex digits"));
    }
    let mut id = [0u8; 4];
    hex::decode_to_slice(id_hex, &mut id).map_err(|_| malformed("key id must be 8 hex digits"))?;
    let bytes = STANDARD
        .decode(key_b64)
        .map_err(|e| malformed(&format!("key is not base64: {e}")))?;
    match bytes.split_first() {
        Some((&ALG_ED25519, key)) => {
            let key: [u8; 32] = key
                .try_into()
                .map_err(|_| malformed(&format!("Ed25519 key has {} bytes, not 32", key.len())))?;
            Ok((id, key))
        }
        Some((alg, _)) => Err(malformed(&format!("unknown signature type {alg:#04x}"))),
        None => Err(malformed("empty key")),
    }
}

fn check_id(name: &KeyName, public: &VerifyingKey, claimed: KeyId) -> Result<KeyId> {
    let actual = key_id(name, public);
    if actual != claimed {
        return Err(LedgerError::KeyIdMismatch {
            name: name.to_string(),
            key_id: hex::encode(claimed),
            expected: hex::encode(actual),
        });
    }
    Ok(actual)
}

/// The public half: checks signatures. Its text form is what a log
/// publishes and what verifiers pin.
#[derive(Clone, PartialEq, Eq)]
pub struct VerifierKey {
    name: KeyName,
    id: KeyId,
    key: VerifyingKey,
}

impl VerifierKey {
    /// Parses `name+keyid+base64(0x01 ‖ public key)`.
    pub fn parse(text: &str) -> Result<Self> {
        let (name, rest) = text
            .split_once('+')
            .ok_or_else(|| LedgerError::MalformedKey("expected name+keyid+key".to_owned()))?;
        let name = KeyName::parse(name)?;
        let (claimed, bytes) = parse_id_and_key(rest)?;
        let key = VerifyingKey::from_bytes(&bytes)
            .map_err(|_| LedgerError::MalformedKey("not an Ed25519 public key".to_owned()))?;
        let id = check_id(&name, &key, claimed)?;
        Ok(Self { name, id, key })
    }

    pub fn name(&self) -> &KeyName {
        &self.name
    }

    pub fn id(&self) -> KeyId {
        self.id
    }

    /// Whether `signature` (64 bytes) is this key's over `message`.
    pub(crate) fn verifies(&self, message: &[u8], signature: &[u8]) -> bool {
        Signature::from_slice(signature)
            .map(|sig| self.key.verify(message, &sig).is_ok())
            .unwrap_or(false)
    }
}

impl fmt::Display for VerifierKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut bytes = Vec::with_capacity(33);
        bytes.push(ALG_ED25519);
        bytes.extend_from_slice(self.key.as_bytes());
        write!(
            f,
            "{}+{}+{}",
            self.name,
            hex::encode(self.id),
            STANDARD.encode(bytes)
        )
    }
}

impl fmt::Debug for VerifierKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VerifierKey({self})")
    }
}

/// The private half: signs notes. Kept in a file as [`Self::to_key_string`]
/// and reloaded with [`Self::parse`]; never printed by `Debug`.
#[derive(Clone)]
pub struct SignerKey {
    name: KeyName,
    id: KeyId,
    key: SigningKey,
}

impl SignerKey {
    /// A fresh key from the operating system's randomness. `getrandom`
    /// rather than `rand`: 32 bytes from the OS are all a seed needs, and
    /// the rest of the workspace draws its secrets the same way.
    pub fn generate(name: &str) -> Result<Self> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| LedgerError::Randomness(e.to_string()))?;
        Self::from_seed(name, seed)
    }

    /// The key whose Ed25519 seed (RFC 8032 private key) is `seed`.
    pub fn from_seed(name: &str, seed: [u8; 32]) -> Result<Self> {
        let name = KeyName::parse(name)?;
        let key = SigningKey::from_bytes(&seed);
        let id = key_id(&name, &key.verifying_key());
        Ok(Self { name, id, key })
    }

    /// Parses `PRIVATE+KEY+name+keyid+base64(0x01 ‖ seed)`.
    pub fn parse(text: &str) -> Result<Self> {
        let rest = text.strip_prefix("PRIVATE+KEY+").ok_or_else(|| {
            LedgerError::MalformedKey("expected PRIVATE+KEY+name+keyid+key".to_owned())
        })?;
        let (name, rest) = rest.split_once('+').ok_or_else(|| {
            LedgerError::MalformedKey("expected PRIVATE+KEY+name+keyid+key".to_owned())
        })?;
        let name = KeyName::parse(name)?;
        let (claimed, seed) = parse_id_and_key(rest)?;
        let key = SigningKey::from_bytes(&seed);
        let id = check_id(&name, &key.verifying_key(), claimed)?;
        Ok(Self { name, id, key })
    }

    pub fn to_key_string(&self) -> String {
        let mut bytes = Vec::with_capacity(33);
        bytes.push(ALG_ED25519);
        bytes.extend_from_slice(self.key.as_bytes());
        format!(
            "PRIVATE+KEY+{}+{}+{}",
            self.name,
            hex::encode(self.id),
            STANDARD.encode(bytes)
        )
    }

    pub fn name(&self) -> &KeyName {
        &self.name
    }

    pub fn id(&self) -> KeyId {
        self.id
    }

    pub fn verifier(&self) -> VerifierKey {
        VerifierKey {
            name: self.name.clone(),
            id: self.id,
            key: self.key.verifying_key(),
        }
    }

    pub(crate) fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.key.sign(message).to_bytes()
    }
}

impl fmt::Debug for SignerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SignerKey({}+{}, secret elided)",
            self.name,
            hex::encode(self.id)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // From golang.org/x/mod/sumdb/note's tests: a key pair made by Go.
    const PETER_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    const PETER_SKEY: &str =
        "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";

    #[test]
    fn go_keys_parse_and_match() {
        let v = VerifierKey::parse(PETER_VKEY).unwrap();
        let s = SignerKey::parse(PETER_SKEY).unwrap();
        assert_eq!(v.name().as_str(), "PeterNeumann");
        assert_eq!(hex::encode(v.id()), "c74f20a3");
        assert_eq!(s.verifier(), v);
        assert_eq!(v.to_string(), PETER_VKEY);
        assert_eq!(s.to_key_string(), PETER_SKEY);
    }

    #[test]
    fn every_mangled_key_is_refused() {
        // As Go's tests do: every proper substring and every one-byte change fails.
        for (text, parse) in [
            (
                PETER_VKEY,
                (|t: &str| VerifierKey::parse(t).is_ok()) as fn(&str) -> bool,
            ),
            (PETER_SKEY, |t: &str| SignerKey::parse(t).is_ok()),
        ] {
            let b = text.as_bytes();
            for i in 0..=b.len() {
                for j in i + 1..=b.len() {
                    if i != 0 || j != b.len() {
                        assert!(!parse(&text[i..j]), "accepted {:?}", &text[i..j]);
                    }
                }
            }
            for i in 0..b.len() {
                let mut m = b.to_vec();
                m[i] += 1;
                if let Ok(s) = std::str::from_utf8(&m) {
                    assert!(!parse(s), "accepted {s:?}");
                }
            }
        }
        // Wrong key length and unknown algorithm, each with a matching key id.
        let long = "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==";
        let alg = "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
        assert!(VerifierKey::parse(long).is_err());
        assert!(
            VerifierKey::parse(alg)
                .unwrap_err()
                .to_string()
                .contains("unknown signature type")
        );
    }

    #[test]
    fn a_renamed_key_is_refused() {
        let renamed = PETER_VKEY.replace("PeterNeumann", "CarmenSandiego");
        let err = VerifierKey::parse(&renamed).unwrap_err();
        assert!(matches!(err, LedgerError::KeyIdMismatch { .. }), "{err}");
    }

    #[test]
    fn generated_keys_round_trip_through_text() {
        let s = SignerKey::generate("bianli.example/ledger").unwrap();
        let again = SignerKey::parse(&s.to_key_string()).unwrap();
        assert_eq!(again.verifier(), s.verifier());
        assert_eq!(
            VerifierKey::parse(&s.verifier().to_string()).unwrap(),
            s.verifier()
        );
        assert!(!format!("{s:?}").contains(&s.to_key_string()[30..]));
        assert_ne!(
            SignerKey::generate("x").unwrap().verifier().to_string(),
            s.verifier().to_string()
        );
        assert!(matches!(
            SignerKey::generate("a b"),
            Err(LedgerError::BadKeyName(_))
        ));
        assert!(matches!(
            SignerKey::from_seed("", [0; 32]),
            Err(LedgerError::BadKeyName(_))
        ));
    }
}
