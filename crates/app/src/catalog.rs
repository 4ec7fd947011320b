//! Use cases of the power list: find items, read their history and statistics,
//! and change the list by decree or routine revision.

use std::collections::HashMap;

use bianli_domain::Invalid;
use bianli_domain::catalog::{
    Adjustment, Channel, Decree, DecreeInput, Department, Item, ItemCode, ItemInput, ItemKind,
};
use bianli_domain::division::{Division, DivisionCode, Level};
use bianli_domain::identity::Role;
use bianli_search::SearchQuery;
use bianli_store::{
    Applied, DecreeDetail, DecreeSummary, Diff, DiffQuery, ItemFilter, ItemVersion,
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{Actor, App, AppError, Result};

/// A list query as the API and the pages take it: all strings, parsed here.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct ItemQuery {
    pub q: Option<String>,
    pub level: Option<String>,
    pub division: Option<String>,
    pub department: Option<String>,
    pub kind: Option<String>,
    pub channel: Option<String>,
    pub zero_trip: Option<String>,
    pub as_of: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ItemPage {
    pub items: Vec<ItemVersion>,
    pub total: i64,
    pub next_cursor: Option<String>,
    /// Whether the order is by relevance (a text query on the current list).
    pub ranked: bool,
}

#[derive(Debug, Serialize)]
pub struct ItemDetail {
    pub current: ItemVersion,
    pub history: Vec<ItemVersion>,
    pub department: Option<Department>,
}

#[derive(Debug, Serialize)]
pub struct LevelStat {
    pub level: Level,
    pub in_force: i64,
    pub baseline: Option<i64>,
    /// Share of the baseline no longer in force, in percent.
    pub reduction_pct: Option<f64>,
}

#[derive(Debug, Serialize)]
pub struct Stats {
    pub as_of: NaiveDate,
    pub baseline_date: Option<NaiveDate>,
    pub total: i64,
    pub baseline_total: Option<i64>,
    pub reduction_pct: Option<f64>,
    pub levels: Vec<LevelStat>,
    pub by_kind: Vec<(ItemKind, i64)>,
    pub by_department: Vec<(i64, i64)>,
    pub by_division: Vec<(String, i64)>,
}

/// One adjustment as it arrives from outside.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(default)]
pub struct AdjustmentInput {
    pub kind: String,
    pub code: Option<String>,
    pub codes: Vec<String>,
    pub prerequisite: Option<String>,
    pub item: Option<ItemInput>,
}

/// The most rows one page of a list or a diff holds.
pub const MAX_LIMIT: usize = 200;

pub fn parse_date(field: &str, s: &str) -> Result<NaiveDate, Invalid> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| Invalid::one(field, format!("“{s}”不是有效日期，格式应为YYYY-MM-DD")))
}

fn opt(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn reduction(baseline: i64, now: i64) -> Option<f64> {
    (baseline > 0).then(|| ((baseline - now) as f64 * 1000.0 / baseline as f64).round() / 10.0)
}

impl App {
    pub async fn search_items(&self, q: &ItemQuery) -> Result<ItemPage> {
        let mut inv = Invalid::default();
        let level = opt(&q.level).and_then(|s| inv.take("", Level::parse(s)));
        let division = opt(&q.division).and_then(|s| inv.take("", DivisionCode::parse(s)));
        let kind = opt(&q.kind).and_then(|s| inv.take("", ItemKind::parse(s)));
        let channel = opt(&q.channel)
            .and_then(|s| inv.take("", Channel::parse(s).map_err(|e| e.relabel("channel"))));
        let department = opt(&q.department).and_then(|s| match s.parse::<i64>() {
            Ok(n) if n > 0 => Some(n),
            _ => {
                inv.push("department", "部门编号应为正整数");
                None
            }
        });
        let zero_trip = match opt(&q.zero_trip) {
            None | Some("false") | Some("0") => false,
            Some("true") | Some("1") | Some("on") => true,
            Some(_) => {
                inv.push("zero_trip", "应为true（是）或false（否）");
                false
            }
        };
        let as_of = opt(&q.as_of).and_then(|s| inv.take("", parse_date("as_of", s)));
        let limit = match opt(&q.limit) {
            None => 20,
            Some(s) => match s.parse::<usize>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
                _ => {
                    inv.push("limit", format!("每页条数应为1至{MAX_LIMIT}"));
                    20
                }
            },
        };
        let text = opt(&q.q).unwrap_or("");
        if text.chars().count() > 100 {
            inv.push("q", "关键词最多100个字");
        }
        let today = self.today();
        let historical = as_of.is_some_and(|d| d != today);
        if historical && channel.is_some() {
            inv.push("channel", "办理渠道筛选只适用于当前清单（请不要填写日期）");
        }
        let cursor = opt(&q.cursor);
        if !inv.0.is_empty() {
            return Err(inv.into());
        }
        if !historical {
            let offset = match cursor {
                None => 0,
                Some(c) => c
                    .strip_prefix('o')
                    .and_then(|n| n.parse::<usize>().ok())
                    .ok_or_else(|| Invalid::one("cursor", "翻页位置无效，请从第一页重新查询"))?,
            };
            let sq = SearchQuery {
                text,
                level: level.map(Level::as_str),
                division: division.as_ref().map(DivisionCode::as_str),
                department_id: department,
                kind: kind.map(ItemKind::zh),
                channel: channel.map(Channel::as_str),
                zero_trip,
                offset,
                limit,
            };
            let (hits, total) = self.index.search.search(&sq)?;
            let codes: Vec<String> = hits.iter().map(|h| h.code.clone()).collect();
            let mut by_code: HashMap<String, ItemVersion> = self
                .store
                .items_by_code(&codes, crate::end_of_time())
                .await?
                .into_iter()
                .map(|v| (v.item.code.to_string(), v))
                .collect();
            let items: Vec<ItemVersion> = codes.iter().filter_map(|c| by_code.remove(c)).collect();
            let next = offset + limit;
            return Ok(ItemPage {
                items,
                total: total as i64,
                next_cursor: (next < total).then(|| format!("o{next}")),
                ranked: !text.is_empty(),
            });
        }
        let after = match cursor {
            None => None,
            Some(c) => Some(
                c.strip_prefix('c')
                    .and_then(|s| ItemCode::parse(s).ok())
                    .ok_or_else(|| Invalid::one("cursor", "翻页位置无效，请从第一页重新查询"))?
                    .to_string(),
            ),
        };
        let filter = ItemFilter {
            as_of: as_of.unwrap_or(today),
            level,
            division: division.map(|d| d.to_string()),
            department_id: department,
            kind,
            zero_trip,
            name_contains: (!text.is_empty()).then(|| text.to_string()),
            after: None,
            limit: limit as i64 + 1,
        };
        let total = self.store.count_items(&filter).await?;
        let mut items = self.store.items(&ItemFilter { after, ..filter }).await?;
        let next_cursor = if items.len() > limit {
            items.truncate(limit);
            items.last().map(|v| format!("c{}", v.item.code))
        } else {
            None
        };
        Ok(ItemPage {
            items,
            total,
            next_cursor,
            ranked: false,
        })
    }

    pub async fn item(&self, code: &str) -> Result<ItemDetail> {
        let code = ItemCode::parse(code)?;
        let history = self.store.item_history(&code).await?;
        let current = history
            .iter()
            .rev()
            .find(|v| v.valid_to.is_none())
            .or(history.last())
            .cloned()
            .ok_or_else(|| AppError::NotFound(format!("事项{code}")))?;
        let department = self.store.department(current.item.department_id).await?;
        Ok(ItemDetail {
            current,
            history,
            department,
        })
    }

    pub async fn departments(&self) -> Result<Vec<Department>> {
        Ok(self.reference.get(&*self.store).await?.departments.clone())
    }

    pub async fn divisions(&self) -> Result<Vec<Division>> {
        Ok(self.reference.get(&*self.store).await?.divisions.clone())
    }

    pub async fn stats(&self, as_of: Option<&str>, baseline: Option<&str>) -> Result<Stats> {
        let mut inv = Invalid::default();
        let as_of = match as_of.map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => inv.take("", parse_date("as_of", s)),
            None => Some(self.today()),
        };
        let baseline = baseline
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .and_then(|s| inv.take("", parse_date("baseline", s)));
        let Some(as_of) = as_of else {
            return Err(inv.into());
        };
        if !inv.0.is_empty() {
            return Err(inv.into());
        }
        let now = self.counts.get(&*self.store, as_of).await?;
        let base = match baseline {
            Some(b) => Some(self.counts.get(&*self.store, b).await?),
            None => None,
        };
        let levels = Level::ALL
            .iter()
            .map(|l| {
                let count = |c: &bianli_store::Counts| {
                    c.by_level
                        .iter()
                        .find(|(x, _)| x == l)
                        .map(|(_, n)| *n)
                        .unwrap_or(0)
                };
                let in_force = count(&now);
                let b = base.as_deref().map(count);
                LevelStat {
                    level: *l,
                    in_force,
                    baseline: b,
                    reduction_pct: b.and_then(|b| reduction(b, in_force)),
                }
            })
            .collect();
        Ok(Stats {
            as_of,
            baseline_date: baseline,
            total: now.total,
            baseline_total: base.as_ref().map(|b| b.total),
            reduction_pct: base.as_ref().and_then(|b| reduction(b.total, now.total)),
            levels,
            by_kind: now.by_kind.clone(),
            by_department: now.by_department.clone(),
            by_division: now.by_division.clone(),
        })
    }

    pub async fn diff(
        &self,
        from: &str,
        to: &str,
        division: Option<&str>,
        cursor: Option<&str>,
        limit: Option<&str>,
    ) -> Result<Diff> {
        let mut inv = Invalid::default();
        let from = inv.take("", parse_date("from", from));
        let to = inv.take("", parse_date("to", to));
        let division = division
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .and_then(|d| inv.take("", DivisionCode::parse(d)));
        let after = cursor
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .and_then(|c| inv.take("", ItemCode::parse(c).map_err(|e| e.relabel("cursor"))));
        let limit = match limit.map(str::trim).filter(|s| !s.is_empty()) {
            None => 100,
            Some(s) => match s.parse::<i64>() {
                Ok(n) if (1..=MAX_LIMIT as i64).contains(&n) => n,
                _ => {
                    inv.push("limit", format!("每页条数应为1至{MAX_LIMIT}"));
                    100
                }
            },
        };
        let (Some(from), Some(to)) = (from, to) else {
            return Err(inv.into());
        };
        if from > to {
            inv.push("to", "截止日期不能早于起始日期");
        }
        if !inv.0.is_empty() {
            return Err(inv.into());
        }
        Ok(self
            .store
            .diff(&DiffQuery {
                from,
                to,
                division: division.map(|d| d.to_string()),
                after: after.map(|c| c.to_string()),
                limit,
            })
            .await?)
    }

    pub async fn decrees(&self) -> Result<Vec<DecreeSummary>> {
        Ok(self.store.decrees().await?)
    }

    pub async fn decree(&self, id: i64) -> Result<DecreeDetail> {
        self.store
            .decree(id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("调整决定{id}")))
    }

    pub async fn draft_decree(&self, actor: &Actor, input: DecreeInput) -> Result<Decree> {
        require_maintainer(actor)?;
        let d = input.parse()?;
        Ok(self
            .store
            .create_decree(&d, &actor.tag(), self.now())
            .await?)
    }

    /// Records a decree as published and applies its adjustments in one
    /// transaction: how an official decree is entered in one step (and how the
    /// demo replays the reform).
    pub async fn enact_decree(
        &self,
        actor: &Actor,
        input: DecreeInput,
        adjustments: &[Adjustment],
    ) -> Result<(Decree, Applied)> {
        let done = self.enact_unindexed(actor, input, adjustments).await?;
        self.follow().await?;
        Ok(done)
    }

    /// [`App::enact_decree`] without bringing the search index up to date, for
    /// a seed that rebuilds the index once at the end.
    pub(crate) async fn enact_unindexed(
        &self,
        actor: &Actor,
        input: DecreeInput,
        adjustments: &[Adjustment],
    ) -> Result<(Decree, Applied)> {
        require_maintainer(actor)?;
        let d = input.parse()?;
        if actor.role != Role::Admin {
            self.check_departments(actor, adjustments).await?;
        }
        Ok(self
            .store
            .enact_decree(&d, adjustments, &actor.tag(), self.now())
            .await?)
    }

    /// Adds adjustments to a draft; a department admin only for items of their
    /// own department.
    pub async fn add_adjustments(
        &self,
        actor: &Actor,
        decree_id: i64,
        inputs: Vec<AdjustmentInput>,
    ) -> Result<()> {
        require_maintainer(actor)?;
        if inputs.is_empty() {
            return Err(Invalid::one("adjustments", "至少需要一项调整").into());
        }
        let mut inv = Invalid::default();
        let mut adjustments = Vec::new();
        for (i, a) in inputs.into_iter().enumerate() {
            if let Some(a) = inv.take(&format!("adjustments[{i}]"), parse_adjustment(a)) {
                adjustments.push(a);
            }
        }
        if !inv.0.is_empty() {
            return Err(inv.into());
        }
        if actor.role != Role::Admin {
            self.check_departments(actor, &adjustments).await?;
        }
        Ok(self
            .store
            .add_adjustments(decree_id, &adjustments, &actor.tag(), self.now())
            .await?)
    }

    async fn check_departments(&self, actor: &Actor, adjustments: &[Adjustment]) -> Result<()> {
        let scope = actor.scope();
        let codes: Vec<String> = adjustments
            .iter()
            .flat_map(|a| a.codes())
            .map(|c| c.to_string())
            .collect();
        let existing = self
            .store
            .items_by_code(&codes, crate::end_of_time())
            .await?;
        let departments = existing.iter().map(|v| v.item.department_id).chain(
            adjustments
                .iter()
                .flat_map(|a| a.items())
                .map(|i| i.department_id),
        );
        for d in departments {
            if !scope.may_maintain_department(d) {
                return Err(AppError::Forbidden("部门管理员只能调整本部门的事项".into()));
            }
        }
        Ok(())
    }

    pub async fn apply_decree(&self, actor: &Actor, decree_id: i64) -> Result<Applied> {
        require_maintainer(actor)?;
        if actor.role != Role::Admin {
            let d = self.decree(decree_id).await?;
            self.check_departments(actor, &d.adjustments).await?;
        }
        let applied = self
            .store
            .apply_decree(decree_id, &actor.tag(), self.now())
            .await?;
        self.follow().await?;
        Ok(applied)
    }

    /// A routine revision of an item's elements by its own department, in force
    /// from `effective_on` (today when not given).
    pub async fn revise_item(
        &self,
        actor: &Actor,
        code: &str,
        input: ItemInput,
        effective_on: Option<&str>,
    ) -> Result<ItemVersion> {
        require_maintainer(actor)?;
        let code = ItemCode::parse(code)?;
        let current = self.item(&code.to_string()).await?.current;
        if current.valid_to.is_some() {
            return Err(AppError::Conflict {
                field: "code".into(),
                message: "该事项已不在实施中".into(),
            });
        }
        if !actor
            .scope()
            .may_maintain_department(current.item.department_id)
        {
            return Err(AppError::Forbidden("部门管理员只能修改本部门的事项".into()));
        }
        let mut input = input;
        input.code = code.to_string();
        let item = input.parse()?;
        let effective_on = match effective_on.map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => parse_date("effective_on", s)?,
            None => self.today(),
        };
        let v = self
            .store
            .revise_item(&item, effective_on, &actor.tag(), self.now())
            .await?;
        self.follow().await?;
        Ok(v)
    }
}

fn require_maintainer(actor: &Actor) -> Result<()> {
    if matches!(actor.role, Role::DeptAdmin | Role::Admin) {
        Ok(())
    } else {
        Err(AppError::Forbidden("只有部门管理员可以维护权力清单".into()))
    }
}

fn parse_adjustment(a: AdjustmentInput) -> Result<Adjustment, Invalid> {
    use bianli_domain::catalog::AdjustmentKind as K;
    let kind = bianli_domain::catalog::AdjustmentKind::parse(a.kind.trim())?;
    let code = |c: &Option<String>| -> Result<ItemCode, Invalid> {
        ItemCode::parse(c.as_deref().unwrap_or_default())
    };
    let item = |i: Option<ItemInput>| -> Result<Item, Invalid> {
        let mut inv = Invalid::default();
        match i {
            None => Err(Invalid::one("item", "请填写事项要素")),
            Some(i) => inv.take("item", i.parse()).ok_or(inv),
        }
    };
    Ok(match kind {
        K::Add => Adjustment::Add {
            item: item(a.item)?,
        },
        K::Modify => Adjustment::Modify {
            item: item(a.item)?,
        },
        K::Cancel => Adjustment::Cancel {
            code: code(&a.code)?,
        },
        K::Delegate => Adjustment::Delegate {
            code: code(&a.code)?,
        },
        K::PreToPost => Adjustment::PreToPost {
            code: code(&a.code)?,
            prerequisite: a
                .prerequisite
                .filter(|p| !p.trim().is_empty())
                .ok_or_else(|| Invalid::one("prerequisite", "请填写改为后置的前置条件"))?,
        },
        K::Merge => {
            let mut inv = Invalid::default();
            let codes: Vec<ItemCode> = a
                .codes
                .iter()
                .enumerate()
                .filter_map(|(i, c)| inv.take(&format!("codes[{i}]"), ItemCode::parse(c)))
                .collect();
            let into = inv.take("", item(a.item));
            match into {
                Some(into) if inv.0.is_empty() => Adjustment::Merge { codes, into },
                _ => return Err(inv),
            }
        }
    })
}
