//! Query latency and rebuild time on a catalog the size of a whole province.
//!
//! Criterion reports means; tail latency matters more for a citizen-facing
//! search box, so the binary also times each query kind itself and prints
//! p50/p99 beside the raw limit (bare tantivy term queries on the same
//! index), plus the time and memory to rebuild the full index.
//!
//! Run with `cargo bench -p bianli-search`. Under `cargo test --benches`
//! (no `--bench` flag) it runs the same code on a small slice as a smoke test.

mod catalog;

use std::collections::{HashMap, HashSet};
use std::hint::black_box;
use std::time::{Duration, Instant};

use bianli_search::{SearchIndex, SearchQuery};
use criterion::Criterion;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{Searcher, Term};

const QUERIES: &[&str] = &["开饭店", "食品经营许可", "卖烟", "生孩子要办什么", "护照"];
/// A county, the filter a citizen gets after picking where they live.
const DIVISION: &str = "430102";
/// For each query, the most common word of the item titles that its words
/// and synonyms reach (开饭店 → 食品经营 → 经营): the longest posting list the
/// real query has to weigh. The raw limit runs tantivy on that word alone.
const MAIN_WORDS: &[(&str, &str)] = &[
    ("开饭店", "经营"),
    ("食品经营许可", "许可"),
    ("卖烟", "零售"),
    ("生孩子要办什么", "登记"),
    ("护照", "护照"),
];

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let scale = if full { 1.0 } else { 0.02 };

    // Generating the synthetic docs is part of every timed rebuild below
    // (they are streamed, never held in memory at once); this is its share.
    let started = Instant::now();
    let n = catalog::generate(scale).count();
    let generation = started.elapsed().as_secs_f64();
    println!(
        "catalog: {n} docs ({} item names x 136 divisions x 7 sub-items, minus 1/16); generating them alone: {generation:.2} s",
        catalog::item_names()
    );

    let index = SearchIndex::new().expect("create index");
    let rss_empty = rss_kib().0;
    for round in ["into empty index", "replacing all"] {
        let (cpu_before, started) = (cpu_seconds(), Instant::now());
        index.rebuild(catalog::generate(scale)).expect("rebuild");
        let wall = started.elapsed().as_secs_f64();
        println!(
            "rebuild {round}: {wall:.2} s wall ({:.0} docs/s), {:.2} s CPU",
            n as f64 / wall,
            cpu_seconds() - cpu_before
        );
    }
    let (rss, peak) = rss_kib();
    // Includes the jieba dictionary (~35 MiB) and heap the allocator keeps
    // after the writer's arenas are freed.
    println!(
        "memory: RSS {} MiB empty, {} MiB after rebuilds (peak {} MiB)",
        rss_empty / 1024,
        rss / 1024,
        peak / 1024
    );

    let rounds = if full { 400 } else { 5 };
    percentiles(&index, rounds);
    edits(&index, if full { 50 } else { 3 });
    spot_check(&index, scale);

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

/// The cheapest tantivy operations on the same index that touch what a query
/// must: the main word's top 10 alone (block-max WAND may skip most
/// postings), its count alone (read from the term dictionary), and both in
/// one pass (every posting scored once). Bare term, no filters.
fn raw_cases(searcher: &Searcher) -> Vec<(String, Box<dyn Fn() -> usize + '_>)> {
    let titles = searcher.schema().get_field("titles").expect("titles field");
    let mut out: Vec<(String, Box<dyn Fn() -> usize + '_>)> = Vec::new();
    for &(query, word) in MAIN_WORDS {
        let term = TermQuery::new(
            Term::from_field_text(titles, word),
            IndexRecordOption::WithFreqs,
        );
        let top10 = {
            let term = term.clone();
            move || {
                let top = TopDocs::with_limit(10).order_by_score();
                searcher.search(&term, &top).expect("raw top").len()
            }
        };
        let count = {
            let term = term.clone();
            move || searcher.search(&term, &Count).expect("raw count")
        };
        let both = move || {
            let top = TopDocs::with_limit(10).order_by_score();
            searcher.search(&term, &(top, Count)).expect("raw both").1
        };
        out.push((format!("{word} ({query}) top 10"), Box::new(top10)));
        out.push((format!("{word} ({query}) count"), Box::new(count)));
        out.push((format!("{word} ({query}) top+count"), Box::new(both)));
    }
    out
}

/// Interleaves the kinds (round-robin), raw-limit operations included, so
/// that no kind gets a cache or a quiet moment all to itself, then reports
/// each kind's distribution and the whole mix.
fn percentiles(index: &SearchIndex, rounds: usize) {
    let cases = cases();
    let searcher = index.tantivy_searcher();
    let raw = raw_cases(&searcher);
    let mut per_case: Vec<Vec<Duration>> = vec![Vec::with_capacity(rounds); cases.len()];
    let mut per_raw: Vec<Vec<Duration>> = vec![Vec::with_capacity(rounds); raw.len()];
    for _ in 0..rounds {
        for (i, (_, q)) in cases.iter().enumerate() {
            let started = Instant::now();
            let result = index.search(black_box(q)).expect("search");
            per_case[i].push(started.elapsed());
            black_box(result);
        }
        for (i, (_, op)) in raw.iter().enumerate() {
            let started = Instant::now();
            black_box(op());
            per_raw[i].push(started.elapsed());
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
    println!("raw limit, bare tantivy term query on titles, same index, same rounds:");
    for ((name, op), times) in raw.iter().zip(&mut per_raw) {
        let (p50, p99, max) = summary(times);
        println!("{name:<26} {p50:>9.3} {p99:>9.3} {max:>9.3} {:>8}", op());
    }
}

/// Prints the top names per query, so a run also shows what was measured.
fn spot_check(index: &SearchIndex, scale: f64) {
    let results: Vec<_> = cases()
        .into_iter()
        .map(|(name, q)| (name, index.search(&q).expect("search").0))
        .collect();
    let wanted: HashSet<&str> = results
        .iter()
        .flat_map(|(_, hits)| hits.iter().take(3).map(|h| h.code.as_str()))
        .collect();
    let names: HashMap<String, String> = catalog::generate(scale)
        .filter(|d| wanted.contains(d.code.as_str()))
        .map(|d| (d.code, d.name))
        .collect();
    println!("top 3 per query:");
    for (query, hits) in &results {
        let top: Vec<&str> = hits
            .iter()
            .take(3)
            .filter_map(|h| names.get(&h.code).map(String::as_str))
            .collect();
        println!("  {query:<26} {}", top.join(" | "));
    }
}

/// Latency of single-item writes on the full index, search-visible on return.
fn edits(index: &SearchIndex, rounds: usize) {
    let Some(mut doc) = catalog::generate(0.01).next() else {
        return;
    };
    let (mut upserts, mut removes) = (Vec::new(), Vec::new());
    for i in 0..rounds {
        doc.materials.push(format!("补充材料{i}"));
        let started = Instant::now();
        index.upsert(std::slice::from_ref(&doc)).expect("upsert");
        upserts.push(started.elapsed());
        let started = Instant::now();
        index
            .remove(std::slice::from_ref(&doc.code))
            .expect("remove");
        removes.push(started.elapsed());
    }
    index.upsert(std::slice::from_ref(&doc)).expect("upsert");
    for (name, times) in [
        ("upsert 1 doc", &mut upserts),
        ("remove 1 doc", &mut removes),
    ] {
        let (p50, p99, max) = summary(times);
        println!("{name:<26} {p50:>9.3} {p99:>9.3} {max:>9.3}   (ms, {rounds} runs)");
    }
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

/// User + system CPU time of this process: unlike wall time, it does not
/// grow when other processes compete for the cores.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the parenthesised command name; utime and stime are the
    // 12th and 13th of those, in clock ticks (100 per second on Linux).
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
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
