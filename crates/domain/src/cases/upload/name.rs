//! File names as the applicant's device sent them, made safe to show.

use super::FileKind;

/// Longest display name, in characters: room for any honest document title
/// (营业执照副本（2026年换发）扫描件.pdf is 22) while a clerk's file list
/// keeps one line per file.
pub const MAX_NAME_CHARS: usize = 100;

/// A file name fit to show a clerk or put in a download header: no folder
/// parts (browsers on Windows send `C:\Users\…\scan.pdf`), no control or
/// direction-changing characters (U+202E turns `gpj.exe` into `exe.jpg` on
/// screen), at most [`MAX_NAME_CHARS`] characters, and ending in an
/// extension of the file's real kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct DisplayName(String);

impl DisplayName {
    /// Never fails: a name is a courtesy to the clerk, not something to
    /// refuse an upload over. A name with nothing left is called 未命名.
    pub fn sanitise(raw: &str, kind: FileKind) -> Self {
        let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
        let cleaned: String = last
            .chars()
            .filter(|c| !c.is_control() && !is_direction_mark(*c))
            .collect();
        let cleaned = cleaned.trim();
        let (stem, suffix) = match cleaned.rsplit_once('.') {
            Some((stem, e)) if kind.extensions().contains(&e.to_lowercase().as_str()) => {
                (stem, format!(".{e}"))
            }
            _ => (cleaned, format!(".{}", kind.extensions()[0])),
        };
        // Leading dots make a name look hidden, or like `..`.
        let mut stem = stem.trim_start_matches('.').trim().to_string();
        if stem.is_empty() {
            stem = "未命名".to_string();
        }
        let room = MAX_NAME_CHARS - suffix.chars().count();
        if stem.chars().count() > room {
            stem = stem
                .chars()
                .take(room - 1)
                .collect::<String>()
                .trim_end()
                .to_string()
                + "…";
        }
        Self(stem + &suffix)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for DisplayName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Bidirectional formatting characters (Unicode's Bidi_Control): they
/// reorder what follows them on screen, the classic way to disguise a
/// file's extension.
fn is_direction_mark(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(raw: &str, kind: FileKind) -> String {
        DisplayName::sanitise(raw, kind).to_string()
    }

    #[test]
    fn folders_control_characters_and_direction_marks_go() {
        assert_eq!(
            shown(r"C:\Users\张三\Desktop\营业执照.pdf", FileKind::Pdf),
            "营业执照.pdf"
        );
        assert_eq!(shown("../../etc/passwd.png", FileKind::Png), "passwd.png");
        assert_eq!(
            shown("身份证\n正面\u{0}.JPG", FileKind::Jpeg),
            "身份证正面.JPG"
        );
        assert_eq!(
            shown("photo\u{202E}gpj.exe", FileKind::Jpeg),
            "photogpj.exe.jpg"
        );
        assert_eq!(shown("  .hidden.ofd ", FileKind::Ofd), "hidden.ofd");
    }

    #[test]
    fn the_extension_is_the_real_kind() {
        assert_eq!(shown("scan", FileKind::Pdf), "scan.pdf");
        assert_eq!(shown("IMG_0001.jpeg", FileKind::Jpeg), "IMG_0001.jpeg");
        assert_eq!(shown("report.docx", FileKind::Pdf), "report.docx.pdf");
        assert_eq!(shown("a.png", FileKind::Jpeg), "a.png.jpg");
    }

    #[test]
    fn nothing_left_is_unnamed() {
        for raw in ["", "   ", "C:\\dir\\", "..", "\u{202E}", ".pdf"] {
            assert_eq!(shown(raw, FileKind::Pdf), "未命名.pdf", "{raw:?}");
        }
    }

    #[test]
    fn long_names_are_cut_keeping_the_extension() {
        let name = shown(&format!("{}.pdf", "申".repeat(300)), FileKind::Pdf);
        assert_eq!(name.chars().count(), MAX_NAME_CHARS);
        assert!(name.ends_with("申….pdf"), "{name}");
        let exact = format!("{}.pdf", "a".repeat(MAX_NAME_CHARS - 4));
        assert_eq!(shown(&exact, FileKind::Pdf), exact);
    }
}
