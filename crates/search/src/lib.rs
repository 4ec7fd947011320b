//! Full-text search over the power list (权力清单) service items.
//!
//! This crate owns the in-process index that lets citizens find a service in
//! their own words: Chinese word segmentation (jieba), a small table of
//! colloquial phrases mapped to official terms (开饭店 → 食品经营许可), and
//! exact filters on level, division, department, kind, channel and trips.
//! It is fed [`SearchDoc`]s and answers with item codes; the caller owns the
//! items themselves.
//!
//! It must not depend on any database, web framework or domain crate: it
//! knows only plain strings and numbers, so storage and presentation can
//! change without touching search, and search can be tested and benchmarked
//! on its own.

mod analyzer;
mod error;
mod index;
mod query;
mod rank;
mod schema;
mod synonyms;

#[cfg(test)]
mod tests;

pub use error::SearchError;
pub use index::SearchIndex;

/// One service item as the index sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchDoc {
    /// Unique key, e.g. "430100-0100012".
    pub code: String,
    /// Official name, e.g. 食品经营许可.
    pub name: String,
    /// Plain-language names people say: 开饭店, 开餐馆 ...
    pub aliases: Vec<String>,
    /// Names of the materials to submit.
    pub materials: Vec<String>,
    /// Handling department, e.g. 长沙市市场监督管理局.
    pub department: String,
    pub department_id: i64,
    /// 行政许可, 行政确认 ...; matched exactly.
    pub kind: String,
    /// "province" | "city" | "county"; matched exactly.
    pub level: String,
    /// 6-digit GB/T 2260 code; matched exactly.
    pub division: String,
    /// "hall", "web", "mobile", "kiosk", "hotline"; matched exactly.
    pub channels: Vec<String>,
    /// Trips to the counter needed: 0, 1 or 2.
    pub visits: u8,
}

/// What to look for. `Default` gives an empty query: every item, code order.
#[derive(Debug, Clone, Default)]
pub struct SearchQuery<'a> {
    /// Free text in the citizen's words. Blank means filter-only: matches
    /// come back in code order with score 0.
    pub text: &'a str,
    pub level: Option<&'a str>,
    pub division: Option<&'a str>,
    pub department_id: Option<i64>,
    pub kind: Option<&'a str>,
    /// Items offered on this channel.
    pub channel: Option<&'a str>,
    /// Only items needing no trip to the counter (`visits == 0`).
    pub zero_trip: bool,
    pub offset: usize,
    pub limit: usize,
}

/// A matching item.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub code: String,
    /// Relevance, comparable only within one result list.
    pub score: f32,
}
