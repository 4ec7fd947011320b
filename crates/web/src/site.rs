//! The site's own address as the caller reached it, for links that leave
//! the page: QR codes on tickets and official papers.

use axum::http::{HeaderMap, header};

/// `scheme://host` from the request: the Host header (plain host
/// characters only, else `localhost`), and `https` when a TLS-terminating
/// proxy says so in `X-Forwarded-Proto`.
pub fn base(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
        })
        .unwrap_or("localhost");
    let scheme = match headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
    {
        Some("https") => "https",
        _ => "http",
    };
    format!("{scheme}://{host}")
}
