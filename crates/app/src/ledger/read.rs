//! What the public reads of the log: the latest checkpoint, the key,
//! entries and proofs. Bounds are the log's current size.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use bianli_domain::Invalid;
use bianli_ledger::tree::{
    consistency_proof, consistency_proof_ids, inclusion_proof, inclusion_proof_ids,
};
use serde::Serialize;

use super::internal;
use crate::{App, AppError, Result};

/// At most this many entries per request.
pub const MAX_ENTRIES: u64 = 1_000;

#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub index: u64,
    /// The leaf's bytes (canonical JSON), base64.
    pub leaf: String,
    /// The same bytes as JSON.
    pub json: serde_json::Value,
}

#[derive(Debug, Clone, Serialize)]
pub struct Proof {
    /// The proof's hashes in RFC 9162 order, base64.
    pub hashes: Vec<String>,
}

fn number(field: &str, text: Option<&str>) -> Result<u64> {
    let text = text.ok_or_else(|| Invalid::one(field, "required"))?;
    text.parse::<u64>()
        .map_err(|_| Invalid::one(field, format!("`{text}` is not a whole number ≥ 0")).into())
}

fn at_most(field: &str, value: u64, max: u64, what: &str) -> Result<()> {
    if value > max {
        return Err(Invalid::one(field, format!("{value} is more than {what} ({max})")).into());
    }
    Ok(())
}

impl App {
    async fn ledger_size(&self) -> Result<u64> {
        Ok(self.store.ledger_head().await?.map_or(0, |h| h.size))
    }

    /// The latest signed checkpoint (a C2SP signed note).
    pub async fn ledger_checkpoint(&self) -> Result<String> {
        self.store
            .ledger_latest_checkpoint()
            .await?
            .map(|c| c.note)
            .ok_or_else(|| AppError::NotFound("a signed checkpoint (the log is empty)".into()))
    }

    /// The verifier key: `name+keyid+base64(0x01 ‖ public key)`.
    pub fn ledger_key(&self) -> String {
        self.ledger.verifier().to_string()
    }

    pub fn ledger_origin(&self) -> &str {
        self.ledger.origin()
    }

    /// Entries `[start, end)`, at most [`MAX_ENTRIES`].
    pub async fn ledger_entries(
        &self,
        start: Option<&str>,
        end: Option<&str>,
    ) -> Result<Vec<Entry>> {
        let start = number("start", start)?;
        let end = number("end", end)?;
        let size = self.ledger_size().await?;
        at_most("end", end, size, "the log's size")?;
        if start >= end {
            return Err(Invalid::one("start", format!("must be less than end ({end})")).into());
        }
        at_most(
            "end",
            end - start,
            MAX_ENTRIES,
            "the entries one request may ask for",
        )?;
        self.store
            .ledger_leaves(start, end)
            .await?
            .into_iter()
            .map(|l| {
                Ok(Entry {
                    index: l.index,
                    json: serde_json::from_slice(&l.bytes)
                        .map_err(|e| AppError::Internal(format!("stored leaf {}: {e}", l.index)))?,
                    leaf: STANDARD.encode(&l.bytes),
                })
            })
            .collect()
    }

    /// PATH(index, D[size]) of RFC 9162 §2.1.3.
    pub async fn ledger_inclusion(&self, index: Option<&str>, size: Option<&str>) -> Result<Proof> {
        let index = number("index", index)?;
        let tree = number("size", size)?;
        at_most("size", tree, self.ledger_size().await?, "the log's size")?;
        if index >= tree {
            return Err(Invalid::one("index", format!("must be less than size ({tree})")).into());
        }
        let ids = inclusion_proof_ids(index, tree).map_err(internal("inclusion proof"))?;
        let nodes = self.store.ledger_nodes(&ids).await?;
        let hashes = inclusion_proof(index, tree, &nodes).map_err(internal("inclusion proof"))?;
        Ok(Proof {
            hashes: hashes.iter().map(|h| h.to_base64()).collect(),
        })
    }

    /// PROOF(from, D[to]) of RFC 9162 §2.1.4.
    pub async fn ledger_consistency(&self, from: Option<&str>, to: Option<&str>) -> Result<Proof> {
        let from = number("from", from)?;
        let to = number("to", to)?;
        at_most("to", to, self.ledger_size().await?, "the log's size")?;
        at_most("from", from, to, "to")?;
        let ids = consistency_proof_ids(from, to).map_err(internal("consistency proof"))?;
        let nodes = self.store.ledger_nodes(&ids).await?;
        let hashes = consistency_proof(from, to, &nodes).map_err(internal("consistency proof"))?;
        Ok(Proof {
            hashes: hashes.iter().map(|h| h.to_base64()).collect(),
        })
    }
}
