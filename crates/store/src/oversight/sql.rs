//! The `oversight` SQL, written once for both drivers and stamped out inside
//! each driver's module (it uses that module's `write_event` and
//! transactions). Every figure is an aggregate here: nothing walks cases in
//! Rust, so the cost is the database's scan of one covering index.

macro_rules! impl_oversight_store {
    ($store:ty, $db:ty) => {
        mod oversight_store {
            use std::collections::BTreeMap;

            use async_trait::async_trait;
            use bianli_domain::cases::CardKind;
            use bianli_domain::event::NewEvent;
            use bianli_domain::oversight::{CardAction, CardState, DayCounts, Tally};
            use chrono::{DateTime, NaiveDate, Utc};
            use sqlx::{QueryBuilder, Row};

            use super::write_event;
            use crate::oversight::{
                CardFilter, Daily, GroupBy, OversightStore, Scope, SupervisedCard,
            };
            use crate::{Result, StoreError};

            type DbRow = <$db as sqlx::Database>::Row;
            type Qb = QueryBuilder<$db>;

            /// How rows are keyed: the SQL of the key, the join it needs and
            /// the rows it leaves out.
            struct Key {
                expr: &'static str,
                join: &'static str,
                cond: &'static str,
                grouped: bool,
            }

            fn key(by: Option<GroupBy>) -> Key {
                match by {
                    None => Key { expr: "'all'", join: "", cond: "", grouped: false },
                    Some(GroupBy::Department) => Key {
                        expr: "CAST(c.department_id AS TEXT)",
                        join: "",
                        cond: "",
                        grouped: true,
                    },
                    Some(GroupBy::City) => Key {
                        expr: "CASE WHEN v.level = 'county' THEN v.parent ELSE v.code END",
                        join: " JOIN catalog_divisions v ON v.code = c.division",
                        cond: "",
                        grouped: true,
                    },
                    Some(GroupBy::Division) => Key {
                        expr: "c.division",
                        join: "",
                        cond: "",
                        grouped: true,
                    },
                    Some(GroupBy::Person) => Key {
                        expr: "CAST(c.assignee AS TEXT)",
                        join: "",
                        cond: " AND c.assignee IS NOT NULL",
                        grouped: true,
                    },
                }
            }

            fn push_scope(qb: &mut Qb, scope: &Scope) {
                match scope {
                    Scope::Province => {}
                    Scope::Division(code) => {
                        qb.push(
                            " AND c.division IN (SELECT code FROM catalog_divisions \
                             WHERE code = ",
                        )
                        .push_bind(code.clone())
                        .push(" OR parent = ")
                        .push_bind(code.clone())
                        .push(")");
                    }
                    Scope::Department(id) => {
                        qb.push(" AND c.department_id = ").push_bind(*id);
                    }
                    Scope::Person(id) => {
                        qb.push(" AND c.assignee = ").push_bind(*id);
                    }
                }
            }

            /// `SELECT key, <select> FROM <from> WHERE <scope> <cond>
            /// [AND <column> < <day>] GROUP BY …`.
            fn build(
                k: &Key,
                select: &str,
                from: &str,
                cond: &str,
                scope: &Scope,
                group_more: Option<&str>,
                before: Option<(&str, NaiveDate)>,
            ) -> Qb {
                let mut qb = Qb::new(format!(
                    "SELECT {} AS k, {select} FROM {from}{} WHERE 1 = 1{}{cond}",
                    k.expr, k.join, k.cond
                ));
                push_scope(&mut qb, scope);
                if let Some((column, day)) = before {
                    qb.push(format!(" AND {column} < ")).push_bind(day);
                }
                let groups: Vec<&str> = k
                    .grouped
                    .then_some("k")
                    .into_iter()
                    .chain(group_more)
                    .collect();
                if !groups.is_empty() {
                    qb.push(format!(" GROUP BY {}", groups.join(", ")));
                }
                qb
            }

            fn n(row: &DbRow, col: &str) -> Result<i64> {
                Ok(row.try_get::<Option<i64>, _>(col)?.unwrap_or(0))
            }

            const CASE_COUNTS: &str = "COUNT(*) AS received, \
                SUM(CASE WHEN c.completed_on IS NOT NULL THEN 1 ELSE 0 END) AS completed, \
                SUM(CASE WHEN c.completed_on IS NOT NULL AND c.promised_due IS NOT NULL \
                    THEN 1 ELSE 0 END) AS timed, \
                SUM(CASE WHEN c.completed_on IS NOT NULL AND c.completed_on <= c.promised_due \
                    THEN 1 ELSE 0 END) AS on_time, \
                SUM(CASE WHEN c.promised_days = 0 THEN 1 ELSE 0 END) AS instant";

            /// The item version in force the day the case was received.
            const ITEM_JOIN: &str = "cases_cases c JOIN catalog_items i ON i.code = c.item_code \
                AND i.valid_from <= c.received_on \
                AND (i.valid_to IS NULL OR i.valid_to > c.received_on)";

            const RATING_COUNTS: &str = "COUNT(*) AS n, \
                SUM(CASE WHEN r.score >= 4 THEN 1 ELSE 0 END) AS good, \
                SUM(CASE WHEN r.follow_up_due IS NOT NULL AND r.answer IS NULL \
                    THEN 1 ELSE 0 END) AS open";

            const CARD_COUNTS: &str = "SUM(CASE WHEN x.kind = 'yellow' THEN 1 ELSE 0 END) AS yellow, \
                SUM(CASE WHEN x.kind = 'red' THEN 1 ELSE 0 END) AS red";

            impl $store {
                async fn grouped(
                    &self,
                    scope: &Scope,
                    by: Option<GroupBy>,
                    today: NaiveDate,
                ) -> Result<BTreeMap<String, Tally>> {
                    let k = key(by);
                    let mut out: BTreeMap<String, Tally> = BTreeMap::new();
                    let rows = build(&k, CASE_COUNTS, "cases_cases c", "", scope, None, None)
                        .build()
                        .fetch_all(&self.pool)
                        .await?;
                    for r in &rows {
                        let received = n(r, "received")?;
                        if received == 0 {
                            continue;
                        }
                        let t = out.entry(r.try_get("k")?).or_default();
                        t.received = received;
                        t.completed = n(r, "completed")?;
                        t.timed = n(r, "timed")?;
                        t.on_time = n(r, "on_time")?;
                        t.instant = n(r, "instant")?;
                    }
                    let rows = build(
                        &k,
                        "c.channel AS ch, COUNT(*) AS n, \
                         SUM(CASE WHEN c.completed_on IS NOT NULL THEN 1 ELSE 0 END) AS done",
                        "cases_cases c",
                        "",
                        scope,
                        Some("c.channel"),
                        None,
                    )
                    .build()
                    .fetch_all(&self.pool)
                    .await?;
                    for r in &rows {
                        let t = out.entry(r.try_get("k")?).or_default();
                        let ch: String = r.try_get("ch")?;
                        t.completed_channels.insert(ch.clone(), n(r, "done")?);
                        t.channels.insert(ch, n(r, "n")?);
                    }
                    let rows = build(&k, "COUNT(*) AS n", ITEM_JOIN, " AND i.visits = 0", scope, None, None)
                        .build()
                        .fetch_all(&self.pool)
                        .await?;
                    for r in &rows {
                        let zero = n(r, "n")?;
                        if zero > 0 {
                            out.entry(r.try_get("k")?).or_default().zero_trip = zero;
                        }
                    }
                    let rows = build(
                        &k,
                        RATING_COUNTS,
                        "cases_ratings r JOIN cases_cases c ON c.id = r.case_id",
                        "",
                        scope,
                        None,
                        None,
                    )
                    .build()
                    .fetch_all(&self.pool)
                    .await?;
                    for r in &rows {
                        let ratings = n(r, "n")?;
                        if ratings == 0 {
                            continue;
                        }
                        let t = out.entry(r.try_get("k")?).or_default();
                        t.ratings = ratings;
                        t.good = n(r, "good")?;
                        t.open_follow_ups = n(r, "open")?;
                    }
                    let rows = build(
                        &k,
                        "COUNT(*) AS n",
                        "cases_ratings r JOIN cases_cases c ON c.id = r.case_id",
                        " AND r.follow_up_due IS NOT NULL AND r.answer IS NULL",
                        scope,
                        None,
                        Some(("r.follow_up_due", today)),
                    )
                    .build()
                    .fetch_all(&self.pool)
                    .await?;
                    for r in &rows {
                        let overdue = n(r, "n")?;
                        if overdue > 0 {
                            out.entry(r.try_get("k")?).or_default().overdue_follow_ups = overdue;
                        }
                    }
                    let rows = build(
                        &k,
                        CARD_COUNTS,
                        "cases_cards x JOIN cases_cases c ON c.id = x.case_id",
                        "",
                        scope,
                        None,
                        None,
                    )
                    .build()
                    .fetch_all(&self.pool)
                    .await?;
                    for r in &rows {
                        let (yellow, red) = (n(r, "yellow")?, n(r, "red")?);
                        if yellow + red == 0 {
                            continue;
                        }
                        let t = out.entry(r.try_get("k")?).or_default();
                        t.yellow = yellow;
                        t.red = red;
                    }
                    Ok(out)
                }

                async fn per_day(
                    &self,
                    scope: &Scope,
                    column: &str,
                    cond: &str,
                    since: Option<NaiveDate>,
                ) -> Result<Vec<(NaiveDate, i64)>> {
                    let mut qb = Qb::new(format!(
                        "SELECT {column} AS d, COUNT(*) AS n FROM cases_cases c \
                         WHERE {column} IS NOT NULL{cond}"
                    ));
                    push_scope(&mut qb, scope);
                    if let Some(since) = since {
                        qb.push(format!(" AND {column} >= ")).push_bind(since);
                    }
                    qb.push(format!(" GROUP BY {column}"));
                    let rows = qb.build().fetch_all(&self.pool).await?;
                    rows.iter()
                        .map(|r| Ok((r.try_get("d")?, n(r, "n")?)))
                        .collect()
                }
            }

            const CARD_COLS: &str = "c.number, c.item_code, x.step, x.kind, \
                x.department_id, c.division, x.assignee, x.on_day, x.reason, o.state, \
                o.revision, o.acknowledged_by, o.acknowledged_at, o.explanation, \
                o.explained_by, o.explained_at, o.closed_by, o.closed_at \
                FROM cases_cards x JOIN cases_cases c ON c.id = x.case_id \
                LEFT JOIN oversight_cards o ON o.case_id = x.case_id AND o.step = x.step \
                AND o.kind = x.kind";

            fn bad(what: &str, v: &str) -> StoreError {
                StoreError::Config(format!("stored card has a bad {what}: {v}"))
            }

            fn card_of(r: &DbRow) -> Result<SupervisedCard> {
                let kind: String = r.try_get("kind")?;
                let state: Option<String> = r.try_get("state")?;
                Ok(SupervisedCard {
                    case_number: r.try_get("number")?,
                    item_code: r.try_get("item_code")?,
                    step: r.try_get("step")?,
                    kind: CardKind::parse(&kind).ok_or_else(|| bad("kind", &kind))?,
                    department_id: r.try_get("department_id")?,
                    division: r.try_get("division")?,
                    assignee: r.try_get("assignee")?,
                    on: r.try_get("on_day")?,
                    reason: r.try_get("reason")?,
                    state: match state {
                        None => CardState::Open,
                        Some(s) => CardState::parse("state", &s).map_err(|_| bad("state", &s))?,
                    },
                    revision: r.try_get::<Option<i64>, _>("revision")?.unwrap_or(0),
                    acknowledged_by: r.try_get("acknowledged_by")?,
                    acknowledged_at: r.try_get("acknowledged_at")?,
                    explanation: r.try_get("explanation")?,
                    explained_by: r.try_get("explained_by")?,
                    explained_at: r.try_get("explained_at")?,
                    closed_by: r.try_get("closed_by")?,
                    closed_at: r.try_get("closed_at")?,
                })
            }

            #[async_trait]
            impl OversightStore for $store {
                async fn tally(&self, scope: &Scope, today: NaiveDate) -> Result<Tally> {
                    Ok(self
                        .grouped(scope, None, today)
                        .await?
                        .into_values()
                        .next()
                        .unwrap_or_default())
                }

                async fn tallies(
                    &self,
                    scope: &Scope,
                    by: GroupBy,
                    today: NaiveDate,
                ) -> Result<Vec<(String, Tally)>> {
                    Ok(self.grouped(scope, Some(by), today).await?.into_iter().collect())
                }

                async fn day_counts(&self, scope: &Scope) -> Result<DayCounts> {
                    const DONE: &str = " AND c.completed_on IS NOT NULL \
                        AND c.accepted_on IS NOT NULL AND c.promised_due IS NOT NULL";
                    Ok(DayCounts {
                        accepted: self.per_day(scope, "c.accepted_on", DONE, None).await?,
                        completed: self.per_day(scope, "c.completed_on", DONE, None).await?,
                        due: self.per_day(scope, "c.promised_due", DONE, None).await?,
                    })
                }

                async fn daily(&self, scope: &Scope, since: NaiveDate) -> Result<Daily> {
                    Ok(Daily {
                        received: self.per_day(scope, "c.received_on", "", Some(since)).await?,
                        completed: self.per_day(scope, "c.completed_on", "", Some(since)).await?,
                        on_time: self
                            .per_day(
                                scope,
                                "c.completed_on",
                                " AND c.completed_on <= c.promised_due",
                                Some(since),
                            )
                            .await?,
                    })
                }

                async fn supervised_cards(&self, f: &CardFilter) -> Result<Vec<SupervisedCard>> {
                    let mut qb = Qb::new(format!("SELECT {CARD_COLS} WHERE 1 = 1"));
                    if let Some(d) = f.department_id {
                        qb.push(" AND x.department_id = ").push_bind(d);
                    }
                    if let Some(code) = &f.division {
                        push_scope(&mut qb, &Scope::Division(code.clone()));
                    }
                    if let Some(a) = f.assignee {
                        qb.push(" AND x.assignee = ").push_bind(a);
                    }
                    if let Some(k) = f.kind {
                        qb.push(" AND x.kind = ").push_bind(k.as_str());
                    }
                    match f.state {
                        None => {}
                        Some(CardState::Open) => {
                            qb.push(" AND o.state IS NULL");
                        }
                        Some(s) => {
                            qb.push(" AND o.state = ").push_bind(s.as_str());
                        }
                    }
                    qb.push(" ORDER BY x.at DESC, c.number, x.step, x.kind LIMIT ")
                        .push_bind(f.limit);
                    let rows = qb.build().fetch_all(&self.pool).await?;
                    rows.iter().map(card_of).collect()
                }

                async fn supervised_card(
                    &self,
                    case_number: &str,
                    step: i64,
                    kind: CardKind,
                ) -> Result<Option<SupervisedCard>> {
                    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
                        "SELECT {CARD_COLS} WHERE c.number = $1 AND x.step = $2 AND x.kind = $3"
                    )))
                    .bind(case_number)
                    .bind(step)
                    .bind(kind.as_str())
                    .fetch_optional(&self.pool)
                    .await?;
                    row.as_ref().map(card_of).transpose()
                }

                async fn handle_card(
                    &self,
                    card: &SupervisedCard,
                    action: &CardAction,
                    state: CardState,
                    event: NewEvent,
                    at: DateTime<Utc>,
                ) -> Result<()> {
                    let (by, when) = match action {
                        CardAction::Acknowledge => ("acknowledged_by", "acknowledged_at"),
                        CardAction::Explain(_) => ("explained_by", "explained_at"),
                        CardAction::Close => ("closed_by", "closed_at"),
                    };
                    let explanation = match action {
                        CardAction::Explain(e) => Some(e.as_str().to_string()),
                        _ => None,
                    };
                    let mut tx = self.begin_cases().await?;
                    let done = if card.revision == 0 {
                        sqlx::query(sqlx::AssertSqlSafe(format!(
                            "INSERT INTO oversight_cards (case_id, step, kind, state, revision, \
                             {by}, {when}, explanation) SELECT c.id, $2, $3, $4, 1, $5, $6, $7 \
                             FROM cases_cases c WHERE c.number = $1 \
                             ON CONFLICT (case_id, step, kind) DO NOTHING"
                        )))
                        .bind(&card.case_number)
                        .bind(card.step)
                        .bind(card.kind.as_str())
                        .bind(state.as_str())
                        .bind(&event.actor)
                        .bind(at)
                        .bind(explanation)
                        .execute(&mut *tx)
                        .await?
                    } else {
                        sqlx::query(sqlx::AssertSqlSafe(format!(
                            "UPDATE oversight_cards SET state = $1, revision = revision + 1, \
                             {by} = $2, {when} = $3, explanation = COALESCE($4, explanation) \
                             WHERE case_id = (SELECT id FROM cases_cases WHERE number = $5) \
                             AND step = $6 AND kind = $7 AND revision = $8"
                        )))
                        .bind(state.as_str())
                        .bind(&event.actor)
                        .bind(at)
                        .bind(explanation)
                        .bind(&card.case_number)
                        .bind(card.step)
                        .bind(card.kind.as_str())
                        .bind(card.revision)
                        .execute(&mut *tx)
                        .await?
                    };
                    if done.rows_affected() != 1 {
                        return Err(StoreError::conflict(
                            "revision",
                            "someone acted on the card meanwhile; reload it and try again",
                        ));
                    }
                    write_event(&mut tx, &event, at).await?;
                    tx.commit().await?;
                    Ok(())
                }
            }
        }
    };
}

pub(crate) use impl_oversight_store;
