//! RFC 9162 §2.1 over a slice of leaf hashes held in memory: the tree head
//! (MTH), inclusion paths (§2.1.3.1) and consistency proofs (§2.1.4.1) as the
//! RFC defines them recursively, and the verification algorithms of
//! §2.1.3.2 and §2.1.4.2.
//!
//! Generation here reads every leaf: it is the reference the persisted
//! [`crate::tree`] functions are tested against, and what a verifier that
//! already downloaded every entry uses. Verification is what every client
//! uses; it never trusts the proof's length or shape.

use crate::error::{LedgerError, Result};
use crate::hash::{Hash, empty_root, node_hash};

/// The largest power of two strictly below `n` (`n >= 2`): where RFC 9162
/// splits a tree of `n` leaves.
pub(crate) fn split(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1 << (63 - (n - 1).leading_zeros())
}

/// MTH(D\[n\]) of the leaves whose leaf hashes are given.
pub fn root(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => empty_root(),
        1 => leaves[0],
        n => {
            let k = split(n as u64) as usize;
            node_hash(&root(&leaves[..k]), &root(&leaves[k..]))
        }
    }
}

/// PATH(m, D\[n\]): the inclusion proof for leaf `index`.
pub fn inclusion_path(index: u64, leaves: &[Hash]) -> Result<Vec<Hash>> {
    let size = leaves.len() as u64;
    if index >= size {
        return Err(LedgerError::IndexOutOfRange { index, size });
    }
    let mut out = Vec::new();
    path(index as usize, leaves, &mut out);
    Ok(out)
}

fn path(m: usize, leaves: &[Hash], out: &mut Vec<Hash>) {
    let n = leaves.len();
    if n <= 1 {
        return;
    }
    let k = split(n as u64) as usize;
    if m < k {
        path(m, &leaves[..k], out);
        out.push(root(&leaves[k..]));
    } else {
        path(m - k, &leaves[k..], out);
        out.push(root(&leaves[..k]));
    }
}

/// PROOF(m, D\[n\]): the consistency proof from the first `old_size` leaves
/// to all of them. Empty when `old_size` is 0 or equals the size: RFC 9162
/// defines proofs for `0 < m < n`, and any tree extends the empty one.
pub fn consistency_proof(old_size: u64, leaves: &[Hash]) -> Result<Vec<Hash>> {
    let size = leaves.len() as u64;
    if old_size > size {
        return Err(LedgerError::SizesReversed {
            old: old_size,
            new: size,
        });
    }
    let mut out = Vec::new();
    if old_size > 0 && old_size < size {
        subproof(old_size as usize, leaves, true, &mut out);
    }
    Ok(out)
}

fn subproof(m: usize, leaves: &[Hash], complete: bool, out: &mut Vec<Hash>) {
    let n = leaves.len();
    if m == n {
        if !complete {
            out.push(root(leaves));
        }
        return;
    }
    let k = split(n as u64) as usize;
    if m <= k {
        subproof(m, &leaves[..k], complete, out);
        out.push(root(&leaves[k..]));
    } else {
        subproof(m - k, &leaves[k..], false, out);
        out.push(root(&leaves[..k]));
    }
}

/// The number of hashes in PATH(index, D\[size\]); `index < size`.
pub(crate) fn inclusion_len(index: u64, size: u64) -> usize {
    // One hash per level where the path's node has a sibling: the bits in
    // which `index` and `size - 1` differ from the top, plus the levels below.
    let (mut m, mut n, mut len) = (index, size, 0);
    while n > 1 {
        let k = split(n);
        if m < k {
            n = k;
        } else {
            m -= k;
            n -= k;
        }
        len += 1;
    }
    len
}

/// The number of hashes in PROOF(old, D\[new\]); `0 < old < new`.
pub(crate) fn consistency_len(old: u64, new: u64) -> usize {
    let (mut m, mut n, mut complete, mut len) = (old, new, true, 0);
    while m != n {
        let k = split(n);
        if m <= k {
            n = k;
        } else {
            m -= k;
            n -= k;
            complete = false;
        }
        len += 1;
    }
    len + usize::from(!complete)
}

/// RFC 9162 §2.1.3.2: does `proof` show that `leaf` is entry `index` of the
/// tree of `size` leaves with `root`?
pub fn verify_inclusion(
    leaf: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<()> {
    if index >= size {
        return Err(LedgerError::IndexOutOfRange { index, size });
    }
    let expected = inclusion_len(index, size);
    if proof.len() != expected {
        return Err(LedgerError::ProofLength {
            expected,
            got: proof.len(),
        });
    }
    let (mut f_n, mut s_n) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if s_n == 0 {
            return Err(LedgerError::ProofMismatch);
        }
        if f_n & 1 == 1 || f_n == s_n {
            r = node_hash(p, &r);
            if f_n & 1 == 0 {
                while f_n & 1 == 0 && f_n != 0 {
                    f_n >>= 1;
                    s_n >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        f_n >>= 1;
        s_n >>= 1;
    }
    if s_n == 0 && r == *root {
        Ok(())
    } else {
        Err(LedgerError::ProofMismatch)
    }
}

/// RFC 9162 §2.1.4.2: does `proof` show that the tree of `old_size` leaves
/// with `old_root` is a prefix of the tree of `new_size` leaves with
/// `new_root`? Equal sizes need an empty proof and equal roots; every tree
/// extends the empty tree (its root is the hash of nothing).
pub fn verify_consistency(
    old_size: u64,
    new_size: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> Result<()> {
    if old_size > new_size {
        return Err(LedgerError::SizesReversed {
            old: old_size,
            new: new_size,
        });
    }
    if old_size == 0 || old_size == new_size {
        if !proof.is_empty() {
            return Err(LedgerError::ProofLength {
                expected: 0,
                got: proof.len(),
            });
        }
        let old_ok = old_size != 0 || *old_root == empty_root();
        let same_ok = old_size == 0 || old_root == new_root;
        return if old_ok && same_ok {
            Ok(())
        } else {
            Err(LedgerError::ProofMismatch)
        };
    }
    let expected = consistency_len(old_size, new_size);
    if proof.len() != expected {
        return Err(LedgerError::ProofLength {
            expected,
            got: proof.len(),
        });
    }
    // Step 2: when the old tree is a complete subtree its root starts the path.
    let mut path = Vec::with_capacity(proof.len() + 1);
    if old_size.is_power_of_two() {
        path.push(*old_root);
    }
    path.extend_from_slice(proof);
    let (mut f_n, mut s_n) = (old_size - 1, new_size - 1);
    while f_n & 1 == 1 {
        f_n >>= 1;
        s_n >>= 1;
    }
    let (mut fr, mut sr) = (path[0], path[0]);
    for c in &path[1..] {
        if s_n == 0 {
            return Err(LedgerError::ProofMismatch);
        }
        if f_n & 1 == 1 || f_n == s_n {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if f_n & 1 == 0 {
                while f_n & 1 == 0 && f_n != 0 {
                    f_n >>= 1;
                    s_n >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, c);
        }
        f_n >>= 1;
        s_n >>= 1;
    }
    if fr == *old_root && sr == *new_root && s_n == 0 {
        Ok(())
    } else {
        Err(LedgerError::ProofMismatch)
    }
}

#[cfg(test)]
mod tests;
