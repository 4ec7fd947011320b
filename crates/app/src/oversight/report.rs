//! The public figures (阳光政务): a scope's headline figures, the working
//! days its completed cases used against those promised, and its parts (a
//! province's cities and provincial departments, a city's counties and own
//! departments). No person appears: these are served to anyone.

use bianli_domain::Invalid;
use bianli_domain::division::{DivisionCode, Level};
use bianli_domain::oversight::{Figures, WeekPoint, WorkdayAverages, series_start, weekly};
use bianli_store::oversight::{GroupBy, Scope};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{App, AppError, Result};

#[derive(Debug, Clone, Serialize)]
pub struct ScopeRef {
    /// `province`, `city`, `county` or `department`.
    pub level: &'static str,
    /// A division code, or a department id.
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Part {
    pub scope: ScopeRef,
    pub figures: Figures,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub scope: ScopeRef,
    pub computed_at: DateTime<Utc>,
    pub figures: Figures,
    /// `None` when a date lies decades from the others and cannot be counted.
    pub workdays: Option<WorkdayAverages>,
    pub parts: Vec<Part>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct TrendQuery {
    pub division: Option<String>,
    pub department: Option<String>,
    pub weeks: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Trend {
    pub scope: ScopeRef,
    pub computed_at: DateTime<Utc>,
    pub weeks: Vec<WeekPoint>,
}

/// Weeks a trend shows unless asked, and the most it may: two years.
pub const DEFAULT_WEEKS: u32 = 12;
pub const MAX_WEEKS: u32 = 104;

fn level_name(l: Level) -> &'static str {
    match l {
        Level::Province => "province",
        Level::City => "city",
        Level::County => "county",
    }
}

impl App {
    async fn division_ref(&self, code: &str) -> Result<(ScopeRef, Level)> {
        let code = DivisionCode::parse(code).map_err(|e| e.relabel("code"))?;
        let reference = self.reference.get(self.store.as_ref()).await?;
        let d = reference
            .divisions
            .iter()
            .find(|d| d.code == code)
            .ok_or_else(|| AppError::NotFound(format!("division {code}")))?;
        Ok((
            ScopeRef {
                level: level_name(d.level),
                code: d.code.as_str().to_string(),
                name: d.name.clone(),
            },
            d.level,
        ))
    }

    async fn department_ref(&self, id: &str) -> Result<ScopeRef> {
        let id: i64 = id
            .parse()
            .map_err(|_| Invalid::one("id", "a department id is a whole number"))?;
        let reference = self.reference.get(self.store.as_ref()).await?;
        let d = reference
            .departments
            .iter()
            .find(|d| d.id == id)
            .ok_or_else(|| AppError::NotFound(format!("department {id}")))?;
        Ok(ScopeRef {
            level: "department",
            code: id.to_string(),
            name: d.name.clone(),
        })
    }

    async fn province_code(&self) -> Result<String> {
        let reference = self.reference.get(self.store.as_ref()).await?;
        reference
            .divisions
            .iter()
            .find(|d| d.level == Level::Province)
            .map(|d| d.code.as_str().to_string())
            .ok_or_else(|| AppError::NotFound("the province".into()))
    }

    /// The province: every case, its cities (counties within) and its own
    /// departments.
    pub async fn oversight_province(&self) -> Result<Report> {
        let code = self.province_code().await?;
        self.oversight_division(&code).await
    }

    /// A division with the divisions under it.
    pub async fn oversight_division(&self, code: &str) -> Result<Report> {
        let key = format!("division:{code}");
        let report = self
            .oversight
            .reports
            .get(&key, || self.division_report(code))
            .await?;
        Ok((*report).clone())
    }

    async fn division_report(&self, code: &str) -> Result<Report> {
        let (scope_ref, level) = self.division_ref(code).await?;
        let scope = match level {
            Level::Province => Scope::Province,
            _ => Scope::Division(scope_ref.code.clone()),
        };
        let reference = self.reference.get(self.store.as_ref()).await?;
        let division_name = |code: &str| {
            reference
                .divisions
                .iter()
                .find(|d| d.code.as_str() == code)
                .map(|d| (level_name(d.level), d.name.clone()))
        };
        let mut parts = Vec::new();
        if level != Level::County {
            let by = if level == Level::Province {
                GroupBy::City
            } else {
                GroupBy::Division
            };
            for (key, t) in self.store.tallies(&scope, by, self.today()).await? {
                if key == scope_ref.code {
                    continue; // the division's own departments are listed below
                }
                if let Some((lvl, name)) = division_name(&key) {
                    parts.push(Part {
                        scope: ScopeRef {
                            level: lvl,
                            code: key,
                            name,
                        },
                        figures: Figures::from(&t),
                    });
                }
            }
        }
        for (key, t) in self
            .store
            .tallies(&scope, GroupBy::Department, self.today())
            .await?
        {
            let own = reference
                .departments
                .iter()
                .find(|d| d.id.to_string() == key && d.division.as_str() == scope_ref.code);
            if let Some(d) = own {
                parts.push(Part {
                    scope: ScopeRef {
                        level: "department",
                        code: key,
                        name: d.name.clone(),
                    },
                    figures: Figures::from(&t),
                });
            }
        }
        self.report(scope_ref, &scope, parts).await
    }

    pub async fn oversight_department(&self, id: &str) -> Result<Report> {
        let key = format!("department:{id}");
        let report = self
            .oversight
            .reports
            .get(&key, || async {
                let scope_ref = self.department_ref(id).await?;
                let id: i64 = scope_ref.code.parse().unwrap_or_default();
                self.report(scope_ref, &Scope::Department(id), Vec::new())
                    .await
            })
            .await?;
        Ok((*report).clone())
    }

    pub(crate) async fn report(
        &self,
        scope_ref: ScopeRef,
        scope: &Scope,
        parts: Vec<Part>,
    ) -> Result<Report> {
        let tally = self.store.tally(scope, self.today()).await?;
        let days = self.store.day_counts(scope).await?;
        Ok(Report {
            scope: scope_ref,
            computed_at: self.now(),
            figures: Figures::from(&tally),
            workdays: days.averages(&self.calendar()),
            parts,
        })
    }

    /// Received, completed and on-time cases per ISO week, for the last
    /// `weeks` weeks up to this one.
    pub async fn oversight_trend(&self, q: &TrendQuery) -> Result<Trend> {
        let key = format!(
            "trend:{}:{}:{}",
            q.division.as_deref().unwrap_or(""),
            q.department.as_deref().unwrap_or(""),
            q.weeks.as_deref().unwrap_or("")
        );
        let trend = self.oversight.trends.get(&key, || self.trend(q)).await?;
        Ok((*trend).clone())
    }

    async fn trend(&self, q: &TrendQuery) -> Result<Trend> {
        let weeks = match q.weeks.as_deref() {
            None => DEFAULT_WEEKS,
            Some(w) => w
                .parse::<u32>()
                .ok()
                .filter(|w| (1..=MAX_WEEKS).contains(w))
                .ok_or_else(|| {
                    Invalid::one("weeks", format!("周数应为1至{MAX_WEEKS}之间的整数"))
                })?,
        };
        let (scope_ref, scope) = match (&q.division, &q.department) {
            (Some(_), Some(_)) => {
                return Err(
                    Invalid::one("department", "请指定行政区划或部门之一，不能同时指定").into(),
                );
            }
            (Some(code), None) => {
                let (r, level) = self
                    .division_ref(code)
                    .await
                    .map_err(|e| relabel(e, "division"))?;
                let scope = if level == Level::Province {
                    Scope::Province
                } else {
                    Scope::Division(r.code.clone())
                };
                (r, scope)
            }
            (None, Some(id)) => {
                let r = self
                    .department_ref(id)
                    .await
                    .map_err(|e| relabel(e, "department"))?;
                let id = r.code.parse().unwrap_or_default();
                (r, Scope::Department(id))
            }
            (None, None) => {
                let code = self.province_code().await?;
                (self.division_ref(&code).await?.0, Scope::Province)
            }
        };
        let today = self.today();
        let daily = self.store.daily(&scope, series_start(today, weeks)).await?;
        Ok(Trend {
            scope: scope_ref,
            computed_at: self.now(),
            weeks: weekly(
                today,
                weeks,
                &daily.received,
                &daily.completed,
                &daily.on_time,
            ),
        })
    }
}

fn relabel(e: AppError, field: &str) -> AppError {
    match e {
        AppError::Invalid(i) => AppError::Invalid(i.relabel(field)),
        other => other,
    }
}
