//! Text analysis shared by indexing and querying, so both sides agree on terms.

use tantivy::tokenizer::{
    RemoveLongFilter, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};
use tantivy_jieba::JiebaTokenizer;

/// Name under which the analyzer is registered on the index.
pub(crate) const JIEBA: &str = "bianli_jieba";

/// Jieba in search mode also emits the shorter words inside long compounds
/// (出生医学证明 → 出生, 医学, 证明 …), which is what lets a short colloquial
/// query reach a long official name.
pub(crate) fn jieba() -> TextAnalyzer {
    TextAnalyzer::builder(JiebaTokenizer::new())
        .filter(WordsOnly)
        // Terms this long are never typed by a person; they only bloat the
        // dictionary (and tantivy refuses terms over 64 KiB anyway).
        .filter(RemoveLongFilter::limit(64))
        .build()
}

/// Canonical form of any text before it reaches an analyzer: full-width ASCII
/// (what a Chinese IME produces, e.g. ＫＴＶ) folded to half-width, lower-cased,
/// ideographic space treated as space. Applied to documents and queries alike.
pub(crate) fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            // Fast paths: a rebuild normalizes millions of strings that are
            // almost entirely CJK, which has no case.
            _ if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            '\u{4E00}'..='\u{9FFF}' => out.push(c),
            '\u{3000}' => out.push(' '),
            '\u{FF01}'..='\u{FF5E}' => {
                let half = char::from_u32(c as u32 - 0xFEE0).unwrap_or(c);
                out.push(half.to_ascii_lowercase());
            }
            _ => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Jieba emits punctuation and whitespace as tokens; they carry no meaning and
/// would only inflate field lengths (skewing BM25) and the term dictionary.
#[derive(Clone)]
struct WordsOnly;

impl TokenFilter for WordsOnly {
    type Tokenizer<T: Tokenizer> = WordsOnlyTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> WordsOnlyTokenizer<T> {
        WordsOnlyTokenizer(tokenizer)
    }
}

#[derive(Clone)]
struct WordsOnlyTokenizer<T>(T);

impl<T: Tokenizer> Tokenizer for WordsOnlyTokenizer<T> {
    type TokenStream<'a> = WordsOnlyStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        WordsOnlyStream(self.0.token_stream(text))
    }
}

struct WordsOnlyStream<S>(S);

impl<S: TokenStream> TokenStream for WordsOnlyStream<S> {
    fn advance(&mut self) -> bool {
        while self.0.advance() {
            if is_word(&self.0.token().text) {
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        self.0.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.0.token_mut()
    }
}

pub(crate) fn is_word(text: &str) -> bool {
    // Checked on every indexed token: answer the common CJK/ASCII cases
    // before the general (table-driven) Unicode lookup.
    text.chars().any(|c| {
        c.is_ascii_alphanumeric()
            || ('\u{4E00}'..='\u{9FFF}').contains(&c)
            || (!c.is_ascii() && c.is_alphanumeric())
    })
}

/// Runs the jieba analyzer over `text` and returns its terms in order.
pub(crate) fn terms(text: &str) -> Vec<String> {
    let mut analyzer = jieba();
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while let Some(token) = stream.next() {
        out.push(token.text.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_folds_full_width_and_case() {
        assert_eq!(normalize("开ＫＴＶ　店"), "开ktv 店");
        assert_eq!(normalize("食品经营许可"), "食品经营许可");
    }

    #[test]
    fn punctuation_is_not_a_term() {
        let t = terms("食品经营许可（新办）::: (((");
        assert!(t.iter().all(|t| is_word(t)), "{t:?}");
        assert!(t.contains(&"食品".to_string()), "{t:?}");
    }
}
