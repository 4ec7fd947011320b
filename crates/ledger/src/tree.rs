//! The log's tree state as a store keeps it: the hashes of complete,
//! aligned subtrees. Node `(level, index)` covers the leaves
//! `[index·2^level, (index+1)·2^level)`; level 0 holds the leaf hashes.
//! A node is written once, when its last leaf arrives, and never changes,
//! so a store can keep it in an append-only table keyed by `(level, index)`.
//!
//! Everything here is O(log n) in the tree size: an append reads only the
//! frontier (the ≤ 64 complete subtrees that make up `[0, size)`), and a
//! proof reads only the nodes whose ids [`inclusion_proof_ids`] or
//! [`consistency_proof_ids`] name. A hash the RFC needs over a range that
//! is not a complete subtree (the ragged right edge) is folded from that
//! range's complete parts, which is exactly how RFC 9162 splits it.
//!
//! The intended use from a store: call the `*_ids` function, fetch those
//! rows in one query, hand the result back as a [`NodeSource`] (a map or a
//! closure) to the assembling function.

use std::collections::{BTreeMap, HashMap};

use crate::error::{LedgerError, Result};
use crate::hash::{Hash, empty_root, node_hash};
use crate::merkle::split;

/// A complete, aligned subtree: leaves `[index·2^level, (index+1)·2^level)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId {
    pub level: u8,
    pub index: u64,
}

impl NodeId {
    pub fn new(level: u8, index: u64) -> Self {
        Self { level, index }
    }

    /// The leaf range this node covers, as `(first, end)`.
    pub fn range(&self) -> (u64, u64) {
        let width = 1u64 << self.level;
        (self.index * width, (self.index + 1) * width)
    }
}

/// Where assembling functions read node hashes from: a map the store filled
/// from one query, or a closure over whatever it holds.
pub trait NodeSource {
    fn node(&self, id: NodeId) -> Option<Hash>;
}

impl NodeSource for HashMap<NodeId, Hash> {
    fn node(&self, id: NodeId) -> Option<Hash> {
        self.get(&id).copied()
    }
}

impl NodeSource for BTreeMap<NodeId, Hash> {
    fn node(&self, id: NodeId) -> Option<Hash> {
        self.get(&id).copied()
    }
}

impl<F: Fn(NodeId) -> Option<Hash>> NodeSource for F {
    fn node(&self, id: NodeId) -> Option<Hash> {
        self(id)
    }
}

fn fetch(source: &impl NodeSource, id: NodeId) -> Result<Hash> {
    source.node(id).ok_or(LedgerError::MissingNode(id))
}

/// Trees beyond 2^63 leaves are refused so that every node's range fits a u64.
const MAX_SIZE: u64 = 1 << 63;

/// The complete subtrees that make up `[start, end)`, largest first. Only
/// valid for ranges RFC 9162's recursion produces (start is a multiple of a
/// power of two ≥ the range's length), where the parts follow the binary
/// digits of the length and each is aligned.
fn range_ids(start: u64, end: u64, out: &mut Vec<NodeId>) {
    let mut at = start;
    let mut left = end - start;
    while left > 0 {
        let level = 63 - left.leading_zeros();
        out.push(NodeId::new(level as u8, at >> level));
        at += 1 << level;
        left -= 1 << level;
    }
}

/// MTH of a range from its complete parts: RFC 9162 splits off the largest
/// power of two from the left, so the parts fold from the right.
fn fold(parts: &[Hash]) -> Hash {
    let mut iter = parts.iter().rev();
    let Some(last) = iter.next() else {
        return empty_root();
    };
    iter.fold(*last, |acc, left| node_hash(left, &acc))
}

/// The leaf ranges whose MTHs are the hashes of PATH(index, D\[size\]), in
/// proof order.
fn inclusion_ranges(index: u64, size: u64) -> Vec<(u64, u64)> {
    // Walk down from the root keeping the current subtree [lo, lo + n).
    let (mut lo, mut m, mut n) = (0u64, index, size);
    let mut top_down = Vec::new();
    while n > 1 {
        let k = split(n);
        if m < k {
            top_down.push((lo + k, lo + n));
            n = k;
        } else {
            top_down.push((lo, lo + k));
            lo += k;
            m -= k;
            n -= k;
        }
    }
    top_down.reverse();
    top_down
}

/// The leaf ranges whose MTHs are the hashes of PROOF(old, D\[new\]), in
/// proof order; empty unless `0 < old < new`.
fn consistency_ranges(old: u64, new: u64) -> Vec<(u64, u64)> {
    let mut top_down = Vec::new();
    if old == 0 || old >= new {
        return top_down;
    }
    let (mut lo, mut m, mut n, mut complete) = (0u64, old, new, true);
    while m != n {
        let k = split(n);
        if m <= k {
            top_down.push((lo + k, lo + n));
            n = k;
        } else {
            top_down.push((lo, lo + k));
            lo += k;
            m -= k;
            n -= k;
            complete = false;
        }
    }
    if !complete {
        top_down.push((lo, lo + n));
    }
    top_down.reverse();
    top_down
}

fn ids_of(ranges: &[(u64, u64)]) -> Vec<NodeId> {
    let mut ids = Vec::with_capacity(ranges.len() * 2);
    for &(start, end) in ranges {
        range_ids(start, end, &mut ids);
    }
    ids
}

fn assemble(ranges: &[(u64, u64)], source: &impl NodeSource) -> Result<Vec<Hash>> {
    let mut parts = Vec::with_capacity(8);
    let mut ids = Vec::with_capacity(8);
    let mut proof = Vec::with_capacity(ranges.len());
    for &(start, end) in ranges {
        ids.clear();
        range_ids(start, end, &mut ids);
        parts.clear();
        for id in &ids {
            parts.push(fetch(source, *id)?);
        }
        proof.push(fold(&parts));
    }
    Ok(proof)
}

/// The nodes [`inclusion_proof`] reads for leaf `index` in a tree of `size`.
pub fn inclusion_proof_ids(index: u64, size: u64) -> Result<Vec<NodeId>> {
    if index >= size {
        return Err(LedgerError::IndexOutOfRange { index, size });
    }
    Ok(ids_of(&inclusion_ranges(index, size)))
}

/// PATH(index, D\[size\]) (RFC 9162 §2.1.3.1) from stored nodes.
pub fn inclusion_proof(index: u64, size: u64, source: &impl NodeSource) -> Result<Vec<Hash>> {
    if index >= size {
        return Err(LedgerError::IndexOutOfRange { index, size });
    }
    assemble(&inclusion_ranges(index, size), source)
}

/// The nodes [`consistency_proof`] reads from tree size `old` to `new`.
pub fn consistency_proof_ids(old: u64, new: u64) -> Result<Vec<NodeId>> {
    if old > new {
        return Err(LedgerError::SizesReversed { old, new });
    }
    Ok(ids_of(&consistency_ranges(old, new)))
}

/// PROOF(old, D\[new\]) (RFC 9162 §2.1.4.1) from stored nodes; empty when
/// `old` is 0 or equals `new`.
pub fn consistency_proof(old: u64, new: u64, source: &impl NodeSource) -> Result<Vec<Hash>> {
    if old > new {
        return Err(LedgerError::SizesReversed { old, new });
    }
    assemble(&consistency_ranges(old, new), source)
}

/// The nodes that make up `[0, size)`: what to read to restore a [`Frontier`].
pub fn frontier_ids(size: u64) -> Vec<NodeId> {
    let mut ids = Vec::with_capacity(size.count_ones() as usize);
    range_ids(0, size, &mut ids);
    ids
}

/// The right edge of the tree: the hashes of the complete subtrees that make
/// up `[0, size)`, largest first. Enough to append and to compute the root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frontier {
    size: u64,
    hashes: Vec<Hash>,
}

impl Frontier {
    pub fn empty() -> Self {
        Self {
            size: 0,
            hashes: Vec::new(),
        }
    }

    /// A frontier from hashes in [`frontier_ids`] order, as a store read them.
    pub fn from_hashes(size: u64, hashes: Vec<Hash>) -> Result<Self> {
        if size > MAX_SIZE {
            return Err(LedgerError::TreeFull);
        }
        let expected = size.count_ones() as usize;
        if hashes.len() != expected {
            return Err(LedgerError::FrontierLength {
                size,
                expected,
                got: hashes.len(),
            });
        }
        Ok(Self { size, hashes })
    }

    /// Reads the [`frontier_ids`] of `size` from `source`.
    pub fn restore(size: u64, source: &impl NodeSource) -> Result<Self> {
        let hashes = frontier_ids(size)
            .into_iter()
            .map(|id| fetch(source, id))
            .collect::<Result<Vec<_>>>()?;
        Self::from_hashes(size, hashes)
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// The frontier's nodes with their ids, largest first.
    pub fn nodes(&self) -> impl Iterator<Item = (NodeId, Hash)> + '_ {
        frontier_ids(self.size)
            .into_iter()
            .zip(self.hashes.iter().copied())
    }

    /// MTH of the whole tree.
    pub fn root(&self) -> Hash {
        fold(&self.hashes)
    }

    /// Appends leaves (their leaf hashes, in order). Returns every node that
    /// became complete (each new leaf at level 0, then each parent it
    /// finished), in an order where children come before parents, and the
    /// new frontier. Costs one node hash per new node and no reads.
    pub fn append(&self, leaf_hashes: &[Hash]) -> Result<(Vec<(NodeId, Hash)>, Frontier)> {
        let new_size = self
            .size
            .checked_add(leaf_hashes.len() as u64)
            .filter(|s| *s <= MAX_SIZE)
            .ok_or(LedgerError::TreeFull)?;
        // The frontier as a stack of (level, hash), smallest on top: a binary
        // counter whose carries are the parents that become complete.
        let mut stack: Vec<(u8, Hash)> = frontier_ids(self.size)
            .into_iter()
            .map(|id| id.level)
            .zip(self.hashes.iter().copied())
            .collect();
        let mut new_nodes = Vec::with_capacity(leaf_hashes.len() * 2);
        for (index, leaf) in (self.size..).zip(leaf_hashes) {
            new_nodes.push((NodeId::new(0, index), *leaf));
            let mut carry = (0u8, *leaf);
            while let Some(&(level, left)) = stack.last() {
                if level != carry.0 {
                    break;
                }
                stack.pop();
                let parent = node_hash(&left, &carry.1);
                let parent_level = level + 1;
                new_nodes.push((NodeId::new(parent_level, index >> parent_level), parent));
                carry = (parent_level, parent);
            }
            stack.push(carry);
        }
        let frontier = Frontier {
            size: new_size,
            hashes: stack.into_iter().map(|(_, h)| h).collect(),
        };
        Ok((new_nodes, frontier))
    }
}

/// [`Frontier::append`] as a free function.
pub fn append(
    frontier: &Frontier,
    leaf_hashes: &[Hash],
) -> Result<(Vec<(NodeId, Hash)>, Frontier)> {
    frontier.append(leaf_hashes)
}

/// [`Frontier::root`] as a free function.
pub fn root(frontier: &Frontier) -> Hash {
    frontier.root()
}

#[cfg(test)]
mod tests;
