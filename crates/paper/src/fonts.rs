//! Finding and loading the CJK font that every document embeds.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use krilla::Data;
use skrifa::raw::{FileRef, FontRef};
use skrifa::{MetadataProvider, string::StringId};

use crate::PaperError;

/// Where Debian's `fonts-noto-cjk` (and Arch's `noto-fonts-cjk`) put the
/// collections, regular then bold. Serif first: the closest free face to the
/// 宋体 family that official papers are set in.
const KNOWN: &[(&str, &str)] = &[
    (
        "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
        "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
    ),
    (
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    ),
    (
        "/usr/share/fonts/noto-cjk/NotoSerifCJK-Regular.ttc",
        "/usr/share/fonts/noto-cjk/NotoSerifCJK-Bold.ttc",
    ),
    (
        "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc",
    ),
];

/// A font file and, for a collection (.ttc), which face in it. Parsed from
/// `PATH` or `PATH#INDEX`, the form `BIANLI_FONT` takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FontSource {
    pub path: PathBuf,
    /// `None` picks the Simplified Chinese face of a collection (its family
    /// name ends in "SC"), or the first face.
    pub index: Option<u32>,
}

impl FontSource {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            index: None,
        }
    }
}

impl FromStr for FontSource {
    type Err = PaperError;

    fn from_str(value: &str) -> Result<Self, PaperError> {
        let spec_error = |reason: &str| PaperError::FontSpec {
            value: value.to_owned(),
            reason: reason.to_owned(),
        };
        let (path, index) = match value.rsplit_once('#') {
            Some((path, index)) => {
                let index = index
                    .parse::<u32>()
                    .map_err(|_| spec_error("the part after '#' must be a face index (0, 1, …)"))?;
                (path, Some(index))
            }
            None => (value, None),
        };
        if path.trim().is_empty() {
            return Err(spec_error("the font path is empty"));
        }
        Ok(Self {
            path: PathBuf::from(path),
            index,
        })
    }
}

impl fmt::Display for FontSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.index {
            Some(index) => write!(f, "{}#{index}", self.path.display()),
            None => write!(f, "{}", self.path.display()),
        }
    }
}

/// The faces documents are set in: one for body text, one (usually bold)
/// for titles. Load once at start-up and share: the font files are tens of
/// megabytes and are kept in memory; cloning is cheap and the value is
/// `Send + Sync`.
#[derive(Clone)]
pub struct Fonts {
    pub(crate) body: Face,
    pub(crate) title: Face,
}

impl fmt::Debug for Fonts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fonts")
            .field("body", &self.body.source)
            .field("title", &self.title.source)
            .finish()
    }
}

impl Fonts {
    /// `BIANLI_FONT` (and optionally `BIANLI_FONT_BOLD` for titles) when set,
    /// else the first Noto CJK collection found at the known system paths.
    pub fn discover() -> Result<Self, PaperError> {
        let font = std::env::var("BIANLI_FONT").ok();
        let bold = std::env::var("BIANLI_FONT_BOLD").ok();
        let known: Vec<(PathBuf, PathBuf)> = KNOWN
            .iter()
            .map(|(regular, bold)| (PathBuf::from(regular), PathBuf::from(bold)))
            .collect();
        discover_from(font.as_deref(), bold.as_deref(), &known)
    }

    /// One font file for everything; the face of a collection is picked as
    /// [`FontSource::index`] says.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Self, PaperError> {
        Self::from_sources(&FontSource::new(path.as_ref()), None)
    }

    /// A body face and, optionally, a different face for titles.
    pub fn from_sources(body: &FontSource, title: Option<&FontSource>) -> Result<Self, PaperError> {
        let body = Face::load(body)?;
        let title = match title {
            Some(source) => Face::load(source)?,
            None => body.clone(),
        };
        Ok(Self { body, title })
    }

    /// The body face's file and index, for logs.
    pub fn body_source(&self) -> &FontSource {
        &self.body.source
    }

    /// The title face's file and index, for logs.
    pub fn title_source(&self) -> &FontSource {
        &self.title.source
    }
}

/// An explicit setting is obeyed or fails loudly (never silently replaced by
/// a system font); without one, the first known collection present wins.
fn discover_from(
    font: Option<&str>,
    bold: Option<&str>,
    known: &[(PathBuf, PathBuf)],
) -> Result<Fonts, PaperError> {
    if let Some(font) = font.filter(|f| !f.is_empty()) {
        let body: FontSource = font.parse()?;
        let title = match bold.filter(|b| !b.is_empty()) {
            Some(bold) => Some(bold.parse::<FontSource>()?),
            None => None,
        };
        return Fonts::from_sources(&body, title.as_ref());
    }
    for (regular, bold) in known {
        if regular.is_file() {
            let title = bold.is_file().then(|| FontSource::new(bold));
            return Fonts::from_sources(&FontSource::new(regular), title.as_ref());
        }
    }
    Err(PaperError::FontNotFound {
        tried: known.iter().map(|(regular, _)| regular.clone()).collect(),
    })
}

/// One loaded face: the whole file's bytes (shared with the PDF writer,
/// which subsets from them) and the face index within it.
#[derive(Clone)]
pub(crate) struct Face {
    pub(crate) source: FontSource,
    data: Data,
    index: u32,
    pub(crate) font: krilla::text::Font,
}

impl Face {
    fn load(source: &FontSource) -> Result<Self, PaperError> {
        let bytes = fs::read(&source.path).map_err(|err| PaperError::FontUnreadable {
            path: source.path.clone(),
            source: err,
        })?;
        let invalid = |reason: String| PaperError::FontInvalid {
            path: source.path.clone(),
            reason,
        };
        let index = match source.index {
            Some(index) => index,
            None => simplified_chinese_face(&bytes).map_err(invalid)?,
        };
        let face = FontRef::from_index(&bytes, index)
            .map_err(|err| invalid(format!("no usable face #{index}: {err}")))?;
        // A Latin-only font would print every Chinese character as a box.
        if face.charmap().map('中').is_none() {
            return Err(invalid(format!(
                "face #{index} has no Chinese glyphs; use a CJK font such as Noto Serif CJK SC"
            )));
        }
        let bytes: Arc<dyn AsRef<[u8]> + Send + Sync> = Arc::new(bytes);
        let data = Data::from(bytes);
        let font = krilla::text::Font::new(data.clone(), index)
            .ok_or_else(|| invalid(format!("the PDF writer cannot read face #{index}")))?;
        Ok(Self {
            source: FontSource {
                path: source.path.clone(),
                index: Some(index),
            },
            data,
            index,
            font,
        })
    }

    /// A parsed view of the face; cheap (reads only the table directory).
    pub(crate) fn font_ref(&self) -> FontRef<'_> {
        // `load` already parsed this very face, so it cannot fail now.
        FontRef::from_index(self.data.as_ref(), self.index)
            .unwrap_or_else(|err| unreachable!("face parsed at load time: {err}"))
    }
}

/// The same code point has different regional glyphs (骨, 直, 角 …): Noto
/// CJK collections hold JP, KR, SC, TC and HK faces, and a mainland paper
/// needs the SC one, whichever position it has in the file.
fn simplified_chinese_face(bytes: &[u8]) -> Result<u32, String> {
    match FileRef::new(bytes).map_err(|err| format!("not an OpenType font: {err}"))? {
        FileRef::Font(_) => Ok(0),
        FileRef::Collection(collection) => {
            for index in 0..collection.len() {
                let Ok(face) = collection.get(index) else {
                    continue;
                };
                let is_sc = [StringId::TYPOGRAPHIC_FAMILY_NAME, StringId::FAMILY_NAME]
                    .into_iter()
                    .flat_map(|id| face.localized_strings(id))
                    .any(|name| name.to_string().trim_end().ends_with(" SC"));
                if is_sc {
                    return Ok(index);
                }
            }
            Ok(0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_parses_path_and_index() {
        let source: FontSource = "/fonts/a.ttc#2".parse().unwrap();
        assert_eq!(source.path, PathBuf::from("/fonts/a.ttc"));
        assert_eq!(source.index, Some(2));
        let source: FontSource = "/fonts/a.otf".parse().unwrap();
        assert_eq!(source.index, None);
        assert!(matches!(
            "/fonts/a.ttc#two".parse::<FontSource>(),
            Err(PaperError::FontSpec { .. })
        ));
        assert!(matches!(
            "#1".parse::<FontSource>(),
            Err(PaperError::FontSpec { .. })
        ));
    }

    #[test]
    fn nothing_found_names_the_package() {
        let known = vec![(
            PathBuf::from("/nonexistent/NotoSerifCJK-Regular.ttc"),
            PathBuf::from("/nonexistent/NotoSerifCJK-Bold.ttc"),
        )];
        let err = discover_from(None, None, &known).unwrap_err();
        assert!(matches!(err, PaperError::FontNotFound { .. }), "{err}");
        let message = err.to_string();
        assert!(message.contains("apt install fonts-noto-cjk"), "{message}");
        assert!(
            message.contains("/nonexistent/NotoSerifCJK-Regular.ttc"),
            "{message}"
        );
    }

    #[test]
    fn an_explicit_setting_is_not_replaced_by_a_system_font() {
        let known: Vec<(PathBuf, PathBuf)> = KNOWN
            .iter()
            .map(|(r, b)| (PathBuf::from(r), PathBuf::from(b)))
            .collect();
        let err = discover_from(Some("/nonexistent/font.ttc#1"), None, &known).unwrap_err();
        assert!(matches!(err, PaperError::FontUnreadable { .. }), "{err}");
        assert!(err.to_string().contains("/nonexistent/font.ttc"), "{err}");
    }

    #[test]
    fn fonts_are_shareable_across_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Fonts>();
    }
}
