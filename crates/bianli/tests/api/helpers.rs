use std::sync::atomic::{AtomicU32, Ordering};

use bianli_app::App;
use reqwest::{Client, Response, StatusCode};
use serde_json::Value;

/// Both back ends run every story.
#[derive(Clone, Copy, Debug)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// The small world most tests need: the whole province (so its 3,722 powers
/// hold), 长沙市 and two of its districts, with the reform history.
pub const DIVISIONS: [&str; 4] = ["430000", "430100", "430102", "430103"];

pub struct TestApp {
    pub url: String,
    /// The database, for running the `bianli` command against it.
    pub db_url: String,
    /// This test's own blob store (a fresh folder), for the same.
    pub blobs_url: String,
    pub client: Client,
    pub app: App,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn pg_base() -> String {
    std::env::var("BIANLI_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string())
}

/// A database no other test touches.
async fn fresh_db(db: Db) -> String {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let mut salt = [0u8; 4];
    getrandom::fill(&mut salt).expect("randomness");
    let name = format!(
        "bianli_t{}_{}_{}",
        std::process::id(),
        n,
        u32::from_le_bytes(salt)
    );
    match db {
        Db::Sqlite => {
            let dir = std::env::temp_dir().join("bianli-tests");
            std::fs::create_dir_all(&dir).expect("temp dir");
            format!("sqlite://{}/{name}.db", dir.display())
        }
        Db::Postgres => {
            use sqlx::Connection;
            let base = pg_base();
            let mut conn = sqlx::PgConnection::connect(&base).await.unwrap_or_else(|e| {
                panic!("PostgreSQL at {base} (BIANLI_TEST_PG) is needed for the PostgreSQL half of the suite: {e}")
            });
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&mut conn)
                .await
                .expect("create test database");
            let (prefix, _) = base.rsplit_once('/').expect("a database URL ends in /DB");
            format!("{prefix}/{name}")
        }
    }
}

pub async fn spawn_app(db: Db) -> TestApp {
    spawn_with(db, Some(&DIVISIONS)).await
}

/// A blob folder no other test touches (inside the temp folder the SQLite
/// test databases use, so one clean-up covers both).
fn fresh_blobs() -> String {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let mut salt = [0u8; 4];
    getrandom::fill(&mut salt).expect("randomness");
    let dir = std::env::temp_dir().join("bianli-tests").join(format!(
        "blobs_{}_{}_{}",
        std::process::id(),
        n,
        u32::from_le_bytes(salt)
    ));
    dir.display().to_string()
}

/// The small world on a clock the test moves (rules that need time to pass).
pub async fn spawn_app_with_clock(db: Db, clock: fn() -> chrono::DateTime<chrono::Utc>) -> TestApp {
    spawn_on(db, Some(&DIVISIONS), Some(clock), true).await
}

/// The small world served without the background followers: nothing
/// enters the ledger until the test calls `app.ledger_catch_up()`, so a
/// step not yet in the log can be seen.
pub async fn spawn_app_unfollowed(db: Db) -> TestApp {
    spawn_on(db, Some(&DIVISIONS), None, false).await
}

async fn spawn_with(db: Db, divisions: Option<&[&str]>) -> TestApp {
    spawn_on(db, divisions, None, true).await
}

async fn spawn_on(
    db: Db,
    divisions: Option<&[&str]>,
    clock: Option<fn() -> chrono::DateTime<chrono::Utc>>,
    follow: bool,
) -> TestApp {
    let db_url = fresh_db(db).await;
    let blobs_url = fresh_blobs();
    // Stories read figures right after writing them: no caching window.
    let mut app = App::open_with(&db_url, &blobs_url)
        .await
        .expect("open app")
        .with_oversight_window(std::time::Duration::ZERO);
    if let Some(clock) = clock {
        app = app.with_clock(clock);
    }
    if let Some(d) = divisions {
        app.seed_demo_within(Some(d), &|_| {}).await.expect("seed");
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let served = app.clone();
    if follow {
        tokio::spawn(async move {
            let _ = bianli_web::serve(served, listener).await;
        });
    } else {
        let router = bianli_web::router(served)
            .into_make_service_with_connect_info::<std::net::SocketAddr>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
    }
    TestApp {
        url: format!("http://{addr}"),
        db_url,
        blobs_url,
        client: Client::new(),
        app,
    }
}

impl TestApp {
    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(format!("{}{path}", self.url))
            .send()
            .await
            .expect("request")
    }

    pub async fn get_as(&self, path: &str, token: &str) -> Response {
        self.client
            .get(format!("{}{path}", self.url))
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }

    pub async fn get_json(&self, path: &str) -> Value {
        let r = self.get(path).await;
        assert_eq!(r.status(), StatusCode::OK, "GET {path}");
        r.json().await.expect("json")
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        let mut req = self.client.post(format!("{}{path}", self.url)).json(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.expect("request")
    }

    pub async fn put(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        let mut req = self.client.put(format!("{}{path}", self.url)).json(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.expect("request")
    }

    pub async fn login(&self, username: &str) -> String {
        let r = self
            .post(
                "/api/v1/identity/login",
                None,
                &serde_json::json!({"username": username, "password": "bianli-demo"}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "login {username}");
        let v: Value = r.json().await.expect("json");
        v["token"].as_str().expect("token").to_string()
    }

    /// The number of events the database holds (to prove a rejected request wrote nothing).
    pub async fn event_count(&self) -> usize {
        self.app
            .store()
            .events(0, 1_000_000)
            .await
            .expect("events")
            .len()
    }
}

/// Asserts an RFC 9457 problem naming `field`.
pub async fn assert_problem(r: Response, status: StatusCode, field: &str) -> Value {
    assert_eq!(r.status(), status);
    assert_eq!(
        r.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/problem+json")
    );
    let v: Value = r.json().await.expect("problem json");
    assert_eq!(v["status"], status.as_u16());
    assert!(
        v["type"]
            .as_str()
            .is_some_and(|t| t.starts_with("/problems/")),
        "{v}"
    );
    if !field.is_empty() {
        let fields: Vec<&str> = v["errors"]
            .as_array()
            .map(|a| a.iter().filter_map(|e| e["field"].as_str()).collect())
            .unwrap_or_default();
        assert!(fields.contains(&field), "expected field {field} in {v}");
    }
    v
}

/// Declares one story twice: `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! both_dbs {
    ($name:ident, $body:path) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $body($crate::helpers::Db::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                $body($crate::helpers::Db::Postgres).await
            }
        }
    };
}
