use std::collections::HashMap;

use super::*;
use crate::hash::leaf_hash;
use crate::merkle;

fn leaves(n: u64) -> Vec<Hash> {
    (0..n)
        .map(|i| leaf_hash(format!("entry {i}").as_bytes()))
        .collect()
}

/// Appends in uneven batches and returns the node map a store would hold.
fn build(all: &[Hash]) -> (HashMap<NodeId, Hash>, Vec<Frontier>) {
    let mut nodes = HashMap::new();
    let mut frontiers = vec![Frontier::empty()];
    let mut at = 0;
    let mut batch = 1;
    while at < all.len() {
        let end = (at + batch).min(all.len());
        let (new_nodes, next) = frontiers.last().unwrap().append(&all[at..end]).unwrap();
        for (id, h) in new_nodes {
            assert!(nodes.insert(id, h).is_none(), "node {id:?} written twice");
        }
        // Record a frontier per size by replaying one leaf at a time too.
        for size in at + 1..=end {
            let f = Frontier::restore(size as u64, &nodes).unwrap();
            assert_eq!(f.root(), merkle::root(&all[..size]), "root at {size}");
            frontiers.push(f);
        }
        assert_eq!(frontiers.last().unwrap(), &next);
        at = end;
        batch = batch % 7 + 1;
    }
    (nodes, frontiers)
}

#[test]
fn nodes_are_exactly_the_complete_subtrees() {
    let all = leaves(130);
    let (nodes, _) = build(&all);
    // Every stored node is complete and its hash is the MTH of its range.
    for (id, h) in &nodes {
        let (start, end) = id.range();
        assert!(end <= 130);
        assert_eq!(
            *h,
            merkle::root(&all[start as usize..end as usize]),
            "{id:?}"
        );
    }
    // And every complete subtree is stored: 130 + 65 + 32 + 16 + 8 + 4 + 2 + 1.
    assert_eq!(nodes.len(), 130 + 65 + 32 + 16 + 8 + 4 + 2 + 1);
}

#[test]
fn proofs_from_stored_nodes_match_the_rfc_on_every_size() {
    let all = leaves(130);
    let (nodes, frontiers) = build(&all);
    for n in 1..=130u64 {
        let tree = &all[..n as usize];
        assert_eq!(root(&frontiers[n as usize]), merkle::root(tree));
        assert_eq!(frontier_ids(n).len(), n.count_ones() as usize);
        for m in 0..n {
            let ids = inclusion_proof_ids(m, n).unwrap();
            // Reading only the named ids is enough.
            let fetched: HashMap<NodeId, Hash> = ids.iter().map(|id| (*id, nodes[id])).collect();
            let proof = inclusion_proof(m, n, &fetched).unwrap();
            assert_eq!(
                proof,
                merkle::inclusion_path(m, tree).unwrap(),
                "m={m} n={n}"
            );
            assert!(ids.len() <= 2 * 64 - (n.leading_zeros() as usize) * 2 + 2);
        }
        for m in 0..=n {
            let ids = consistency_proof_ids(m, n).unwrap();
            let fetched: HashMap<NodeId, Hash> = ids.iter().map(|id| (*id, nodes[id])).collect();
            let proof = consistency_proof(m, n, &fetched).unwrap();
            assert_eq!(
                proof,
                merkle::consistency_proof(m, tree).unwrap(),
                "m={m} n={n}"
            );
        }
    }
}

#[test]
fn ids_stay_logarithmic_at_scale() {
    let size = 10_000_000_007u64;
    let bits = 64 - size.leading_zeros() as usize;
    for index in [0, 1, size / 2, size - 2, size - 1] {
        let ids = inclusion_proof_ids(index, size).unwrap();
        assert!(ids.len() <= 2 * bits, "{} ids for index {index}", ids.len());
        for id in &ids {
            assert!(id.range().1 <= size, "{id:?} is not complete");
        }
    }
    for old in [1, 2, 3, size / 3, size - 1] {
        let ids = consistency_proof_ids(old, size).unwrap();
        assert!(ids.len() <= 2 * bits, "{} ids for old {old}", ids.len());
    }
}

#[test]
fn a_closure_is_a_node_source_and_gaps_are_named() {
    let all = leaves(6);
    let (nodes, _) = build(&all);
    let closure = |id: NodeId| nodes.get(&id).copied();
    assert_eq!(
        inclusion_proof(4, 6, &closure).unwrap(),
        merkle::inclusion_path(4, &all).unwrap()
    );
    let missing = |_: NodeId| None;
    let err = inclusion_proof(4, 6, &missing).unwrap_err();
    assert!(matches!(err, LedgerError::MissingNode(_)));
    assert!(err.to_string().starts_with("tree node (level"), "{err}");
    assert!(Frontier::restore(6, &missing).is_err());
}

#[test]
fn bad_input_is_an_error() {
    assert_eq!(
        inclusion_proof_ids(3, 3),
        Err(LedgerError::IndexOutOfRange { index: 3, size: 3 })
    );
    assert_eq!(
        consistency_proof_ids(4, 3),
        Err(LedgerError::SizesReversed { old: 4, new: 3 })
    );
    assert_eq!(consistency_proof_ids(0, 3), Ok(vec![]));
    assert_eq!(consistency_proof_ids(3, 3), Ok(vec![]));
    assert_eq!(
        Frontier::from_hashes(3, vec![leaf_hash(b"x")]),
        Err(LedgerError::FrontierLength {
            size: 3,
            expected: 2,
            got: 1
        })
    );
    let full = Frontier::from_hashes(1 << 63, vec![leaf_hash(b"x")]).unwrap();
    assert_eq!(
        full.append(&[leaf_hash(b"y")]).unwrap_err(),
        LedgerError::TreeFull
    );
    assert_eq!(Frontier::empty().root(), crate::hash::empty_root());
}
