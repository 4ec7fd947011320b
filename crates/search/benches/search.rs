//! Query latency and rebuild time on a catalog the size of a whole province.
//!
//! Criterion reports means; tail latency matters more for a citizen-facing
//! search box, so the binary also times each query kind itself and prints
//! p50/p99, plus the time and memory to rebuild the full index.
//!
//! Run with `cargo bench -p bianli-search`. Under `cargo test --benches`
//! (no `--bench` flag) it runs the same code on a small slice as a smoke test.

mod catalog;

use std::hint::black_box;
use std::time::{Duration, Instant};

use bianli_search::{SearchIndex, SearchQuery};
use criterion::Criterion;

const QUERIES: &[&str] = &["开饭店", "食品经营许可", "卖烟", "生孩子要办什么", "护照"];
/// A county, the filter a citizen gets after picking where they live.
const DIVISION: &str = "430102";

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let scale = if full { 1.0 } else { 0.02 };
    let index = SearchIndex::new().expect("create index");
    let rss_empty = rss_kib().0;

    let docs = catalog::generate(scale);
    let n = docs.len();
    println!(
        "catalog: {n} docs ({} item names x divisions x variants)",
        catalog::item_names()
    );
    let started = Instant::now();
    index.rebuild(docs).expect("rebuild");
    let rebuild = started.elapsed();
    println!(
        "rebuild into empty index: {:.2} s ({:.0} docs/s)",
        rebuild.as_secs_f64(),
        n as f64 / rebuild.as_secs_f64(),
    );
    // Production rebuilds replace a populated index, so time that too.
    let docs = catalog::generate(scale);
    let started = Instant::now();
    index.rebuild(docs).expect("rebuild");
    println!(
        "rebuild replacing {n} docs: {:.2} s",
        started.elapsed().as_secs_f64()
    );
    let (rss, peak) = rss_kib();
    println!(
        "memory: index holds ~{} MiB (RSS {} MiB before any doc, {} MiB after); peak RSS {} MiB",
        rss.saturating_sub(rss_empty) / 1024,
        rss_empty / 1024,
        rss / 1024,
        peak / 1024
    );

    let rounds = if full { 400 } else { 5 };
    percentiles(&index, rounds);

    let mut c = Criterion::default()
        .configure_from_args()
        .sample_size(50)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    criterion_queries(&mut c, &index);
    c.final_summary();
}

fn cases() -> Vec<(String, SearchQuery<'static>)> {
    let mut out = Vec::new();
    for &text in QUERIES {
        let q = SearchQuery {
            text,
            limit: 20,
            ..Default::default()
        };
        out.push((text.to_string(), q.clone()));
        let q = SearchQuery {
            division: Some(DIVISION),
            ..q
        };
        out.push((format!("{text} +division"), q));
    }
    let list = SearchQuery {
        division: Some(DIVISION),
        limit: 20,
        ..Default::default()
    };
    out.push(("(empty) +division".to_string(), list));
    out
}

/// Interleaves the kinds (round-robin) so that no kind gets a cache all to
/// itself, then reports each kind's distribution and the whole mix.
fn percentiles(index: &SearchIndex, rounds: usize) {
    let cases = cases();
    let mut per_case: Vec<Vec<Duration>> = vec![Vec::with_capacity(rounds); cases.len()];
    for _ in 0..rounds {
        for (i, (_, q)) in cases.iter().enumerate() {
            let started = Instant::now();
            let result = index.search(black_box(q)).expect("search");
            per_case[i].push(started.elapsed());
            black_box(result);
        }
    }
    println!(
        "latency over {rounds} runs per kind ({} queries in all):",
        rounds * cases.len()
    );
    println!(
        "{:<26} {:>9} {:>9} {:>9} {:>8}",
        "query", "p50 ms", "p99 ms", "max ms", "total"
    );
    let mut all = Vec::new();
    for ((name, q), times) in cases.iter().zip(&mut per_case) {
        let total = index.search(q).expect("search").1;
        let (p50, p99, max) = summary(times);
        println!("{name:<26} {p50:>9.3} {p99:>9.3} {max:>9.3} {total:>8}");
        all.extend_from_slice(times);
    }
    let (p50, p99, max) = summary(&mut all);
    println!("{:<26} {p50:>9.3} {p99:>9.3} {max:>9.3}", "ALL");
}

fn summary(times: &mut [Duration]) -> (f64, f64, f64) {
    times.sort_unstable();
    let at = |p: f64| {
        let i = ((times.len() as f64 * p).ceil() as usize).clamp(1, times.len()) - 1;
        times[i].as_secs_f64() * 1e3
    };
    (at(0.50), at(0.99), at(1.0))
}

fn criterion_queries(c: &mut Criterion, index: &SearchIndex) {
    let mut group = c.benchmark_group("search");
    for (name, q) in cases() {
        group.bench_function(name, |b| {
            b.iter(|| index.search(black_box(&q)).expect("search"))
        });
    }
    group.finish();
}

/// (current, peak) resident set size in KiB; zeros where /proc is absent.
fn rss_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |key: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}
