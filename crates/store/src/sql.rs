//! The SQL both back ends share. The dialects agree on almost everything we
//! write (`$N` parameters, `ON CONFLICT`, `RETURNING`, partial indexes), so the
//! methods are written once and stamped out per driver by [`impl_store!`]; what
//! differs (opening a write transaction, locking) lives in each driver's
//! `begin_write`.

use bianli_domain::catalog::{Adjustment, AdjustmentKind, Change, ItemKind};
use bianli_domain::division::Level;
use bianli_domain::event::NewEvent;
use bianli_domain::identity::{AccountKind, Role};
use sha2::{Digest, Sha256};

use crate::{Result, StoreError};

pub(crate) const ITEM_COLS: &str =
    "code, version, valid_from, valid_to, started_by, start_change, ended_by, end_change, body";

/// "In force on $1": the half-open interval [valid_from, valid_to).
pub(crate) const IN_FORCE: &str = "valid_from <= $1 AND (valid_to IS NULL OR valid_to > $1)";

/// How many codes go into one `IN (…)` list: well under SQLite's and
/// PostgreSQL's parameter limits.
pub(crate) const CHUNK: usize = 500;
/// The contexts whose writers hold the write lock, so their events become
/// visible in sequence order (see `Store::serial_events`).
pub(crate) const SERIAL_CONTEXTS: &str = "context IN ('catalog', 'calendar')";
/// A decree changing at least this many versions refreshes the planner's statistics.
pub(crate) const ANALYZE_AFTER: usize = 10_000;

pub(crate) fn level(s: &str) -> Result<Level> {
    Level::parse(s).map_err(StoreError::Invalid)
}

pub(crate) fn kind(s: &str) -> Result<ItemKind> {
    ItemKind::parse(s).map_err(StoreError::Invalid)
}

pub(crate) fn adjustment_kind(s: &str) -> Result<AdjustmentKind> {
    AdjustmentKind::parse(s).map_err(StoreError::Invalid)
}

pub(crate) fn role(s: &str) -> Result<Role> {
    Role::parse(s).map_err(StoreError::Invalid)
}

pub(crate) fn account_kind(s: &str) -> Result<AccountKind> {
    AccountKind::parse(s).map_err(StoreError::Invalid)
}

/// The event recording a decree's application: counts and a digest of every
/// change, so the log commits to the exact effect without carrying 100,000 codes.
pub(crate) fn decree_applied_event(
    decree_id: i64,
    number: &str,
    effective_on: chrono::NaiveDate,
    changes: &[Change],
    actor: &str,
) -> NewEvent {
    let mut h = Sha256::new();
    let (mut started, mut ended) = (0, 0);
    for c in changes {
        match c {
            Change::Start { item, kind, .. } => {
                started += 1;
                h.update(format!("start {} {}\n", kind.as_str(), item.code));
            }
            Change::End { code, kind, .. } => {
                ended += 1;
                h.update(format!("end {} {code}\n", kind.as_str()));
            }
        }
    }
    NewEvent::new(
        "catalog",
        "decree.applied",
        format!("decree:{decree_id}"),
        actor,
        serde_json::json!({
            "number": number,
            "effective_on": effective_on,
            "started": started,
            "ended": ended,
            "changes_sha256": hex::encode(h.finalize()),
        }),
    )
}

pub(crate) fn day_kind(s: &str) -> Result<bianli_domain::calendar::DayKind> {
    bianli_domain::calendar::DayKind::parse(s).map_err(StoreError::Invalid)
}

/// The event recording loaded calendar years: counts and a digest of every
/// special day, so the log commits to the exact schedule deadlines are counted on.
pub(crate) fn calendar_loaded_event(
    years: &std::collections::BTreeSet<i32>,
    days: &[bianli_domain::calendar::SpecialDay],
    actor: &str,
) -> NewEvent {
    use bianli_domain::calendar::DayKind;
    let mut h = Sha256::new();
    for d in days {
        h.update(format!("{} {} {}\n", d.date, d.kind.as_str(), d.name_zh));
    }
    let holidays = days.iter().filter(|d| d.kind == DayKind::Holiday).count();
    let list: Vec<String> = years.iter().map(ToString::to_string).collect();
    NewEvent::new(
        "calendar",
        "years.loaded",
        format!("calendar:{}", list.join(",")),
        actor,
        serde_json::json!({
            "years": years,
            "holidays": holidays,
            "workdays": days.len() - holidays,
            "days_sha256": hex::encode(h.finalize()),
        }),
    )
}

pub(crate) fn adjustment_json(a: &Adjustment) -> Result<serde_json::Value> {
    Ok(serde_json::to_value(a)?)
}

/// Turns a driver's unique-violation into a conflict naming the field, by the
/// constraint or column the message mentions.
pub(crate) fn unique_violation(e: sqlx::Error, fields: &[&str]) -> StoreError {
    if let sqlx::Error::Database(db) = &e
        && db.is_unique_violation()
    {
        let msg = db.message().to_string();
        let constraint = db.constraint().unwrap_or_default().to_string();
        for f in fields {
            if msg.contains(f) || constraint.contains(f) {
                return StoreError::conflict(f, format!("该{}已被使用", field_zh(f)));
            }
        }
        return StoreError::conflict(fields.first().copied().unwrap_or("id"), "该记录已存在");
    }
    StoreError::Db(e)
}

/// The Chinese name of a field a unique constraint guards, for the message.
fn field_zh(f: &str) -> &str {
    match f {
        "number" => "编号",
        "case_id" => "办件",
        "id_number" => "身份证号码",
        "uscc" => "统一社会信用代码",
        "employee_no" => "工号",
        "username" => "用户名",
        other => other,
    }
}

macro_rules! impl_store {
    ($store:ty, $db:ty, $backend:expr) => {
        use std::collections::{BTreeMap, HashMap};

        use async_trait::async_trait;
        use bianli_domain::catalog::{
            Adjustment, AdjustmentKind, ApplyContext, Change, CodesToLoad, Decree, DecreeNumber,
            DecreeStatus, Department, Item, ItemCode, NewDecree,
        };
        use bianli_domain::division::{Division, DivisionCode};
        use bianli_domain::event::NewEvent;
        use chrono::{DateTime, NaiveDate, Utc};
        use sqlx::types::Json;
        use sqlx::{AssertSqlSafe, QueryBuilder, Row};

        use crate::model::*;
        use crate::sql::{self, ANALYZE_AFTER, CHUNK, IN_FORCE, ITEM_COLS};
        use crate::{Result, Store, StoreError};

        type Tx = sqlx::Transaction<'static, $db>;
        type DbRow = <$db as sqlx::Database>::Row;

        /// Writes inside any transaction of this driver: a plain one, or a
        /// member of SQLite's commit group. Returns the event's `seq`. The
        /// actor's public form is fixed here, from the account as it is now.
        async fn write_event<C>(tx: &mut C, e: &NewEvent, at: DateTime<Utc>) -> Result<i64>
        where
            C: std::ops::DerefMut<Target = <$db as sqlx::Database>::Connection> + Send,
        {
            let seqs = write_events(tx, &[(e, at)]).await?;
            seqs.first()
                .copied()
                .ok_or_else(|| StoreError::Config("an event insert returned no seq".into()))
        }

        /// Several events in one statement (what a batch of submissions
        /// writes), each actor's public form fixed from one look-up of the
        /// accounts named; the `seq`s in the order given. Subjects must
        /// differ: each seq is matched back by its subject.
        async fn write_events<C>(
            tx: &mut C,
            events: &[(&NewEvent, DateTime<Utc>)],
        ) -> Result<Vec<i64>>
        where
            C: std::ops::DerefMut<Target = <$db as sqlx::Database>::Connection> + Send,
        {
            use bianli_domain::event::{ActingAccount, PublicActor};
            let mut ids: Vec<i64> = events
                .iter()
                .filter_map(|(e, _)| PublicActor::account_id(&e.actor))
                .collect();
            ids.sort_unstable();
            ids.dedup();
            let mut accounts = std::collections::HashMap::new();
            if !ids.is_empty() {
                let mut q = sqlx::QueryBuilder::<$db>::new(
                    "SELECT id, role, employee_no FROM identity_accounts WHERE id IN (",
                );
                let mut list = q.separated(", ");
                for id in &ids {
                    list.push_bind(*id);
                }
                q.push(")");
                for r in q.build().fetch_all(&mut **tx).await? {
                    accounts.insert(
                        r.try_get::<i64, _>("id")?,
                        (
                            sql::role(&r.try_get::<String, _>("role")?)?,
                            r.try_get::<Option<String>, _>("employee_no")?,
                        ),
                    );
                }
            }
            let public: Vec<PublicActor> = events
                .iter()
                .map(|(e, _)| {
                    let account = PublicActor::account_id(&e.actor).and_then(|id| {
                        accounts.get(&id).map(|(role, no)| ActingAccount {
                            id,
                            role: *role,
                            employee_no: no.as_deref(),
                        })
                    });
                    PublicActor::of(&e.actor, account)
                })
                .collect();
            let mut q = sqlx::QueryBuilder::<$db>::new(
                "INSERT INTO events (at, context, kind, subject, actor, payload, public_actor, \
                 public_role) ",
            );
            q.push_values(events.iter().zip(&public), |mut b, ((e, at), p)| {
                b.push_bind(*at)
                    .push_bind(e.context)
                    .push_bind(e.kind)
                    .push_bind(&e.subject)
                    .push_bind(&e.actor)
                    .push_bind(Json(&e.payload))
                    .push_bind(&p.actor)
                    .push_bind(p.role.map(|r| r.as_str()));
            });
            q.push(" RETURNING seq, subject");
            let mut seqs = std::collections::HashMap::with_capacity(events.len());
            for r in q.build().fetch_all(&mut **tx).await? {
                let subject: String = r.try_get("subject")?;
                if seqs.insert(subject, r.try_get::<i64, _>("seq")?).is_some() && events.len() > 1 {
                    return Err(StoreError::Config(
                        "events written together must have different subjects".into(),
                    ));
                }
            }
            events
                .iter()
                .map(|(e, _)| {
                    seqs.get(&e.subject).copied().ok_or_else(|| {
                        StoreError::Config(format!("no seq returned for {}", e.subject))
                    })
                })
                .collect()
        }

        fn item_version(row: &DbRow) -> Result<ItemVersion> {
            let Json(item): Json<Item> = row.try_get("body")?;
            let end: Option<String> = row.try_get("end_change")?;
            Ok(ItemVersion {
                item,
                version: row.try_get("version")?,
                valid_from: row.try_get("valid_from")?,
                valid_to: row.try_get("valid_to")?,
                started_by: row.try_get("started_by")?,
                start_change: sql::adjustment_kind(&row.try_get::<String, _>("start_change")?)?,
                ended_by: row.try_get("ended_by")?,
                end_change: end.as_deref().map(sql::adjustment_kind).transpose()?,
            })
        }

        fn department(r: &DbRow) -> Result<Department> {
            Ok(Department {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                kind: r.try_get("kind")?,
                division: DivisionCode::parse(&r.try_get::<String, _>("division")?)
                    .map_err(StoreError::Invalid)?,
            })
        }

        fn decree(row: &DbRow) -> Result<Decree> {
            let number: String = row.try_get("number")?;
            let status: String = row.try_get("status")?;
            Ok(Decree {
                id: row.try_get("id")?,
                number: DecreeNumber::parse(&number).map_err(StoreError::Invalid)?,
                title: row.try_get("title")?,
                issued_on: row.try_get("issued_on")?,
                effective_on: row.try_get("effective_on")?,
                status: if status == "applied" {
                    DecreeStatus::Applied
                } else {
                    DecreeStatus::Draft
                },
            })
        }

        fn account(row: &DbRow) -> Result<AccountRow> {
            Ok(AccountRow {
                id: row.try_get("id")?,
                username: row.try_get("username")?,
                kind: sql::account_kind(&row.try_get::<String, _>("kind")?)?,
                display_name: row.try_get("display_name")?,
                id_number: row.try_get("id_number")?,
                uscc: row.try_get("uscc")?,
                employee_no: row.try_get("employee_no")?,
                password_hash: row.try_get("password_hash")?,
                role: sql::role(&row.try_get::<String, _>("role")?)?,
                department_id: row.try_get("department_id")?,
                division: row.try_get("division")?,
            })
        }

        fn push_filter(qb: &mut QueryBuilder<$db>, f: &ItemFilter) {
            qb.push(" WHERE valid_from <= ")
                .push_bind(f.as_of)
                .push(" AND (valid_to IS NULL OR valid_to > ")
                .push_bind(f.as_of)
                .push(")");
            if let Some(l) = f.level {
                qb.push(" AND level = ").push_bind(l.as_str());
            }
            if let Some(d) = &f.division {
                qb.push(" AND division = ").push_bind(d.clone());
            }
            if let Some(d) = f.department_id {
                qb.push(" AND department_id = ").push_bind(d);
            }
            if let Some(k) = f.kind {
                qb.push(" AND kind = ").push_bind(k.zh());
            }
            if f.zero_trip {
                qb.push(" AND visits = 0");
            }
            if let Some(n) = &f.name_contains {
                // LIKE metacharacters in what people type are matched literally.
                let escaped = n.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
                qb.push(" AND name LIKE ")
                    .push_bind(format!("%{escaped}%"))
                    .push(" ESCAPE '\\'");
            }
        }

        async fn read_events(
            pool: &sqlx::Pool<$db>,
            filter: &str,
            after_seq: i64,
            limit: i64,
        ) -> Result<Vec<EventRow>> {
            let rows = sqlx::query(AssertSqlSafe(format!(
                "SELECT seq, at, context, kind, subject, actor, payload, public_actor, \
                 public_role FROM events \
                 WHERE {filter} AND seq > $1 ORDER BY seq LIMIT $2"
            )))
            .bind(after_seq)
            .bind(limit)
            .fetch_all(pool)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok(EventRow {
                        seq: r.try_get("seq")?,
                        at: r.try_get("at")?,
                        context: r.try_get("context")?,
                        kind: r.try_get("kind")?,
                        subject: r.try_get("subject")?,
                        actor: r.try_get("actor")?,
                        payload: r.try_get::<Json<serde_json::Value>, _>("payload")?.0,
                        public_actor: r.try_get("public_actor")?,
                        public_role: r.try_get("public_role")?,
                    })
                })
                .collect()
        }

        #[derive(Default)]
        struct Loaded {
            /// In force, with the date its version began.
            in_force: HashMap<ItemCode, NaiveDate>,
            items: HashMap<ItemCode, Item>,
            max_version: HashMap<String, i64>,
        }

        /// What the plan needs of these codes: which are in force (and since
        /// when), the elements of the `read` ones, and each code's highest version.
        async fn load_codes(tx: &mut Tx, want: &CodesToLoad) -> Result<Loaded> {
            let mut out = Loaded::default();
            for chunk in want.codes.chunks(CHUNK) {
                let mut qb = QueryBuilder::<$db>::new(
                    "SELECT code, version, valid_from, valid_to FROM catalog_items WHERE code IN (",
                );
                let mut sep = qb.separated(", ");
                for c in chunk {
                    sep.push_bind(c.to_string());
                }
                qb.push(")");
                for row in qb.build().fetch_all(&mut **tx).await? {
                    let code: String = row.try_get("code")?;
                    let version: i64 = row.try_get("version")?;
                    let to: Option<NaiveDate> = row.try_get("valid_to")?;
                    if to.is_none() {
                        out.in_force.insert(
                            ItemCode::parse(&code).map_err(StoreError::Invalid)?,
                            row.try_get("valid_from")?,
                        );
                    }
                    let m = out.max_version.entry(code).or_insert(0);
                    *m = (*m).max(version);
                }
            }
            for chunk in want.read.chunks(CHUNK) {
                let mut qb = QueryBuilder::<$db>::new(
                    "SELECT body FROM catalog_items WHERE valid_to IS NULL AND code IN (",
                );
                let mut sep = qb.separated(", ");
                for c in chunk {
                    sep.push_bind(c.to_string());
                }
                qb.push(")");
                for row in qb.build().fetch_all(&mut **tx).await? {
                    let Json(item): Json<Item> = row.try_get("body")?;
                    out.items.insert(item.code.clone(), item);
                }
            }
            Ok(out)
        }

        /// Writes planned changes: ends in batches, starts as new versions.
        async fn write_changes(
            tx: &mut Tx,
            decree_id: Option<i64>,
            effective_on: NaiveDate,
            changes: &[Change],
            mut max_version: HashMap<String, i64>,
        ) -> Result<Vec<String>> {
            let mut touched = Vec::new();
            let mut ends: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
            let mut starts: Vec<(&Item, AdjustmentKind, i64)> = Vec::new();
            // Ends of a code come before its new start in a plan, and a code
            // started and ended in one decree never reaches the table.
            let mut started_here: HashMap<String, usize> = HashMap::new();
            for c in changes {
                match c {
                    Change::End { code, kind, .. } => {
                        let code = code.to_string();
                        if let Some(i) = started_here.remove(&code) {
                            starts[i].2 = -1;
                        } else {
                            ends.entry(kind.as_str()).or_default().push(code.clone());
                        }
                        touched.push(code);
                    }
                    Change::Start { item, kind, .. } => {
                        let code = item.code.to_string();
                        let v = max_version.entry(code.clone()).or_insert(0);
                        *v += 1;
                        started_here.insert(code.clone(), starts.len());
                        starts.push((item, *kind, *v));
                        touched.push(code);
                    }
                }
            }
            for (kind, codes) in &ends {
                for chunk in codes.chunks(CHUNK) {
                    let mut qb = QueryBuilder::<$db>::new("UPDATE catalog_items SET valid_to = ");
                    qb.push_bind(effective_on)
                        .push(", ended_by = ")
                        .push_bind(decree_id)
                        .push(", end_change = ")
                        .push_bind(*kind)
                        .push(" WHERE valid_to IS NULL AND code IN (");
                    let mut sep = qb.separated(", ");
                    for c in chunk {
                        sep.push_bind(c.clone());
                    }
                    qb.push(")");
                    qb.build().execute(&mut **tx).await?;
                }
            }
            tracing::debug!(ends = ends.values().map(Vec::len).sum::<usize>(), "decree: versions ended");
            let live: Vec<_> = starts.into_iter().filter(|s| s.2 > 0).collect();
            let insert = |chunk: &[(&Item, AdjustmentKind, i64)]| {
                let mut qb = QueryBuilder::<$db>::new(
                    "INSERT INTO catalog_items (code, version, valid_from, started_by, start_change, \
                     name, kind, level, division, department_id, visits, promised_days, body) ",
                );
                qb.push_values(chunk, |mut b, (item, kind, version)| {
                    b.push_bind(item.code.to_string())
                        .push_bind(*version)
                        .push_bind(effective_on)
                        .push_bind(decree_id)
                        .push_bind(kind.as_str())
                        .push_bind(item.name.as_str())
                        .push_bind(item.kind.zh())
                        .push_bind(item.level().as_str())
                        .push_bind(item.division.as_str())
                        .push_bind(item.department_id)
                        .push_bind(i64::from(item.visits))
                        .push_bind(i64::from(item.promised_days))
                        .push_bind(Json(*item));
                });
                qb
            };
            let mut chunks = live.chunks(CHUNK);
            let mut next = chunks.next().map(insert);
            while let Some(mut qb) = next.take() {
                // The database writes one chunk while this thread encodes the
                // next (JSON bodies and all): `biased` sends the write first.
                let (done, following) = tokio::join!(
                    biased;
                    qb.build().execute(&mut **tx),
                    async { chunks.next().map(insert) },
                );
                done?;
                next = following;
            }
            touched.sort();
            touched.dedup();
            Ok(touched)
        }

        /// Plans a decree's adjustments against the list in force and writes the
        /// versions, the decree's status and its event, inside the caller's transaction.
        async fn apply_in_tx(
            tx: &mut Tx,
            d: &Decree,
            adjustments: &[Adjustment],
            actor: &str,
            at: DateTime<Utc>,
        ) -> Result<Applied> {
            let id = d.id;
            if adjustments.is_empty() {
                return Err(StoreError::Invalid(bianli_domain::Invalid::one(
                    "adjustments",
                    "调整决定中没有任何调整事项",
                )));
            }
            let mut children: HashMap<DivisionCode, Vec<DivisionCode>> = HashMap::new();
            for r in sqlx::query("SELECT code, parent FROM catalog_divisions WHERE parent IS NOT NULL ORDER BY code")
                .fetch_all(&mut **tx)
                .await?
            {
                let code: String = r.try_get("code")?;
                let parent: String = r.try_get("parent")?;
                children
                    .entry(DivisionCode::parse(&parent).map_err(StoreError::Invalid)?)
                    .or_default()
                    .push(DivisionCode::parse(&code).map_err(StoreError::Invalid)?);
            }
            let departments = sqlx::query("SELECT id, name, kind, division FROM catalog_departments")
                .fetch_all(&mut **tx)
                .await?
                .iter()
                .map(|r| department(r).map(|d| (d.id, d)))
                .collect::<Result<HashMap<i64, Department>>>()?;
            let want = ApplyContext::codes_to_load(adjustments, &children);
            let t = std::time::Instant::now();
            let loaded = load_codes(tx, &want).await?;
            tracing::debug!(codes = want.codes.len(), read = want.read.len(), elapsed = ?t.elapsed(), "decree: current versions loaded");
            // History is not rewritten: a decree cannot take effect before
            // a version it would end or revise began.
            for (code, from) in &loaded.in_force {
                if *from > d.effective_on {
                    return Err(StoreError::Invalid(bianli_domain::Invalid::one(
                        "effective_on",
                        format!("事项{code}有{from}起施行的版本，晚于本决定的生效日期"),
                    )));
                }
            }
            let ctx = ApplyContext {
                in_force: loaded.in_force.into_keys().collect(),
                items: loaded.items,
                children,
                departments,
            };
            let t = std::time::Instant::now();
            let changes = bianli_domain::catalog::plan(adjustments, &ctx).map_err(StoreError::Invalid)?;
            tracing::debug!(changes = changes.len(), elapsed = ?t.elapsed(), "decree: planned");
            let t = std::time::Instant::now();
            let touched = write_changes(tx, Some(id), d.effective_on, &changes, loaded.max_version).await?;
            tracing::debug!(elapsed = ?t.elapsed(), "decree: versions written");
            if changes.len() >= ANALYZE_AFTER && $backend == Backend::Postgres {
                // Without fresh statistics PostgreSQL plans the next decree's
                // `code IN (…) AND valid_to IS NULL` as a walk of the whole
                // partial index, hundreds of times over. SQLite's planner
                // picks the primary key without them.
                sqlx::query("ANALYZE catalog_items").execute(&mut **tx).await?;
            }
            sqlx::query("UPDATE catalog_decrees SET status = 'applied', applied_at = $1 WHERE id = $2")
                .bind(at)
                .bind(id)
                .execute(&mut **tx)
                .await?;
            let e = sql::decree_applied_event(id, d.number.as_str(), d.effective_on, &changes, actor);
            write_event(tx, &e, at).await?;
            let started = changes.iter().filter(|c| matches!(c, Change::Start { .. })).count();
            Ok(Applied {
                decree_id: id,
                started,
                ended: changes.len() - started,
                touched,
            })
        }

        async fn insert_decree(tx: &mut Tx, d: &NewDecree, actor: &str, at: DateTime<Utc>) -> Result<Decree> {
            let row = sqlx::query(
                "INSERT INTO catalog_decrees (number, title, issued_on, effective_on, status, created_by) \
                 VALUES ($1, $2, $3, $4, 'draft', $5) \
                 RETURNING id, number, title, issued_on, effective_on, status",
            )
            .bind(d.number.as_str())
            .bind(&d.title)
            .bind(d.issued_on)
            .bind(d.effective_on)
            .bind(actor)
            .fetch_one(&mut **tx)
            .await
            .map_err(|e| sql::unique_violation(e, &["number"]))?;
            let decree = decree(&row)?;
            let e = NewEvent::new(
                "catalog",
                "decree.drafted",
                format!("decree:{}", decree.id),
                actor,
                serde_json::json!({"number": d.number.as_str(), "title": d.title,
                    "issued_on": d.issued_on, "effective_on": d.effective_on}),
            );
            write_event(tx, &e, at).await?;
            Ok(decree)
        }

        #[async_trait]
        impl Store for $store {
            fn backend(&self) -> Backend {
                $backend
            }

            async fn settle(&self) -> Result<()> {
                self.settle_dialect().await
            }

            async fn put_reference(
                &self,
                divisions: &[Division],
                departments: &[Department],
                event: NewEvent,
                at: DateTime<Utc>,
            ) -> Result<()> {
                let mut tx = self.begin_write().await?;
                // Parents first, so the foreign key holds row by row.
                let mut sorted: Vec<&Division> = divisions.iter().collect();
                sorted.sort_by_key(|d| d.level);
                for d in sorted {
                    sqlx::query(
                        "INSERT INTO catalog_divisions (code, name, level, parent) VALUES ($1, $2, $3, $4) \
                         ON CONFLICT (code) DO UPDATE SET name = excluded.name",
                    )
                    .bind(d.code.as_str())
                    .bind(&d.name)
                    .bind(d.level.as_str())
                    .bind(d.parent.as_ref().map(|p| p.to_string()))
                    .execute(&mut *tx)
                    .await?;
                }
                for chunk in departments.chunks(CHUNK) {
                    let mut qb = QueryBuilder::<$db>::new(
                        "INSERT INTO catalog_departments (id, name, kind, division) ",
                    );
                    qb.push_values(chunk, |mut b, d| {
                        b.push_bind(d.id)
                            .push_bind(d.name.clone())
                            .push_bind(d.kind.clone())
                            .push_bind(d.division.to_string());
                    });
                    qb.push(" ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind");
                    qb.build().execute(&mut *tx).await?;
                }
                write_event(&mut tx, &event, at).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn divisions(&self) -> Result<Vec<Division>> {
                let rows = sqlx::query("SELECT code, name, level, parent FROM catalog_divisions ORDER BY code")
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter()
                    .map(|r| {
                        let parent: Option<String> = r.try_get("parent")?;
                        Ok(Division {
                            code: DivisionCode::parse(&r.try_get::<String, _>("code")?)
                                .map_err(StoreError::Invalid)?,
                            name: r.try_get("name")?,
                            level: sql::level(&r.try_get::<String, _>("level")?)?,
                            parent: parent
                                .as_deref()
                                .map(DivisionCode::parse)
                                .transpose()
                                .map_err(StoreError::Invalid)?,
                        })
                    })
                    .collect()
            }

            async fn departments(&self) -> Result<Vec<Department>> {
                let rows = sqlx::query("SELECT id, name, kind, division FROM catalog_departments ORDER BY id")
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(department).collect()
            }

            async fn department(&self, id: i64) -> Result<Option<Department>> {
                sqlx::query("SELECT id, name, kind, division FROM catalog_departments WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?
                    .as_ref()
                    .map(department)
                    .transpose()
            }

            async fn items(&self, f: &ItemFilter) -> Result<Vec<ItemVersion>> {
                let mut qb = QueryBuilder::<$db>::new(format!("SELECT {ITEM_COLS} FROM catalog_items"));
                push_filter(&mut qb, f);
                if let Some(after) = &f.after {
                    qb.push(" AND code > ").push_bind(after.clone());
                }
                qb.push(" ORDER BY code LIMIT ").push_bind(f.limit);
                let rows = qb.build().fetch_all(&self.pool).await?;
                rows.iter().map(item_version).collect()
            }

            async fn count_items(&self, f: &ItemFilter) -> Result<i64> {
                let mut qb = QueryBuilder::<$db>::new("SELECT COUNT(*) AS n FROM catalog_items");
                push_filter(&mut qb, f);
                Ok(qb.build().fetch_one(&self.pool).await?.try_get("n")?)
            }

            async fn items_by_code(&self, codes: &[String], as_of: NaiveDate) -> Result<Vec<ItemVersion>> {
                let mut out = Vec::with_capacity(codes.len());
                for chunk in codes.chunks(CHUNK) {
                    let mut qb = QueryBuilder::<$db>::new(format!(
                        "SELECT {ITEM_COLS} FROM catalog_items WHERE valid_from <= "
                    ));
                    qb.push_bind(as_of)
                        .push(" AND (valid_to IS NULL OR valid_to > ")
                        .push_bind(as_of)
                        .push(") AND code IN (");
                    let mut sep = qb.separated(", ");
                    for c in chunk {
                        sep.push_bind(c.clone());
                    }
                    qb.push(")");
                    for row in qb.build().fetch_all(&self.pool).await? {
                        out.push(item_version(&row)?);
                    }
                }
                Ok(out)
            }

            async fn item_history(&self, code: &ItemCode) -> Result<Vec<ItemVersion>> {
                let rows = sqlx::query(AssertSqlSafe(format!(
                    "SELECT {ITEM_COLS} FROM catalog_items WHERE code = $1 ORDER BY version"
                )))
                .bind(code.to_string())
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(item_version).collect()
            }

            async fn current_items(&self, after: Option<&str>, limit: i64) -> Result<Vec<Item>> {
                let rows = sqlx::query(
                    "SELECT body FROM catalog_items WHERE valid_to IS NULL AND code > $1 ORDER BY code LIMIT $2",
                )
                .bind(after.unwrap_or(""))
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|r| Ok(r.try_get::<Json<Item>, _>("body")?.0))
                    .collect()
            }

            async fn stats(&self, as_of: NaiveDate) -> Result<Counts> {
                let group = |col: &str| {
                    AssertSqlSafe(format!(
                        "SELECT {col} AS k, COUNT(*) AS n FROM catalog_items WHERE {IN_FORCE} GROUP BY {col} ORDER BY {col}"
                    ))
                };
                let mut c = Counts::default();
                for r in sqlx::query(group("level")).bind(as_of).fetch_all(&self.pool).await? {
                    let n: i64 = r.try_get("n")?;
                    c.total += n;
                    c.by_level.push((sql::level(&r.try_get::<String, _>("k")?)?, n));
                }
                c.by_level.sort();
                for r in sqlx::query(group("kind")).bind(as_of).fetch_all(&self.pool).await? {
                    c.by_kind.push((sql::kind(&r.try_get::<String, _>("k")?)?, r.try_get("n")?));
                }
                c.by_kind.sort();
                for r in sqlx::query(group("department_id")).bind(as_of).fetch_all(&self.pool).await? {
                    c.by_department.push((r.try_get("k")?, r.try_get("n")?));
                }
                for r in sqlx::query(group("division")).bind(as_of).fetch_all(&self.pool).await? {
                    c.by_division.push((r.try_get("k")?, r.try_get("n")?));
                }
                Ok(c)
            }

            async fn diff(&self, q: &DiffQuery) -> Result<Diff> {
                // A code differs when its version in force at `from` is not the one at `to`.
                let base = "WITH a AS (SELECT code, version, name, level, division, department_id, ended_by, end_change \
                              FROM catalog_items WHERE valid_from <= $1 AND (valid_to IS NULL OR valid_to > $1)), \
                         b AS (SELECT code, version, name, level, division, department_id, started_by, start_change \
                              FROM catalog_items WHERE valid_from <= $2 AND (valid_to IS NULL OR valid_to > $2)), \
                         d AS ( \
                           SELECT a.code, a.name, a.level, a.division, a.department_id, 'removed' AS change, \
                                  a.end_change AS adjustment, a.ended_by AS decree_id \
                             FROM a LEFT JOIN b ON a.code = b.code WHERE b.code IS NULL \
                           UNION ALL \
                           SELECT b.code, b.name, b.level, b.division, b.department_id, \
                                  CASE WHEN a.code IS NULL THEN 'added' ELSE 'changed' END AS change, \
                                  b.start_change AS adjustment, b.started_by AS decree_id \
                             FROM b LEFT JOIN a ON a.code = b.code \
                            WHERE a.code IS NULL OR a.version <> b.version)";
                let div = " AND ($3 = '' OR division = $3)";
                let summary_sql = format!(
                    "{base} SELECT decree_id, adjustment, change, level, COUNT(*) AS n FROM d \
                     WHERE 1 = 1{div} GROUP BY decree_id, adjustment, change, level \
                     ORDER BY decree_id, adjustment, change, level"
                );
                let sq = sqlx::query(AssertSqlSafe(summary_sql))
                    .bind(q.from)
                    .bind(q.to)
                    .bind(q.division.clone().unwrap_or_default());
                let mut summary = Vec::new();
                for r in sq.fetch_all(&self.pool).await? {
                    let adj: Option<String> = r.try_get("adjustment")?;
                    let change: String = r.try_get("change")?;
                    summary.push(DiffSummary {
                        decree_id: r.try_get("decree_id")?,
                        adjustment: sql::adjustment_kind(adj.as_deref().unwrap_or("modify"))?,
                        change: diff_kind(&change),
                        level: sql::level(&r.try_get::<String, _>("level")?)?,
                        count: r.try_get("n")?,
                    });
                }
                let rows_sql = format!(
                    "{base} SELECT * FROM d WHERE code > $4{div} ORDER BY code LIMIT $5"
                );
                let mut rq = sqlx::query(AssertSqlSafe(rows_sql)).bind(q.from).bind(q.to);
                rq = rq.bind(q.division.clone().unwrap_or_default());
                rq = rq.bind(q.after.clone().unwrap_or_default()).bind(q.limit + 1);
                let mut rows = Vec::new();
                for r in rq.fetch_all(&self.pool).await? {
                    let adj: Option<String> = r.try_get("adjustment")?;
                    let change: String = r.try_get("change")?;
                    rows.push(DiffRow {
                        code: r.try_get("code")?,
                        name: r.try_get("name")?,
                        level: sql::level(&r.try_get::<String, _>("level")?)?,
                        division: r.try_get("division")?,
                        department_id: r.try_get("department_id")?,
                        change: diff_kind(&change),
                        adjustment: adj.as_deref().map(sql::adjustment_kind).transpose()?,
                        decree_id: r.try_get("decree_id")?,
                    });
                }
                let next_after = if rows.len() as i64 > q.limit {
                    rows.truncate(q.limit as usize);
                    rows.last().map(|r| r.code.clone())
                } else {
                    None
                };
                Ok(Diff { summary, rows, next_after })
            }

            async fn create_decree(&self, d: &NewDecree, actor: &str, at: DateTime<Utc>) -> Result<Decree> {
                let mut tx = self.begin_write().await?;
                let decree = insert_decree(&mut tx, d, actor, at).await?;
                tx.commit().await?;
                Ok(decree)
            }

            async fn add_adjustments(
                &self,
                decree_id: i64,
                adjustments: &[Adjustment],
                actor: &str,
                at: DateTime<Utc>,
            ) -> Result<()> {
                let mut tx = self.begin_write().await?;
                let status: Option<String> =
                    sqlx::query_scalar("SELECT status FROM catalog_decrees WHERE id = $1")
                        .bind(decree_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                match status.as_deref() {
                    None => return Err(StoreError::NotFound(format!("调整决定{decree_id}"))),
                    Some("draft") => {}
                    Some(_) => {
                        return Err(StoreError::conflict("decree", "该调整决定已经施行"));
                    }
                }
                let next: i64 = sqlx::query_scalar(
                    "SELECT CAST(COALESCE(MAX(seq), 0) AS BIGINT) FROM catalog_adjustments WHERE decree_id = $1",
                )
                .bind(decree_id)
                .fetch_one(&mut *tx)
                .await?;
                let rows = adjustments
                    .iter()
                    .enumerate()
                    .map(|(i, a)| Ok((next + 1 + i as i64, sql::adjustment_json(a)?)))
                    .collect::<Result<Vec<_>>>()?;
                for chunk in rows.chunks(CHUNK) {
                    let mut qb = QueryBuilder::<$db>::new("INSERT INTO catalog_adjustments (decree_id, seq, body) ");
                    qb.push_values(chunk, |mut b, (seq, body)| {
                        b.push_bind(decree_id).push_bind(*seq).push_bind(Json(body.clone()));
                    });
                    qb.build().execute(&mut *tx).await?;
                }
                let kinds: Vec<&str> = adjustments.iter().map(|a| a.kind().as_str()).collect();
                let codes: Vec<String> = adjustments
                    .iter()
                    .flat_map(|a| a.codes())
                    .map(|c| c.to_string())
                    .collect();
                let e = NewEvent::new(
                    "catalog",
                    "decree.adjusted",
                    format!("decree:{decree_id}"),
                    actor,
                    serde_json::json!({"kinds": kinds, "codes": codes}),
                );
                write_event(&mut tx, &e, at).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn decrees(&self) -> Result<Vec<DecreeSummary>> {
                let rows = sqlx::query(
                    "SELECT d.id, d.number, d.title, d.issued_on, d.effective_on, d.status, \
                       (SELECT COUNT(*) FROM catalog_items i WHERE i.started_by = d.id) AS started, \
                       (SELECT COUNT(*) FROM catalog_items i WHERE i.ended_by = d.id) AS ended, \
                       (SELECT COUNT(*) FROM catalog_adjustments a WHERE a.decree_id = d.id) AS drafted \
                     FROM catalog_decrees d ORDER BY d.effective_on, d.id",
                )
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|r| {
                        Ok(DecreeSummary {
                            decree: decree(r)?,
                            started: r.try_get("started")?,
                            ended: r.try_get("ended")?,
                            drafted: r.try_get("drafted")?,
                        })
                    })
                    .collect()
            }

            async fn decree(&self, id: i64) -> Result<Option<DecreeDetail>> {
                let Some(row) = sqlx::query(
                    "SELECT id, number, title, issued_on, effective_on, status FROM catalog_decrees WHERE id = $1",
                )
                .bind(id)
                .fetch_optional(&self.pool)
                .await?
                else {
                    return Ok(None);
                };
                let decree = decree(&row)?;
                let mut adjustments = Vec::new();
                for r in sqlx::query("SELECT body FROM catalog_adjustments WHERE decree_id = $1 ORDER BY seq")
                    .bind(id)
                    .fetch_all(&self.pool)
                    .await?
                {
                    adjustments.push(r.try_get::<Json<Adjustment>, _>("body")?.0);
                }
                let mut effects: BTreeMap<(String, String), (i64, i64)> = BTreeMap::new();
                for r in sqlx::query(
                    "SELECT start_change AS k, level, COUNT(*) AS n FROM catalog_items WHERE started_by = $1 \
                     GROUP BY start_change, level",
                )
                .bind(id)
                .fetch_all(&self.pool)
                .await?
                {
                    effects.entry((r.try_get("k")?, r.try_get("level")?)).or_default().0 = r.try_get("n")?;
                }
                for r in sqlx::query(
                    "SELECT end_change AS k, level, COUNT(*) AS n FROM catalog_items WHERE ended_by = $1 \
                     GROUP BY end_change, level",
                )
                .bind(id)
                .fetch_all(&self.pool)
                .await?
                {
                    effects.entry((r.try_get("k")?, r.try_get("level")?)).or_default().1 = r.try_get("n")?;
                }
                let effects = effects
                    .into_iter()
                    .map(|((k, l), (started, ended))| {
                        Ok(DecreeEffect {
                            adjustment: sql::adjustment_kind(&k)?,
                            level: sql::level(&l)?,
                            started,
                            ended,
                        })
                    })
                    .collect::<Result<Vec<_>>>()?;
                Ok(Some(DecreeDetail { decree, adjustments, effects }))
            }

            async fn apply_decree(&self, id: i64, actor: &str, at: DateTime<Utc>) -> Result<Applied> {
                let mut tx = self.begin_write().await?;
                let row = sqlx::query(
                    "SELECT id, number, title, issued_on, effective_on, status FROM catalog_decrees WHERE id = $1",
                )
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("调整决定{id}")))?;
                let d = decree(&row)?;
                if d.status == DecreeStatus::Applied {
                    return Err(StoreError::conflict("decree", "该调整决定已经施行"));
                }
                let mut adjustments = Vec::new();
                for r in sqlx::query("SELECT body FROM catalog_adjustments WHERE decree_id = $1 ORDER BY seq")
                    .bind(id)
                    .fetch_all(&mut *tx)
                    .await?
                {
                    adjustments.push(r.try_get::<Json<Adjustment>, _>("body")?.0);
                }
                let applied = apply_in_tx(&mut tx, &d, &adjustments, actor, at).await?;
                sqlx::query("DELETE FROM catalog_adjustments WHERE decree_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(applied)
            }

            async fn enact_decree(
                &self,
                new: &NewDecree,
                adjustments: &[Adjustment],
                actor: &str,
                at: DateTime<Utc>,
            ) -> Result<(Decree, Applied)> {
                let mut tx = self.begin_write().await?;
                let d = insert_decree(&mut tx, new, actor, at).await?;
                let applied = apply_in_tx(&mut tx, &d, adjustments, actor, at).await?;
                tx.commit().await?;
                Ok((d, applied))
            }

            async fn revise_item(
                &self,
                item: &Item,
                effective_on: NaiveDate,
                actor: &str,
                at: DateTime<Utc>,
            ) -> Result<ItemVersion> {
                let mut tx = self.begin_write().await?;
                let code = item.code.to_string();
                let want = CodesToLoad { codes: vec![item.code.clone()], read: vec![item.code.clone()] };
                let loaded = load_codes(&mut tx, &want).await?;
                let (Some(old), Some(from)) = (loaded.items.get(&item.code), loaded.in_force.get(&item.code)) else {
                    return Err(StoreError::NotFound(format!("实施中的事项{code}")));
                };
                if old.department_id != item.department_id || old.division != item.division {
                    return Err(StoreError::Invalid(bianli_domain::Invalid::one(
                        "department_id",
                        "将事项调整到其他部门或区划须通过调整决定办理",
                    )));
                }
                if *from > effective_on {
                    return Err(StoreError::Invalid(bianli_domain::Invalid::one(
                        "effective_on",
                        format!("当前版本自{from}起施行，修订的生效日期不能早于该日"),
                    )));
                }
                let changes = [
                    Change::End { code: item.code.clone(), adjustment: 0, kind: AdjustmentKind::Modify },
                    Change::Start { item: Box::new(item.clone()), adjustment: 0, kind: AdjustmentKind::Modify },
                ];
                write_changes(&mut tx, None, effective_on, &changes, loaded.max_version).await?;
                let e = NewEvent::new(
                    "catalog",
                    "item.revised",
                    code.clone(),
                    actor,
                    serde_json::json!({"effective_on": effective_on, "name": item.name}),
                );
                write_event(&mut tx, &e, at).await?;
                let row = sqlx::query(AssertSqlSafe(format!(
                    "SELECT {ITEM_COLS} FROM catalog_items WHERE code = $1 AND valid_to IS NULL"
                )))
                .bind(&code)
                .fetch_one(&mut *tx)
                .await?;
                let v = item_version(&row)?;
                tx.commit().await?;
                Ok(v)
            }

            async fn load_calendar(
                &self,
                years: &std::collections::BTreeSet<i32>,
                days: &[bianli_domain::calendar::SpecialDay],
                actor: &str,
                at: DateTime<Utc>,
            ) -> Result<()> {
                use chrono::Datelike;
                if let Some(d) = days.iter().find(|d| !years.contains(&d.date.year())) {
                    return Err(StoreError::Invalid(bianli_domain::Invalid::one(
                        "date",
                        format!("{}不在本次载入的年份内", d.date),
                    )));
                }
                let mut tx = self.begin_write().await?;
                for &year in years {
                    let (Some(first), Some(last)) = (
                        NaiveDate::from_ymd_opt(year, 1, 1),
                        NaiveDate::from_ymd_opt(year, 12, 31),
                    ) else {
                        return Err(StoreError::Invalid(bianli_domain::Invalid::one(
                            "year",
                            format!("{year}不是有效年份"),
                        )));
                    };
                    sqlx::query("DELETE FROM calendar_days WHERE day >= $1 AND day <= $2")
                        .bind(first)
                        .bind(last)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query(
                        "INSERT INTO calendar_years (year, loaded_at) VALUES ($1, $2) \
                         ON CONFLICT (year) DO UPDATE SET loaded_at = excluded.loaded_at",
                    )
                    .bind(year)
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
                }
                for chunk in days.chunks(CHUNK) {
                    let mut qb = QueryBuilder::<$db>::new(
                        "INSERT INTO calendar_days (day, kind, name, name_zh) ",
                    );
                    qb.push_values(chunk, |mut b, d| {
                        b.push_bind(d.date)
                            .push_bind(d.kind.as_str())
                            .push_bind(d.name.clone())
                            .push_bind(d.name_zh.clone());
                    });
                    qb.build().execute(&mut *tx).await?;
                }
                let e = sql::calendar_loaded_event(years, days, actor);
                write_event(&mut tx, &e, at).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn calendar(&self) -> Result<CalendarRows> {
                let years = sqlx::query("SELECT year, loaded_at FROM calendar_years ORDER BY year")
                    .fetch_all(&self.pool)
                    .await?
                    .iter()
                    .map(|r| Ok(LoadedYear { year: r.try_get("year")?, loaded_at: r.try_get("loaded_at")? }))
                    .collect::<Result<Vec<_>>>()?;
                let days = sqlx::query("SELECT day, kind, name, name_zh FROM calendar_days ORDER BY day")
                    .fetch_all(&self.pool)
                    .await?
                    .iter()
                    .map(|r| {
                        Ok(bianli_domain::calendar::SpecialDay {
                            date: r.try_get("day")?,
                            kind: sql::day_kind(&r.try_get::<String, _>("kind")?)?,
                            name: r.try_get("name")?,
                            name_zh: r.try_get("name_zh")?,
                        })
                    })
                    .collect::<Result<Vec<_>>>()?;
                Ok(CalendarRows { years, days })
            }

            async fn create_account(&self, a: &NewAccount, at: DateTime<Utc>) -> Result<AccountRow> {
                let mut tx = self.begin_write().await?;
                let row = sqlx::query(
                    "INSERT INTO identity_accounts (username, kind, display_name, id_number, uscc, employee_no, \
                       password_hash, role, department_id, division, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *",
                )
                .bind(&a.username)
                .bind(a.kind.as_str())
                .bind(&a.display_name)
                .bind(&a.id_number)
                .bind(&a.uscc)
                .bind(&a.employee_no)
                .bind(&a.password_hash)
                .bind(a.role.as_str())
                .bind(a.department_id)
                .bind(&a.division)
                .bind(at)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| sql::unique_violation(e, &["id_number", "uscc", "employee_no", "username"]))?;
                let acc = account(&row)?;
                // The public log carries the account id and role, never the name or number.
                let e = NewEvent::new(
                    "identity",
                    "account.created",
                    format!("account:{}", acc.id),
                    format!("account:{}", acc.id),
                    serde_json::json!({"kind": a.kind.as_str(), "role": a.role.as_str(),
                        "department_id": a.department_id}),
                );
                write_event(&mut tx, &e, at).await?;
                tx.commit().await?;
                Ok(acc)
            }

            async fn account_by_username(&self, username: &str) -> Result<Option<AccountRow>> {
                sqlx::query("SELECT * FROM identity_accounts WHERE username = $1")
                    .bind(username)
                    .fetch_optional(&self.pool)
                    .await?
                    .as_ref()
                    .map(account)
                    .transpose()
            }

            async fn create_session(
                &self,
                token_hash: &str,
                account_id: i64,
                at: DateTime<Utc>,
                expires_at: DateTime<Utc>,
            ) -> Result<()> {
                sqlx::query(
                    "INSERT INTO identity_sessions (token_hash, account_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
                )
                .bind(token_hash)
                .bind(account_id)
                .bind(at)
                .bind(expires_at)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn session_account(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<AccountRow>> {
                sqlx::query(
                    "SELECT a.* FROM identity_sessions s JOIN identity_accounts a ON a.id = s.account_id \
                     WHERE s.token_hash = $1 AND s.expires_at > $2",
                )
                .bind(token_hash)
                .bind(now)
                .fetch_optional(&self.pool)
                .await?
                .as_ref()
                .map(account)
                .transpose()
            }

            async fn delete_session(&self, token_hash: &str) -> Result<()> {
                sqlx::query("DELETE FROM identity_sessions WHERE token_hash = $1")
                    .bind(token_hash)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn events(&self, after_seq: i64, limit: i64) -> Result<Vec<EventRow>> {
                read_events(&self.pool, "TRUE", after_seq, limit).await
            }

            async fn serial_events(&self, after_seq: i64, limit: i64) -> Result<Vec<EventRow>> {
                read_events(&self.pool, sql::SERIAL_CONTEXTS, after_seq, limit).await
            }

            async fn last_serial_seq(&self) -> Result<i64> {
                Ok(sqlx::query_scalar(AssertSqlSafe(format!(
                    "SELECT CAST(COALESCE(MAX(seq), 0) AS BIGINT) FROM events WHERE {}",
                    sql::SERIAL_CONTEXTS
                )))
                .fetch_one(&self.pool)
                .await?)
            }

            async fn idempotency_start(
                &self,
                account_id: i64,
                key: &str,
                method: &str,
                path: &str,
                at: DateTime<Utc>,
            ) -> Result<IdempotencyStart> {
                let claimed = sqlx::query(
                    "INSERT INTO idempotency (account_id, key, method, path, status, body, created_at) \
                     VALUES ($1, $2, $3, $4, 0, '', $5) ON CONFLICT (account_id, key) DO NOTHING",
                )
                .bind(account_id)
                .bind(key)
                .bind(method)
                .bind(path)
                .bind(at)
                .execute(&self.pool)
                .await?
                .rows_affected();
                if claimed == 1 {
                    return Ok(IdempotencyStart::Started);
                }
                let row = sqlx::query("SELECT method, path, status, body FROM idempotency WHERE account_id = $1 AND key = $2")
                    .bind(account_id)
                    .bind(key)
                    .fetch_one(&self.pool)
                    .await?;
                let status: i64 = row.try_get("status")?;
                if status == 0 {
                    return Ok(IdempotencyStart::InProgress);
                }
                Ok(IdempotencyStart::Done {
                    method: row.try_get("method")?,
                    path: row.try_get("path")?,
                    status: u16::try_from(status).unwrap_or(500),
                    body: row.try_get("body")?,
                })
            }

            async fn idempotency_finish(&self, account_id: i64, key: &str, status: u16, body: &str) -> Result<()> {
                sqlx::query("UPDATE idempotency SET status = $1, body = $2 WHERE account_id = $3 AND key = $4")
                    .bind(i64::from(status))
                    .bind(body)
                    .bind(account_id)
                    .bind(key)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn idempotency_abort(&self, account_id: i64, key: &str) -> Result<()> {
                sqlx::query("DELETE FROM idempotency WHERE account_id = $1 AND key = $2 AND status = 0")
                    .bind(account_id)
                    .bind(key)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn last_event_seq(&self) -> Result<i64> {
                Ok(sqlx::query_scalar("SELECT CAST(COALESCE(MAX(seq), 0) AS BIGINT) FROM events")
                    .fetch_one(&self.pool)
                    .await?)
            }

            async fn decree_codes(&self, decree_id: i64) -> Result<Vec<String>> {
                Ok(sqlx::query_scalar(
                    "SELECT DISTINCT code FROM catalog_items WHERE started_by = $1 OR ended_by = $1 ORDER BY code",
                )
                .bind(decree_id)
                .fetch_all(&self.pool)
                .await?)
            }
        }

        fn diff_kind(s: &str) -> DiffKind {
            match s {
                "added" => DiffKind::Added,
                "removed" => DiffKind::Removed,
                _ => DiffKind::Changed,
            }
        }
    };
}

pub(crate) use impl_store;
