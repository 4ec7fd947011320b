//! The public status query over HTTP, the way a phone asks it: GET
//! `/api/v1/cases/{number}?code=` on keep-alive connections, against the real
//! server (SQLite, 1,000 cases). Beside it, the raw limit of the same server
//! and client on the same connections: `GET /healthz`, which does no work.
//!
//! `cargo bench -p bianli --bench status_http --profile dev`. The client runs
//! on the same 2 cores as the server, so the figures are what one machine
//! does end to end, not the server alone. Not a timed test.

use std::time::{Duration, Instant};

use bianli_app::App;
use bianli_app::cases::{ApplicantInput, Application};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const CASES: usize = 1_000;
const CONNECTIONS: usize = 32;
const RUN: Duration = Duration::from_secs(5);

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // One client from one address: lift the per-client budget for the run.
    // SAFETY: set before any other thread exists.
    unsafe { std::env::set_var("BIANLI_STATUS_PER_MINUTE", "1000000000") };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(run())
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("bianli-bench-status-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let db = format!("sqlite://{}", dir.join("bench.db").display());
    let app = App::open_with(&db, "memory:").await?;
    app.seed_demo_within(Some(&["430000", "430100"]), &|_| {})
        .await?;
    let cases = submit_cases(&app).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let served = app.clone();
    tokio::spawn(async move { bianli_web::serve(served, listener).await });

    let paths: Vec<String> = cases
        .iter()
        .map(|(n, c)| format!("/api/v1/cases/{n}?code={c}"))
        .collect();
    // Warm up the connections and the database pages.
    load(addr, &paths, Duration::from_secs(1)).await?;
    let (rps, p50, p99) = load(addr, &paths, RUN).await?;
    println!(
        "status query   {CONNECTIONS} connections  {rps:>8.0} /s  p50 {p50:.3} ms  p99 {p99:.3} ms"
    );
    let health = vec!["/healthz".to_string()];
    let (rps, p50, p99) = load(addr, &health, RUN).await?;
    println!(
        "raw: /healthz  {CONNECTIONS} connections  {rps:>8.0} /s  p50 {p50:.3} ms  p99 {p99:.3} ms"
    );
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

/// 1,000 cases filed at the hall by the demo clerk, with their codes.
async fn submit_cases(app: &App) -> Result<Vec<(String, String)>, Box<dyn std::error::Error>> {
    let session = app.login("clerk", "bianli-demo").await?;
    let clerk = app.authenticate(&session.token).await?;
    let page = app
        .search_items(&bianli_app::catalog::ItemQuery {
            q: Some("食品经营许可".into()),
            division: Some("430100".into()),
            ..Default::default()
        })
        .await?;
    let item = page
        .items
        .iter()
        .find(|v| v.item.name == "食品经营许可")
        .ok_or("食品经营许可 in 430100")?;
    let mut out = Vec::with_capacity(CASES);
    for n in 0..CASES {
        let receipt = app
            .submit(
                &clerk,
                Application {
                    item: item.item.code.to_string(),
                    channel: "hall".into(),
                    applicant: Some(ApplicantInput {
                        kind: "citizen".into(),
                        name: "张三".into(),
                        id_number: Some("11010519491231002X".into()),
                        uscc: None,
                    }),
                    // The licence's own form, filled as the demo's applicants do.
                    form: bianli_app::seed::form::fill(&item.item, n, app.today()),
                    materials: vec![],
                },
            )
            .await?;
        out.push((receipt.number, receipt.verification_code));
    }
    Ok(out)
}

/// `CONNECTIONS` keep-alive connections asking `paths` round-robin for
/// `run`: requests per second, p50 and p99 latency in ms.
async fn load(
    addr: std::net::SocketAddr,
    paths: &[String],
    run: Duration,
) -> Result<(f64, f64, f64), Box<dyn std::error::Error>> {
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..CONNECTIONS {
        let paths = paths.to_vec();
        tasks.push(tokio::spawn(async move {
            let stream = TcpStream::connect(addr).await.expect("connect");
            stream.set_nodelay(true).expect("nodelay");
            let mut conn = BufReader::new(stream);
            let mut latencies = Vec::new();
            let mut k = c * 7919;
            while started.elapsed() < run {
                let path = &paths[k % paths.len()];
                k += 1;
                let t = Instant::now();
                let status = get(&mut conn, path).await.expect("a response");
                assert_eq!(status, 200, "GET {path}");
                latencies.push(t.elapsed());
            }
            latencies
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await?);
    }
    let secs = started.elapsed().as_secs_f64();
    all.sort();
    let ms = |q: f64| {
        all.get(((all.len() as f64 - 1.0) * q) as usize)
            .map_or(0.0, |d| d.as_secs_f64() * 1e3)
    };
    Ok((all.len() as f64 / secs, ms(0.5), ms(0.99)))
}

/// One HTTP/1.1 request on a kept-alive connection; the status code. The
/// body is read whole (Content-Length) so the next request starts clean.
async fn get(conn: &mut BufReader<TcpStream>, path: &str) -> std::io::Result<u16> {
    let request = format!("GET {path} HTTP/1.1\r\nHost: bench\r\n\r\n");
    conn.get_mut().write_all(request.as_bytes()).await?;
    let mut line = String::new();
    conn.read_line(&mut line).await?;
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut length = 0usize;
    loop {
        line.clear();
        conn.read_line(&mut line).await?;
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    conn.read_exact(&mut body).await?;
    Ok(status)
}
