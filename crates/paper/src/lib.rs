//! Official documents as PDF: the case receipt (回执), notices (受理通知书,
//! 不予受理决定书, 补正告知书, 决定书) and e-certificate licences
//! (食品经营许可证 …).
//!
//! This crate owns page layout, Chinese line breaking, font discovery and
//! the verification QR code. It takes plain data ([`Document`]) and returns
//! PDF bytes; it must not depend on any other Bianli crate, a database or a
//! web framework, so the cases context decides *what* a paper says and this
//! crate only how it looks.
//!
//! Fonts: a CJK OpenType font is required and is embedded, subset to the
//! glyphs used, with a ToUnicode map so the text can be searched, copied and
//! extracted. [`Fonts::discover`] reads `BIANLI_FONT` (`PATH` or
//! `PATH#INDEX` for a .ttc collection; `BIANLI_FONT_BOLD` optionally for
//! titles), else Debian's `fonts-noto-cjk` paths (Noto Serif CJK, then Noto
//! Sans CJK), and picks the SC face of a collection. Load once, share.
//!
//! Why krilla: it subsets CFF-flavoured OpenType (Noto CJK's outlines are
//! CID-keyed CFF) and TrueType through the `subsetter` crate, opens a face
//! by collection index, writes the ToUnicode map from the text each glyph
//! came from, and has no C dependency. With its default features off (no
//! raster images, no rustybuzz shaper) it is ~60 crates. `printpdf` subsets
//! only TrueType outlines well; plain `pdf-writer` + `subsetter` would mean
//! writing the CID font dictionaries and ToUnicode CMaps by hand. Text is
//! mapped to glyphs here through the font's character map (`skrifa`, which
//! krilla already uses): Chinese official text needs no shaping.

mod document;
mod error;
mod fonts;
mod layout;
mod qr;
mod render;
mod shape;
mod wrap;

pub use document::{Document, Layout, chinese_date};
pub use error::PaperError;
pub use fonts::{FontSource, Fonts};
pub use render::render;
