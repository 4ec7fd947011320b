//! The public sunshine dashboard (阳光政务): `/oversight` (the province),
//! `/oversight/divisions/{code}` and `/oversight/departments/{id}`. Headline
//! figures, the parts as a table and a bar chart, the weekly trend as a line
//! chart, all drawn on the server as SVG; a small script refreshes the
//! headline figures from the same JSON every few seconds, and without it the
//! page says when its figures were computed.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::Response;
use bianli_app::oversight::{Report, Trend, TrendQuery};
use bianli_domain::oversight::{Figures, WeekPoint};
use chrono::FixedOffset;

use super::auth::Viewer;
use super::error_page::PageError;
use super::layout::{Chrome, Section, ok};
use crate::AppState;

/// The pages' own policy: the refresh script and its fetches of the JSON.
const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; \
                   script-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; \
                   frame-ancestors 'none'";

pub const SCRIPT: &str = include_str!("../../static/oversight.js");

/// Weeks the trend chart shows.
const WEEKS: u32 = 12;
/// Parts drawn in the bar chart (the table lists them all).
const BARS: usize = 15;

pub struct Headline {
    pub key: &'static str,
    pub label: &'static str,
    pub value: String,
}

pub struct PartRow {
    pub href: String,
    pub level: &'static str,
    pub name: String,
    pub received: i64,
    pub completed: i64,
    pub on_time: String,
    pub satisfaction: String,
    pub yellow: i64,
    pub red: i64,
}

pub struct Bar {
    pub label: String,
    pub y: i64,
    pub text_y: i64,
    pub received_w: i64,
    pub completed_w: i64,
    pub title: String,
}

pub struct Line {
    pub class: &'static str,
    pub label: &'static str,
    pub points: String,
}

pub struct Tick {
    pub x: i64,
    pub label: String,
}

#[derive(Template)]
#[template(path = "oversight.html")]
pub struct DashboardPage {
    pub chrome: Chrome,
    pub title: String,
    pub level_zh: &'static str,
    pub json_href: String,
    pub computed_at: String,
    pub headlines: Vec<Headline>,
    pub channels: Vec<(String, String)>,
    pub workdays: String,
    pub parts: Vec<PartRow>,
    pub bars: Vec<Bar>,
    pub bars_height: i64,
    pub lines: Vec<Line>,
    pub ticks: Vec<Tick>,
    pub trend_max: i64,
    pub weeks: Vec<WeekPoint>,
}

pub fn percent(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_string(), |v| format!("{:.1}%", v * 100.0))
}

fn days(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_string(), |v| format!("{v:.1}"))
}

fn level_zh(level: &str) -> &'static str {
    match level {
        "province" => "省",
        "city" => "市州",
        "county" => "县市区",
        _ => "部门",
    }
}

fn headlines(f: &Figures) -> Vec<Headline> {
    let n = |key, label, v: i64| Headline {
        key,
        label,
        value: v.to_string(),
    };
    let p = |key, label, v: Option<f64>| Headline {
        key,
        label,
        value: percent(v),
    };
    vec![
        n("received", "受理办件", f.received),
        n("completed", "办结", f.completed),
        p("on_time_rate", "按时办结率", f.on_time_rate),
        p("instant_share", "即办件占比", f.instant_share),
        p("zero_trip_share", "零跑腿占比", f.zero_trip_share),
        p("satisfaction", "好评率", f.satisfaction),
        n("open_follow_ups", "待整改差评", f.open_follow_ups),
        n("overdue_follow_ups", "逾期未整改差评", f.overdue_follow_ups),
        n("yellow_cards", "黄牌", f.yellow_cards),
        n("red_cards", "红牌", f.red_cards),
    ]
}

fn channel_zh(c: &str) -> String {
    bianli_domain::catalog::Channel::parse(c).map_or_else(|_| c.to_string(), |c| c.zh().to_string())
}

/// Bars of received (light) and completed (dark) cases per part, the
/// largest parts first.
fn bars(parts: &[bianli_app::oversight::Part]) -> (Vec<Bar>, i64) {
    let mut sorted: Vec<_> = parts.iter().collect();
    sorted.sort_by_key(|p| std::cmp::Reverse(p.figures.received));
    sorted.truncate(BARS);
    let max = sorted.first().map_or(1, |p| p.figures.received.max(1));
    let width = 360;
    let bars = sorted
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let y = 10 + 28 * i64::try_from(i).unwrap_or(0);
            let received_w = p.figures.received * width / max;
            Bar {
                label: p.scope.name.chars().take(12).collect(),
                y,
                text_y: y + 16,
                received_w,
                completed_w: p.figures.completed * width / max,
                title: format!(
                    "{}：受理 {}，办结 {}",
                    p.scope.name, p.figures.received, p.figures.completed
                ),
            }
        })
        .collect::<Vec<_>>();
    let height = 20 + 28 * i64::try_from(bars.len()).unwrap_or(0);
    (bars, height)
}

/// Polylines of the weekly series on a 600 × 200 plot from (40, 10).
fn lines(weeks: &[WeekPoint]) -> (Vec<Line>, Vec<Tick>, i64) {
    let max = weeks
        .iter()
        .map(|w| w.received.max(w.completed))
        .max()
        .unwrap_or(0)
        .max(1);
    let n = i64::try_from(weeks.len()).unwrap_or(1).max(2) - 1;
    let x = |i: usize| 40 + 560 * i64::try_from(i).unwrap_or(0) / n;
    let y = |v: i64| 210 - 200 * v / max;
    let series = |pick: fn(&WeekPoint) -> i64| {
        weeks
            .iter()
            .enumerate()
            .map(|(i, w)| format!("{},{}", x(i), y(pick(w))))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let lines = vec![
        Line {
            class: "line-received",
            label: "受理",
            points: series(|w| w.received),
        },
        Line {
            class: "line-completed",
            label: "办结",
            points: series(|w| w.completed),
        },
        Line {
            class: "line-on-time",
            label: "按时办结",
            points: series(|w| w.on_time),
        },
    ];
    let ticks = weeks
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 2 == 0)
        .map(|(i, w)| Tick {
            x: x(i),
            label: format!("W{:02}", w.week.week),
        })
        .collect();
    (lines, ticks, max)
}

fn page(viewer: &Viewer, report: Report, trend: Trend, json_href: String) -> DashboardPage {
    let china =
        FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| FixedOffset::east_opt(0).expect("UTC"));
    let (bars, bars_height) = bars(&report.parts);
    let (lines, ticks, trend_max) = lines(&trend.weeks);
    let f = &report.figures;
    DashboardPage {
        chrome: viewer.chrome(Section::Oversight),
        title: report.scope.name.clone(),
        level_zh: level_zh(report.scope.level),
        json_href,
        computed_at: report
            .computed_at
            .with_timezone(&china)
            .format("%Y-%m-%d %H:%M:%S")
            .to_string(),
        headlines: headlines(f),
        channels: f
            .channels
            .iter()
            .map(|c| {
                (
                    channel_zh(&c.channel),
                    format!("{}（{}）", c.cases, percent(c.share)),
                )
            })
            .collect(),
        workdays: match &report.workdays {
            Some(w) if w.cases > 0 => format!(
                "已办结的 {} 件平均用时 {} 个工作日，承诺 {} 个工作日{}",
                w.cases,
                days(w.used),
                days(w.promised),
                if w.provisional {
                    "（部分年份假日未载入，按周一至周五估算）"
                } else {
                    ""
                }
            ),
            _ => "尚无已受理并办结的办件".to_string(),
        },
        parts: report
            .parts
            .iter()
            .map(|p| PartRow {
                href: if p.scope.level == "department" {
                    format!("/oversight/departments/{}", p.scope.code)
                } else {
                    format!("/oversight/divisions/{}", p.scope.code)
                },
                level: level_zh(p.scope.level),
                name: p.scope.name.clone(),
                received: p.figures.received,
                completed: p.figures.completed,
                on_time: percent(p.figures.on_time_rate),
                satisfaction: percent(p.figures.satisfaction),
                yellow: p.figures.yellow_cards,
                red: p.figures.red_cards,
            })
            .collect(),
        bars,
        bars_height,
        lines,
        ticks,
        trend_max,
        weeks: trend.weeks,
    }
}

fn with_policy(mut r: Response) -> Response {
    r.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    r
}

pub async fn province(State(s): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    let report = s
        .app
        .oversight_province()
        .await
        .map_err(|e| viewer.fail(e))?;
    let trend = s
        .app
        .oversight_trend(&TrendQuery {
            weeks: Some(WEEKS.to_string()),
            ..TrendQuery::default()
        })
        .await
        .map_err(|e| viewer.fail(e))?;
    let p = page(&viewer, report, trend, "/api/v1/oversight/province".into());
    ok(&p).map(with_policy)
}

pub async fn division(
    State(s): State<AppState>,
    viewer: Viewer,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let report = s
        .app
        .oversight_division(&code)
        .await
        .map_err(|e| viewer.fail(e))?;
    let trend = s
        .app
        .oversight_trend(&TrendQuery {
            division: Some(report.scope.code.clone()),
            weeks: Some(WEEKS.to_string()),
            ..TrendQuery::default()
        })
        .await
        .map_err(|e| viewer.fail(e))?;
    let href = format!("/api/v1/oversight/divisions/{}", report.scope.code);
    ok(&page(&viewer, report, trend, href)).map(with_policy)
}

pub async fn department(
    State(s): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let report = s
        .app
        .oversight_department(&id)
        .await
        .map_err(|e| viewer.fail(e))?;
    let trend = s
        .app
        .oversight_trend(&TrendQuery {
            department: Some(report.scope.code.clone()),
            weeks: Some(WEEKS.to_string()),
            ..TrendQuery::default()
        })
        .await
        .map_err(|e| viewer.fail(e))?;
    let href = format!("/api/v1/oversight/departments/{}", report.scope.code);
    ok(&page(&viewer, report, trend, href)).map(with_policy)
}

pub async fn script() -> Response {
    use axum::response::IntoResponse;
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        SCRIPT,
    )
        .into_response()
}
