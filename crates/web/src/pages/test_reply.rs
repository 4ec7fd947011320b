//! For the page tests that drive the router as a browser would: one
//! request through it, and what came back.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use tower::ServiceExt;

pub struct Reply {
    pub status: StatusCode,
    pub location: String,
    pub html: String,
}

pub async fn send(router: &Router, req: Request<Body>) -> Reply {
    let res = router.clone().oneshot(req).await.expect("a response");
    let status = res.status();
    let location = res
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .expect("a body");
    Reply {
        status,
        location,
        html: String::from_utf8_lossy(&bytes).into_owned(),
    }
}
