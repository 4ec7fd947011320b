//! Index layout and the mapping from [`SearchDoc`] to a tantivy document.

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::{Index, TantivyDocument};

use crate::SearchDoc;
use crate::analyzer::{self, normalize};

pub(crate) const CODE: &str = "code";

/// Handles to every field, resolved once at construction.
#[derive(Clone, Copy)]
pub(crate) struct Fields {
    pub code: Field,
    pub name: Field,
    pub name_exact: Field,
    /// Everything the item is called: its name and its aliases.
    pub titles: Field,
    pub titles_exact: Field,
    pub materials: Field,
    pub department: Field,
    pub department_id: Field,
    pub kind: Field,
    pub level: Field,
    pub division: Field,
    pub channels: Field,
    pub visits: Field,
}

pub(crate) fn build() -> (Schema, Fields) {
    // Frequencies but no positions: queries are bags of terms, never phrases,
    // so positions would only cost memory on a RAM index of ~300k items.
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analyzer::JIEBA)
            .set_index_option(IndexRecordOption::WithFreqs),
    );

    let mut b = Schema::builder();
    let fields = Fields {
        // A fast column for code-ordered listings, and stored for reading the
        // hits of a ranked page: the column's dictionary is zstd-compressed
        // in blocks and every hit would open its own decompression context
        // (0.4-0.7 ms a page of 20 measured), where the doc store's lz4
        // blocks are cheap to open and cached between searches.
        code: b.add_text_field(CODE, STRING | FAST | STORED),
        name: b.add_text_field("name", text.clone()),
        name_exact: b.add_text_field("name_exact", STRING),
        // Aliases share a field with the name rather than having their own:
        // only a few items have aliases, and BM25 divides by the field's
        // average length over *all* items, so an alias-only field would
        // average near zero and crush every alias match to a tiny score.
        titles: b.add_text_field("titles", text.clone()),
        titles_exact: b.add_text_field("titles_exact", STRING),
        materials: b.add_text_field("materials", text.clone()),
        department: b.add_text_field("department", text),
        department_id: b.add_i64_field("department_id", INDEXED),
        kind: b.add_text_field("kind", STRING),
        level: b.add_text_field("level", STRING),
        division: b.add_text_field("division", STRING),
        channels: b.add_text_field("channels", STRING),
        visits: b.add_u64_field("visits", INDEXED),
    };
    (b.build(), fields)
}

pub(crate) fn register_analyzers(index: &Index) {
    index
        .tokenizers()
        .register(analyzer::JIEBA, analyzer::jieba());
}

pub(crate) fn to_document(f: &Fields, d: &SearchDoc) -> TantivyDocument {
    let mut doc = TantivyDocument::new();
    doc.add_text(f.code, &d.code);
    let name = normalize(&d.name);
    let name_key = exact_key(&name);
    doc.add_text(f.titles_exact, &name_key);
    doc.add_text(f.name_exact, name_key);
    doc.add_text(f.titles, &name);
    doc.add_text(f.name, name);
    for alias in &d.aliases {
        let alias = normalize(alias);
        doc.add_text(f.titles_exact, exact_key(&alias));
        doc.add_text(f.titles, alias);
    }
    for material in &d.materials {
        doc.add_text(f.materials, normalize(material));
    }
    doc.add_text(f.department, normalize(&d.department));
    doc.add_i64(f.department_id, d.department_id);
    doc.add_text(f.kind, &d.kind);
    doc.add_text(f.level, &d.level);
    doc.add_text(f.division, &d.division);
    for channel in &d.channels {
        doc.add_text(f.channels, channel);
    }
    doc.add_u64(f.visits, u64::from(d.visits));
    doc
}

/// Key for whole-value matching: whitespace carries no meaning in a Chinese
/// item name, and removing it lets "结婚登记 怎么办" (fillers stripped to
/// spaces) still equal 结婚登记.
pub(crate) fn exact_key(normalized: &str) -> String {
    normalized.split_whitespace().collect()
}
