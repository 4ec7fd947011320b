//! Turns a [`SearchQuery`] into a tantivy query, programmatically.
//!
//! Nothing here goes through tantivy's `QueryParser`: citizens type
//! parentheses, colons and `AND` without meaning query syntax, and a parse
//! error must never reach them. Every query is a boolean combination of term
//! queries built from analyzed tokens, so any input yields a valid query.

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
/// department only mention it.
const FIELD_BOOSTS: [(FieldSel, f32); 4] = [
    (FieldSel::Name, 3.0),
    (FieldSel::Aliases, 2.5),
    (FieldSel::Materials, 0.5),
    (FieldSel::Department, 0.3),
];

/// A query equal to an item's whole name is the strongest signal there is;
/// this boost has to outweigh any sum of per-term scores.
const EXACT_NAME_BOOST: f32 = 12.0;
const EXACT_ALIAS_BOOST: f32 = 6.0;
/// A synonym's official term naming a whole item (结婚 → 结婚登记).
const EXPANDED_NAME_BOOST: f32 = 4.0;

/// Single characters left after segmentation (卖, 烟, 证) are ambiguous in
/// Chinese; they may help but must not dominate.
const SINGLE_CHAR_WEIGHT: f32 = 0.3;
/// Expansion terms are slightly less certain than what the person typed.
const EXPANSION_WEIGHT: f32 = 0.9;

#[derive(Clone, Copy)]
enum FieldSel {
    Name,
    Aliases,
    Materials,
    Department,
}

impl FieldSel {
    fn field(self, f: &Fields) -> Field {
        match self {
            FieldSel::Name => f.name,
            FieldSel::Aliases => f.aliases,
            FieldSel::Materials => f.materials,
            FieldSel::Department => f.department,
        }
    }
}

pub(crate) enum Plan {
    /// The text had nothing searchable (only punctuation, only stop words).
    Nothing,
    /// No text: list the items passing the filters, in code order.
    Listing(Box<dyn Query>),
    /// Rank by relevance, best first.
    Ranked(Box<dyn Query>),
}

pub(crate) fn plan(f: &Fields, q: &SearchQuery) -> Plan {
    let filters = filters(f, q);
    if q.text.trim().is_empty() {
        return Plan::Listing(if filters.is_empty() {
            Box::new(AllQuery)
        } else {
            Box::new(BooleanQuery::intersection(filters))
        });
    }
    let Some(text) = text_query(f, q.text) else {
        return Plan::Nothing;
    };
    if filters.is_empty() {
        return Plan::Ranked(text);
    }
    // Filters decide membership only; a constant zero score keeps them from
    // reordering hits (a rare division would otherwise add a large IDF).
    let filter: Box<dyn Query> = Box::new(ConstScoreQuery::new(
        Box::new(BooleanQuery::intersection(filters)),
        0.0,
    ));
    Plan::Ranked(Box::new(BooleanQuery::new(vec![
        (Occur::Must, text),
        (Occur::Must, filter),
    ])))
}

fn filters(f: &Fields, q: &SearchQuery) -> Vec<Box<dyn Query>> {
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
        .into_iter()
        .map(|t| Box::new(TermQuery::new(t, IndexRecordOption::Basic)) as Box<dyn Query>)
        .collect()
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

    fn iter(&self) -> impl Iterator<Item = (&str, f32)> {
        self.order
            .iter()
            .map(|t| (t.as_str(), self.weight.get(t).copied().unwrap_or(0.0)))
    }
}

fn text_query(f: &Fields, raw: &str) -> Option<Box<dyn Query>> {
    let capped: String = raw.chars().take(MAX_QUERY_CHARS).collect();
    let normalized = normalize(&capped);
    let stripped = strip_fillers(&normalized);

    let mut terms = WeightedTerms::default();
    for term in analyzer::terms(&stripped) {
        terms.add(term, 1.0);
    }
    let mut expanded_names = Vec::new();
    for official in expansions(&normalized) {
        for term in analyzer::terms(official) {
            terms.add(term, EXPANSION_WEIGHT);
        }
        expanded_names.extend(official.split_whitespace());
    }

    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (term, weight) in terms.iter() {
        for (sel, field_boost) in FIELD_BOOSTS {
            let term = Term::from_field_text(sel.field(f), term);
            clauses.push(should(term, IndexRecordOption::WithFreqs, weight * field_boost));
        }
    }

    let mut exact = vec![exact_key(&normalized), exact_key(&stripped)];
    exact.dedup();
    exact.retain(|k| analyzer::is_word(k));
    for key in &exact {
        let name = Term::from_field_text(f.name_exact, key);
        clauses.push(should(name, IndexRecordOption::Basic, EXACT_NAME_BOOST));
        let alias = Term::from_field_text(f.aliases_exact, key);
        clauses.push(should(alias, IndexRecordOption::Basic, EXACT_ALIAS_BOOST));
    }
    for name in expanded_names {
        let name = Term::from_field_text(f.name_exact, name);
        clauses.push(should(name, IndexRecordOption::Basic, EXPANDED_NAME_BOOST));
    }

    if clauses.is_empty() {
        None
    } else {
        Some(Box::new(BooleanQuery::new(clauses)))
    }
}

fn should(term: Term, option: IndexRecordOption, boost: f32) -> (Occur, Box<dyn Query>) {
    let q = Box::new(TermQuery::new(term, option));
    (Occur::Should, Box::new(BoostQuery::new(q, boost)))
}
