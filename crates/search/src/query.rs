//! Turns a [`SearchQuery`] into a tantivy query, programmatically.
//!
//! Nothing here goes through tantivy's `QueryParser`: citizens type
//! parentheses, colons and `AND` without meaning query syntax, and a parse
//! error must never reach them. Every query is built from analyzed tokens
//! (boosted term clauses in groups, see [`TextQuery`]), so any input yields a
//! valid query.

use std::collections::HashMap;

use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};

use crate::SearchQuery;
use crate::analyzer::{self, normalize};
use crate::schema::{Fields, exact_key};
use crate::synonyms::{STOP_TERMS, expansions, strip_fillers};

/// Longer input is not a search a person typed; capping it bounds the
/// segmentation work and the clause count.
const MAX_QUERY_CHARS: usize = 100;
/// Bound on distinct terms so a pasted paragraph stays a cheap query.
const MAX_TERMS: usize = 24;

/// Where a term hits matters more than how often: the item's own name and
/// the plain-language aliases describe the service, materials and the
/// department only mention it. A word of the name also counts as a title
/// (the titles field holds name and aliases), so name matches score
/// NAME_BOOST + TITLES_BOOST and alias-only matches TITLES_BOOST.
const NAME_BOOST: f32 = 3.0;
const TITLES_BOOST: f32 = 2.5;
const MATERIALS_BOOST: f32 = 0.5;
const DEPARTMENT_BOOST: f32 = 0.3;

/// A query equal to an item's whole name is the strongest signal there is;
/// this boost has to outweigh any sum of per-term scores. A query equal to an
/// alias is as strong: the person typed the very words people use for the
/// item (开饭店 is 食品经营许可, not 旅游饭店星级评定).
const EXACT_NAME_BOOST: f32 = 12.0;
const EXACT_TITLE_BOOST: f32 = 12.0;
/// A synonym's official term naming a whole item (结婚 → 结婚登记).
const EXPANDED_NAME_BOOST: f32 = 4.0;

/// Single characters left after segmentation (卖, 烟, 证) are ambiguous in
/// Chinese; they may help but must not dominate.
const SINGLE_CHAR_WEIGHT: f32 = 0.3;
/// Expansion terms are slightly less certain than what the person typed.
const EXPANSION_WEIGHT: f32 = 0.9;

pub(crate) enum Plan {
    /// The text had nothing searchable (only punctuation or symbols).
    Nothing,
    /// No text: list the items passing the filters, in code order.
    Listing(Box<dyn Query>),
    /// Rank by relevance, best first. `strict` is tried first; `loose` only
    /// when strict matches nothing.
    Ranked {
        strict: TextQuery,
        loose: Box<dyn Query>,
    },
}

/// A ranked text query, run by [`crate::rank`].
///
/// Its meaning is that of a boolean query over boosted BM25 term queries: an
/// item matches when it carries every filter term and satisfies at least one
/// group; its score is the sum of its clauses' scores, where a clause gated
/// on a group counts only if that group is satisfied (as a clause nested in a
/// boolean sub-query adds to the score only when that sub-query matches).
/// Kept as plain data rather than tantivy query objects so the runner can see
/// which words are rare and how much each clause can add.
#[derive(Default)]
pub(crate) struct TextQuery {
    pub clauses: Vec<Clause>,
    pub groups: Vec<Group>,
    /// Exact terms every match must carry; they add nothing to the score.
    pub filters: Vec<Term>,
}

pub(crate) struct Clause {
    pub term: Term,
    pub boost: f32,
    /// Exact-value fields are indexed without frequencies.
    pub record: IndexRecordOption,
    /// `Some(g)`: counts only when group `g` is satisfied. `None`: counts
    /// whenever present in a matching item.
    pub gate: Option<usize>,
}

/// Satisfied when at least `min` slots are present; a slot is present when
/// any of its clauses is.
pub(crate) struct Group {
    pub slots: Vec<Vec<usize>>,
    pub min: usize,
}

impl TextQuery {
    fn clause(&mut self, field: Field, text: &str, boost: f32, gate: Option<usize>) -> usize {
        self.push(field, text, boost, IndexRecordOption::WithFreqs, gate)
    }

    /// A whole-value clause that is a group by itself: its presence alone
    /// makes a match.
    fn exact(&mut self, field: Field, text: &str, boost: f32) {
        let c = self.push(field, text, boost, IndexRecordOption::Basic, None);
        self.groups.push(Group {
            slots: vec![vec![c]],
            min: 1,
        });
    }

    fn push(
        &mut self,
        field: Field,
        text: &str,
        boost: f32,
        record: IndexRecordOption,
        gate: Option<usize>,
    ) -> usize {
        self.clauses.push(Clause {
            term: Term::from_field_text(field, text),
            boost,
            record,
            gate,
        });
        self.clauses.len() - 1
    }

    /// A group with one slot per term, matching the term in the name or the
    /// titles; both clauses count only when `min` of the slots hold.
    fn named_group(&mut self, f: &Fields, terms: &WeightedTerms, min: usize) {
        let g = self.groups.len();
        let mut slots = Vec::with_capacity(terms.len());
        for (term, weight) in terms.iter() {
            self.clause(f.name, term, weight * NAME_BOOST, Some(g));
            // The titles hold the name as well (schema::to_document), so a
            // word in the name is always in the titles: the titles clause
            // alone decides whether the slot holds, and the runner walks one
            // posting list per word instead of two near-identical ones.
            slots.push(vec![self.clause(
                f.titles,
                term,
                weight * TITLES_BOOST,
                Some(g),
            )]);
        }
        self.groups.push(Group { slots, min });
    }
}

pub(crate) fn plan(f: &Fields, q: &SearchQuery) -> Plan {
    if q.text.trim().is_empty() {
        let filters = filters(f, q);
        return Plan::Listing(if filters.is_empty() {
            Box::new(AllQuery)
        } else {
            Box::new(BooleanQuery::intersection(filters))
        });
    }
    let words = Words::of(q.text);
    if words.is_empty() {
        return Plan::Nothing;
    }
    // Scoreless, as in `filtered`.
    let mut strict = words.strict(f);
    strict.filters = filter_terms(f, q);
    Plan::Ranked {
        strict,
        loose: filtered(words.loose(f), filters(f, q)),
    }
}

fn filtered(text: Box<dyn Query>, filters: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    if filters.is_empty() {
        return text;
    }
    // Filters decide membership only; a constant zero score keeps them from
    // reordering hits (a rare division would otherwise add a large IDF).
    let filter = ConstScoreQuery::new(Box::new(BooleanQuery::intersection(filters)), 0.0);
    Box::new(BooleanQuery::new(vec![
        (Occur::Must, text),
        (Occur::Must, Box::new(filter)),
    ]))
}

fn filters(f: &Fields, q: &SearchQuery) -> Vec<Box<dyn Query>> {
    filter_terms(f, q)
        .into_iter()
        .map(|t| Box::new(TermQuery::new(t, IndexRecordOption::Basic)) as Box<dyn Query>)
        .collect()
}

fn filter_terms(f: &Fields, q: &SearchQuery) -> Vec<Term> {
    let mut terms = Vec::new();
    let text_filters = [
        (f.level, q.level),
        (f.division, q.division),
        (f.kind, q.kind),
        (f.channels, q.channel),
    ];
    for (field, value) in text_filters {
        if let Some(value) = value {
            terms.push(Term::from_field_text(field, value));
        }
    }
    if let Some(id) = q.department_id {
        terms.push(Term::from_field_i64(f.department_id, id));
    }
    if q.zero_trip {
        terms.push(Term::from_field_u64(f.visits, 0));
    }
    terms
}

/// Terms with the highest weight each was given, in first-seen order so the
/// query (and its cost) is deterministic.
#[derive(Default)]
struct WeightedTerms {
    order: Vec<String>,
    weight: HashMap<String, f32>,
}

impl WeightedTerms {
    fn add(&mut self, term: String, weight: f32) {
        if STOP_TERMS.contains(&term.as_str()) {
            return;
        }
        let weight = if term.chars().count() == 1 {
            weight * SINGLE_CHAR_WEIGHT
        } else {
            weight
        };
        match self.weight.get_mut(&term) {
            Some(w) => *w = w.max(weight),
            None if self.order.len() < MAX_TERMS => {
                self.weight.insert(term.clone(), weight);
                self.order.push(term);
            }
            None => {}
        }
    }

    fn merge(&mut self, other: &WeightedTerms) {
        for (term, weight) in other.iter() {
            match self.weight.get_mut(term) {
                Some(w) => *w = w.max(weight),
                None => {
                    self.weight.insert(term.to_owned(), weight);
                    self.order.push(term.to_owned());
                }
            }
        }
    }

    fn len(&self) -> usize {
        self.order.len()
    }

    fn iter(&self) -> impl Iterator<Item = (&str, f32)> {
        self.order
            .iter()
            .map(|t| (t.as_str(), self.weight.get(t).copied().unwrap_or(0.0)))
    }
}

/// The analyzed text of one query.
struct Words {
    /// What the person typed, fillers and stop words removed.
    typed: WeightedTerms,
    /// One entry per official phrase the synonym table expanded to.
    phrases: Vec<WeightedTerms>,
    /// Whole-query keys for exact name/alias matches.
    exact: Vec<String>,
    /// Official phrases that may be whole item names.
    expanded_names: Vec<&'static str>,
}

impl Words {
    fn of(raw: &str) -> Words {
        let capped: String = raw.chars().take(MAX_QUERY_CHARS).collect();
        let normalized = normalize(&capped);
        let stripped = strip_fillers(&normalized);

        let mut typed = WeightedTerms::default();
        for term in analyzer::terms(&stripped) {
            typed.add(term, 1.0);
        }
        let mut phrases = Vec::new();
        let mut expanded_names = Vec::new();
        for official in expansions(&normalized) {
            for phrase in official.split_whitespace() {
                let mut terms = WeightedTerms::default();
                for term in analyzer::terms(phrase) {
                    terms.add(term, EXPANSION_WEIGHT);
                }
                phrases.push(terms);
                expanded_names.push(phrase);
            }
        }
        let mut exact = vec![exact_key(&normalized), exact_key(&stripped)];
        exact.dedup();
        exact.retain(|k| analyzer::is_word(k));
        Words {
            typed,
            phrases,
            exact,
            expanded_names,
        }
    }

    fn is_empty(&self) -> bool {
        self.typed.len() == 0 && self.phrases.iter().all(|p| p.len() == 0) && self.exact.is_empty()
    }

    fn all_terms(&self) -> WeightedTerms {
        let mut all = WeightedTerms::default();
        all.merge(&self.typed);
        for phrase in &self.phrases {
            all.merge(phrase);
        }
        all
    }

    /// Items whose name or aliases carry at least half of the typed words,
    /// or all words of one expanded official phrase, or that equal the query
    /// exactly. Materials and department then only add to the score: a word
    /// merely mentioned in a material list (证明, 登记) must not make an
    /// item count as a match, or totals balloon to most of the catalog.
    fn strict(&self, f: &Fields) -> TextQuery {
        let mut q = TextQuery::default();
        for (field, text, boost) in self.exact_terms(f) {
            q.exact(field, text, boost);
        }
        let n = self.typed.len();
        if n > 0 {
            q.named_group(f, &self.typed, n.div_ceil(2));
        }
        for phrase in self.phrases.iter().filter(|p| p.len() > 0) {
            q.named_group(f, phrase, phrase.len());
        }
        for (term, weight) in self.all_terms().iter() {
            q.clause(f.materials, term, weight * MATERIALS_BOOST, None);
            q.clause(f.department, term, weight * DEPARTMENT_BOOST, None);
        }
        q
    }

    /// Any word in any field: the fallback that still finds an item by a
    /// material or department name when no item name fits. A plain union of
    /// terms, which tantivy's own union scorer already runs well, so it stays
    /// a tantivy query.
    fn loose(&self, f: &Fields) -> Box<dyn Query> {
        let mut clauses: Vec<_> = self
            .exact_terms(f)
            .into_iter()
            .map(|(field, text, boost)| exact_clause(field, text, boost))
            .collect();
        for (term, weight) in self.all_terms().iter() {
            clauses.push(term_clause(f.name, term, weight * NAME_BOOST));
            clauses.push(term_clause(f.titles, term, weight * TITLES_BOOST));
            clauses.push(term_clause(f.materials, term, weight * MATERIALS_BOOST));
            clauses.push(term_clause(f.department, term, weight * DEPARTMENT_BOOST));
        }
        Box::new(BooleanQuery::new(clauses))
    }

    fn exact_terms(&self, f: &Fields) -> Vec<(Field, &str, f32)> {
        let mut terms = Vec::new();
        for key in &self.exact {
            terms.push((f.name_exact, key.as_str(), EXACT_NAME_BOOST));
            terms.push((f.titles_exact, key.as_str(), EXACT_TITLE_BOOST));
        }
        for name in &self.expanded_names {
            terms.push((f.name_exact, *name, EXPANDED_NAME_BOOST));
        }
        terms
    }
}

fn term_clause(field: Field, text: &str, boost: f32) -> (Occur, Box<dyn Query>) {
    let term = TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    );
    should(Box::new(BoostQuery::new(Box::new(term), boost)))
}

fn exact_clause(field: Field, text: &str, boost: f32) -> (Occur, Box<dyn Query>) {
    let term = TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::Basic);
    should(Box::new(BoostQuery::new(Box::new(term), boost)))
}

fn should(q: Box<dyn Query>) -> (Occur, Box<dyn Query>) {
    (Occur::Should, q)
}
