//! The hot paths issue 4 names, measured on in-memory state so the figures
//! are the crate's own cost (a store adds its reads and writes on top):
//!
//! - batched append: 1 M leaves in batches of 1,000 into a node map;
//! - proof latency at 10 M leaves: `*_proof_ids` + assemble + verify;
//! - full verify of 1 M entries: parse the served JSON, canonicalise,
//!   leaf-hash, root;
//! - the raw limit: SHA-256 of the same bytes alone.
//!
//! Throughputs and percentiles are printed as `ledger:` lines beside
//! criterion's own output, because criterion reports means only.

use std::collections::HashMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use bianli_ledger::tree::{self, Frontier, NodeId};
use bianli_ledger::{Hash, leaf_bytes, leaf_hash, merkle};
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const APPEND_LEAVES: u64 = 1_000_000;
const APPEND_BATCH: usize = 1_000;
const PROOF_LEAVES: u64 = 10_000_000;
const VERIFY_ENTRIES: u64 = 1_000_000;

const KINDS: [&str; 4] = [
    "cases.submitted",
    "cases.accepted",
    "cases.decided",
    "cases.rated",
];

fn leaf_hashes(n: u64) -> Vec<Hash> {
    (0..n).map(|i| leaf_hash(&i.to_le_bytes())).collect()
}

/// A public event as the integrator is expected to shape it: time, context,
/// kind, public identifiers and a commitment, no personal data.
fn event(i: u64) -> Value {
    json!({
        "seq": i,
        "at": format!("2026-11-{:02}T{:02}:{:02}:{:02}+08:00", 1 + i % 28, i % 24, i % 60, (i * 7) % 60),
        "context": "cases",
        "kind": KINDS[(i % 4) as usize],
        "item": format!("430100-01{:05}", i % 3722),
        "case": format!("430100-2026-{:07}", i / 4),
        "department": format!("4301{:02}", i % 46),
        "staff": format!("S{:06}", i % 5000),
        "role": "窗口人员",
        "commitment": hex::encode(bianli_ledger::commitment(&[7; 16], &i.to_le_bytes())),
    })
}

fn append_1m(nodes: &mut HashMap<NodeId, Hash>, leaves: &[Hash]) -> Frontier {
    let mut frontier = Frontier::empty();
    for batch in leaves.chunks(APPEND_BATCH) {
        let (new_nodes, next) = frontier.append(batch).expect("append");
        nodes.extend(new_nodes);
        frontier = next;
    }
    frontier
}

fn bench_append(c: &mut Criterion) {
    let leaves = leaf_hashes(APPEND_LEAVES);
    let mut group = c.benchmark_group("append");
    group.sample_size(10);
    group.bench_function("1M leaves, batches of 1000, into a node map", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let mut nodes = HashMap::with_capacity(2 * APPEND_LEAVES as usize);
                let start = Instant::now();
                black_box(append_1m(&mut nodes, &leaves));
                total += start.elapsed();
            }
            let per_run = total.as_secs_f64() / iters as f64;
            println!(
                "ledger: append {} leaves/s",
                (APPEND_LEAVES as f64 / per_run) as u64
            );
            total
        })
    });
    group.finish();
}

/// Every complete subtree of a 10 M tree, level by level: ~2n hashes.
struct Levels(Vec<Vec<Hash>>);

impl Levels {
    fn build(n: u64) -> Self {
        let mut levels = vec![leaf_hashes(n)];
        while levels.last().expect("a level").len() > 1 {
            let below = levels.last().expect("a level");
            let above = below
                .chunks_exact(2)
                .map(|p| bianli_ledger::node_hash(&p[0], &p[1]))
                .collect();
            levels.push(above);
        }
        Self(levels)
    }

    fn node(&self, id: NodeId) -> Option<Hash> {
        self.0
            .get(usize::from(id.level))?
            .get(id.index as usize)
            .copied()
    }
}

fn percentiles(mut samples: Vec<Duration>) -> (f64, f64) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q) as usize].as_secs_f64() * 1e6;
    (at(0.50), at(0.99))
}

fn bench_proofs(c: &mut Criterion) {
    let built = Instant::now();
    let levels = Levels::build(PROOF_LEAVES);
    println!(
        "ledger: built {PROOF_LEAVES} leaf tree levels in {:.1} s",
        built.elapsed().as_secs_f64()
    );
    let source = |id: NodeId| levels.node(id);
    let root = Frontier::restore(PROOF_LEAVES, &source)
        .expect("frontier")
        .root();
    // A fixed pseudo-random walk over indexes and old sizes (xorshift).
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };

    let inclusion = |index: u64| {
        let ids = tree::inclusion_proof_ids(index, PROOF_LEAVES).expect("ids");
        let fetched: HashMap<NodeId, Hash> = ids
            .iter()
            .map(|id| (*id, levels.node(*id).expect("node")))
            .collect();
        let proof = tree::inclusion_proof(index, PROOF_LEAVES, &fetched).expect("proof");
        let leaf = levels.node(NodeId::new(0, index)).expect("leaf");
        merkle::verify_inclusion(&leaf, index, PROOF_LEAVES, &proof, &root).expect("verifies");
    };
    let consistency = |old: u64| {
        let old_root = Frontier::restore(old, &source)
            .expect("old frontier")
            .root();
        let ids = tree::consistency_proof_ids(old, PROOF_LEAVES).expect("ids");
        let fetched: HashMap<NodeId, Hash> = ids
            .iter()
            .map(|id| (*id, levels.node(*id).expect("node")))
            .collect();
        let proof = tree::consistency_proof(old, PROOF_LEAVES, &fetched).expect("proof");
        merkle::verify_consistency(old, PROOF_LEAVES, &old_root, &root, &proof).expect("verifies");
    };

    let mut samples = Vec::with_capacity(100_000);
    for _ in 0..100_000 {
        let index = next() % PROOF_LEAVES;
        let start = Instant::now();
        inclusion(index);
        samples.push(start.elapsed());
    }
    let (p50, p99) = percentiles(samples);
    println!(
        "ledger: inclusion proof at 10M (ids + assemble + verify): p50 {p50:.1} µs, p99 {p99:.1} µs"
    );
    let mut samples = Vec::with_capacity(100_000);
    for _ in 0..100_000 {
        let old = 1 + next() % (PROOF_LEAVES - 1);
        let start = Instant::now();
        consistency(old);
        samples.push(start.elapsed());
    }
    let (p50, p99) = percentiles(samples);
    println!(
        "ledger: consistency proof at 10M (old root from its frontier + ids + assemble + verify): \
         p50 {p50:.1} µs, p99 {p99:.1} µs"
    );

    let mut group = c.benchmark_group("proof at 10M leaves");
    group.bench_function("inclusion: ids + assemble + verify", |b| {
        b.iter(|| inclusion(next() % PROOF_LEAVES))
    });
    group.bench_function("consistency: old root + ids + assemble + verify", |b| {
        b.iter(|| consistency(1 + next() % (PROOF_LEAVES - 1)))
    });
    group.finish();
}

fn bench_full_verify(c: &mut Criterion) {
    // As a verifier receives them: JSON text from the entries API.
    let served: Vec<Vec<u8>> = (0..VERIFY_ENTRIES)
        .map(|i| serde_json::to_vec(&event(i)).expect("serialises"))
        .collect();
    let bytes: Vec<Vec<u8>> = served
        .iter()
        .map(|text| leaf_bytes(&serde_json::from_slice(text).expect("parses")).expect("canonical"))
        .collect();
    let mean = bytes.iter().map(Vec::len).sum::<usize>() / bytes.len();
    println!("ledger: full verify input: {VERIFY_ENTRIES} events, mean leaf {mean} bytes");
    let mut group = c.benchmark_group("full verify of 1M entries");
    group.sample_size(10);
    group.bench_function("parse + canonicalise + leaf hash + root", |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for _ in 0..iters {
                let leaves: Vec<Hash> = served
                    .iter()
                    .map(|text| {
                        let value: Value = serde_json::from_slice(text).expect("parses");
                        leaf_hash(&leaf_bytes(&value).expect("canonical"))
                    })
                    .collect();
                black_box(merkle::root(&leaves));
            }
            let total = start.elapsed();
            println!(
                "ledger: full verify {:.2} s",
                total.as_secs_f64() / iters as f64
            );
            total
        })
    });
    group.bench_function("raw limit: SHA-256 of the same leaf bytes", |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for _ in 0..iters {
                for entry in &bytes {
                    black_box(Sha256::digest(entry));
                }
            }
            let total = start.elapsed();
            println!(
                "ledger: raw SHA-256 of the leaf bytes {:.2} s",
                total.as_secs_f64() / iters as f64
            );
            total
        })
    });
    group.finish();
}

criterion_group!(benches, bench_append, bench_proofs, bench_full_verify);
criterion_main!(benches);
