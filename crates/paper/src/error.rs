use std::io;
use std::path::PathBuf;

/// Why a document could not be produced. Each variant names what to fix:
/// the font installation, the font file, or the document's own data.
#[derive(Debug, thiserror::Error)]
pub enum PaperError {
    /// No font configured and none of the known system paths holds one.
    #[error(
        "no CJK font found for PDF documents (tried {}); install Debian's fonts-noto-cjk \
         (`apt install fonts-noto-cjk`) or set BIANLI_FONT=/path/to/font.ttc[#index]",
        display_paths(.tried)
    )]
    FontNotFound { tried: Vec<PathBuf> },
    /// A font path was given (or found) but the file cannot be read.
    #[error("cannot read font {}: {source}; install Debian's fonts-noto-cjk (`apt install fonts-noto-cjk`) or fix BIANLI_FONT", path.display())]
    FontUnreadable { path: PathBuf, source: io::Error },
    /// The file is there but is not a usable OpenType font (or the collection
    /// index is out of range).
    #[error("font {} is not usable: {reason}", path.display())]
    FontInvalid { path: PathBuf, reason: String },
    /// The `BIANLI_FONT` value does not parse as `PATH` or `PATH#INDEX`.
    #[error("BIANLI_FONT={value:?}: {reason}")]
    FontSpec { value: String, reason: String },
    /// The font has no glyph for a character of the document: printing it
    /// would show an empty box on an official paper, so refuse instead.
    #[error("the font has no glyph for {ch:?} (U+{:04X}) in {field}", *ch as u32)]
    MissingGlyph { ch: char, field: &'static str },
    /// A document field is empty or cannot be printed.
    #[error("document {field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    /// The PDF writer refused the document; a bug here, not bad input.
    #[error("PDF writer: {0}")]
    Pdf(String),
}

fn display_paths(paths: &[PathBuf]) -> String {
    if paths.is_empty() {
        return "no path".to_owned();
    }
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
