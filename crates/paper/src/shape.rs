//! Characters to glyphs and advances. Chinese official text needs no
//! shaping beyond the character map (no ligatures, no kerning that matters),
//! so this replaces a shaping engine with a table lookup.

use krilla::text::{GlyphId, KrillaGlyph};
use skrifa::MetadataProvider;
use skrifa::charmap::Charmap;
use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::GlyphMetrics;

use crate::PaperError;
use crate::fonts::{Face, Fonts};

/// Which face a piece of text is set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    Body,
    Title,
}

/// Lookup tables of both faces, borrowed from [`Fonts`] for one render.
pub(crate) struct Shaper<'a> {
    body: FaceMetrics<'a>,
    title: FaceMetrics<'a>,
}

struct FaceMetrics<'a> {
    charmap: Charmap<'a>,
    glyphs: GlyphMetrics<'a>,
    units_per_em: f32,
}

impl<'a> FaceMetrics<'a> {
    fn new(face: &'a Face) -> Self {
        let font = face.font_ref();
        let units_per_em = font
            .metrics(Size::unscaled(), LocationRef::default())
            .units_per_em;
        Self {
            charmap: font.charmap(),
            glyphs: font.glyph_metrics(Size::unscaled(), LocationRef::default()),
            units_per_em: f32::from(units_per_em.max(1)),
        }
    }

    /// The glyph and its advance in em.
    fn lookup(&self, c: char) -> Option<(skrifa::GlyphId, f32)> {
        let glyph = self.charmap.map(c)?;
        let advance = self.glyphs.advance_width(glyph).unwrap_or(0.0) / self.units_per_em;
        Some((glyph, advance))
    }
}

impl<'a> Shaper<'a> {
    pub(crate) fn new(fonts: &'a Fonts) -> Self {
        Self {
            body: FaceMetrics::new(&fonts.body),
            title: FaceMetrics::new(&fonts.title),
        }
    }

    fn face(&self, style: Style) -> &FaceMetrics<'a> {
        match style {
            Style::Body => &self.body,
            Style::Title => &self.title,
        }
    }

    /// The advance of `c` in points, or the error that names the document
    /// field holding a character the font cannot print.
    pub(crate) fn advance(
        &self,
        style: Style,
        size: f32,
        c: char,
        field: &'static str,
    ) -> Result<f32, PaperError> {
        if c.is_control() {
            return Err(PaperError::Invalid {
                field,
                reason: format!("contains the control character U+{:04X}", c as u32),
            });
        }
        match self.face(style).lookup(c) {
            Some((_, advance)) => Ok(advance * size),
            None => Err(PaperError::MissingGlyph { ch: c, field }),
        }
    }

    /// The width of a single line in points.
    pub(crate) fn width(
        &self,
        style: Style,
        size: f32,
        text: &str,
        field: &'static str,
    ) -> Result<f32, PaperError> {
        text.chars()
            .map(|c| self.advance(style, size, c, field))
            .sum()
    }

    /// Glyphs for a line already measured (so every character has one),
    /// with `spacing` em added after each but the last. Each glyph carries
    /// its character's byte range: that is what the PDF writer turns into the
    /// ToUnicode map that makes the text extractable.
    pub(crate) fn glyphs(&self, style: Style, text: &str, spacing: f32) -> Vec<KrillaGlyph> {
        let face = self.face(style);
        let last = text.char_indices().last().map_or(0, |(at, _)| at);
        text.char_indices()
            .map(|(at, c)| {
                let (glyph, advance) = face.lookup(c).unwrap_or((skrifa::GlyphId::NOTDEF, 0.0));
                let extra = if at == last { 0.0 } else { spacing };
                KrillaGlyph::new(
                    GlyphId::new(glyph.to_u32()),
                    advance + extra,
                    0.0,
                    0.0,
                    0.0,
                    at..at + c.len_utf8(),
                    None,
                )
            })
            .collect()
    }
}
