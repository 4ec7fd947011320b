//! What every page shares: the header (who is signed in, the navigation), the
//! stylesheet's address, and small formatting helpers for view structs.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use bianli_app::AppError;
use chrono::NaiveDate;

use super::error_page::PageError;

pub const CSS: &str = include_str!("../../static/bianli.css");

const CSS_PREFIX: &[u8] = b"/static/bianli.css?v=";
const CSS_HREF_LEN: usize = CSS_PREFIX.len() + 8;

/// The stylesheet's address with a hash of its content, so a year-long cache
/// never serves a stale one.
const CSS_HREF_BYTES: [u8; CSS_HREF_LEN] = {
    let mut buf = [0u8; CSS_HREF_LEN];
    let mut i = 0;
    while i < CSS_PREFIX.len() {
        buf[i] = CSS_PREFIX[i];
        i += 1;
    }
    let h = fnv1a(CSS.as_bytes());
    let mut j = 0;
    while j < 8 {
        let nibble = ((h >> (28 - 4 * j)) & 0xf) as u8;
        buf[CSS_PREFIX.len() + j] = if nibble < 10 {
            b'0' + nibble
        } else {
            b'a' + nibble - 10
        };
        j += 1;
    }
    buf
};

pub const CSS_HREF: &str = match std::str::from_utf8(&CSS_HREF_BYTES) {
    Ok(s) => s,
    Err(_) => "/static/bianli.css",
};

const fn fnv1a(bytes: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    let mut i = 0;
    while i < bytes.len() {
        h ^= bytes[i] as u32;
        h = h.wrapping_mul(0x0100_0193);
        i += 1;
    }
    h
}

/// The top-level sections, for marking the current one in the navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Cases,
    Home,
    Items,
    Stats,
    Decrees,
    Oversight,
    Workbench,
    Admin,
    Login,
    None,
}

pub struct NavLink {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// The signed-in person as the header shows them.
#[derive(Debug, Clone)]
pub struct UserView {
    pub name: String,
    pub role: &'static str,
}

/// The parts of the page outside `<main>`.
pub struct Chrome {
    pub css_href: &'static str,
    pub nav: Vec<NavLink>,
    pub user: Option<UserView>,
    pub csrf: String,
    pub login_href: String,
    pub login_current: bool,
}

impl Chrome {
    pub fn new(
        section: Section,
        user: Option<UserView>,
        maintainer: bool,
        supervisor: bool,
        csrf: String,
        here: &str,
    ) -> Chrome {
        let mut links = vec![
            (Section::Home, "/", "首页"),
            (Section::Items, "/items", "事项"),
            (Section::Stats, "/stats", "权力清单统计"),
            (Section::Decrees, "/decrees", "调整决定"),
            (Section::Oversight, "/oversight", "阳光政务"),
        ];
        if user.is_some() {
            links.push((Section::Cases, "/cases", "办件"));
        }
        if supervisor {
            links.push((Section::Workbench, "/oversight/cards", "电子监察"));
        }
        if maintainer {
            links.push((Section::Admin, "/admin/decrees/new", "维护"));
        }
        let nav = links
            .into_iter()
            .map(|(s, href, label)| NavLink {
                href,
                label,
                current: s == section,
            })
            .collect();
        let login_href = if here == "/" || here.starts_with("/login") {
            "/login".to_string()
        } else {
            format!("/login?next={}", encode(here))
        };
        Chrome {
            css_href: CSS_HREF,
            nav,
            user,
            csrf,
            login_href,
            login_current: section == Section::Login,
        }
    }
}

/// Renders a page with a status, turning a template failure into a 500.
pub fn render<T: Template>(status: StatusCode, page: &T) -> Result<Response, PageError> {
    match page.render() {
        Ok(html) => Ok((status, Html(html)).into_response()),
        Err(e) => Err(PageError::bare(AppError::Internal(format!(
            "rendering a page: {e}"
        )))),
    }
}

pub fn ok<T: Template>(page: &T) -> Result<Response, PageError> {
    render(StatusCode::OK, page)
}

/// Percent-encodes a query value (everything but unreserved ASCII).
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A query string from pairs, leaving out empty values.
pub fn query(pairs: &[(&str, &str)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

pub fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// 289703 → "289,703".
pub fn count(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

pub fn promised(days: u16) -> String {
    if days == 0 {
        "即办件".to_string()
    } else {
        format!("承诺 {days} 个工作日")
    }
}

pub fn visits(n: u8) -> String {
    match n {
        0 => "零跑动（最多跑零次）".to_string(),
        1 => "最多跑一次".to_string(),
        n => format!("到现场 {n} 次"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn css_href_carries_a_hash() {
        assert!(CSS_HREF.starts_with("/static/bianli.css?v="));
        assert_eq!(CSS_HREF.len(), "/static/bianli.css?v=".len() + 8);
    }

    #[test]
    fn counts_group_thousands() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(289703), "289,703");
        assert_eq!(count(-1234567), "-1,234,567");
    }

    #[test]
    fn query_strings_encode_and_skip_empty() {
        assert_eq!(
            query(&[("q", "开饭店"), ("level", "")]),
            "?q=%E5%BC%80%E9%A5%AD%E5%BA%97"
        );
        assert_eq!(query(&[("a", "x&y=z")]), "?a=x%26y%3Dz");
        assert_eq!(query(&[]), "");
    }
}
