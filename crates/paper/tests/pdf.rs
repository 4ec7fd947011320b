//! End-to-end: render real documents with the installed Noto CJK fonts and
//! read them back with poppler-utils, as a reader or a search engine would.

mod common;

use std::path::{Path, PathBuf};

use bianli_paper::{Document, Fonts, Layout, PaperError, render};
use common::{Scratch, fonts, licence, notice, path_str, poppler};

fn render_to(dir: &Path, name: &str, doc: &Document) -> PathBuf {
    let pdf = render(doc, fonts()).unwrap_or_else(|err| panic!("{name}: {err}"));
    let path = dir.join(format!("{name}.pdf"));
    std::fs::write(&path, pdf).unwrap();
    path
}

/// Text as pdftotext gives it back, without the line breaks and spaces
/// that layout inserted, nor the page numbers that interrupt a value
/// continued on the next page.
fn extracted(pdf: &Path) -> String {
    let text = poppler("pdftotext", &["-enc", "UTF-8", path_str(pdf), "-"]);
    without_folios(&squeeze(&text))
}

/// Removes every "第N页共M页".
fn without_folios(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('第') {
        out.push_str(&rest[..at]);
        let tail = &rest[at + '第'.len_utf8()..];
        let digits = |s: &str| s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let n = digits(tail);
        let folio = n > 0 && tail[n..].starts_with("页共") && {
            let after = &tail[n + "页共".len()..];
            let m = digits(after);
            m > 0 && after[m..].starts_with('页')
        };
        if folio {
            let after = &tail[n + "页共".len()..];
            let m = digits(after);
            rest = &after[m + '页'.len_utf8()..];
        } else {
            out.push('第');
            rest = tail;
        }
    }
    out.push_str(rest);
    out
}

fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

fn pages(pdf: &Path) -> usize {
    let info = poppler("pdfinfo", &[path_str(pdf)]);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no page count in {info}"))
}

/// Rasterises one page at 150 dpi and returns every QR code found on it.
fn qr_codes(pdf: &Path, page: usize) -> Vec<String> {
    let page = page.to_string();
    let prefix = pdf.with_extension(format!("p{page}"));
    poppler(
        "pdftoppm",
        &[
            "-r",
            "150",
            "-png",
            "-singlefile",
            "-f",
            &page,
            "-l",
            &page,
            path_str(pdf),
            path_str(&prefix),
        ],
    );
    let png = prefix.with_extension(format!("p{page}.png"));
    let image = image::open(&png)
        .unwrap_or_else(|err| panic!("{}: {err}", png.display()))
        .to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(
        image.width() as usize,
        image.height() as usize,
        |x, y| image.get_pixel(x as u32, y as u32)[0],
    );
    prepared
        .detect_grids()
        .into_iter()
        .map(|grid| grid.decode().expect("a QR code that decodes").1)
        .collect()
}

fn assert_fonts_embedded_and_subset(pdf: &Path) {
    let listing = poppler("pdffonts", &[path_str(pdf)]);
    let fonts: Vec<&str> = listing.lines().skip(2).collect();
    assert!(!fonts.is_empty(), "no font listed:\n{listing}");
    for font in fonts {
        let cols: Vec<&str> = font.split_whitespace().collect();
        // name … emb sub uni object generation
        let [.., emb, sub, uni, _, _] = cols[..] else {
            panic!("unexpected pdffonts line {font:?}");
        };
        assert!(
            cols[0].contains("NotoSerifCJK") || cols[0].contains("NotoSansCJK"),
            "{font}"
        );
        // A subset's name carries a six-letter tag: ABCDEF+Name.
        assert_eq!(cols[0].find('+'), Some(6), "{font}");
        assert_eq!((emb, sub, uni), ("yes", "yes", "yes"), "{font}");
    }
}

fn assert_text_comes_back(pdf: &Path, doc: &Document) {
    let text = extracted(pdf);
    let mut expected = vec![doc.title.clone(), doc.number.clone(), doc.issuer.clone()];
    expected.extend(doc.addressee.clone());
    expected.extend(doc.paragraphs.iter().cloned());
    for (label, value) in &doc.fields {
        expected.push(label.clone());
        expected.push(value.clone());
    }
    expected.push("2026年11月26日".into());
    expected.push("扫码核验".into());
    expected.push(doc.verify_url.clone());
    for piece in expected {
        assert!(
            text.contains(&squeeze(&piece)),
            "{piece:?} missing from {text}"
        );
    }
}

#[test]
fn a_notice_embeds_its_font_and_gives_back_its_text_and_qr() {
    let dir = Scratch::new("notice");
    let doc = notice();
    let pdf = render_to(&dir, "notice", &doc);
    assert_fonts_embedded_and_subset(&pdf);
    assert_text_comes_back(&pdf, &doc);
    assert_eq!(pages(&pdf), 1);
    let info = poppler("pdfinfo", &[path_str(&pdf)]);
    assert!(info.contains("595.28 x 841.89"), "A4 portrait: {info}");
    assert!(info.contains("Title:           受理通知书"), "{info}");
    assert_eq!(qr_codes(&pdf, 1), [doc.verify_url]);
}

#[test]
fn a_licence_embeds_its_font_and_gives_back_its_text_and_qr() {
    let dir = Scratch::new("licence");
    let doc = licence();
    let pdf = render_to(&dir, "licence", &doc);
    assert_fonts_embedded_and_subset(&pdf);
    assert_text_comes_back(&pdf, &doc);
    assert_eq!(pages(&pdf), 1);
    let info = poppler("pdfinfo", &[path_str(&pdf)]);
    assert!(info.contains("841.89 x 595.28"), "A4 landscape: {info}");
    assert_eq!(qr_codes(&pdf, 1), [doc.verify_url]);
}

#[test]
fn forty_fields_flow_onto_more_pages_and_nothing_is_lost() {
    let dir = Scratch::new("forty");
    let mut doc = notice();
    doc.title = "补正材料告知书".into();
    doc.fields = (1..=40)
        .map(|i| {
            (
                format!("材料{i}"),
                format!("第{i}项：营业执照复印件（加盖公章），原件核对后退回，页码{i}"),
            )
        })
        .collect();
    let pdf = render_to(&dir, "forty", &doc);
    let n = pages(&pdf);
    assert!(n > 1, "40 fields on {n} page(s)");
    assert_text_comes_back(&pdf, &doc);
    let text = squeeze(&poppler(
        "pdftotext",
        &["-enc", "UTF-8", path_str(&pdf), "-"],
    ));
    for page in 1..=n {
        assert!(
            text.contains(&format!("第{page}页共{n}页")),
            "page {page}: {text}"
        );
    }
    // The QR code is on the last page, with the issuer.
    assert_eq!(qr_codes(&pdf, n), [doc.verify_url]);
    assert_fonts_embedded_and_subset(&pdf);
}

#[test]
fn a_value_longer_than_a_page_is_split_not_cut() {
    let dir = Scratch::new("long");
    let mut doc = licence();
    let long: String = (1..=300)
        .map(|i| format!("第{i}条经营项目说明；"))
        .collect();
    doc.fields.push(("备注".into(), long));
    let pdf = render_to(&dir, "long", &doc);
    assert!(pages(&pdf) > 2, "a 300-clause value on a landscape page");
    assert_text_comes_back(&pdf, &doc);
}

#[test]
fn wrapped_lines_never_start_with_closing_punctuation() {
    let dir = Scratch::new("kinsoku");
    let mut doc = notice();
    // Many commas and enumeration marks: some must fall on a line end.
    doc.paragraphs = vec!["材料一、材料二、材料三，".repeat(30), "申请书，".repeat(60)];
    let pdf = render_to(&dir, "kinsoku", &doc);
    let text = poppler("pdftotext", &["-enc", "UTF-8", path_str(&pdf), "-"]);
    let wrapped: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(wrapped.len() > 10, "{text}");
    for line in wrapped {
        let first = line.trim_start().chars().next().unwrap();
        assert!(
            !"、。，；：）》".contains(first),
            "line starts with {first}: {line}"
        );
        // Justified lines are spread by glyph spacing, which must stay small
        // enough that copying the text gives no spurious spaces.
        if line.contains("材料") || line.contains("申请书") {
            assert!(!line.trim().contains(' '), "space in copied text: {line:?}");
        }
    }
    assert_text_comes_back(&pdf, &doc);
}

#[test]
fn the_same_document_gives_the_same_bytes() {
    let doc = licence();
    let first = render(&doc, fonts()).unwrap();
    let second = render(&doc, fonts()).unwrap();
    assert!(first == second, "two renders differ");
    let mut other = doc.clone();
    other.verify_url.push('X');
    assert!(render(&other, fonts()).unwrap() != first);
}

#[test]
fn fonts_can_be_shared_between_threads() {
    let fonts = fonts();
    std::thread::scope(|s| {
        let a = s.spawn(|| render(&notice(), fonts).unwrap());
        let b = s.spawn(|| render(&licence(), fonts).unwrap());
        assert!(a.join().unwrap().starts_with(b"%PDF-"));
        assert!(b.join().unwrap().starts_with(b"%PDF-"));
    });
}

#[test]
fn a_missing_font_path_says_what_to_install() {
    let err = Fonts::from_path("/nonexistent/NotoSerifCJK-Regular.ttc").unwrap_err();
    assert!(matches!(err, PaperError::FontUnreadable { .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains("/nonexistent/NotoSerifCJK-Regular.ttc"),
        "{message}"
    );
    assert!(message.contains("apt install fonts-noto-cjk"), "{message}");
}

#[test]
fn a_font_without_chinese_is_refused() {
    // A real Latin-only font (Debian's fonts-dejavu-core, which
    // scripts/test installs with poppler-utils).
    let latin = Path::new("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");
    assert!(
        latin.is_file(),
        "{} missing: `apt install fonts-dejavu-core`",
        latin.display()
    );
    let err = Fonts::from_path(latin).unwrap_err();
    assert!(matches!(err, PaperError::FontInvalid { .. }), "{err:?}");
    assert!(err.to_string().contains("no Chinese glyphs"), "{err}");
}

#[test]
fn a_file_that_is_no_font_is_refused() {
    let dir = Scratch::new("nofont");
    let path = dir.join("font.ttc");
    std::fs::write(&path, "not a font at all").unwrap();
    let err = Fonts::from_path(&path).unwrap_err();
    assert!(matches!(err, PaperError::FontInvalid { .. }), "{err:?}");
    assert!(err.to_string().contains("not an OpenType font"), "{err}");
}

#[test]
fn a_collection_face_can_be_chosen_by_index() {
    let body = fonts().body_source();
    // Discovery picked the SC face of the collection, wherever it is.
    assert!(body.index.is_some(), "{body}");
    let other = bianli_paper::FontSource {
        path: body.path.clone(),
        index: Some(0),
    };
    let fonts = Fonts::from_sources(&other, None).unwrap();
    assert_eq!(fonts.body_source().index, Some(0));
    assert!(render(&notice(), &fonts).is_ok());
    let missing = bianli_paper::FontSource {
        path: body.path.clone(),
        index: Some(99),
    };
    let err = Fonts::from_sources(&missing, None).unwrap_err();
    assert!(err.to_string().contains("#99"), "{err}");
}

#[test]
fn a_character_the_font_lacks_is_named() {
    let mut doc = notice();
    doc.paragraphs.push("申请人签名：\u{1F600}".into());
    match render(&doc, fonts()) {
        Err(PaperError::MissingGlyph { ch, field }) => {
            assert_eq!((ch, field), ('\u{1F600}', "paragraphs"));
        }
        other => panic!("expected a missing glyph, got {other:?}"),
    }
}

#[test]
fn required_fields_are_checked() {
    let mut doc = notice();
    doc.title = "  ".into();
    let err = render(&doc, fonts()).unwrap_err();
    assert!(
        matches!(err, PaperError::Invalid { field: "title", .. }),
        "{err}"
    );
    let mut doc = licence();
    doc.verify_url = String::new();
    let err = render(&doc, fonts()).unwrap_err();
    assert!(
        matches!(
            err,
            PaperError::Invalid {
                field: "verify_url",
                ..
            }
        ),
        "{err}"
    );
    let mut doc = licence();
    doc.kind = Layout::Notice;
    doc.fields.push(("备注".into(), "第一行\u{7}".into()));
    let err = render(&doc, fonts()).unwrap_err();
    assert!(
        matches!(
            err,
            PaperError::Invalid {
                field: "fields",
                ..
            }
        ),
        "{err}"
    );
}
