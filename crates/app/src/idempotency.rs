//! Retried writes: a request sent again with the same `Idempotency-Key` gets
//! the first answer instead of doing the work twice. Keys are per account
//! (anonymous requests share account 0), so one caller cannot read another's.

use bianli_domain::Invalid;
pub use bianli_store::IdempotencyStart;

use crate::{App, Result};

/// A key as clients send it: 1 to 255 visible ASCII characters (UUIDs fit).
pub fn parse_key(s: &str) -> Result<String, Invalid> {
    let ok = (1..=255).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_graphic());
    if ok {
        Ok(s.to_string())
    } else {
        Err(Invalid::one(
            "Idempotency-Key",
            "应为1至255个可见ASCII字符，如UUID",
        ))
    }
}

impl App {
    pub async fn idempotency_start(
        &self,
        account_id: i64,
        key: &str,
        method: &str,
        path: &str,
    ) -> Result<IdempotencyStart> {
        Ok(self
            .store
            .idempotency_start(account_id, key, method, path, self.now())
            .await?)
    }

    pub async fn idempotency_finish(
        &self,
        account_id: i64,
        key: &str,
        status: u16,
        body: &str,
    ) -> Result<()> {
        Ok(self
            .store
            .idempotency_finish(account_id, key, status, body)
            .await?)
    }

    pub async fn idempotency_abort(&self, account_id: i64, key: &str) -> Result<()> {
        Ok(self.store.idempotency_abort(account_id, key).await?)
    }
}
