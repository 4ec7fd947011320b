//! The `ledger` context's use cases: keeping the transparency log in step
//! with the `events` table, signing checkpoints, serving entries and
//! proofs, and verifying a database or a remote server from outside.
//!
//! Leaves are appended by a follower ([`App::ledger_catch_up`]), not inside
//! each write's transaction: every event enters in strict `seq` order, and
//! the store's `ledger_safe_seq` makes sure no event below the point read to
//! is still committing (see `bianli_store::ledger`).

mod follow;
mod leaf;
mod link;
mod read;
mod runs;
pub mod verify;
mod view;

use bianli_ledger::{SignerKey, VerifierKey};
use bianli_store::Store;

pub use leaf::{commitment_hex, public_leaf, salt};
pub use link::LeafLink;
pub use read::{Entry, Proof};
pub use view::DEFAULT_WINDOW;
pub(crate) use view::LedgerView;

use crate::{AppError, Result};

/// The origin line of checkpoints and the signer key's name, unless
/// `BIANLI_LEDGER_ORIGIN` names another.
pub const DEFAULT_ORIGIN: &str = "bianli.hunan.gov.cn/ledger";

/// The log's keys as every server on one database loads them.
pub struct Ledger {
    pub(crate) signer: SignerKey,
    pub(crate) verifier: VerifierKey,
    /// Salts the commitments of every event that is not a case's.
    pub(crate) secret: String,
}

fn random_hex(n: usize) -> Result<String> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).map_err(|e| AppError::Internal(format!("no randomness: {e}")))?;
    Ok(hex::encode(bytes))
}

/// A new case's ledger secret: 16 random bytes, hex.
pub(crate) fn new_case_secret() -> Result<String> {
    random_hex(16)
}

fn internal(what: &str) -> impl FnOnce(bianli_ledger::LedgerError) -> AppError + '_ {
    move |e| AppError::Internal(format!("{what}: {e}"))
}

impl Ledger {
    /// Loads the stored key and secret, or stores new ones (the first
    /// server to start on a database makes them; the rest load those).
    pub(crate) async fn open(store: &dyn Store, at: chrono::DateTime<chrono::Utc>) -> Result<Self> {
        let origin =
            std::env::var("BIANLI_LEDGER_ORIGIN").unwrap_or_else(|_| DEFAULT_ORIGIN.into());
        let candidate = SignerKey::generate(&origin).map_err(internal("ledger origin"))?;
        let (signer, secret) = store
            .ledger_keys(&candidate.to_key_string(), &random_hex(32)?, at)
            .await?;
        let signer = SignerKey::parse(&signer).map_err(internal("stored ledger key"))?;
        Ok(Ledger {
            verifier: signer.verifier(),
            signer,
            secret,
        })
    }

    /// The log's name: checkpoints carry it as their origin line.
    pub fn origin(&self) -> &str {
        self.signer.name().as_str()
    }

    pub fn verifier(&self) -> &VerifierKey {
        &self.verifier
    }
}
