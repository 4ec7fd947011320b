//! `/stats`: how many powers are in force on a date, per level, kind,
//! department and city, against a baseline date.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::Response;
use bianli_app::catalog::Stats;
use bianli_domain::division::Level;
use serde::Deserialize;

use super::auth::Viewer;
use super::error_page::PageError;
use super::form;
use super::layout::{Chrome, Section, count, date, ok, query};
use super::lookup::Names;
use crate::AppState;

/// The list before the reform, and the day the 2017 adjustments took effect.
pub const BASELINE: &str = "2014-12-31";
pub const REFORMED: &str = "2017-06-03";
const TOP_DEPARTMENTS: usize = 15;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StatsQuery {
    as_of: Option<String>,
    baseline: Option<String>,
}

pub struct LevelRow {
    pub label: &'static str,
    pub in_force: String,
    pub baseline: String,
    pub change: String,
}

pub struct CountRow {
    pub label: String,
    pub href: String,
    pub count: String,
}

/// One bar of the chart, laid out here so the template only places it.
pub struct Bar {
    pub y: u32,
    pub width: u32,
    pub class: &'static str,
    pub title: String,
    pub text: String,
    pub text_x: u32,
}

pub struct BarGroup {
    pub label: &'static str,
    pub label_y: u32,
    pub bars: Vec<Bar>,
}

pub struct Chart {
    pub height: u32,
    pub groups: Vec<BarGroup>,
    pub legend_y: u32,
}

#[derive(Template)]
#[template(path = "stats.html")]
pub struct StatsPage {
    pub chrome: Chrome,
    pub as_of: String,
    pub baseline: String,
    pub has_baseline: bool,
    pub total: String,
    pub baseline_total: String,
    pub change: String,
    pub levels: Vec<LevelRow>,
    pub chart: Chart,
    pub kinds: Vec<CountRow>,
    pub departments: Vec<CountRow>,
    pub cities: Vec<CountRow>,
    pub quick: Vec<(String, String)>,
}

/// "减少 12.3%" for a reduction, "增加 1.0%" when the list grew.
pub fn change(pct: Option<f64>) -> String {
    match pct {
        None => "—".to_string(),
        Some(p) if p >= 0.0 => format!("减少 {p:.1}%"),
        Some(p) => format!("增加 {:.1}%", -p),
    }
}

const LABEL_W: u32 = 64;
const BAR_MAX: u32 = 380;
const BAR_H: u32 = 22;

/// Bars of each level scaled to that level's larger count: the levels differ
/// a hundredfold, and what the chart shows is how much each one shrank.
pub fn chart(stats: &Stats) -> Chart {
    let as_of = date(stats.as_of);
    let mut y = 8;
    let mut groups = Vec::new();
    for l in &stats.levels {
        let max = l.in_force.max(l.baseline.unwrap_or(0)).max(1);
        let scale = |n: i64| ((n.max(0) as f64 / max as f64) * f64::from(BAR_MAX)).round() as u32;
        let mut bars = Vec::new();
        let top = y;
        let mut bar = |n: i64, class: &'static str, when: &str, note: &str| {
            let width = scale(n).max(1);
            bars.push(Bar {
                y,
                width,
                class,
                title: format!("{}：{when} {} 项", l.level.zh(), count(n)),
                text: format!("{}{note}", count(n)),
                text_x: LABEL_W + width + 6,
            });
            y += BAR_H + 4;
        };
        if let (Some(b), Some(bd)) = (l.baseline, stats.baseline_date) {
            bar(b, "bar-base", &date(bd), "");
        }
        let note = match l.reduction_pct {
            Some(_) => format!("（{}）", change(l.reduction_pct)),
            None => String::new(),
        };
        bar(l.in_force, "bar-now", &as_of, &note);
        groups.push(BarGroup {
            label: l.level.zh(),
            label_y: (top + y - 4) / 2 + 5,
            bars,
        });
        y += 14;
    }
    Chart {
        height: y + 24,
        legend_y: y + 8,
        groups,
    }
}

pub fn stats_page(stats: &Stats, names: &Names, viewer: &Viewer, asked_as_of: &str) -> StatsPage {
    let as_of = date(stats.as_of);
    // Links to the list keep the date only when one was asked for; the list's
    // default is today, and its channel filter works on today only.
    let with_date = |k: &str, v: &str| -> String {
        format!("/items{}", query(&[(k, v), ("as_of", asked_as_of)]))
    };
    let mut departments = stats.by_department.clone();
    departments.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let cities = names
        .divisions
        .iter()
        .filter(|d| d.level == Level::City)
        .map(|d| CountRow {
            label: d.name.clone(),
            href: with_date("division", d.code.as_str()),
            count: count(
                stats
                    .by_division
                    .iter()
                    .find(|(c, _)| c == d.code.as_str())
                    .map(|(_, n)| *n)
                    .unwrap_or(0),
            ),
        })
        .collect();
    StatsPage {
        chrome: viewer.chrome(Section::Stats),
        baseline: stats.baseline_date.map(date).unwrap_or_default(),
        has_baseline: stats.baseline_date.is_some(),
        total: count(stats.total),
        baseline_total: stats
            .baseline_total
            .map(count)
            .unwrap_or_else(|| "—".into()),
        change: change(stats.reduction_pct),
        levels: stats
            .levels
            .iter()
            .map(|l| LevelRow {
                label: l.level.zh(),
                in_force: count(l.in_force),
                baseline: l.baseline.map(count).unwrap_or_else(|| "—".into()),
                change: change(l.reduction_pct),
            })
            .collect(),
        chart: chart(stats),
        kinds: stats
            .by_kind
            .iter()
            .map(|(k, n)| CountRow {
                label: k.zh().to_string(),
                href: with_date("kind", k.zh()),
                count: count(*n),
            })
            .collect(),
        departments: departments
            .iter()
            .take(TOP_DEPARTMENTS)
            .map(|(id, n)| CountRow {
                label: names.department_name(*id),
                href: format!("/departments/{id}"),
                count: count(*n),
            })
            .collect(),
        cities,
        quick: vec![
            (
                format!("/stats{}", query(&[("as_of", BASELINE)])),
                format!("{BASELINE}（改革前基准）"),
            ),
            (
                format!(
                    "/stats{}",
                    query(&[("as_of", REFORMED), ("baseline", BASELINE)])
                ),
                format!("{REFORMED} 对比 {BASELINE}"),
            ),
        ],
        as_of,
    }
}

pub async fn show(
    State(s): State<AppState>,
    viewer: Viewer,
    q: Result<Query<StatsQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let q = form::query(&viewer, q)?;
    let stats = s
        .app
        .stats(q.as_of.as_deref(), q.baseline.as_deref())
        .await
        .map_err(|e| viewer.fail(e))?;
    let names = Names::load(&s.app).await.map_err(|e| viewer.fail(e))?;
    ok(&stats_page(
        &stats,
        &names,
        &viewer,
        q.as_of.as_deref().unwrap_or("").trim(),
    ))
}
