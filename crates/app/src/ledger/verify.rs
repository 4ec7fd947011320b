//! `bianli verify`: checks a log from outside. Offline (`--db`) it
//! recomputes every leaf from the events table and every node, and compares
//! them with what is stored and with the latest signed checkpoint; remotely
//! (`--url`) it checks the checkpoint's signature against a pinned key,
//! fetches every entry, recomputes the root and checks that the log only
//! grew since the checkpoint it saw last time.

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use bianli_ledger::merkle::verify_consistency;
use bianli_ledger::{Checkpoint, Frontier, Hash, VerifierKey, leaf_hash};
use serde::{Deserialize, Serialize};

use super::follow::BATCH;
use crate::App;

/// Why a log did not verify.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// The log and what it should be disagree: tampering or damage.
    #[error("tampered: {0}")]
    Tampered(String),
    /// The check itself could not run (unreachable server, bad state file…).
    #[error("could not verify: {0}")]
    Failed(String),
}

fn failed(e: impl std::fmt::Display) -> VerifyError {
    VerifyError::Failed(e.to_string())
}

/// What a log that verified holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub size: u64,
    pub root: Hash,
}

/// Offline: the database behind `app`.
pub async fn verify_db(app: &App) -> Result<Verified, VerifyError> {
    let store = &*app.store;
    let ledger = &app.ledger;
    let head = store.ledger_head().await.map_err(failed)?;
    let (size, head_root) = head.map_or((0, bianli_ledger::empty_root()), |h| (h.size, h.root));
    let checkpoint = match store.ledger_latest_checkpoint().await.map_err(failed)? {
        Some(c) => Some(
            Checkpoint::open(c.note.as_bytes(), ledger.verifier(), ledger.origin()).map_err(
                |e| VerifyError::Tampered(format!("the checkpoint of size {}: {e}", c.size)),
            )?,
        ),
        None => None,
    };
    if let Some(c) = &checkpoint
        && c.size > size
    {
        return Err(VerifyError::Tampered(format!(
            "the latest signed checkpoint has {} entries but the log holds {size}: entries {size}.. were removed",
            c.size
        )));
    }
    let mut frontier = Frontier::empty();
    let mut after = 0i64;
    let mut checkpoint_root = None;
    while frontier.size() < size {
        let want = (size - frontier.size()).min(BATCH as u64);
        let events = store.events(after, want as i64).await.map_err(failed)?;
        let stored = store
            .ledger_leaves(frontier.size(), frontier.size() + want)
            .await
            .map_err(failed)?;
        let leaves = ledger
            .leaves(store, &events, frontier.size())
            .await
            .map_err(failed)?;
        for (i, want_leaf) in (frontier.size()..frontier.size() + want).zip(0..) {
            let (Some(l), Some(s)) = (leaves.get(want_leaf), stored.get(want_leaf)) else {
                return Err(VerifyError::Tampered(match stored.get(want_leaf) {
                    Some(s) => format!(
                        "entry {i}: the log records event {} but the events table ends before it",
                        s.event_seq
                    ),
                    None => format!("entry {i}: the log has no stored leaf"),
                }));
            };
            if l.event_seq != s.event_seq
                || l.bytes != s.bytes
                || s.leaf_hash != leaf_hash(&s.bytes)
            {
                return Err(VerifyError::Tampered(format!(
                    "entry {i}: the stored leaf (event {}) does not match event {} as the events table holds it",
                    s.event_seq, l.event_seq
                )));
            }
        }
        let hashes: Vec<Hash> = leaves.iter().map(|l| l.leaf_hash).collect();
        // Per leaf, so the checkpoint's size is met exactly.
        let mut nodes = Vec::new();
        for h in hashes {
            let (new, next) = frontier.append(&[h]).map_err(failed)?;
            nodes.extend(new);
            frontier = next;
            if checkpoint
                .as_ref()
                .is_some_and(|c| c.size == frontier.size())
            {
                checkpoint_root = Some(frontier.root());
            }
        }
        // Level 0 is each stored leaf's hash, checked against its bytes above.
        nodes.retain(|(id, _)| id.level > 0);
        let ids: Vec<_> = nodes.iter().map(|(id, _)| *id).collect();
        let kept = store.ledger_nodes(&ids).await.map_err(failed)?;
        for (id, h) in &nodes {
            if kept.get(id) != Some(h) {
                return Err(VerifyError::Tampered(format!(
                    "node level {} index {} (entries {}..{}) is missing or wrong",
                    id.level,
                    id.index,
                    id.range().0,
                    id.range().1
                )));
            }
        }
        after = events.last().map_or(after, |e| e.seq);
    }
    if frontier.root() != head_root {
        return Err(VerifyError::Tampered(format!(
            "the stored head's root is not the root of its {size} entries"
        )));
    }
    if let Some(c) = &checkpoint {
        let root = if c.size == 0 {
            Some(bianli_ledger::empty_root())
        } else {
            checkpoint_root
        };
        if root != Some(c.root) {
            return Err(VerifyError::Tampered(format!(
                "the latest signed checkpoint (size {}) does not match the first {} entries",
                c.size, c.size
            )));
        }
    }
    Ok(Verified {
        size,
        root: frontier.root(),
    })
}

/// What the remote verifier keeps between runs.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VerifyState {
    /// The verifier key pinned on first use.
    pub key: String,
    /// The last checkpoint that verified.
    pub size: u64,
    pub root: String,
}

async fn get_text(client: &reqwest::Client, url: &str) -> Result<String, VerifyError> {
    let response = client.get(url).send().await.map_err(failed)?;
    if !response.status().is_success() {
        return Err(failed(format!("{url}: {}", response.status())));
    }
    response.text().await.map_err(failed)
}

#[derive(Deserialize)]
struct WireEntry {
    index: u64,
    leaf: String,
}

#[derive(Deserialize)]
struct WireEntries {
    entries: Vec<WireEntry>,
}

#[derive(Deserialize)]
struct WireProof {
    hashes: Vec<String>,
}

/// Remotely: the server at `base` (`http://HOST:PORT`), with the key pinned
/// in `state` (or given as `key`), saving the new checkpoint there.
pub async fn verify_remote(
    base: &str,
    state_path: &Path,
    key: Option<&str>,
) -> Result<Verified, VerifyError> {
    let base = base.trim_end_matches('/');
    let client = reqwest::Client::new();
    let previous: Option<VerifyState> = match std::fs::read(state_path) {
        Ok(bytes) => Some(serde_json::from_slice(&bytes).map_err(failed)?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(failed(e)),
    };
    let key_text = match (key, &previous) {
        (Some(k), Some(p)) if k != p.key => {
            return Err(failed(
                "the key given differs from the one pinned in the state file",
            ));
        }
        (Some(k), _) => k.to_string(),
        (None, Some(p)) => p.key.clone(),
        (None, None) => get_text(&client, &format!("{base}/api/v1/ledger/key"))
            .await?
            .trim()
            .to_string(),
    };
    let key = VerifierKey::parse(&key_text).map_err(failed)?;
    let note = get_text(&client, &format!("{base}/api/v1/ledger/checkpoint")).await?;
    let checkpoint = Checkpoint::open(note.as_bytes(), &key, key.name().as_str())
        .map_err(|e| VerifyError::Tampered(format!("the checkpoint: {e}")))?;
    let mut frontier = Frontier::empty();
    let mut old_root = None;
    while frontier.size() < checkpoint.size {
        let end = (frontier.size() + super::read::MAX_ENTRIES).min(checkpoint.size);
        let url = format!(
            "{base}/api/v1/ledger/entries?start={}&end={end}",
            frontier.size()
        );
        let page: WireEntries =
            serde_json::from_str(&get_text(&client, &url).await?).map_err(failed)?;
        if page.entries.is_empty() {
            return Err(failed(format!("{url}: no entries")));
        }
        for e in page.entries {
            if e.index != frontier.size() {
                return Err(VerifyError::Tampered(format!(
                    "entry {} came out of order",
                    e.index
                )));
            }
            let bytes = STANDARD.decode(&e.leaf).map_err(failed)?;
            frontier = frontier.append(&[leaf_hash(&bytes)]).map_err(failed)?.1;
            if previous.as_ref().is_some_and(|p| p.size == frontier.size()) {
                old_root = Some(frontier.root());
            }
        }
    }
    if frontier.root() != checkpoint.root {
        return Err(VerifyError::Tampered(format!(
            "the root of the {} entries served is not the checkpoint's root",
            checkpoint.size
        )));
    }
    if let Some(p) = &previous {
        let pinned_root = Hash::from_base64(&p.root, "state root").map_err(failed)?;
        if p.size > checkpoint.size {
            return Err(VerifyError::Tampered(format!(
                "the log shrank from {} to {} entries since the last check",
                p.size, checkpoint.size
            )));
        }
        if p.size > 0 {
            if old_root != Some(pinned_root) {
                return Err(VerifyError::Tampered(format!(
                    "the first {} entries are not the ones checked last time",
                    p.size
                )));
            }
            let url = format!(
                "{base}/api/v1/ledger/proof/consistency?from={}&to={}",
                p.size, checkpoint.size
            );
            let proof: WireProof =
                serde_json::from_str(&get_text(&client, &url).await?).map_err(failed)?;
            let hashes = proof
                .hashes
                .iter()
                .map(|h| Hash::from_base64(h, "proof hash"))
                .collect::<Result<Vec<_>, _>>()
                .map_err(failed)?;
            verify_consistency(
                p.size,
                checkpoint.size,
                &pinned_root,
                &checkpoint.root,
                &hashes,
            )
            .map_err(|e| VerifyError::Tampered(format!("consistency with the last check: {e}")))?;
        }
    }
    let state = VerifyState {
        key: key_text,
        size: checkpoint.size,
        root: checkpoint.root.to_base64(),
    };
    std::fs::write(
        state_path,
        serde_json::to_vec_pretty(&state).map_err(failed)?,
    )
    .map_err(failed)?;
    Ok(Verified {
        size: checkpoint.size,
        root: checkpoint.root,
    })
}
