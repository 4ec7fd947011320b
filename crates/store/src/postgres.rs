//! PostgreSQL: the same schema for deployments with several `bianli serve`
//! processes on one database. Writers serialise on one advisory lock per
//! transaction, so two decrees never plan against the same stale list.

use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};

use crate::Backend;

/// A case write's transaction: a plain one (case statements guard themselves).
pub(crate) type CaseTx = sqlx::Transaction<'static, sqlx::Postgres>;

/// The advisory lock key for catalog and identity writes ("bianli" in ASCII).
const WRITE_LOCK: i64 = 0x6269_616e_6c69;

pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    pub async fn connect(url: &str) -> Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(Self { pool })
    }

    async fn settle_dialect(&self) -> Result<()> {
        sqlx::query("ANALYZE").execute(&self.pool).await?;
        Ok(())
    }

    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(WRITE_LOCK)
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    }

    /// Cases (appointments, applications) do not take the write lock:
    /// their statements guard themselves (conditional updates, revisions,
    /// unique keys), so cases from different servers run side by side.
    /// Their events may then commit out of sequence order, which is why
    /// followers read only `serial_events`.
    async fn begin_cases(&self) -> Result<CaseTx> {
        Ok(self.pool.begin().await?)
    }
}

crate::sql::impl_store!(PgStore, sqlx::Postgres, Backend::Postgres);
crate::cases::sql::impl_case_store!(super::PgStore, sqlx::Postgres);
crate::appointment::impl_appointment_store!(PgStore, sqlx::Postgres);
