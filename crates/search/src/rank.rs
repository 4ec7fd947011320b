//! Runs a [`TextQuery`]: the exact number of matches and the best page, in
//! one pass over each segment.
//!
//! Tantivy's boolean scorers answer the same query, but a minimum-should-match
//! group walks every posting of every word (许可 alone is in a quarter of the
//! province's items), and with a count beside the top docs every match is
//! scored. Here a group is entered only through its rarest words, the other
//! words are checked by seeking, and a match is scored only as far as it can
//! still reach the page: once the page is full, an item that cannot beat its
//! last entry costs a seek or two instead of a dozen.
//!
//! Per-term scores are tantivy's own BM25 (same statistics, same boosts) and
//! ties go to the lower document address as in tantivy's `TopDocs`, so the
//! page is the one the equivalent boolean query returns, up to the last bit
//! of the sums: here every item's terms are added in one fixed order, where
//! tantivy's min-should-match scorer adds them in an order that varies from
//! item to item, so two identical items could differ there by one ulp.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::Bm25Weight;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED};

use crate::SearchError;
use crate::query::TextQuery;

/// Relative slack when deciding that an item cannot reach the page. Bounds
/// and scores are sums of at most a few hundred f32 terms; their rounding
/// differs by far less than this, so nothing that could still make the page
/// is ever skipped.
const PRUNE_SLACK: f64 = 1e-4;

/// One page of a ranked result and the number of matching items.
pub(crate) struct Ranked {
    /// Best first; ties in document-address order.
    pub page: Vec<(Score, DocAddress)>,
    pub total: usize,
}

/// The `limit` best matches after skipping `offset`, and the total.
pub(crate) fn run(
    searcher: &Searcher,
    query: &TextQuery,
    offset: usize,
    limit: usize,
) -> Result<Ranked, SearchError> {
    let scoring = Scoring::new(searcher, query)?;
    let keep = if limit == 0 {
        0
    } else {
        offset.saturating_add(limit)
    };
    let mut best = Best::new(keep);
    let mut total = 0;
    // Segments in order, each in doc order: every newcomer has a higher
    // address than anything kept, which is what makes the tie rule simple.
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        let ord = u32::try_from(ord).map_err(|_| SearchError::Corrupt("too many segments"))?;
        if let Some(mut segment) = Segment::open(reader, query, &scoring)? {
            total += segment.run(query, &scoring, ord, &mut best);
        }
    }
    let mut page = best.into_sorted();
    page.drain(..offset.min(page.len()));
    Ok(Ranked { page, total })
}

/// Per-clause BM25 weights, computed once over the whole index as tantivy's
/// `TermQuery` does, and the order in which clauses are added up.
struct Scoring {
    weights: Vec<Bm25Weight>,
    /// An upper bound on each clause's score for any item.
    bounds: Vec<f64>,
    /// Clauses by decreasing bound: the big contributions are looked up first,
    /// so an item that cannot make the page is given up on early.
    order: Vec<usize>,
}

impl Scoring {
    fn new(searcher: &Searcher, query: &TextQuery) -> Result<Self, SearchError> {
        let mut weights = Vec::with_capacity(query.clauses.len());
        let mut bounds = Vec::with_capacity(query.clauses.len());
        for clause in &query.clauses {
            let weight = Bm25Weight::for_terms(searcher, std::slice::from_ref(&clause.term))?
                .boost_by(clause.boost);
            // BM25's term-frequency factor tf / (tf + norm) is below 1 and
            // norm is smallest at field length 0, so this is at least any
            // score the clause can give.
            bounds.push(f64::from(weight.score(0, u32::MAX)));
            weights.push(weight);
        }
        let mut order: Vec<usize> = (0..query.clauses.len()).collect();
        order.sort_by(|&a, &b| bounds[b].total_cmp(&bounds[a]).then(a.cmp(&b)));
        Ok(Self {
            weights,
            bounds,
            order,
        })
    }
}

/// A clause's postings in one segment, with what scoring a hit needs.
struct Cursor {
    postings: SegmentPostings,
    norms: FieldNormReader,
    weight: Bm25Weight,
}

impl Cursor {
    /// Whether the postings contain `doc`. Calls must come in increasing
    /// `doc` order, which the single forward pass guarantees.
    fn has(&mut self, doc: DocId) -> bool {
        if self.postings.doc() < doc {
            self.postings.seek(doc);
        }
        self.postings.doc() == doc
    }

    /// Score at the current position, which must be a hit.
    fn score(&self) -> Score {
        let doc = self.postings.doc();
        self.weight
            .score(self.norms.fieldnorm_id(doc), self.postings.term_freq())
    }
}

struct Segment<'r> {
    reader: &'r SegmentReader,
    /// Index by clause; `None` where the term does not occur in the segment.
    clauses: Vec<Option<Cursor>>,
    filters: Vec<SegmentPostings>,
    /// Clauses whose postings propose candidates: every match is in at least
    /// one of them.
    drivers: Vec<usize>,
    /// Scratch: whether each group is satisfied by the current item.
    satisfied: Vec<bool>,
    /// Once the page is full: the leading clauses of `Scoring::order` of which
    /// an item must have one to reach it (the rest together score too little),
    /// and the page floor this was worked out for.
    essential: usize,
    essential_floor: Option<Score>,
    /// Bounds of the clauses after the essential ones: ungated, and gated per
    /// group, so an item's best case counts only the groups it satisfies.
    rest_ungated: f64,
    rest_by_group: Vec<f64>,
}

impl<'r> Segment<'r> {
    /// `None` when a filter term is absent, i.e. nothing here can match.
    fn open(
        reader: &'r SegmentReader,
        query: &TextQuery,
        scoring: &Scoring,
    ) -> Result<Option<Self>, SearchError> {
        let mut clauses = Vec::with_capacity(query.clauses.len());
        for (clause, weight) in query.clauses.iter().zip(&scoring.weights) {
            let field = clause.term.field();
            let postings = reader
                .inverted_index(field)?
                .read_postings(&clause.term, clause.record)?;
            clauses.push(match postings {
                Some(postings) => {
                    // As tantivy's TermWeight: fields indexed without norms
                    // score as if every value were one token long.
                    let norms = match reader.fieldnorms_readers().get_field(field)? {
                        Some(norms) => norms,
                        None => FieldNormReader::constant(reader.max_doc(), 1),
                    };
                    Some(Cursor {
                        postings,
                        norms,
                        weight: weight.clone(),
                    })
                }
                None => None,
            });
        }
        let mut filters = Vec::with_capacity(query.filters.len());
        for term in &query.filters {
            let postings = reader
                .inverted_index(term.field())?
                .read_postings(term, IndexRecordOption::Basic)?;
            match postings {
                Some(postings) => filters.push(postings),
                None => return Ok(None),
            }
        }
        let drivers = drivers(query, &clauses);
        Ok(Some(Self {
            reader,
            clauses,
            filters,
            drivers,
            satisfied: vec![false; query.groups.len()],
            essential: query.clauses.len(),
            essential_floor: None,
            rest_ungated: 0.0,
            rest_by_group: vec![0.0; query.groups.len()],
        }))
    }

    /// Counts the segment's matches and offers each one that can still make
    /// the page to `best`.
    fn run(&mut self, query: &TextQuery, scoring: &Scoring, ord: u32, best: &mut Best) -> usize {
        let text_cost: u64 = self
            .drivers
            .iter()
            .filter_map(|&c| self.clauses[c].as_ref())
            .map(|c| u64::from(c.postings.doc_freq()))
            .sum();
        let filter_cost = self.filters.iter().map(|f| u64::from(f.doc_freq())).min();
        // Walk whichever side proposes fewer candidates and seek the other:
        // a county's 2,000 items rather than 30,000 named 许可, or the reverse
        // for a rare word.
        let by_filter = filter_cost.is_some_and(|f| f < text_cost);
        if by_filter {
            self.filters.sort_by_key(|f| f.doc_freq());
        }
        let mut total = 0;
        let mut doc = if by_filter {
            self.filters[0].doc()
        } else {
            self.next_driver_doc()
        };
        while doc != TERMINATED {
            if by_filter {
                match self.other_filters_at(doc) {
                    Some(ahead) if ahead != doc => {
                        doc = self.filters[0].seek(ahead);
                        continue;
                    }
                    Some(_) => {}
                    None => break,
                }
            } else if !self.all_filters_at(doc) {
                doc = self.advance_drivers(doc);
                continue;
            }
            if self.is_alive(doc) && self.matches(query, doc) {
                total += 1;
                self.offer(query, scoring, ord, doc, best);
            }
            doc = if by_filter {
                self.filters[0].advance()
            } else {
                self.advance_drivers(doc)
            };
        }
        total
    }

    fn is_alive(&self, doc: DocId) -> bool {
        self.reader
            .alive_bitset()
            .is_none_or(|alive| alive.is_alive(doc))
    }

    fn next_driver_doc(&self) -> DocId {
        self.drivers
            .iter()
            .filter_map(|&c| self.clauses[c].as_ref())
            .map(|c| c.postings.doc())
            .min()
            .unwrap_or(TERMINATED)
    }

    /// Moves every driver past `doc` and returns the next candidate.
    fn advance_drivers(&mut self, doc: DocId) -> DocId {
        let mut next = TERMINATED;
        for &c in &self.drivers {
            if let Some(cursor) = self.clauses[c].as_mut() {
                let at = if cursor.postings.doc() == doc {
                    cursor.postings.advance()
                } else {
                    cursor.postings.doc()
                };
                next = next.min(at);
            }
        }
        next
    }

    fn all_filters_at(&mut self, doc: DocId) -> bool {
        self.filters.iter_mut().all(|f| {
            if f.doc() < doc {
                f.seek(doc);
            }
            f.doc() == doc
        })
    }

    /// When walking the first filter: `Some(doc)` if every other filter has
    /// `doc` too, `Some(later)` for the first doc they could all share, `None`
    /// when one of them is exhausted.
    fn other_filters_at(&mut self, doc: DocId) -> Option<DocId> {
        let mut ahead = doc;
        for f in &mut self.filters[1..] {
            if f.doc() < doc {
                f.seek(doc);
            }
            ahead = ahead.max(f.doc());
        }
        (ahead != TERMINATED).then_some(ahead)
    }

    /// Settles every group for `doc` (scoring needs each one's outcome) and
    /// says whether any holds.
    fn matches(&mut self, query: &TextQuery, doc: DocId) -> bool {
        let mut any = false;
        for (g, group) in query.groups.iter().enumerate() {
            let mut present = 0;
            let mut left = group.slots.len();
            let mut holds = false;
            for slot in &group.slots {
                left -= 1;
                let hit = slot
                    .iter()
                    .any(|&c| self.clauses[c].as_mut().is_some_and(|cur| cur.has(doc)));
                if hit {
                    present += 1;
                    if present >= group.min {
                        holds = true;
                        break;
                    }
                } else if present + left < group.min {
                    break;
                }
            }
            self.satisfied[g] = holds;
            any |= holds;
        }
        any
    }

    /// Splits `Scoring::order` for a page whose last entry scores `floor`:
    /// the longest tail whose bounds add up to less than the floor is not
    /// essential (an item with none of the leading clauses cannot beat the
    /// page), and its bounds are kept for the per-item best case.
    fn split(&mut self, query: &TextQuery, scoring: &Scoring, floor: Score) {
        let target = f64::from(floor) * (1.0 - PRUNE_SLACK);
        let mut rest = 0.0;
        let mut end = scoring.order.len();
        while let Some(&c) = scoring.order[..end].last() {
            let bound = self.bound(scoring, c);
            if rest + bound >= target {
                break;
            }
            rest += bound;
            end -= 1;
        }
        self.essential = end;
        self.essential_floor = Some(floor);
        self.rest_ungated = 0.0;
        self.rest_by_group.fill(0.0);
        for &c in &scoring.order[end..] {
            let bound = self.bound(scoring, c);
            match query.clauses[c].gate {
                Some(g) => self.rest_by_group[g] += bound,
                None => self.rest_ungated += bound,
            }
        }
    }

    /// A term absent from this segment adds nothing here.
    fn bound(&self, scoring: &Scoring, c: usize) -> f64 {
        if self.clauses[c].is_some() {
            scoring.bounds[c]
        } else {
            0.0
        }
    }

    fn counts(&self, query: &TextQuery, c: usize) -> bool {
        query.clauses[c].gate.is_none_or(|g| self.satisfied[g])
    }

    /// Scores `doc` clause by clause, biggest possible contribution first,
    /// and stops as soon as what is left cannot lift it onto the page. The
    /// clauses are always added in `Scoring::order`, so an item's score does
    /// not depend on when it was looked at.
    fn offer(
        &mut self,
        query: &TextQuery,
        scoring: &Scoring,
        ord: u32,
        doc: DocId,
        best: &mut Best,
    ) {
        let Some(floor) = best.floor() else {
            return;
        };
        let essential = match floor {
            Some(floor) => {
                if self.essential_floor != Some(floor) {
                    self.split(query, scoring, floor);
                }
                self.essential
            }
            None => scoring.order.len(),
        };
        let mut score: Score = 0.0;
        let mut any = false;
        for &c in &scoring.order[..essential] {
            if self.counts(query, c)
                && let Some(cursor) = self.clauses[c].as_mut()
                && cursor.has(doc)
            {
                score += cursor.score();
                any = true;
            }
        }
        let Some(floor) = floor else {
            best.offer(score, DocAddress::new(ord, doc));
            return;
        };
        // Most matches have none of the few clauses that can carry an item
        // onto a full page (an exact name, a rare word): they stop here after
        // a compare or two against postings that are already ahead.
        if !any {
            return;
        }
        let floor = f64::from(floor) * (1.0 - PRUNE_SLACK);
        let mut left = self.rest_ungated
            + self
                .rest_by_group
                .iter()
                .zip(&self.satisfied)
                .filter(|(_, holds)| **holds)
                .map(|(bound, _)| bound)
                .sum::<f64>();
        for &c in &scoring.order[essential..] {
            if f64::from(score) + left < floor {
                return;
            }
            if !self.counts(query, c) {
                continue;
            }
            left -= self.bound(scoring, c);
            if let Some(cursor) = self.clauses[c].as_mut()
                && cursor.has(doc)
            {
                score += cursor.score();
            }
        }
        best.offer(score, DocAddress::new(ord, doc));
    }
}

/// The clauses whose union contains every possible match: for each group that
/// needs `min` of its `n` slots, the `n - min + 1` slots with the shortest
/// postings (an item missing all of them has at most `min - 1` slots).
fn drivers(query: &TextQuery, clauses: &[Option<Cursor>]) -> Vec<usize> {
    let cost = |slot: &Vec<usize>| -> u64 {
        slot.iter()
            .filter_map(|&c| clauses[c].as_ref())
            .map(|c| u64::from(c.postings.doc_freq()))
            .sum()
    };
    let mut out = Vec::new();
    for group in &query.groups {
        let mut slots: Vec<&Vec<usize>> = group.slots.iter().collect();
        slots.sort_by_key(|s| cost(s));
        let needed = group.slots.len() + 1 - group.min.min(group.slots.len());
        for slot in slots.into_iter().take(needed) {
            out.extend(slot.iter().copied().filter(|&c| clauses[c].is_some()));
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The `keep` best (score, address) pairs seen so far.
struct Best {
    keep: usize,
    /// Worst entry on top.
    heap: BinaryHeap<Entry>,
}

struct Entry(Score, DocAddress);

impl Ord for Entry {
    /// "Greater" means worse: lower score, or equal score and later address.
    fn cmp(&self, other: &Self) -> Ordering {
        other.0.total_cmp(&self.0).then(self.1.cmp(&other.1))
    }
}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Entry {}

impl Best {
    fn new(keep: usize) -> Self {
        Self {
            keep,
            heap: BinaryHeap::new(),
        }
    }

    /// `None` when nothing is kept at all (a count-only request);
    /// `Some(None)` while the page has room; otherwise the score a newcomer
    /// must exceed.
    fn floor(&self) -> Option<Option<Score>> {
        if self.keep == 0 {
            return None;
        }
        Some(if self.heap.len() < self.keep {
            None
        } else {
            self.heap.peek().map(|e| e.0)
        })
    }

    /// Newcomers arrive in increasing address order, so on a tie the one
    /// already kept wins, as in tantivy's `TopDocs`.
    fn offer(&mut self, score: Score, addr: DocAddress) {
        if self.heap.len() < self.keep {
            self.heap.push(Entry(score, addr));
        } else if self.heap.peek().is_some_and(|worst| score > worst.0) {
            self.heap.pop();
            self.heap.push(Entry(score, addr));
        }
    }

    fn into_sorted(self) -> Vec<(Score, DocAddress)> {
        // Ascending in "worse" order is best first.
        self.heap
            .into_sorted_vec()
            .into_iter()
            .map(|Entry(score, addr)| (score, addr))
            .collect()
    }
}
