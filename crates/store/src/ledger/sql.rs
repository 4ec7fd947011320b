//! The ledger's SQL, written once for both drivers and stamped out inside
//! each driver's module. Each driver supplies `begin_ledger` (the ledger's
//! own lock: SQLite's write transaction, PostgreSQL's advisory lock) and
//! `safe_seq` (how far the events table has surely committed).

macro_rules! impl_ledger_store {
    ($store:ty, $db:ty) => {
        mod ledger_store {
            use std::collections::HashMap;

            use async_trait::async_trait;
            use bianli_ledger::{Hash, NodeId};
            use chrono::{DateTime, Utc};
            use sqlx::{QueryBuilder, Row};

            use crate::ledger::{
                LeafRow, LeafRun, LedgerAppend, LedgerHead, LedgerStore, StoredCheckpoint,
            };
            use crate::{Result, StoreError};

            type DbRow = <$db as sqlx::Database>::Row;

            /// How many rows go into one `IN (…)` list or multi-row insert.
            const CHUNK: usize = 500;

            fn hash(row: &DbRow, col: &str) -> Result<Hash> {
                let bytes: Vec<u8> = row.try_get(col)?;
                Hash::from_slice(&bytes, "stored hash")
                    .map_err(|e| StoreError::Config(format!("ledger {col}: {e}")))
            }

            fn size(n: i64) -> Result<u64> {
                u64::try_from(n).map_err(|_| StoreError::Config(format!("ledger size {n} is negative")))
            }

            fn signed(n: u64) -> Result<i64> {
                i64::try_from(n).map_err(|_| StoreError::Config(format!("ledger index {n} is too large")))
            }

            fn leaf(row: &DbRow) -> Result<LeafRow> {
                Ok(LeafRow {
                    index: size(row.try_get("idx")?)?,
                    event_seq: row.try_get("event_seq")?,
                    leaf_hash: hash(row, "leaf_hash")?,
                    bytes: row.try_get("bytes")?,
                })
            }

            #[async_trait]
            impl LedgerStore for $store {
                async fn ledger_safe_seq(&self) -> Result<i64> {
                    self.safe_seq().await
                }

                async fn ledger_head(&self) -> Result<Option<LedgerHead>> {
                    let row = sqlx::query(
                        "SELECT size, root, last_seq, updated_at FROM ledger_head WHERE id = 1",
                    )
                    .fetch_optional(&self.pool)
                    .await?;
                    row.map(|r| {
                        Ok(LedgerHead {
                            size: size(r.try_get("size")?)?,
                            root: hash(&r, "root")?,
                            last_seq: r.try_get("last_seq")?,
                            updated_at: r.try_get("updated_at")?,
                        })
                    })
                    .transpose()
                }

                async fn ledger_nodes(&self, ids: &[NodeId]) -> Result<HashMap<NodeId, Hash>> {
                    let mut found = HashMap::with_capacity(ids.len());
                    // Level 0 is a leaf's own hash, kept once in ledger_leaves.
                    let (leaves, inner): (Vec<NodeId>, Vec<NodeId>) =
                        ids.iter().partition(|id| id.level == 0);
                    for chunk in leaves.chunks(CHUNK) {
                        let mut qb = QueryBuilder::<$db>::new(
                            "SELECT idx, leaf_hash AS hash FROM ledger_leaves WHERE idx IN (",
                        );
                        let mut sep = qb.separated(", ");
                        for id in chunk {
                            sep.push_bind(signed(id.index)?);
                        }
                        qb.push(")");
                        for r in qb.build().fetch_all(&self.pool).await? {
                            let index: i64 = r.try_get("idx")?;
                            found.insert(NodeId::new(0, size(index)?), hash(&r, "hash")?);
                        }
                    }
                    for chunk in inner.chunks(CHUNK) {
                        let mut qb = QueryBuilder::<$db>::new(
                            "SELECT level, idx, hash FROM ledger_nodes WHERE (level, idx) IN (",
                        );
                        let mut sep = qb.separated(", ");
                        for id in chunk {
                            sep.push("(")
                                .push_bind_unseparated(i16::from(id.level))
                                .push_unseparated(", ")
                                .push_bind_unseparated(signed(id.index)?)
                                .push_unseparated(")");
                        }
                        qb.push(")");
                        for r in qb.build().fetch_all(&self.pool).await? {
                            let level: i16 = r.try_get("level")?;
                            let index: i64 = r.try_get("idx")?;
                            let level = u8::try_from(level).map_err(|_| {
                                StoreError::Config(format!("ledger node level {level}"))
                            })?;
                            found.insert(NodeId::new(level, size(index)?), hash(&r, "hash")?);
                        }
                    }
                    Ok(found)
                }

                async fn ledger_append(&self, a: &LedgerAppend, at: DateTime<Utc>) -> Result<bool> {
                    let mut tx = self.begin_ledger().await?;
                    let now: Option<i64> =
                        sqlx::query_scalar("SELECT size FROM ledger_head WHERE id = 1")
                            .fetch_optional(&mut *tx)
                            .await?;
                    if now.unwrap_or(0) != signed(a.from_size)? {
                        // Another server appended since this round read the head.
                        return Ok(false);
                    }
                    let Some(last) = a.leaves.last() else {
                        return Ok(false);
                    };
                    for chunk in a.leaves.chunks(CHUNK) {
                        let mut qb = QueryBuilder::<$db>::new(
                            "INSERT INTO ledger_leaves (idx, event_seq, leaf_hash, bytes) ",
                        );
                        let mut err = None;
                        qb.push_values(chunk, |mut b, l| {
                            match signed(l.index) {
                                Ok(i) => b.push_bind(i),
                                Err(e) => {
                                    err = Some(e);
                                    b.push_bind(0i64)
                                }
                            };
                            b.push_bind(l.event_seq)
                                .push_bind(l.leaf_hash.0.to_vec())
                                .push_bind(l.bytes.clone());
                        });
                        if let Some(e) = err {
                            return Err(e);
                        }
                        qb.build().execute(&mut *tx).await?;
                    }
                    // Level-0 nodes are the leaves' hashes, written just above.
                    let inner: Vec<&(NodeId, Hash)> =
                        a.nodes.iter().filter(|(id, _)| id.level > 0).collect();
                    for chunk in inner.chunks(CHUNK) {
                        let mut qb =
                            QueryBuilder::<$db>::new("INSERT INTO ledger_nodes (level, idx, hash) ");
                        let mut err = None;
                        qb.push_values(chunk, |mut b, &&(id, h)| {
                            b.push_bind(i16::from(id.level));
                            match signed(id.index) {
                                Ok(i) => b.push_bind(i),
                                Err(e) => {
                                    err = Some(e);
                                    b.push_bind(0i64)
                                }
                            };
                            b.push_bind(h.0.to_vec());
                        });
                        if let Some(e) = err {
                            return Err(e);
                        }
                        qb.build().execute(&mut *tx).await?;
                    }
                    let new_size = signed(last.index + 1)?;
                    sqlx::query(
                        "INSERT INTO ledger_head (id, size, root, last_seq, updated_at) \
                         VALUES (1, $1, $2, $3, $4) \
                         ON CONFLICT (id) DO UPDATE SET size = excluded.size, root = excluded.root, \
                         last_seq = excluded.last_seq, updated_at = excluded.updated_at",
                    )
                    .bind(new_size)
                    .bind(a.root.0.to_vec())
                    .bind(last.event_seq)
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
                    tx.commit().await?;
                    Ok(true)
                }

                async fn ledger_leaves(&self, start: u64, end: u64) -> Result<Vec<LeafRow>> {
                    let rows = sqlx::query(
                        "SELECT idx, event_seq, leaf_hash, bytes FROM ledger_leaves \
                         WHERE idx >= $1 AND idx < $2 ORDER BY idx",
                    )
                    .bind(signed(start)?)
                    .bind(signed(end)?)
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter().map(leaf).collect()
                }

                async fn ledger_case_secrets(
                    &self,
                    numbers: &[String],
                ) -> Result<HashMap<String, String>> {
                    let mut found = HashMap::with_capacity(numbers.len());
                    for chunk in numbers.chunks(CHUNK) {
                        // `->>` reads a JSON member on both: SQLite (≥ 3.38)
                        // takes a bare label as `$.label`.
                        let mut qb = QueryBuilder::<$db>::new(
                            "SELECT number, body ->> 'ledger_secret' AS secret FROM cases_cases \
                             WHERE number IN (",
                        );
                        let mut sep = qb.separated(", ");
                        for n in chunk {
                            sep.push_bind(n.as_str());
                        }
                        qb.push(")");
                        for r in qb.build().fetch_all(&self.pool).await? {
                            let secret: Option<String> = r.try_get("secret")?;
                            if let Some(s) = secret {
                                found.insert(r.try_get("number")?, s);
                            }
                        }
                    }
                    Ok(found)
                }

                async fn ledger_keys(
                    &self,
                    signer: &str,
                    secret: &str,
                    at: DateTime<Utc>,
                ) -> Result<(String, String)> {
                    sqlx::query(
                        "INSERT INTO ledger_keys (id, signer, secret, created_at) \
                         VALUES (1, $1, $2, $3) ON CONFLICT (id) DO NOTHING",
                    )
                    .bind(signer)
                    .bind(secret)
                    .bind(at)
                    .execute(&self.pool)
                    .await?;
                    let r = sqlx::query("SELECT signer, secret FROM ledger_keys WHERE id = 1")
                        .fetch_one(&self.pool)
                        .await?;
                    Ok((r.try_get("signer")?, r.try_get("secret")?))
                }

                async fn ledger_put_checkpoint(
                    &self,
                    size: u64,
                    note: &str,
                    at: DateTime<Utc>,
                ) -> Result<()> {
                    sqlx::query(
                        "INSERT INTO ledger_checkpoints (size, note, at) VALUES ($1, $2, $3) \
                         ON CONFLICT (size) DO NOTHING",
                    )
                    .bind(signed(size)?)
                    .bind(note)
                    .bind(at)
                    .execute(&self.pool)
                    .await?;
                    Ok(())
                }

                async fn ledger_latest_checkpoint(&self) -> Result<Option<StoredCheckpoint>> {
                    let row = sqlx::query(
                        "SELECT size, note, at FROM ledger_checkpoints ORDER BY size DESC LIMIT 1",
                    )
                    .fetch_optional(&self.pool)
                    .await?;
                    row.map(|r| {
                        Ok(StoredCheckpoint {
                            size: size(r.try_get("size")?)?,
                            note: r.try_get("note")?,
                            at: r.try_get("at")?,
                        })
                    })
                    .transpose()
                }

                async fn ledger_leaf_runs(&self, from: u64) -> Result<Vec<LeafRun>> {
                    // Gaps and islands: `seq - idx` is constant along a run
                    // and grows at each gap, so it names the run.
                    let rows = sqlx::query(
                        "SELECT MIN(idx) AS first_idx, MIN(event_seq) AS first_seq, \
                         COUNT(*) AS n FROM ledger_leaves WHERE idx >= $1 \
                         GROUP BY event_seq - idx ORDER BY first_idx",
                    )
                    .bind(signed(from)?)
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|r| {
                            Ok(LeafRun {
                                first_index: size(r.try_get("first_idx")?)?,
                                first_seq: r.try_get("first_seq")?,
                                len: size(r.try_get("n")?)?,
                            })
                        })
                        .collect()
                }
            }
        }
    };
}

pub(crate) use impl_ledger_store;
