//! Placing a [`Document`] on pages: positions in points, origin top left,
//! y growing downwards. The result is a list of drawing operations per page;
//! nothing here knows about PDF.

use crate::PaperError;
use crate::document::{Document, Layout, chinese_date};
use crate::shape::{Shaper, Style};
use crate::wrap::{Breaks, Line, wrap};

/// One thing to draw.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Op {
    /// `y` is the baseline; `spacing` points are added after every
    /// character but the last.
    Text {
        x: f32,
        y: f32,
        size: f32,
        style: Style,
        text: String,
        spacing: f32,
    },
    Line {
        from: (f32, f32),
        to: (f32, f32),
        width: f32,
        color: Color,
    },
    Frame {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        width: f32,
        color: Color,
    },
    /// The verification QR code, quiet zone included, in a square of `size`.
    Qr { x: f32, y: f32, size: f32 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Color {
    Black,
    /// The red of seals and 红头 rules.
    Seal,
}

pub(crate) struct Page {
    pub(crate) width: f32,
    pub(crate) height: f32,
    pub(crate) ops: Vec<Op>,
}

/// Page geometry and type sizes of one layout.
struct Sheet {
    width: f32,
    height: f32,
    left: f32,
    right: f32,
    top: f32,
    bottom: f32,
    title: f32,
    number: f32,
    body: f32,
    body_leading: f32,
    field: f32,
    field_leading: f32,
    ruled_fields: bool,
    issuer: f32,
    qr: f32,
    border: bool,
    /// Where the page number's baseline goes, from the top.
    folio: f32,
}

const A4_SHORT: f32 = 595.28;
const A4_LONG: f32 = 841.89;

const NOTICE: Sheet = Sheet {
    width: A4_SHORT,
    height: A4_LONG,
    left: 72.0,
    right: A4_SHORT - 72.0,
    top: 72.0,
    bottom: A4_LONG - 64.0,
    title: 22.0,
    number: 12.0,
    body: 14.0,
    body_leading: 1.75,
    field: 12.0,
    field_leading: 1.5,
    ruled_fields: true,
    issuer: 14.0,
    qr: 96.0,
    border: false,
    folio: A4_LONG - 36.0,
};

const LICENCE: Sheet = Sheet {
    width: A4_LONG,
    height: A4_SHORT,
    left: 72.0,
    right: A4_LONG - 72.0,
    top: 60.0,
    bottom: A4_SHORT - 52.0,
    title: 36.0,
    number: 13.0,
    body: 11.0,
    body_leading: 1.6,
    field: 15.0,
    field_leading: 1.6,
    ruled_fields: false,
    issuer: 15.0,
    qr: 104.0,
    border: true,
    folio: A4_SHORT - 36.0,
};

/// Lays the document out on as many pages as it needs.
pub(crate) fn lay_out(doc: &Document, shaper: &Shaper<'_>) -> Result<Vec<Page>, PaperError> {
    let style = match doc.kind {
        Layout::Notice => &NOTICE,
        Layout::Licence => &LICENCE,
    };
    let mut b = Builder {
        shaper,
        s: style,
        pages: Vec::new(),
        y: 0.0,
    };
    b.new_page();
    b.title(doc)?;
    if let Some(addressee) = doc.addressee.as_deref().filter(|a| !a.trim().is_empty()) {
        b.block(addressee, style.body, style.body_leading, 0.0, "addressee")?;
    }
    match doc.kind {
        Layout::Notice => {
            b.paragraphs(doc)?;
            b.fields(doc)?;
        }
        Layout::Licence => {
            b.fields(doc)?;
            b.paragraphs(doc)?;
        }
    }
    b.signature(doc)?;
    b.folios()?;
    Ok(b.pages)
}

struct Builder<'a, 's> {
    shaper: &'a Shaper<'s>,
    s: &'static Sheet,
    pages: Vec<Page>,
    /// Top of the free space on the current page.
    y: f32,
}

impl Builder<'_, '_> {
    fn new_page(&mut self) {
        let s = self.s;
        let mut ops = Vec::new();
        if s.border {
            ops.push(Op::Frame {
                x: 22.0,
                y: 22.0,
                w: s.width - 44.0,
                h: s.height - 44.0,
                width: 3.0,
                color: Color::Seal,
            });
            ops.push(Op::Frame {
                x: 30.0,
                y: 30.0,
                w: s.width - 60.0,
                h: s.height - 60.0,
                width: 0.8,
                color: Color::Seal,
            });
        }
        self.pages.push(Page {
            width: s.width,
            height: s.height,
            ops,
        });
        self.y = s.top;
    }

    fn push(&mut self, op: Op) {
        if let Some(page) = self.pages.last_mut() {
            page.ops.push(op);
        }
    }

    fn at_page_top(&self) -> bool {
        self.y <= self.s.top
    }

    /// Starts a new page unless `height` still fits on this one (or this
    /// one is empty: then the caller must split what it places).
    fn reserve(&mut self, height: f32) {
        if self.y + height > self.s.bottom && !self.at_page_top() {
            self.new_page();
        }
    }

    fn content_width(&self) -> f32 {
        self.s.right - self.s.left
    }

    fn wrap(
        &self,
        text: &str,
        set: Set,
        width: f32,
        indent: f32,
        breaks: Breaks,
    ) -> Result<Vec<Line>, PaperError> {
        let shaper = self.shaper;
        wrap(text, width, indent, breaks, &mut |c| {
            shaper.advance(set.style, set.size, c, set.field)
        })
    }

    /// The baseline of a line of type `size` set in a line box of `leading`
    /// times its size starting at `top`: Noto CJK's ideographic em box sits
    /// 0.88 em above the baseline.
    fn baseline(top: f32, size: f32, leading: f32) -> f32 {
        top + (leading - 1.0) * size / 2.0 + 0.88 * size
    }

    fn title(&mut self, doc: &Document) -> Result<(), PaperError> {
        let s = self.s;
        let leading = 1.4;
        let lines = self.wrap(
            doc.title.trim(),
            Set::new(Style::Title, s.title, "title"),
            self.content_width(),
            0.0,
            Breaks::Words,
        )?;
        for line in lines {
            let x = s.left + (self.content_width() - line.width) / 2.0;
            let y = Self::baseline(self.y, s.title, leading);
            self.push(text(x, y, s.title, Style::Title, line.text));
            self.y += s.title * leading;
        }
        self.y += s.title * 0.3;
        if !doc.number.trim().is_empty() {
            let lines = self.wrap(
                doc.number.trim(),
                Set::new(Style::Body, s.number, "number"),
                self.content_width(),
                0.0,
                Breaks::Words,
            )?;
            for line in lines {
                // Notices centre the 文号 under the title; certificates put
                // the 编号 at the right, as printed licences do.
                let x = match doc.kind {
                    Layout::Notice => s.left + (self.content_width() - line.width) / 2.0,
                    Layout::Licence => s.right - line.width,
                };
                let y = Self::baseline(self.y, s.number, 1.5);
                self.push(text(x, y, s.number, Style::Body, line.text));
                self.y += s.number * 1.5;
            }
        }
        if doc.kind == Layout::Notice {
            self.y += 4.0;
            self.push(Op::Line {
                from: (s.left, self.y),
                to: (s.right, self.y),
                width: 1.2,
                color: Color::Seal,
            });
        }
        self.y += s.body;
        Ok(())
    }

    /// Flowing text, line by line across pages.
    fn block(
        &mut self,
        content: &str,
        size: f32,
        leading: f32,
        indent: f32,
        field: &'static str,
    ) -> Result<(), PaperError> {
        let s = self.s;
        let lines = self.wrap(
            content.trim_end(),
            Set::new(Style::Body, size, field),
            self.content_width(),
            indent,
            Breaks::Words,
        )?;
        for (i, line) in lines.into_iter().enumerate() {
            self.reserve(size * leading);
            let indent = if i == 0 { indent } else { 0.0 };
            let y = Self::baseline(self.y, size, leading);
            if !line.text.is_empty() {
                let spacing = justify(&line, self.content_width() - indent, size);
                self.push(Op::Text {
                    x: s.left + indent,
                    y,
                    size,
                    style: Style::Body,
                    text: line.text,
                    spacing,
                });
            }
            self.y += size * leading;
        }
        Ok(())
    }

    fn paragraphs(&mut self, doc: &Document) -> Result<(), PaperError> {
        let s = self.s;
        for paragraph in &doc.paragraphs {
            // Two ideographic spaces: the first-line indent of Chinese prose.
            self.block(
                paragraph,
                s.body,
                s.body_leading,
                2.0 * s.body,
                "paragraphs",
            )?;
        }
        if !doc.paragraphs.is_empty() {
            self.y += s.body * 0.5;
        }
        Ok(())
    }

    /// The label/value table. A row that does not fit moves to the next page
    /// whole; a row taller than a page is split between lines.
    fn fields(&mut self, doc: &Document) -> Result<(), PaperError> {
        if doc.fields.is_empty() {
            return Ok(());
        }
        let s = self.s;
        let size = s.field;
        let line_h = size * s.field_leading;
        let pad = if s.ruled_fields { 6.0 } else { 2.0 };
        let row_gap = if s.ruled_fields { 0.0 } else { size * 0.5 };
        let label_style = if s.ruled_fields {
            Style::Body
        } else {
            Style::Title
        };
        let mut widest = 0.0f32;
        for (label, _) in &doc.fields {
            widest = widest.max(
                self.shaper
                    .width(label_style, size, label.trim(), "fields")?,
            );
        }
        let label_col = (widest + 2.0 * pad + size * 0.5).min(self.content_width() * 0.35);
        let value_col = self.content_width() - label_col;
        for (label, value) in &doc.fields {
            let labels = self.wrap(
                label.trim(),
                Set::new(label_style, size, "fields"),
                label_col - 2.0 * pad,
                0.0,
                Breaks::Words,
            )?;
            let values = self.wrap(
                value.trim(),
                Set::new(Style::Body, size, "fields"),
                value_col - 2.0 * pad,
                0.0,
                Breaks::Words,
            )?;
            let rows = labels.len().max(values.len());
            let height = rows as f32 * line_h + 2.0 * pad;
            // Moving a row that will be split anyway would only leave a gap.
            if height <= s.bottom - s.top {
                self.reserve(height);
            }
            let mut next = 0;
            while next < rows {
                let room = ((s.bottom - self.y - 2.0 * pad) / line_h).floor().max(0.0) as usize;
                if room == 0 && !self.at_page_top() {
                    self.new_page();
                    continue;
                }
                let end = rows.min(next + room.max(1));
                let top = self.y;
                for i in next..end {
                    let y = Self::baseline(self.y + pad, size, s.field_leading);
                    if let Some(line) = labels.get(i).filter(|l| !l.text.is_empty()) {
                        self.push(text(s.left + pad, y, size, label_style, line.text.clone()));
                    }
                    if let Some(line) = values.get(i).filter(|l| !l.text.is_empty()) {
                        let x = s.left + label_col + pad;
                        self.push(text(x, y, size, Style::Body, line.text.clone()));
                    }
                    self.y += line_h;
                }
                self.y += 2.0 * pad;
                if s.ruled_fields {
                    self.cell_rules(top, self.y, label_col);
                }
                self.y += row_gap;
                next = end;
                if next < rows {
                    self.new_page();
                }
            }
        }
        self.y += s.body;
        Ok(())
    }

    fn cell_rules(&mut self, top: f32, bottom: f32, label_col: f32) {
        let s = self.s;
        let rule = |from, to| Op::Line {
            from,
            to,
            width: 0.6,
            color: Color::Black,
        };
        self.push(rule((s.left, top), (s.right, top)));
        self.push(rule((s.left, bottom), (s.right, bottom)));
        for x in [s.left, s.left + label_col, s.right] {
            self.push(rule((x, top), (x, bottom)));
        }
    }

    /// QR code, its caption and URL at the left; issuer and date at the
    /// right. Kept together on one page.
    fn signature(&mut self, doc: &Document) -> Result<(), PaperError> {
        let s = self.s;
        let caption = 10.0;
        let url_size = 7.5;
        let url_col = (s.qr * 2.2).min(self.content_width() * 0.45);
        let urls = self.wrap(
            doc.verify_url.trim(),
            Set::new(Style::Body, url_size, "verify_url"),
            url_col,
            0.0,
            Breaks::Anywhere,
        )?;
        let issuer_col = (self.content_width() - url_col - 24.0).max(s.issuer * 6.0);
        let issuers = self.wrap(
            doc.issuer.trim(),
            Set::new(Style::Body, s.issuer, "issuer"),
            issuer_col,
            0.0,
            Breaks::Words,
        )?;
        let left_h = s.qr + caption * 1.6 + urls.len() as f32 * url_size * 1.3;
        let right_h = (issuers.len() + 1) as f32 * s.issuer * 1.6;
        let height = left_h.max(right_h);
        let top = match doc.kind {
            Layout::Notice => {
                let top = self.y + s.body * 1.5;
                if top + height > s.bottom && !self.at_page_top() {
                    self.new_page();
                    self.y
                } else {
                    top
                }
            }
            Layout::Licence => {
                if self.y + 12.0 > s.bottom - height {
                    self.new_page();
                }
                s.bottom - height
            }
        };
        self.push(Op::Qr {
            x: s.left,
            y: top,
            size: s.qr,
        });
        let label = "扫码核验";
        let label_w = self
            .shaper
            .width(Style::Body, caption, label, "verify_url")?;
        let mut y = top + s.qr;
        self.push(text(
            s.left + (s.qr - label_w) / 2.0,
            Self::baseline(y, caption, 1.6),
            caption,
            Style::Body,
            label.to_owned(),
        ));
        y += caption * 1.6;
        for line in urls {
            self.push(text(
                s.left,
                Self::baseline(y, url_size, 1.3),
                url_size,
                Style::Body,
                line.text,
            ));
            y += url_size * 1.3;
        }
        // Issuer and date right-aligned, centred on the QR code.
        let date = chinese_date(doc.date);
        let date_w = self.shaper.width(Style::Body, s.issuer, &date, "date")?;
        let mut y = top + (s.qr - right_h).max(0.0) / 2.0;
        for line in issuers {
            self.push(text(
                s.right - line.width,
                Self::baseline(y, s.issuer, 1.6),
                s.issuer,
                Style::Body,
                line.text,
            ));
            y += s.issuer * 1.6;
        }
        self.push(text(
            s.right - date_w,
            Self::baseline(y, s.issuer, 1.6),
            s.issuer,
            Style::Body,
            date,
        ));
        self.y = top + height;
        Ok(())
    }

    /// 第 1 页 共 3 页 at the foot of each page, when there is more than one.
    fn folios(&mut self) -> Result<(), PaperError> {
        let total = self.pages.len();
        if total < 2 {
            return Ok(());
        }
        let size = 9.0;
        for (i, page) in self.pages.iter_mut().enumerate() {
            let folio = format!("第 {} 页 共 {total} 页", i + 1);
            let w = self
                .shaper
                .width(Style::Body, size, &folio, "page number")?;
            page.ops.push(text(
                (page.width - w) / 2.0,
                self.s.folio,
                size,
                Style::Body,
                folio,
            ));
        }
        Ok(())
    }
}

/// How a piece of text is set, and which document field it came from (for
/// the error when the font cannot print it).
#[derive(Clone, Copy)]
struct Set {
    style: Style,
    size: f32,
    field: &'static str,
}

impl Set {
    fn new(style: Style, size: f32, field: &'static str) -> Self {
        Self { style, size, field }
    }
}

fn text(x: f32, y: f32, size: f32, style: Style, text: String) -> Op {
    Op::Text {
        x,
        y,
        size,
        style,
        text,
        spacing: 0.0,
    }
}

/// The spacing that makes a wrapped line of prose end flush with the right
/// margin, as Chinese documents are set. Capped at a tenth of an em: a line
/// left short by a long Latin word stays ragged instead of gappy (wider gaps
/// would also turn into spaces when the text is copied out).
fn justify(line: &Line, measure: f32, size: f32) -> f32 {
    let gaps = line.text.chars().count().saturating_sub(1);
    if !line.wrapped || gaps == 0 {
        return 0.0;
    }
    let spacing = (measure - line.width).max(0.0) / gaps as f32;
    if spacing <= size * 0.1 { spacing } else { 0.0 }
}
