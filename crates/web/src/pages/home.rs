//! The front page: one search box for what people want done.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::auth::Viewer;
use super::error_page::PageError;
use super::layout::{Chrome, Section, count, date, ok, query};
use crate::AppState;

/// Searches people actually type, by the everyday name of the errand.
pub const QUICK: [&str; 5] = ["开饭店", "生孩子", "办护照", "卖烟", "开公司"];

pub struct Quick {
    pub label: &'static str,
    pub href: String,
}

pub struct LevelCount {
    pub label: &'static str,
    pub count: String,
    pub href: String,
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    pub chrome: Chrome,
    pub quick: Vec<Quick>,
    pub levels: Vec<LevelCount>,
    pub total: String,
    pub today: String,
}

pub async fn home(State(s): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    let stats = s.app.stats(None, None).await.map_err(|e| viewer.fail(e))?;
    let page = HomePage {
        chrome: viewer.chrome(Section::Home),
        quick: quick_links(),
        levels: stats
            .levels
            .iter()
            .map(|l| LevelCount {
                label: l.level.zh(),
                count: count(l.in_force),
                href: format!("/items{}", query(&[("level", l.level.as_str())])),
            })
            .collect(),
        total: count(stats.total),
        today: date(stats.as_of),
    };
    ok(&page)
}

pub fn quick_links() -> Vec<Quick> {
    QUICK
        .iter()
        .map(|q| Quick {
            label: q,
            href: format!("/items{}", query(&[("q", q)])),
        })
        .collect()
}
