//! The in-RAM index: writes are serialized, reads are lock-free snapshots.

use std::sync::{Mutex, MutexGuard};

use tantivy::collector::{Count, TopDocs};
use tantivy::indexer::IndexWriterOptions;
use tantivy::query::Query;
use tantivy::schema::{Field, Value};
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, Order, ReloadPolicy, Searcher, TantivyDocument,
    Term,
};

use crate::query::{self, Plan, TextQuery};
use crate::schema::{self, CODE, Fields};
use crate::{Hit, SearchDoc, SearchError, SearchQuery};

/// A full rebuild of ~300k items: a large arena means few, large segments
/// (little merging afterwards) and two workers match the 2-core target host.
const REBUILD_THREADS: usize = 2;
const REBUILD_HEAP_BYTES: usize = 256 * 1024 * 1024;
/// Incremental edits touch a handful of items; tantivy's minimum arena is
/// plenty and keeps the spike small.
const EDIT_HEAP_BYTES: usize = 16 * 1024 * 1024;

/// Full-text index over power-list service items.
///
/// `Send + Sync`: share it behind an `Arc`. Searches never block on writes;
/// they see the state as of the last completed `rebuild`/`upsert`/`remove`.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    /// Tantivy allows one writer per index; writes take turns here instead
    /// of failing with a lock error.
    write: Mutex<()>,
}

impl SearchIndex {
    /// An empty index held entirely in memory.
    pub fn new() -> Result<Self, SearchError> {
        // Load jieba's dictionary now (a few hundred ms, once per process)
        // rather than inside the first citizen's search.
        crate::analyzer::terms("预热");
        let (schema, fields) = schema::build();
        let index = Index::create_in_ram(schema);
        schema::register_analyzers(&index);
        // Manual reload: every write reloads before returning, which is what
        // gives read-your-writes; a background poller would only add lag.
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Self {
            index,
            reader,
            fields,
            write: Mutex::new(()),
        })
    }

    /// Replaces the whole content with `docs` in a single commit, so searches
    /// see either the old catalog or the new one, never a mix; on error the
    /// old one stays. Other writes wait until it is done.
    pub fn rebuild(&self, docs: impl IntoIterator<Item = SearchDoc>) -> Result<(), SearchError> {
        let _turn = self.write_turn();
        let writer = self.writer(REBUILD_THREADS, REBUILD_HEAP_BYTES)?;
        writer.delete_all_documents()?;
        for doc in docs {
            writer.add_document(schema::to_document(&self.fields, &doc))?;
        }
        self.finish(writer)
    }

    /// Inserts or replaces items by `code`. Within one call the last doc
    /// with a given code wins.
    pub fn upsert(&self, docs: &[SearchDoc]) -> Result<(), SearchError> {
        if docs.is_empty() {
            return Ok(());
        }
        let _turn = self.write_turn();
        let writer = self.writer(1, EDIT_HEAP_BYTES)?;
        for doc in docs {
            // Delete and add get increasing opstamps, so the delete removes
            // only older copies, including one added earlier in this batch.
            writer.delete_term(self.code_term(&doc.code));
            writer.add_document(schema::to_document(&self.fields, doc))?;
        }
        self.finish(writer)
    }

    /// Removes items by `code`; unknown codes are ignored.
    pub fn remove(&self, codes: &[String]) -> Result<(), SearchError> {
        if codes.is_empty() {
            return Ok(());
        }
        let _turn = self.write_turn();
        let writer = self.writer(1, EDIT_HEAP_BYTES)?;
        for code in codes {
            writer.delete_term(self.code_term(code));
        }
        self.finish(writer)
    }

    /// One page of hits, best first (code order when `q.text` is blank), and
    /// the total number of matching items.
    pub fn search(&self, q: &SearchQuery) -> Result<(Vec<Hit>, usize), SearchError> {
        let searcher = self.reader.searcher();
        // Clamping to the corpus size keeps an absurd offset/limit from
        // asking the collector for a giant heap; past the end is just empty.
        let corpus = usize::try_from(searcher.num_docs()).unwrap_or(usize::MAX);
        let limit = q.limit.min(corpus.saturating_sub(q.offset));
        match query::plan(&self.fields, q) {
            Plan::Nothing => Ok((Vec::new(), 0)),
            Plan::Listing(query) => {
                if limit == 0 {
                    return Ok((Vec::new(), searcher.search(&query, &Count)?));
                }
                let top = TopDocs::with_limit(limit)
                    .and_offset(q.offset)
                    .order_by_string_fast_field(CODE, Order::Asc);
                let (page, total) = searcher.search(&query, &(top, Count))?;
                let hits = page
                    .into_iter()
                    .filter_map(|(code, _)| code)
                    .map(|code| Hit { code, score: 0.0 })
                    .collect();
                Ok((hits, total))
            }
            Plan::Ranked { strict, loose } => {
                let code = self.fields.code;
                let (hits, total) = ranked(&searcher, code, &strict, q.offset, limit)?;
                if total > 0 {
                    return Ok((hits, total));
                }
                stock_ranked(&searcher, code, loose.as_ref(), q.offset, limit)
            }
        }
    }

    /// The underlying tantivy snapshot, for benchmarks that put the engine's
    /// own cost beside ours; not part of the supported API.
    #[doc(hidden)]
    pub fn tantivy_searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    /// Number of live (not deleted) items.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Whether the index holds no items.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn write_turn(&self) -> MutexGuard<'_, ()> {
        // The guarded value is `()`: a writer that panicked leaves nothing
        // half-updated behind this lock (tantivy rolls back uncommitted
        // work), so poisoning carries no information.
        self.write
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn writer(&self, threads: usize, heap: usize) -> Result<IndexWriter, SearchError> {
        let options = IndexWriterOptions::builder()
            .num_worker_threads(threads)
            .memory_budget_per_thread(heap / threads)
            .num_merge_threads(1)
            .build();
        Ok(self.index.writer_with_options(options)?)
    }

    fn finish(&self, mut writer: IndexWriter) -> Result<(), SearchError> {
        writer.commit()?;
        // Waiting lets merges of the small segments left by edits complete
        // instead of being abandoned when the writer is dropped.
        writer.wait_merging_threads()?;
        self.reader.reload()?;
        Ok(())
    }

    fn code_term(&self, code: &str) -> Term {
        Term::from_field_text(self.fields.code, code)
    }
}

fn ranked(
    searcher: &Searcher,
    code: Field,
    query: &TextQuery,
    offset: usize,
    limit: usize,
) -> Result<(Vec<Hit>, usize), SearchError> {
    let ranked = crate::rank::run(searcher, query, offset, limit)?;
    Ok((codes_of(searcher, code, ranked.page)?, ranked.total))
}

fn stock_ranked(
    searcher: &Searcher,
    code: Field,
    query: &dyn Query,
    offset: usize,
    limit: usize,
) -> Result<(Vec<Hit>, usize), SearchError> {
    if limit == 0 {
        return Ok((Vec::new(), searcher.search(query, &Count)?));
    }
    let top = TopDocs::with_limit(limit)
        .and_offset(offset)
        .order_by_score();
    let (page, total) = searcher.search(query, &(top, Count))?;
    Ok((codes_of(searcher, code, page)?, total))
}

fn codes_of(
    searcher: &Searcher,
    code: Field,
    page: Vec<(f32, DocAddress)>,
) -> Result<Vec<Hit>, SearchError> {
    page.into_iter()
        .map(|(score, addr)| {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let code = doc
                .get_first(code)
                .and_then(|v| v.as_str())
                .ok_or(SearchError::Corrupt("item without code"))?;
            Ok(Hit {
                code: code.to_owned(),
                score,
            })
        })
        .collect()
}
