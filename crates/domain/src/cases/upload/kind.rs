//! What a file is, read from its bytes: the client's file name and declared
//! type are only claims.

/// The kinds of file a hall takes as a material. All are fixed-layout
/// formats a clerk can read as the applicant sent them and that cannot
/// carry macros:
/// - PDF: scans and signed documents;
/// - JPEG and PNG: photos and scans from phones and kiosks;
/// - OFD (GB/T 33190): China's own fixed-layout format, in which
///   e-licences and e-invoices are issued.
///
/// Word and Excel files are refused: what a clerk examines must look the
/// same on every screen and must not change after submission, and an
/// editable document is neither. The application form itself is built by
/// Bianli from the item's fields, so nobody needs to upload one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    Pdf,
    Jpeg,
    Png,
    Ofd,
}

impl FileKind {
    pub const ALL: [FileKind; 4] = [FileKind::Pdf, FileKind::Jpeg, FileKind::Png, FileKind::Ofd];

    /// The media type Bianli serves the file as.
    pub fn media_type(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Png => "image/png",
            FileKind::Ofd => "application/ofd",
        }
    }

    /// File name extensions for this kind, the usual one first.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            FileKind::Pdf => &["pdf"],
            FileKind::Jpeg => &["jpg", "jpeg"],
            FileKind::Png => &["png"],
            FileKind::Ofd => &["ofd"],
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            FileKind::Pdf => "PDF",
            FileKind::Jpeg => "JPEG",
            FileKind::Png => "PNG",
            FileKind::Ofd => "OFD",
        }
    }

    /// Media types a client may declare for this kind (lower case, no
    /// parameters), including the old spellings browsers still send.
    fn declared_as(self) -> &'static [&'static str] {
        match self {
            FileKind::Pdf => &["application/pdf", "application/x-pdf"],
            FileKind::Jpeg => &["image/jpeg", "image/jpg", "image/pjpeg"],
            FileKind::Png => &["image/png", "image/x-png"],
            FileKind::Ofd => &["application/ofd", "application/x-ofd"],
        }
    }

    /// Whether a declared Content-Type fits this kind. Saying nothing
    /// (absent, empty, `application/octet-stream`, which browsers send for
    /// extensions they do not know, such as .ofd) always fits.
    pub fn fits_declared(self, declared: Option<&str>) -> bool {
        let Some(declared) = declared else {
            return true;
        };
        let essence = declared
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        essence.is_empty()
            || essence == "application/octet-stream"
            || self.declared_as().contains(&essence.as_str())
    }

    /// The kind of these bytes, or why they are not a kind a hall takes
    /// (said so the applicant knows what to do instead).
    pub fn sniff(content: &[u8]) -> Result<FileKind, &'static str> {
        if content.starts_with(b"%PDF-") {
            return Ok(FileKind::Pdf);
        }
        if content.starts_with(&[0xFF, 0xD8, 0xFF]) {
            return Ok(FileKind::Jpeg);
        }
        if content.starts_with(b"\x89PNG\r\n\x1a\n") {
            return Ok(FileKind::Png);
        }
        if content.starts_with(b"PK\x03\x04") {
            return if zip_has_root_entry(content, b"OFD.xml") {
                Ok(FileKind::Ofd)
            } else {
                Err("这是ZIP压缩包，不是OFD文档（Word、Excel文件也属于ZIP格式），请另存为PDF后上传")
            };
        }
        Err(unaccepted(content))
    }
}

impl FileKind {
    /// Whether the file ends as its kind must: a PDF without `%%EOF` in its
    /// last 1,024 bytes (where readers look for it) is an upload cut short.
    /// JPEG and PNG are not checked: phones append their own data after the
    /// image's end marker, and those files open fine.
    pub fn check_whole(self, content: &[u8]) -> Result<(), &'static str> {
        if self == FileKind::Pdf {
            let tail = &content[content.len().saturating_sub(1024)..];
            if !tail.windows(5).any(|w| w == b"%%EOF") {
                return Err("PDF文件不完整（缺少结尾标记%%EOF），请重新上传");
            }
        }
        Ok(())
    }
}

/// Names the common kinds that are refused, with what to do instead.
fn unaccepted(content: &[u8]) -> &'static str {
    let at =
        |offset: usize, magic: &[u8]| content.get(offset..).is_some_and(|c| c.starts_with(magic));
    if content.is_empty() {
        "文件为空"
    } else if at(0, b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        "这是旧版Word或Excel文件，请另存为PDF后上传"
    } else if at(4, b"ftypheic") || at(4, b"ftypheix") || at(4, b"ftypmif1") {
        "这是HEIC格式照片，请改用JPEG（iPhone：设置 > 相机 > 格式 > 兼容性最佳）"
    } else if at(0, b"RIFF") && at(8, b"WEBP") {
        "这是WebP格式图片，请另存为JPEG或PNG后上传"
    } else if at(0, b"GIF8") || at(0, b"BM") || at(0, b"II*\0") || at(0, b"MM\0*") {
        "不接受GIF、BMP或TIFF格式图片，请另存为PDF、JPEG或PNG后上传"
    } else {
        "只接受PDF、JPEG、PNG或OFD格式的文件"
    }
}

/// Whether a ZIP archive's central directory lists `name` at its root.
/// The directory at the end is what ZIP readers trust (local headers may
/// be stale or absent for some entries), so it is what OFD readers open.
fn zip_has_root_entry(zip: &[u8], name: &[u8]) -> bool {
    const END: &[u8] = b"PK\x05\x06";
    const END_LEN: usize = 22;
    const ENTRY: &[u8] = b"PK\x01\x02";
    const ENTRY_LEN: usize = 46;
    let u16_at = |b: &[u8], at: usize| -> Option<usize> {
        b.get(at..at + 2)
            .map(|s| u16::from_le_bytes([s[0], s[1]]) as usize)
    };
    let u32_at = |b: &[u8], at: usize| -> Option<usize> {
        b.get(at..at + 4)
            .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]) as usize)
    };
    // The end record is the last 22 bytes plus a comment of up to 64 KiB.
    if zip.len() < END_LEN {
        return false;
    }
    let earliest = zip.len().saturating_sub(END_LEN + u16::MAX as usize);
    let Some(end) = (earliest..=zip.len() - END_LEN)
        .rev()
        .find(|&i| zip[i..].starts_with(END))
    else {
        return false;
    };
    let (Some(entries), Some(mut at)) = (u16_at(zip, end + 10), u32_at(zip, end + 16)) else {
        return false;
    };
    for _ in 0..entries {
        let Some(header) = zip.get(at..at + ENTRY_LEN) else {
            return false;
        };
        if !header.starts_with(ENTRY) {
            return false;
        }
        let (Some(name_len), Some(extra_len), Some(comment_len)) =
            (u16_at(header, 28), u16_at(header, 30), u16_at(header, 32))
        else {
            return false;
        };
        let name_at = at + ENTRY_LEN;
        if zip.get(name_at..name_at + name_len) == Some(name) {
            return true;
        }
        at = name_at + name_len + extra_len + comment_len;
    }
    false
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A stored (uncompressed) ZIP archive of these entries, written by the
    /// book (APPNOTE 4.3.7 and 4.3.12), for tests that need real archives.
    pub(crate) fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut directory = Vec::new();
        for (name, data) in entries {
            let offset = out.len() as u32;
            let (n, size) = (name.len() as u16, data.len() as u32);
            // CRC-32 is left 0: nothing here reads it, and sniffing must
            // not depend on it.
            out.extend_from_slice(b"PK\x03\x04");
            out.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            out.extend_from_slice(&size.to_le_bytes());
            out.extend_from_slice(&size.to_le_bytes());
            out.extend_from_slice(&n.to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes());
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(data);
            directory.extend_from_slice(b"PK\x01\x02");
            directory.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            directory.extend_from_slice(&size.to_le_bytes());
            directory.extend_from_slice(&size.to_le_bytes());
            directory.extend_from_slice(&n.to_le_bytes());
            directory.extend_from_slice(&[0; 12]);
            directory.extend_from_slice(&offset.to_le_bytes());
            directory.extend_from_slice(name.as_bytes());
        }
        let (dir_at, dir_len) = (out.len() as u32, directory.len() as u32);
        out.extend_from_slice(&directory);
        out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
        let count = entries.len() as u16;
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&dir_len.to_le_bytes());
        out.extend_from_slice(&dir_at.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out
    }

    pub(crate) fn ofd() -> Vec<u8> {
        zip(&[
            (
                "OFD.xml",
                b"<ofd:OFD xmlns:ofd=\"http://www.ofdspec.org/2016\"/>",
            ),
            ("Doc_0/Document.xml", b"<ofd:Document/>"),
        ])
    }

    #[test]
    fn accepted_kinds_are_read_from_their_bytes() {
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F'];
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        // OFD.xml need not be the first entry.
        let ofd_later = zip(&[("Doc_0/Document.xml", b"<x/>"), ("OFD.xml", b"<x/>")]);
        for (bytes, kind) in [
            (&b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"[..], FileKind::Pdf),
            (&jpeg[..], FileKind::Jpeg),
            (&png[..], FileKind::Png),
            (&ofd()[..], FileKind::Ofd),
            (&ofd_later[..], FileKind::Ofd),
        ] {
            assert_eq!(FileKind::sniff(bytes), Ok(kind));
        }
    }

    #[test]
    fn refused_kinds_say_what_to_do_instead() {
        let docx = zip(&[
            ("[Content_Types].xml", b"<x/>"),
            ("word/document.xml", b"<x/>"),
        ]);
        // OFD.xml only in a folder is not an OFD package.
        let nested = zip(&[("a/OFD.xml", b"<x/>")]);
        let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic";
        for (bytes, says) in [
            (&docx[..], "另存为PDF"),
            (&nested[..], "不是OFD文档"),
            (
                &b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0"[..],
                "旧版Word或Excel",
            ),
            (&heic[..], "HEIC"),
            (&b"RIFF\x10\0\0\0WEBPVP8 "[..], "WebP"),
            (&b"GIF89a\x01\0"[..], "GIF、BMP或TIFF"),
            (&b"II*\0\x08\0\0\0"[..], "GIF、BMP或TIFF"),
            (&b"MZ\x90\0"[..], "只接受PDF、JPEG、PNG或OFD"),
            (&b"<html><body>%PDF-1.7"[..], "只接受PDF"),
            (&b""[..], "文件为空"),
        ] {
            match FileKind::sniff(bytes) {
                Err(why) => assert!(why.contains(says), "{why}"),
                Ok(k) => panic!("{says}: sniffed as {k:?}"),
            }
        }
    }

    #[test]
    fn a_pdf_cut_short_is_caught() {
        let mut pdf = b"%PDF-1.7\n".to_vec();
        pdf.extend(std::iter::repeat_n(b'x', 5000));
        assert!(FileKind::Pdf.check_whole(&pdf).is_err());
        pdf.extend_from_slice(b"\n%%EOF\n");
        assert_eq!(FileKind::Pdf.check_whole(&pdf), Ok(()));
        // Readers tolerate a little trailing data; so do we.
        pdf.extend(std::iter::repeat_n(0u8, 900));
        assert_eq!(FileKind::Pdf.check_whole(&pdf), Ok(()));
        pdf.extend(std::iter::repeat_n(0u8, 200));
        assert!(FileKind::Pdf.check_whole(&pdf).is_err());
        // A JPEG with data after its end marker is whole.
        assert_eq!(
            FileKind::Jpeg.check_whole(b"\xFF\xD8\xFF\xE0..\xFF\xD9SEFT"),
            Ok(())
        );
    }

    #[test]
    fn broken_zip_archives_are_not_ofd() {
        let good = ofd();
        // Cut anywhere: the central directory is gone or points past the end.
        for cut in [4, 30, good.len() / 2, good.len() - 1] {
            assert!(FileKind::sniff(&good[..cut]).is_err(), "cut at {cut}");
        }
        // An end record that claims entries beyond the data.
        let mut lying = good.clone();
        let n = lying.len();
        lying[n - 12..n - 10].copy_from_slice(&500u16.to_le_bytes());
        lying[n - 6..n - 2].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(FileKind::sniff(&lying).is_err());
    }

    #[test]
    fn a_declared_type_fits_its_kind_or_says_nothing() {
        assert!(FileKind::Pdf.fits_declared(Some("application/pdf")));
        assert!(FileKind::Pdf.fits_declared(Some(" Application/PDF; name=a.pdf")));
        assert!(FileKind::Jpeg.fits_declared(Some("image/jpg")));
        assert!(FileKind::Ofd.fits_declared(Some("application/octet-stream")));
        assert!(FileKind::Png.fits_declared(Some("")));
        assert!(FileKind::Png.fits_declared(None));
        assert!(!FileKind::Pdf.fits_declared(Some("image/png")));
        assert!(!FileKind::Jpeg.fits_declared(Some("text/html")));
        assert!(!FileKind::Ofd.fits_declared(Some("application/zip")));
    }
}
