//! The ticket's check URL and its QR code. The hall's staff scan the code to
//! open the ticket page, where they check the visitor in.

use axum::http::HeaderMap;
use qrcode::QrCode;
use qrcode::render::svg;

/// The ticket page's address as the visitor reached this server.
pub fn check_url(headers: &HeaderMap, ticket: &str) -> String {
    format!("{}/appointments/{ticket}", crate::site::base(headers))
}

/// The QR code of `text` as an inline SVG element.
pub fn qr_svg(text: &str) -> String {
    match QrCode::new(text.as_bytes()) {
        Ok(code) => {
            let svg = code
                .render::<svg::Color<'_>>()
                .min_dimensions(200, 200)
                .quiet_zone(true)
                .build();
            // Inline in HTML: no XML declaration, and a name for screen readers.
            let start = svg.find("<svg").unwrap_or(0);
            svg[start..].replacen("<svg ", "<svg role=\"img\" aria-label=\"二维码\" ", 1)
        }
        // A URL of a few dozen bytes always fits; say so rather than panic.
        Err(e) => format!("<p>二维码无法生成：{e}</p>"),
    }
}

#[cfg(test)]
mod tests {
    use axum::http::{HeaderValue, header};

    use super::*;

    #[test]
    fn url_from_the_host_and_only_a_plain_host() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("hall.example:8080"));
        assert_eq!(
            check_url(&h, "H1-261130-001"),
            "http://hall.example:8080/appointments/H1-261130-001"
        );
        h.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        assert!(check_url(&h, "T").starts_with("https://hall.example:8080/"));
        h.insert(header::HOST, HeaderValue::from_static("evil/x?"));
        assert!(check_url(&h, "T").starts_with("https://localhost/"));
    }

    #[test]
    fn draws_an_svg() {
        let s = qr_svg("http://localhost/appointments/H1-261130-001");
        assert!(s.starts_with("<svg") && s.contains("<path"), "{s}");
    }
}
