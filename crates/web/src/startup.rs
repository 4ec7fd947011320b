use std::net::SocketAddr;

use axum::Router;
use axum::routing::get;
use bianli_app::App;
use tokio::net::TcpListener;

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    /// The public status query's budget per client.
    pub status_limit: std::sync::Arc<crate::rate_limit::RateLimit>,
}

/// Enough for a person checking a few receipts, far too few to guess codes.
/// `BIANLI_STATUS_PER_MINUTE` changes it (a load test from one address).
const STATUS_QUERIES_PER_MINUTE: u32 = 30;

fn status_queries_per_minute() -> u32 {
    std::env::var("BIANLI_STATUS_PER_MINUTE")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(STATUS_QUERIES_PER_MINUTE)
}

/// The whole HTTP surface.
pub fn router(app: App) -> Router {
    let state = AppState {
        app,
        status_limit: std::sync::Arc::new(crate::rate_limit::RateLimit::new(
            status_queries_per_minute(),
            std::time::Duration::from_secs(60),
        )),
    };
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/metrics", get(crate::metrics::serve))
        .nest("/api/v1", crate::api::router(state.clone()))
        .merge(crate::pages::router())
        .with_state(state)
}

/// Serves until Ctrl-C. `listener` is already bound (tests bind port 0).
pub async fn serve(app: App, listener: TcpListener) -> std::io::Result<()> {
    app.spawn_follower();
    axum::serve(
        listener,
        router(app).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}
