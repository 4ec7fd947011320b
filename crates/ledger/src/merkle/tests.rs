use ct_merkle::mem_backed_tree::MemoryBackedTree;
use ct_merkle::{ConsistencyProof, RootHash};
use sha2::Sha256;

use super::*;
use crate::hash::leaf_hash;

fn entries(n: u64) -> Vec<Vec<u8>> {
    (0..n).map(|i| format!("entry {i}").into_bytes()).collect()
}

fn leaves(n: u64) -> Vec<Hash> {
    entries(n).iter().map(|e| leaf_hash(e)).collect()
}

#[test]
fn split_is_largest_power_of_two_below() {
    assert_eq!(split(2), 1);
    assert_eq!(split(3), 2);
    assert_eq!(split(4), 2);
    assert_eq!(split(5), 4);
    assert_eq!(split(1 << 40), 1 << 39);
    assert_eq!(split((1 << 40) + 1), 1 << 40);
}

#[test]
fn small_trees_by_hand() {
    let l = leaves(3);
    assert_eq!(root(&[]), empty_root());
    assert_eq!(root(&l[..1]), l[0]);
    let ab = node_hash(&l[0], &l[1]);
    assert_eq!(root(&l[..2]), ab);
    assert_eq!(root(&l), node_hash(&ab, &l[2]));
    assert_eq!(inclusion_path(2, &l).unwrap(), vec![ab]);
    assert_eq!(inclusion_path(0, &l).unwrap(), vec![l[1], l[2]]);
    assert_eq!(consistency_proof(2, &l).unwrap(), vec![l[2]]);
    assert_eq!(consistency_proof(1, &l).unwrap(), vec![l[1], l[2]]);
}

/// Roots, paths and proofs agree with the independent `ct-merkle` crate,
/// and each side's proofs verify with the other's verifier.
#[test]
fn agrees_with_ct_merkle() {
    let all = entries(130);
    let mut theirs: MemoryBackedTree<Sha256, Vec<u8>> = MemoryBackedTree::new();
    for n in 1..=130u64 {
        theirs.push(all[n as usize - 1].clone());
        let ours = leaves(n);
        let their_root = theirs.root();
        assert_eq!(
            their_root.as_bytes().as_slice(),
            root(&ours).as_bytes(),
            "root n={n}"
        );
        for m in 0..n {
            let their_path = theirs.prove_inclusion(m as usize);
            let our_path = inclusion_path(m, &ours).unwrap();
            assert_eq!(
                their_path.as_bytes(),
                flatten(&our_path),
                "path m={m} n={n}"
            );
            let as_theirs = ct_merkle::InclusionProof::<Sha256>::from_bytes(flatten(&our_path));
            their_root
                .verify_inclusion(&all[m as usize], m, &as_theirs)
                .unwrap();
        }
        for m in 1..n {
            let their_proof = theirs.prove_consistency((n - m) as usize);
            let our_proof = consistency_proof(m, &ours).unwrap();
            assert_eq!(
                their_proof.as_bytes(),
                flatten(&our_proof),
                "consistency m={m} n={n}"
            );
            let old_root = RootHash::<Sha256>::new(root(&ours[..m as usize]).0.into(), m);
            let as_theirs =
                ConsistencyProof::<Sha256>::try_from_bytes(flatten(&our_proof)).unwrap();
            their_root
                .verify_consistency(&old_root, &as_theirs)
                .unwrap();
        }
    }
}

fn flatten(hashes: &[Hash]) -> Vec<u8> {
    hashes.iter().flat_map(|h| h.0).collect()
}

#[test]
fn every_proof_verifies_and_every_tampering_fails() {
    let all = leaves(130);
    for n in 1..=130u64 {
        let tree = &all[..n as usize];
        let r = root(tree);
        for m in 0..n {
            let path = inclusion_path(m, tree).unwrap();
            assert_eq!(path.len(), inclusion_len(m, n));
            verify_inclusion(&tree[m as usize], m, n, &path, &r).unwrap();
            // Wrong leaf, wrong index, a flipped bit, wrong root: all fail.
            let other = leaf_hash(b"not in the log");
            assert!(verify_inclusion(&other, m, n, &path, &r).is_err());
            if n > 1 {
                let wrong = (m + 1) % n;
                assert!(verify_inclusion(&tree[m as usize], wrong, n, &path, &r).is_err());
                let mut bent = path.clone();
                bent[0].0[7] ^= 1;
                assert_eq!(
                    verify_inclusion(&tree[m as usize], m, n, &bent, &r),
                    Err(LedgerError::ProofMismatch)
                );
            }
            assert!(verify_inclusion(&tree[m as usize], m, n, &path, &other).is_err());
        }
        for m in 0..=n {
            let old_root = root(&tree[..m as usize]);
            let proof = consistency_proof(m, tree).unwrap();
            if m > 0 && m < n {
                assert_eq!(proof.len(), consistency_len(m, n));
            }
            verify_consistency(m, n, &old_root, &r, &proof).unwrap();
            if !proof.is_empty() {
                let mut bent = proof.clone();
                let last = bent.len() - 1;
                bent[last].0[0] ^= 0x80;
                assert!(verify_consistency(m, n, &old_root, &r, &bent).is_err());
            }
            if m > 0 {
                // A rewritten history: the old root of different entries.
                let forged = node_hash(&old_root, &old_root);
                assert!(verify_consistency(m, n, &forged, &r, &proof).is_err());
            }
        }
    }
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let l = leaves(5);
    let r = root(&l);
    assert_eq!(
        inclusion_path(5, &l),
        Err(LedgerError::IndexOutOfRange { index: 5, size: 5 })
    );
    assert_eq!(
        verify_inclusion(&l[0], 7, 5, &[], &r),
        Err(LedgerError::IndexOutOfRange { index: 7, size: 5 })
    );
    assert_eq!(
        verify_inclusion(&l[0], 0, 0, &[], &r),
        Err(LedgerError::IndexOutOfRange { index: 0, size: 0 })
    );
    let path = inclusion_path(0, &l).unwrap();
    let mut long = path.clone();
    long.push(l[0]);
    assert_eq!(
        verify_inclusion(&l[0], 0, 5, &long, &r),
        Err(LedgerError::ProofLength {
            expected: 3,
            got: 4
        })
    );
    assert_eq!(
        verify_inclusion(&l[0], 0, 5, &path[..1], &r),
        Err(LedgerError::ProofLength {
            expected: 3,
            got: 1
        })
    );
    assert_eq!(
        consistency_proof(6, &l),
        Err(LedgerError::SizesReversed { old: 6, new: 5 })
    );
    assert_eq!(
        verify_consistency(6, 5, &r, &r, &[]),
        Err(LedgerError::SizesReversed { old: 6, new: 5 })
    );
    let old = root(&l[..3]);
    assert_eq!(
        verify_consistency(3, 5, &old, &r, &[]),
        Err(LedgerError::ProofLength {
            expected: 4,
            got: 0
        })
    );
    // Same size: empty proof, equal roots.
    assert!(verify_consistency(5, 5, &r, &r, &[]).is_ok());
    assert_eq!(
        verify_consistency(5, 5, &old, &r, &[]),
        Err(LedgerError::ProofMismatch)
    );
    assert!(verify_consistency(5, 5, &r, &r, &[r]).is_err());
    // From the empty tree: its root must be the empty root.
    assert!(verify_consistency(0, 5, &empty_root(), &r, &[]).is_ok());
    assert_eq!(
        verify_consistency(0, 5, &r, &r, &[]),
        Err(LedgerError::ProofMismatch)
    );
}
