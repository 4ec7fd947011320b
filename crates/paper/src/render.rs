//! Drawing the laid-out pages into a PDF.

use chrono::Datelike;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::{DateTime, Metadata};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Paint, Stroke};
use krilla::surface::Surface;

use crate::PaperError;
use crate::document::Document;
use crate::fonts::Fonts;
use crate::layout::{self, Color, Op};
use crate::qr::{QUIET_ZONE, Qr};
use crate::shape::{Shaper, Style};

/// Renders `doc` as a PDF, embedding the subset of `fonts` it uses.
///
/// The same document and fonts give the same bytes: the PDF's dates come
/// from `doc.date` and its identifiers are hashes of the content.
pub fn render(doc: &Document, fonts: &Fonts) -> Result<Vec<u8>, PaperError> {
    check(doc)?;
    let qr = Qr::encode(doc.verify_url.trim())?;
    let shaper = Shaper::new(fonts);
    let pages = layout::lay_out(doc, &shaper)?;

    let mut pdf = krilla::Document::new();
    for page in &pages {
        let settings = PageSettings::from_wh(page.width, page.height)
            .ok_or_else(|| PaperError::Pdf("invalid page size".into()))?;
        let mut pdf_page = pdf.start_page_with(settings);
        let mut surface = pdf_page.surface();
        for op in &page.ops {
            draw(&mut surface, op, fonts, &shaper, &qr)?;
        }
        surface.finish();
        pdf_page.finish();
    }
    let date = DateTime::new(u16::try_from(doc.date.year()).unwrap_or(0))
        .month(doc.date.month() as u8)
        .day(doc.date.day() as u8);
    pdf.set_metadata(
        Metadata::new()
            .title(doc.title.trim().to_owned())
            .language("zh-CN".into())
            .creator("Bianli 便利".into())
            .creation_date(date)
            // Re-issuing the same document keeps its identity.
            .document_id(format!("{}\n{}", doc.number, doc.verify_url)),
    );
    pdf.finish().map_err(|err| PaperError::Pdf(err.to_string()))
}

/// What a document cannot do without.
fn check(doc: &Document) -> Result<(), PaperError> {
    let required = [
        ("title", &doc.title),
        ("issuer", &doc.issuer),
        ("verify_url", &doc.verify_url),
    ];
    for (field, value) in required {
        if value.trim().is_empty() {
            return Err(PaperError::Invalid {
                field,
                reason: "must not be empty".into(),
            });
        }
    }
    if (1..=9999).contains(&doc.date.year()) {
        Ok(())
    } else {
        Err(PaperError::Invalid {
            field: "date",
            reason: format!("year {} cannot be printed", doc.date.year()),
        })
    }
}

fn paint(color: Color) -> Paint {
    match color {
        Color::Black => rgb::Color::new(0, 0, 0).into(),
        Color::Seal => rgb::Color::new(0xB2, 0x1E, 0x1E).into(),
    }
}

fn fill(color: Color) -> Fill {
    Fill {
        paint: paint(color),
        ..Fill::default()
    }
}

fn draw(
    surface: &mut Surface<'_>,
    op: &Op,
    fonts: &Fonts,
    shaper: &Shaper<'_>,
    qr: &Qr,
) -> Result<(), PaperError> {
    match op {
        Op::Text {
            x,
            y,
            size,
            style,
            text,
            spacing,
        } => {
            let font = match style {
                Style::Body => fonts.body.font.clone(),
                Style::Title => fonts.title.font.clone(),
            };
            surface.set_stroke(None);
            surface.set_fill(Some(fill(Color::Black)));
            let glyphs = shaper.glyphs(*style, text, spacing / size);
            surface.draw_glyphs(Point::from_xy(*x, *y), &glyphs, font, text, *size, false);
        }
        Op::Line {
            from,
            to,
            width,
            color,
        } => {
            let mut path = PathBuilder::new();
            path.move_to(from.0, from.1);
            path.line_to(to.0, to.1);
            stroke(surface, path, *width, *color)?;
        }
        Op::Frame {
            x,
            y,
            w,
            h,
            width,
            color,
        } => {
            let mut path = PathBuilder::new();
            path.push_rect(rect(*x, *y, *w, *h)?);
            stroke(surface, path, *width, *color)?;
        }
        Op::Qr { x, y, size } => {
            let module = size / (qr.modules + 2 * QUIET_ZONE) as f32;
            let origin = (
                x + module * QUIET_ZONE as f32,
                y + module * QUIET_ZONE as f32,
            );
            let mut path = PathBuilder::new();
            for &(row, col, len) in &qr.runs {
                path.push_rect(rect(
                    origin.0 + col as f32 * module,
                    origin.1 + row as f32 * module,
                    len as f32 * module,
                    module,
                )?);
            }
            let path = path
                .finish()
                .ok_or_else(|| PaperError::Pdf("empty QR code".into()))?;
            surface.set_stroke(None);
            surface.set_fill(Some(fill(Color::Black)));
            surface.draw_path(&path);
        }
    }
    Ok(())
}

fn rect(x: f32, y: f32, w: f32, h: f32) -> Result<Rect, PaperError> {
    Rect::from_xywh(x, y, w, h)
        .ok_or_else(|| PaperError::Pdf(format!("bad rectangle {x},{y} {w}x{h}")))
}

fn stroke(
    surface: &mut Surface<'_>,
    path: PathBuilder,
    width: f32,
    color: Color,
) -> Result<(), PaperError> {
    let path = path
        .finish()
        .ok_or_else(|| PaperError::Pdf("empty path".into()))?;
    surface.set_fill(None);
    surface.set_stroke(Some(Stroke {
        paint: paint(color),
        width,
        ..Stroke::default()
    }));
    surface.draw_path(&path);
    surface.set_stroke(None);
    Ok(())
}
