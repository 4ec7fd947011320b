//! Where each event's leaf sits, without a row per leaf. Leaves are
//! appended in strict `seq` order with no gap in their index, while `seq`
//! may skip (a PostgreSQL sequence skips the values of a rolled-back
//! transaction): `seq - index` never decreases and stays constant along a
//! run of consecutive events. The map is therefore a list of runs, one per
//! gap in `seq`, answered by binary search: tiny even at millions of leaves.

use bianli_store::ledger::LeafRun;

/// The runs of the leaves `[0, len)`, in index order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct LeafRuns {
    runs: Vec<LeafRun>,
}

/// Runs that do not continue the map: the log is not what it was (a
/// truncated tail appended again) or a read skipped leaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Discontinuous(pub(crate) String);

fn end_seq(run: &LeafRun) -> Option<i64> {
    run.first_seq.checked_add(i64::try_from(run.len).ok()?)
}

impl LeafRuns {
    /// How many leaves the map knows: the index the next leaf gets.
    pub(crate) fn len(&self) -> u64 {
        self.runs.last().map_or(0, |r| r.first_index + r.len)
    }

    /// The index of the leaf of event `seq`, if the map holds it. An event
    /// in a gap, or past the last known leaf, has none.
    pub(crate) fn index_of(&self, seq: i64) -> Option<u64> {
        let after = self.runs.partition_point(|r| r.first_seq <= seq);
        let run = self.runs.get(after.checked_sub(1)?)?;
        let offset = u64::try_from(seq.checked_sub(run.first_seq)?).ok()?;
        (offset < run.len).then(|| run.first_index + offset)
    }

    /// Adds the runs of the leaves from index [`len`](Self::len) on, in
    /// index order; a run continuing the last one (no gap in `seq`) merges
    /// into it. Nothing is added unless all of them continue the map.
    pub(crate) fn extend(
        &mut self,
        runs: impl IntoIterator<Item = LeafRun>,
    ) -> Result<(), Discontinuous> {
        let mut next = self.clone();
        for run in runs.into_iter().filter(|r| r.len > 0) {
            if run.first_index != next.len() {
                return Err(Discontinuous(format!(
                    "a run starts at leaf {} where leaf {} was expected",
                    run.first_index,
                    next.len()
                )));
            }
            let Some(last) = next.runs.last_mut() else {
                next.runs.push(run);
                continue;
            };
            let Some(last_end) = end_seq(last) else {
                return Err(Discontinuous(format!(
                    "the run from event {} is too long",
                    last.first_seq
                )));
            };
            if run.first_seq < last_end {
                return Err(Discontinuous(format!(
                    "leaf {} records event {}, not after event {}",
                    run.first_index,
                    run.first_seq,
                    last_end - 1
                )));
            }
            if run.first_seq == last_end {
                last.len += run.len;
            } else {
                next.runs.push(run);
            }
        }
        *self = next;
        Ok(())
    }

    #[cfg(test)]
    fn runs(&self) -> &[LeafRun] {
        &self.runs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(first_index: u64, first_seq: i64, len: u64) -> LeafRun {
        LeafRun {
            first_index,
            first_seq,
            len,
        }
    }

    /// Events 1–3, then 7–8 (4–6 rolled back), then 10.
    fn gapped() -> LeafRuns {
        let mut runs = LeafRuns::default();
        runs.extend([run(0, 1, 3), run(3, 7, 2), run(5, 10, 1)])
            .expect("continuous");
        runs
    }

    #[test]
    fn lookups_at_the_edges_of_runs() {
        let runs = gapped();
        assert_eq!(runs.len(), 6);
        let expected = [
            (1, Some(0)),
            (3, Some(2)),
            (7, Some(3)),
            (8, Some(4)),
            (10, Some(5)),
        ];
        for (seq, index) in expected {
            assert_eq!(runs.index_of(seq), index, "event {seq}");
        }
    }

    #[test]
    fn events_in_gaps_before_or_past_the_map_have_no_leaf() {
        let runs = gapped();
        for seq in [i64::MIN, -1, 0, 4, 5, 6, 9, 11, 1_000, i64::MAX] {
            assert_eq!(runs.index_of(seq), None, "event {seq}");
        }
        assert_eq!(LeafRuns::default().index_of(1), None);
        assert_eq!(LeafRuns::default().len(), 0);
    }

    #[test]
    fn a_run_without_a_gap_merges_and_one_leaf_at_a_time_builds_the_same_map() {
        let mut runs = gapped();
        runs.extend([run(6, 11, 4), run(10, 20, 1)]).expect("more");
        assert_eq!(
            runs.runs(),
            [run(0, 1, 3), run(3, 7, 2), run(5, 10, 5), run(10, 20, 1)]
        );
        assert_eq!(runs.index_of(14), Some(9));
        assert_eq!(runs.index_of(15), None);

        let mut one_by_one = LeafRuns::default();
        let seqs = [1, 2, 3, 7, 8, 10, 11, 12, 13, 14, 20];
        for (index, seq) in (0..).zip(seqs) {
            one_by_one.extend([run(index, seq, 1)]).expect("leaf");
        }
        assert_eq!(one_by_one, runs);
    }

    #[test]
    fn runs_that_do_not_continue_the_map_change_nothing() {
        let before = gapped();
        let refused = [
            // A hole in the index.
            vec![run(7, 20, 1)],
            // An index known already.
            vec![run(5, 20, 1)],
            // An event at or before the last known one.
            vec![run(6, 10, 1)],
            vec![run(6, 3, 1)],
            // Good, then bad: the good one is not kept either.
            vec![run(6, 20, 1), run(8, 30, 1)],
        ];
        for runs in refused {
            let mut map = before.clone();
            assert!(map.extend(runs.clone()).is_err(), "{runs:?}");
            assert_eq!(map, before, "{runs:?}");
        }
        // Empty runs say nothing and are skipped.
        let mut map = before.clone();
        map.extend([run(99, 99, 0)]).expect("nothing");
        assert_eq!(map, before);
    }
}
