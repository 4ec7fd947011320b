//! The `cases` SQL, written once for both drivers like `impl_store!`, and
//! stamped out inside the driver's module after it (it uses that module's
//! `write_event`).

macro_rules! impl_case_store {
    ($store:ty, $db:ty) => {
        mod case_store {
            use async_trait::async_trait;
            use bianli_domain::cases::{
                CardKind, Case, CaseNumber, Certificate, FollowUp, NewCase, Rating, Score,
                VerificationCode, Workflow,
            };
            use bianli_domain::catalog::{Channel, ItemCode};
            use chrono::{DateTime, Utc};
            use sqlx::types::Json;
            use sqlx::{QueryBuilder, Row};

            use super::write_event;
            use crate::cases::{
                CardRow, CaseChange, CaseQueue, CaseStore, DepartmentRatings, ItemRatings,
                OpenVerification, RatingFilter, RatingStats, StoredCase, VerificationFilter,
            };
            use crate::{Result, StoreError};

            type DbRow = <$db as sqlx::Database>::Row;

            const CASE_COLS: &str = "id, revision, body";

            fn stored(row: &DbRow) -> Result<StoredCase> {
                let Json(case): Json<Case> = row.try_get("body")?;
                Ok(StoredCase {
                    id: row.try_get("id")?,
                    revision: row.try_get("revision")?,
                    case,
                })
            }

            fn all(rows: Vec<DbRow>) -> Result<Vec<StoredCase>> {
                rows.iter().map(stored).collect()
            }

            /// 告知承诺: the verification's row follows the case, and a
            /// revoked certificate replaces the stored one, with its event.
            async fn commitment_rows(
                tx: &mut Tx,
                id: i64,
                change: &CaseChange<'_>,
                at: DateTime<Utc>,
            ) -> Result<()> {
                if let Some(v) = &change.case.verification {
                    sqlx::query(
                        "INSERT INTO cases_verifications \
                         (case_id, department_id, due, provisional, confirmed, done_on) \
                         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (case_id) DO UPDATE \
                         SET due = excluded.due, provisional = excluded.provisional, \
                         confirmed = excluded.confirmed, done_on = excluded.done_on",
                    )
                    .bind(id)
                    .bind(change.case.department_id)
                    .bind(v.due)
                    .bind(v.provisional)
                    .bind(v.result.as_ref().map(|r| r.confirmed))
                    .bind(v.result.as_ref().map(|r| r.on))
                    .execute(&mut **tx)
                    .await?;
                }
                if let Some(c) = change.revoked {
                    let done = sqlx::query(
                        "UPDATE cases_certificates SET body = $1 WHERE number = $2 AND case_id = $3",
                    )
                    .bind(Json(c))
                    .bind(&c.number)
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
                    if done.rows_affected() != 1 {
                        return Err(StoreError::NotFound(format!("证照{}", c.number)));
                    }
                    let e = crate::cases::sql::revocation_event(c, &change.event.actor);
                    write_event(tx, &e, at).await?;
                }
                Ok(())
            }


            const RATING_COLS: &str = "c.number, r.channel, r.item_code, r.department_id, \
                r.score, r.comment, r.account_id, r.on_day, r.follow_up_due, \
                r.follow_up_provisional, r.answer, r.answered_on";

            /// An unanswered follow-up past its due date; binds `today` after.
            const OVERDUE: &str = "r.follow_up_due IS NOT NULL AND r.answer IS NULL \
                AND r.follow_up_due < ";

            fn bad_row(what: &str, e: impl std::fmt::Display) -> StoreError {
                StoreError::Config(format!("stored rating has a bad {what}: {e}"))
            }

            fn rating_of(row: &DbRow) -> Result<Rating> {
                let number: String = row.try_get("number")?;
                let channel: String = row.try_get("channel")?;
                let item: String = row.try_get("item_code")?;
                let score: i32 = row.try_get("score")?;
                let due: Option<chrono::NaiveDate> = row.try_get("follow_up_due")?;
                Ok(Rating {
                    case_number: CaseNumber::parse(&number).map_err(|e| bad_row("number", e))?,
                    channel: Channel::parse(&channel).map_err(|e| bad_row("channel", e))?,
                    item: ItemCode::parse(&item).map_err(|e| bad_row("item_code", e))?,
                    department_id: row.try_get("department_id")?,
                    score: Score::parse(score.into()).map_err(|e| bad_row("score", e))?,
                    comment: row.try_get("comment")?,
                    by: row.try_get("account_id")?,
                    on: row.try_get("on_day")?,
                    follow_up: match due {
                        Some(due) => Some(FollowUp {
                            due,
                            provisional: row.try_get("follow_up_provisional")?,
                            answer: row.try_get("answer")?,
                            answered_on: row.try_get("answered_on")?,
                        }),
                        None => None,
                    },
                })
            }

            /// Count, average, 差评, open and overdue follow-ups of one group.
            fn counts(row: &DbRow) -> Result<(i64, f64, i64, i64, i64)> {
                let n: i64 = row.try_get("n")?;
                let total: i64 = row.try_get("total")?;
                #[allow(clippy::cast_precision_loss)]
                let average = if n == 0 { 0.0 } else { total as f64 / n as f64 };
                Ok((
                    n,
                    average,
                    row.try_get("bad")?,
                    row.try_get("open")?,
                    row.try_get("overdue")?,
                ))
            }

            type Tx = super::CaseTx;

            async fn insert_cards(
                tx: &mut Tx,
                id: i64,
                case: &Case,
                cards: &[crate::cases::NewCard],
                at: DateTime<Utc>,
            ) -> Result<usize> {
                let mut added = 0;
                    for card in cards {
                        let new = sqlx::query(
                            "INSERT INTO cases_cards (case_id, step, kind, department_id, assignee, \
                             on_day, at, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                             ON CONFLICT (case_id, step, kind) DO NOTHING",
                        )
                        .bind(id)
                        .bind(i64::try_from(card.step).unwrap_or(i64::MAX))
                        .bind(card.kind.as_str())
                        .bind(card.department_id)
                        .bind(card.assignee)
                        .bind(card.on)
                        .bind(at)
                        .bind(&card.reason)
                        .execute(&mut **tx)
                        .await?;
                        if new.rows_affected() == 1 {
                            added += 1;
                            let e = crate::cases::sql::card_event(case, card);
                            write_event(tx, &e, at).await?;
                        }
                    }
                Ok(added)
            }

            /// Files submissions in one go, in the order given: each
            /// (division, day)'s serial advanced once for all its cases,
            /// the case rows and their `case.submitted` events each one
            /// multi-row statement. Any error fails them all (the caller
            /// rolls back and may retry them one by one).
            pub(crate) async fn insert_cases(
                tx: &mut Tx,
                batch: &[crate::cases::Submission],
            ) -> Result<Vec<StoredCase>> {
                let mut days: Vec<((String, chrono::NaiveDate), i64)> = Vec::new();
                for s in batch {
                    let key = (s.new.item().division.as_str().to_string(), s.new.received_on());
                    match days.iter_mut().find(|(k, _)| *k == key) {
                        Some((_, n)) => *n += 1,
                        None => days.push((key, 1)),
                    }
                }
                // The upsert locks the serial rows in this order; batches in
                // flight side by side (PostgreSQL) must take them in the
                // same order, or two could each wait on the other's row.
                days.sort_unstable_by(|(a, _), (b, _)| a.cmp(b));
                let mut serials = QueryBuilder::<$db>::new(
                    "INSERT INTO cases_serials (division, day, last) ",
                );
                serials.push_values(&days, |mut b, ((division, day), n)| {
                    b.push_bind(division.as_str()).push_bind(*day).push_bind(*n);
                });
                serials.push(
                    " ON CONFLICT (division, day) DO UPDATE \
                     SET last = cases_serials.last + excluded.last \
                     RETURNING division, day, last",
                );
                // The next serial of each day: its last minus what this batch takes.
                let mut next: Vec<((String, chrono::NaiveDate), i64)> = Vec::new();
                for row in serials.build().fetch_all(&mut **tx).await? {
                    let key: (String, chrono::NaiveDate) = (row.try_get("division")?, row.try_get("day")?);
                    let last: i64 = row.try_get("last")?;
                    let taken = days.iter().find(|(k, _)| *k == key).map_or(0, |(_, n)| *n);
                    next.push((key, last - taken + 1));
                }
                let mut cases = Vec::with_capacity(batch.len());
                for s in batch {
                    let key = (s.new.item().division.as_str().to_string(), s.new.received_on());
                    let slot = next
                        .iter_mut()
                        .find(|(k, _)| *k == key)
                        .ok_or_else(|| StoreError::Config(format!("no serial returned for {key:?}")))?;
                    let serial = u32::try_from(slot.1).unwrap_or(u32::MAX);
                    slot.1 += 1;
                    let number = CaseNumber::new(&s.new.item().division, s.new.received_on(), serial)
                        .map_err(StoreError::Invalid)?;
                    let case = s.new.to_case(number, s.code.clone());
                    cases.push((case, s.actor.as_str(), s.at));
                }
                // The events first: each seq goes into the timeline entry it records.
                let events: Vec<_> = cases
                    .iter()
                    .map(|(case, actor, at)| (crate::cases::sql::submitted_event(case, actor), *at))
                    .collect();
                let refs: Vec<_> = events.iter().map(|(e, at)| (e, *at)).collect();
                let seqs = super::write_events(tx, &refs).await?;
                for ((case, _, _), seq) in cases.iter_mut().zip(seqs) {
                    case.record(case.timeline.len(), seq);
                }
                let mut rows = QueryBuilder::<$db>::new(
                    "INSERT INTO cases_cases (number, item_code, department_id, division, \
                     applicant_account_id, channel, stage, holder_role, assignee, received_on, \
                     promised_due, revision, submitted_at, updated_at, body) ",
                );
                rows.push_values(&cases, |mut b, (case, _, at)| {
                    b.push_bind(case.number.as_str())
                        .push_bind(case.item.to_string())
                        .push_bind(case.department_id)
                        .push_bind(case.division.as_str())
                        .push_bind(case.applicant.account_id)
                        .push_bind(case.channel.as_str())
                        .push_bind(case.stage.as_str())
                        .push_bind(case.holder_role().map(|r| r.as_str()))
                        .push_bind(None::<i64>)
                        .push_bind(case.received_on)
                        .push_bind(None::<chrono::NaiveDate>)
                        .push_bind(1_i64)
                        .push_bind(*at)
                        .push_bind(*at)
                        .push_bind(Json(case));
                });
                rows.push(" RETURNING id, number");
                let mut ids = std::collections::HashMap::with_capacity(cases.len());
                for row in rows.build().fetch_all(&mut **tx).await? {
                    ids.insert(row.try_get::<String, _>("number")?, row.try_get::<i64, _>("id")?);
                }
                cases
                    .into_iter()
                    .map(|(case, _, _)| {
                        let id = ids.get(case.number.as_str()).copied().ok_or_else(|| {
                            StoreError::Config(format!("no id returned for case {}", case.number))
                        })?;
                        Ok(StoredCase { id, revision: 1, case })
                    })
                    .collect()
            }

            #[async_trait]
            impl CaseStore for $store {
                async fn record_cards(
                    &self,
                    id: i64,
                    case: &Case,
                    cards: &[crate::cases::NewCard],
                    at: DateTime<Utc>,
                ) -> Result<usize> {
                    let mut tx = self.begin_cases().await?;
                    let added = insert_cards(&mut tx, id, case, cards, at).await?;
                    tx.commit().await?;
                    Ok(added)
                }

                async fn create_case(
                    &self,
                    new: NewCase,
                    code: VerificationCode,
                    actor: &str,
                    at: DateTime<Utc>,
                ) -> Result<StoredCase> {
                    self.submit(crate::cases::Submission {
                        new,
                        code,
                        actor: actor.to_string(),
                        at,
                    })
                    .await
                }

                async fn case(&self, number: &CaseNumber) -> Result<Option<StoredCase>> {
                    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
                        "SELECT {CASE_COLS} FROM cases_cases WHERE number = $1"
                    )))
                    .bind(number.as_str())
                    .fetch_optional(&self.pool)
                    .await?;
                    row.as_ref().map(stored).transpose()
                }

                async fn save_case(
                    &self,
                    id: i64,
                    revision: i64,
                    change: CaseChange<'_>,
                    at: DateTime<Utc>,
                ) -> Result<i64> {
                    let mut tx = self.begin_cases().await?;
                    // The event first: its seq goes into the timeline it
                    // records. A revision conflict below rolls both back.
                    let seq = write_event(&mut tx, &change.event, at).await?;
                    change.case.record(change.logged, seq);
                    let case = &*change.case;
                    let done = sqlx::query(
                        "UPDATE cases_cases SET stage = $1, holder_role = $2, assignee = $3, \
                         promised_due = $4, received_on = $5, revision = revision + 1, \
                         updated_at = $6, body = $7 WHERE id = $8 AND revision = $9",
                    )
                    .bind(case.stage.as_str())
                    .bind(case.holder_role().map(|r| r.as_str()))
                    .bind(case.current().and_then(|s| s.assignee))
                    .bind(case.dues.map(|d| d.promised))
                    .bind(case.received_on)
                    .bind(at)
                    .bind(Json(case))
                    .bind(id)
                    .bind(revision)
                    .execute(&mut *tx)
                    .await?;
                    if done.rows_affected() != 1 {
                        return Err(StoreError::conflict(
                            "revision",
                            "办件在您查看期间已有变化，请刷新后重试",
                        ));
                    }
                    insert_cards(&mut tx, id, case, change.cards, at).await?;
                    if let Some(c) = change.certificate {
                        sqlx::query(
                            "INSERT INTO cases_certificates (number, case_id, body) VALUES ($1, $2, $3)",
                        )
                        .bind(&c.number)
                        .bind(id)
                        .bind(Json(c))
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| crate::sql::unique_violation(e, &["number", "case_id"]))?;
                        let e = crate::cases::sql::certificate_event(c, &change.event.actor);
                        write_event(&mut tx, &e, at).await?;
                    }
                    commitment_rows(&mut tx, id, &change, at).await?;
                    tx.commit().await?;
                    Ok(revision + 1)
                }

                async fn cases_of_applicant(
                    &self,
                    account_id: i64,
                    limit: i64,
                ) -> Result<Vec<StoredCase>> {
                    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                        "SELECT {CASE_COLS} FROM cases_cases WHERE applicant_account_id = $1 \
                         ORDER BY id DESC LIMIT $2"
                    )))
                    .bind(account_id)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?;
                    all(rows)
                }

                async fn case_queue(&self, q: &CaseQueue) -> Result<Vec<StoredCase>> {
                    let mut qb = QueryBuilder::<$db>::new(format!(
                        "SELECT {CASE_COLS} FROM cases_cases WHERE department_id = "
                    ));
                    qb.push_bind(q.department_id);
                    if !q.stages.is_empty() {
                        qb.push(" AND stage IN (");
                        let mut sep = qb.separated(", ");
                        for s in &q.stages {
                            sep.push_bind(*s);
                        }
                        qb.push(")");
                    }
                    if let Some(r) = q.holder_role {
                        qb.push(" AND holder_role = ").push_bind(r.as_str());
                    }
                    qb.push(" AND id > ").push_bind(q.after_id);
                    qb.push(" ORDER BY id LIMIT ").push_bind(q.limit);
                    all(qb.build().fetch_all(&self.pool).await?)
                }

                async fn running_cases(&self, after_id: i64, limit: i64) -> Result<Vec<StoredCase>> {
                    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                        "SELECT {CASE_COLS} FROM cases_cases \
                         WHERE stage IN ('submitted', 'working') AND id > $1 ORDER BY id LIMIT $2"
                    )))
                    .bind(after_id)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?;
                    all(rows)
                }

                async fn cards(&self, department_id: Option<i64>, limit: i64) -> Result<Vec<CardRow>> {
                    let mut qb = QueryBuilder::<$db>::new(
                        "SELECT c.number, k.step, k.kind, k.department_id, k.assignee, k.on_day, \
                         k.reason FROM cases_cards k JOIN cases_cases c ON c.id = k.case_id",
                    );
                    if let Some(d) = department_id {
                        qb.push(" WHERE k.department_id = ").push_bind(d);
                    }
                    qb.push(" ORDER BY k.at DESC, c.number LIMIT ").push_bind(limit);
                    let rows = qb.build().fetch_all(&self.pool).await?;
                    rows.iter()
                        .map(|r| {
                            let kind: String = r.try_get("kind")?;
                            Ok(CardRow {
                                case_number: r.try_get("number")?,
                                step: r.try_get("step")?,
                                kind: CardKind::parse(&kind).ok_or_else(|| {
                                    StoreError::Config(format!("unknown card kind {kind}"))
                                })?,
                                department_id: r.try_get("department_id")?,
                                assignee: r.try_get("assignee")?,
                                on: r.try_get("on_day")?,
                                reason: r.try_get("reason")?,
                            })
                        })
                        .collect()
                }

                async fn certificate(&self, number: &str) -> Result<Option<Certificate>> {
                    let row = sqlx::query("SELECT body FROM cases_certificates WHERE number = $1")
                        .bind(number)
                        .fetch_optional(&self.pool)
                        .await?;
                    match row {
                        Some(r) => {
                            let Json(c): Json<Certificate> = r.try_get("body")?;
                            Ok(Some(c))
                        }
                        None => Ok(None),
                    }
                }

                async fn workflow(&self, item_code: &str) -> Result<Option<Workflow>> {
                    let row = sqlx::query("SELECT steps FROM cases_workflows WHERE item_code = $1")
                        .bind(item_code)
                        .fetch_optional(&self.pool)
                        .await?;
                    match row {
                        Some(r) => {
                            let Json(steps) = r.try_get("steps")?;
                            Ok(Some(Workflow { steps }))
                        }
                        None => Ok(None),
                    }
                }

                async fn put_workflow(
                    &self,
                    item_code: &str,
                    workflow: &Workflow,
                    actor: &str,
                    at: DateTime<Utc>,
                ) -> Result<()> {
                    let mut tx = self.begin_cases().await?;
                    sqlx::query(
                        "INSERT INTO cases_workflows (item_code, steps, updated_at) VALUES ($1, $2, $3) \
                         ON CONFLICT (item_code) DO UPDATE SET steps = excluded.steps, \
                         updated_at = excluded.updated_at",
                    )
                    .bind(item_code)
                    .bind(Json(&workflow.steps))
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
                    let e = bianli_domain::event::NewEvent::new(
                        "cases",
                        "workflow.set",
                        item_code.to_string(),
                        actor,
                        serde_json::json!({ "steps": workflow.steps.len() }),
                    );
                    write_event(&mut tx, &e, at).await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn put_rating(
                    &self,
                    case_id: i64,
                    rating: &Rating,
                    actor: &str,
                    at: DateTime<Utc>,
                ) -> Result<()> {
                    let mut tx = self.begin_cases().await?;
                    sqlx::query(
                        "INSERT INTO cases_ratings (case_id, channel, score, comment, account_id, \
                         department_id, item_code, on_day, at, follow_up_due, \
                         follow_up_provisional) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                    )
                    .bind(case_id)
                    .bind(rating.channel.as_str())
                    .bind(i32::from(rating.score.get()))
                    .bind(rating.comment.as_deref())
                    .bind(rating.by)
                    .bind(rating.department_id)
                    .bind(rating.item.to_string())
                    .bind(rating.on)
                    .bind(at)
                    .bind(rating.follow_up.as_ref().map(|f| f.due))
                    .bind(rating.follow_up.as_ref().is_some_and(|f| f.provisional))
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| match crate::sql::unique_violation(e, &["channel"]) {
                        StoreError::Conflict { .. } => StoreError::conflict(
                            "channel",
                            "该办件已就其申报渠道评价过，不能重复评价",
                        ),
                        other => other,
                    })?;
                    let e = crate::cases::sql::rating_event(rating, "rating.given", actor);
                    write_event(&mut tx, &e, at).await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn rating(&self, case_id: i64, channel: Channel) -> Result<Option<Rating>> {
                    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
                        "SELECT {RATING_COLS} FROM cases_ratings r \
                         JOIN cases_cases c ON c.id = r.case_id \
                         WHERE r.case_id = $1 AND r.channel = $2"
                    )))
                    .bind(case_id)
                    .bind(channel.as_str())
                    .fetch_optional(&self.pool)
                    .await?;
                    row.as_ref().map(rating_of).transpose()
                }

                async fn answer_follow_up(
                    &self,
                    case_id: i64,
                    rating: &Rating,
                    actor: &str,
                    at: DateTime<Utc>,
                ) -> Result<()> {
                    let Some(f) = rating.follow_up.as_ref() else {
                        return Err(StoreError::conflict("state", "没有需要回复的整改"));
                    };
                    let mut tx = self.begin_cases().await?;
                    let done = sqlx::query(
                        "UPDATE cases_ratings SET answer = $1, answered_on = $2 \
                         WHERE case_id = $3 AND channel = $4 \
                         AND follow_up_due IS NOT NULL AND answer IS NULL",
                    )
                    .bind(f.answer.as_deref())
                    .bind(f.answered_on)
                    .bind(case_id)
                    .bind(rating.channel.as_str())
                    .execute(&mut *tx)
                    .await?;
                    if done.rows_affected() != 1 {
                        return Err(StoreError::conflict(
                            "answer",
                            "该整改已由他人回复",
                        ));
                    }
                    let e = crate::cases::sql::rating_event(rating, "rating.answered", actor);
                    write_event(&mut tx, &e, at).await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn ratings(&self, f: &RatingFilter) -> Result<Vec<Rating>> {
                    let mut qb = QueryBuilder::<$db>::new(format!(
                        "SELECT {RATING_COLS} FROM cases_ratings r \
                         JOIN cases_cases c ON c.id = r.case_id WHERE 1 = 1"
                    ));
                    if let Some(d) = f.department_id {
                        qb.push(" AND r.department_id = ").push_bind(d);
                    }
                    match f.overdue {
                        None => {}
                        Some(true) => {
                            qb.push(format!(" AND {OVERDUE}")).push_bind(f.today);
                        }
                        Some(false) => {
                            qb.push(format!(" AND NOT ({OVERDUE}")).push_bind(f.today).push(")");
                        }
                    }
                    qb.push(
                        " ORDER BY CASE WHEN r.follow_up_due IS NOT NULL AND r.answer IS NULL \
                         THEN 0 ELSE 1 END, r.follow_up_due, r.at DESC, c.number LIMIT ",
                    )
                    .push_bind(f.limit);
                    let rows = qb.build().fetch_all(&self.pool).await?;
                    rows.iter().map(rating_of).collect()
                }

                async fn rating_stats(
                    &self,
                    department_id: Option<i64>,
                    today: chrono::NaiveDate,
                ) -> Result<RatingStats> {
                    let tally = |key: &str| {
                        let mut qb = QueryBuilder::<$db>::new(format!(
                            "SELECT {key} AS k, COUNT(*) AS n, SUM(score) AS total, \
                             SUM(CASE WHEN score <= 2 THEN 1 ELSE 0 END) AS bad, \
                             SUM(CASE WHEN follow_up_due IS NOT NULL AND answer IS NULL \
                             THEN 1 ELSE 0 END) AS open, SUM(CASE WHEN {OVERDUE}"
                        ));
                        qb.push_bind(today)
                            .push(" THEN 1 ELSE 0 END) AS overdue FROM cases_ratings r");
                        if let Some(d) = department_id {
                            qb.push(" WHERE department_id = ").push_bind(d);
                        }
                        qb.push(format!(" GROUP BY {key} ORDER BY {key}"));
                        qb
                    };
                    let mut items = Vec::new();
                    for r in tally("item_code").build().fetch_all(&self.pool).await? {
                        let (count, average, bad, open, overdue) = counts(&r)?;
                        items.push(ItemRatings {
                            item_code: r.try_get("k")?,
                            count,
                            average,
                            bad,
                            open,
                            overdue,
                        });
                    }
                    let mut departments = Vec::new();
                    for r in tally("department_id").build().fetch_all(&self.pool).await? {
                        let (count, average, bad, open, overdue) = counts(&r)?;
                        departments.push(DepartmentRatings {
                            department_id: r.try_get("k")?,
                            count,
                            average,
                            bad,
                            open,
                            overdue,
                        });
                    }
                    Ok(RatingStats { items, departments })
                }

                async fn provisional_follow_ups(
                    &self,
                    after_case_id: i64,
                    limit: i64,
                ) -> Result<Vec<(i64, Rating)>> {
                    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                        "SELECT r.case_id, {RATING_COLS} FROM cases_ratings r \
                         JOIN cases_cases c ON c.id = r.case_id \
                         WHERE r.follow_up_provisional AND r.case_id > $1 \
                         ORDER BY r.case_id LIMIT $2"
                    )))
                    .bind(after_case_id)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|r| Ok((r.try_get("case_id")?, rating_of(r)?)))
                        .collect()
                }

                async fn recount_follow_up(
                    &self,
                    case_id: i64,
                    rating: &Rating,
                    at: DateTime<Utc>,
                ) -> Result<bool> {
                    let Some(f) = rating.follow_up.as_ref() else {
                        return Ok(false);
                    };
                    let mut tx = self.begin_cases().await?;
                    // Only over a still provisional date: a scan that got
                    // there first leaves this one nothing to write.
                    let done = sqlx::query(
                        "UPDATE cases_ratings SET follow_up_due = $1, follow_up_provisional = $2 \
                         WHERE case_id = $3 AND channel = $4 AND follow_up_provisional",
                    )
                    .bind(f.due)
                    .bind(f.provisional)
                    .bind(case_id)
                    .bind(rating.channel.as_str())
                    .execute(&mut *tx)
                    .await?;
                    if done.rows_affected() != 1 {
                        return Ok(false);
                    }
                    let e = crate::cases::sql::rating_event(
                        rating,
                        "rating.follow_up_recounted",
                        "system:clock",
                    );
                    write_event(&mut tx, &e, at).await?;
                    tx.commit().await?;
                    Ok(true)
                }

                async fn provisional_verifications(
                    &self,
                    after_id: i64,
                    limit: i64,
                ) -> Result<Vec<StoredCase>> {
                    let rows = sqlx::query(
                        "SELECT c.id, c.revision, c.body FROM cases_cases c \
                         JOIN cases_verifications v ON v.case_id = c.id \
                         WHERE v.provisional AND v.done_on IS NULL AND c.id > $1 \
                         ORDER BY c.id LIMIT $2",
                    )
                    .bind(after_id)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?;
                    all(rows)
                }

                async fn open_verifications(
                    &self,
                    f: &VerificationFilter,
                ) -> Result<Vec<OpenVerification>> {
                    let mut qb = QueryBuilder::<$db>::new(
                        "SELECT c.number, c.item_code, v.department_id, c.division, v.due, \
                         v.provisional FROM cases_verifications v \
                         JOIN cases_cases c ON c.id = v.case_id WHERE v.done_on IS NULL",
                    );
                    if let Some(code) = &f.division {
                        qb.push(
                            " AND c.division IN (SELECT code FROM catalog_divisions WHERE code = ",
                        )
                        .push_bind(code.clone())
                        .push(" OR parent = ")
                        .push_bind(code.clone())
                        .push(")");
                    }
                    if let Some(d) = f.department_id {
                        qb.push(" AND v.department_id = ").push_bind(d);
                    }
                    qb.push(" ORDER BY v.due, c.number LIMIT ").push_bind(f.limit);
                    let rows = qb.build().fetch_all(&self.pool).await?;
                    rows.iter()
                        .map(|r| {
                            Ok(OpenVerification {
                                case_number: r.try_get("number")?,
                                item_code: r.try_get("item_code")?,
                                department_id: r.try_get("department_id")?,
                                division: r.try_get("division")?,
                                due: r.try_get("due")?,
                                provisional: r.try_get("provisional")?,
                            })
                        })
                        .collect()
                }
            }
        }
    };
}

pub(crate) use impl_case_store;

use bianli_domain::cases::{Case, Certificate};
use bianli_domain::event::NewEvent;

use super::NewCard;

/// Public facts only: the applicant is neither named nor identified.
pub(crate) fn submitted_event(case: &Case, actor: &str) -> NewEvent {
    NewEvent::new(
        "cases",
        "case.submitted",
        format!("case:{}", case.number),
        actor,
        serde_json::json!({
            "item": case.item.to_string(),
            "division": case.division.as_str(),
            "channel": case.channel.as_str(),
            "received_on": case.received_on,
        }),
    )
}

pub(crate) fn card_event(case: &Case, card: &NewCard) -> NewEvent {
    NewEvent::new(
        "cases",
        "case.card",
        format!("case:{}", case.number),
        "system:clock",
        serde_json::json!({
            "kind": card.kind.as_str(),
            "step": card.step,
            "department_id": card.department_id,
            "on": card.on,
        }),
    )
}

pub(crate) fn certificate_event(c: &Certificate, actor: &str) -> NewEvent {
    NewEvent::new(
        "cases",
        "certificate.issued",
        format!("certificate:{}", c.number),
        actor,
        serde_json::json!({
            "case": c.case_number,
            "item": c.item_code,
            "issued_on": c.issued_on,
            "valid_until": c.valid_until,
        }),
    )
}

pub(crate) fn revocation_event(c: &Certificate, actor: &str) -> NewEvent {
    NewEvent::new(
        "cases",
        "certificate.revoked",
        format!("certificate:{}", c.number),
        actor,
        serde_json::json!({ "case": c.case_number, "item": c.item_code }),
    )
}

/// Public facts only: neither the applicant, the comment nor the answer.
pub(crate) fn rating_event(
    r: &bianli_domain::cases::Rating,
    kind: &'static str,
    actor: &str,
) -> NewEvent {
    NewEvent::new(
        "cases",
        kind,
        format!("case:{}", r.case_number),
        actor,
        serde_json::json!({
            "channel": r.channel.as_str(),
            "score": r.score.get(),
            "item": r.item.to_string(),
            "department_id": r.department_id,
            "follow_up_due": r.follow_up.as_ref().map(|f| f.due),
            "answered_on": r.follow_up.as_ref().and_then(|f| f.answered_on),
        }),
    )
}
