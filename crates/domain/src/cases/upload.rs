//! The rules an uploaded material file must meet before it is stored: its
//! kind read from its bytes, the declared type agreeing with it, and limits
//! per file, per material and per case. Pure: the bytes come in, a verdict
//! goes out; storing them is the blob store's business.

mod kind;
mod name;

pub use kind::FileKind;
pub use name::{DisplayName, MAX_NAME_CHARS};

use crate::Invalid;

const MIB: u64 = 1024 * 1024;

/// Largest file: 20 MiB. A 300-dpi colour scan of an A4 page is 1–3 MB as
/// JPEG and a 30-page scanned PDF about 15 MB; a 12-megapixel phone photo
/// is 3–5 MB. Anything bigger is almost always a scan at a needless
/// resolution, which a clerk's screen cannot show better anyway.
pub const MAX_FILE_BYTES: u64 = 20 * MIB;

/// Most files for one material: 10. A material is one document; a
/// multi-page one arrives as one PDF or as a photo per page, and ten pages
/// photographed one by one (an ID card's two sides, a lease) is the most a
/// clerk should have to page through for one requirement.
pub const MAX_FILES_PER_MATERIAL: usize = 10;

/// Most bytes for a whole case: 100 MiB, five of the largest files. Items
/// list a handful of materials, most of them one or two pages; this bounds
/// what one application can make the platform keep and transfer, and the
/// request size the upload endpoint must accept.
pub const MAX_CASE_BYTES: u64 = 100 * MIB;

/// One file as it arrives: a name and a declared type, both only claims,
/// and the bytes, which decide.
#[derive(Debug, Clone, Copy)]
pub struct FileUpload<'a> {
    pub name: &'a str,
    /// The part's Content-Type, if the client sent one.
    pub declared_type: Option<&'a str>,
    pub content: &'a [u8],
}

/// A file that passed: what it really is and what to call it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedFile {
    pub kind: FileKind,
    pub name: DisplayName,
    pub size: u64,
}

/// Checks one file; failures are reported under the empty field name, for
/// the caller to place (see [`check_materials`]).
pub fn check_file(file: &FileUpload<'_>) -> Result<CheckedFile, Invalid> {
    let size = file.content.len() as u64;
    if size == 0 {
        return Err(Invalid::one("", "文件为空"));
    }
    if size > MAX_FILE_BYTES {
        return Err(Invalid::one(
            "",
            format!(
                "{}大小为{}，单个文件不能超过{}（可按300 dpi扫描，或拆分后上传）",
                shown_name(file.name),
                mib(size),
                mib(MAX_FILE_BYTES)
            ),
        ));
    }
    let kind = FileKind::sniff(file.content)
        .map_err(|why| Invalid::one("", format!("{}：{why}", shown_name(file.name))))?;
    if !kind.fits_declared(file.declared_type) {
        return Err(Invalid::one(
            "",
            format!(
                "{}实际是{}文件，但上传时声明为{}；请按{}上传（或不声明类型）",
                shown_name(file.name),
                kind.name(),
                file.declared_type.unwrap_or_default().trim(),
                kind.media_type()
            ),
        ));
    }
    kind.check_whole(file.content)
        .map_err(|why| Invalid::one("", format!("{}：{why}", shown_name(file.name))))?;
    Ok(CheckedFile {
        kind,
        name: DisplayName::sanitise(file.name, kind),
        size,
    })
}

/// Checks every file of every material in one submission, reporting all
/// failures at once under `materials[i].files[j]` (a file),
/// `materials[i].files` (a material's count) and `materials` (the case's
/// total). `already_stored` is what the case holds from earlier
/// submissions (a resubmission after a correction notice adds to it).
pub fn check_materials(
    materials: &[Vec<FileUpload<'_>>],
    already_stored: u64,
) -> Result<Vec<Vec<CheckedFile>>, Invalid> {
    let mut inv = Invalid::default();
    let mut checked = Vec::with_capacity(materials.len());
    let mut total = already_stored;
    for (i, files) in materials.iter().enumerate() {
        if files.is_empty() {
            inv.push(format!("materials[{i}].files"), "请至少上传一个文件");
        }
        if files.len() > MAX_FILES_PER_MATERIAL {
            inv.push(
                format!("materials[{i}].files"),
                format!(
                    "共{}个文件，每项材料最多{MAX_FILES_PER_MATERIAL}个\
                     （同一份文件的多页请合成一个PDF）",
                    files.len()
                ),
            );
        }
        let mut ok = Vec::with_capacity(files.len());
        for (j, file) in files.iter().enumerate() {
            total = total.saturating_add(file.content.len() as u64);
            if let Some(c) = inv.take(&format!("materials[{i}].files[{j}]"), check_file(file)) {
                ok.push(c);
            }
        }
        checked.push(ok);
    }
    if total > MAX_CASE_BYTES {
        let earlier = if already_stored > 0 {
            format!("（含此前已提交的{}）", mib(already_stored))
        } else {
            String::new()
        };
        inv.push(
            "materials",
            format!(
                "文件合计{}{earlier}，每件申请最多{}",
                mib(total),
                mib(MAX_CASE_BYTES)
            ),
        );
    }
    inv.into_result(|| checked)
}

/// The client's name in a message, made safe the way a display name is but
/// without an extension added (the kind may not be known yet).
fn shown_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = last
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_NAME_CHARS)
        .collect();
    if clean.trim().is_empty() {
        "该文件".to_string()
    } else {
        format!("“{}”", clean.trim())
    }
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / MIB as f64)
}

#[cfg(test)]
mod tests {
    use super::kind::tests::ofd;
    use super::*;

    fn pdf(len: usize) -> Vec<u8> {
        let mut v = b"%PDF-1.7\n".to_vec();
        v.resize(len.saturating_sub(7).max(9), b' ');
        v.extend_from_slice(b"\n%%EOF\n");
        v
    }

    fn jpeg() -> Vec<u8> {
        vec![
            0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F', 0, 0xFF, 0xD9,
        ]
    }

    fn file<'a>(name: &'a str, declared: Option<&'a str>, content: &'a [u8]) -> FileUpload<'a> {
        FileUpload {
            name,
            declared_type: declared,
            content,
        }
    }

    fn fields(e: &Invalid) -> Vec<&str> {
        e.0.iter().map(|f| f.field.as_str()).collect()
    }

    #[test]
    fn a_good_file_is_named_by_its_real_kind() {
        let bytes = jpeg();
        let c = check_file(&file("C:\\scans\\身份证正面", Some("image/jpeg"), &bytes)).expect("ok");
        assert_eq!(c.kind, FileKind::Jpeg);
        assert_eq!(c.name.as_str(), "身份证正面.jpg");
        assert_eq!(c.size, bytes.len() as u64);
        let o = ofd();
        let c = check_file(&file("licence.ofd", Some("application/octet-stream"), &o)).expect("ok");
        assert_eq!(c.kind, FileKind::Ofd);
    }

    #[test]
    fn the_declared_type_only_counts_when_it_contradicts() {
        let p = pdf(2000);
        assert!(check_file(&file("a.pdf", None, &p)).is_ok());
        let e = check_file(&file("a.png", Some("image/png"), &p)).expect_err("mismatch");
        assert!(
            e.0[0]
                .reason
                .contains("“a.png”实际是PDF文件，但上传时声明为image/png"),
            "{e}"
        );
        // A JPEG that claims to be a PDF is a JPEG, and says so.
        let j = jpeg();
        let e = check_file(&file("x.pdf", Some("application/pdf"), &j)).expect_err("mismatch");
        assert!(e.0[0].reason.contains("实际是JPEG文件"), "{e}");
    }

    #[test]
    fn size_limits_per_file() {
        assert!(check_file(&file("a.pdf", None, &[])).is_err());
        let just = pdf(MAX_FILE_BYTES as usize);
        assert_eq!(just.len() as u64, MAX_FILE_BYTES);
        assert!(check_file(&file("a.pdf", None, &just)).is_ok());
        let over = pdf(MAX_FILE_BYTES as usize + 1);
        let e = check_file(&file("big.pdf", None, &over)).expect_err("too big");
        assert!(e.0[0].reason.contains("不能超过20.0 MiB"), "{e}");
    }

    #[test]
    fn wrong_kinds_and_cut_pdfs_are_refused() {
        let e = check_file(&file("a.exe", None, b"MZ\x90\0")).expect_err("exe");
        assert!(e.0[0].reason.contains("“a.exe”：只接受PDF"), "{e}");
        let cut = &pdf(4000)[..3000];
        let e = check_file(&file("a.pdf", None, cut)).expect_err("cut");
        assert!(e.0[0].reason.contains("不完整"), "{e}");
    }

    #[test]
    fn every_failure_names_its_file_and_all_are_reported() {
        let (p, j) = (pdf(1000), jpeg());
        let materials = vec![
            vec![file("a.pdf", None, &p)],
            vec![
                file("b.pdf", None, &p),
                file("c.txt", Some("text/plain"), b"hello"),
            ],
            vec![file("d.jpg", Some("application/pdf"), &j)],
        ];
        let e = check_materials(&materials, 0).expect_err("two bad files");
        assert_eq!(
            fields(&e),
            ["materials[1].files[1]", "materials[2].files[0]"]
        );
        assert!(e.0[0].reason.contains("“c.txt”"), "{e}");

        let good = vec![vec![file("a.pdf", None, &p)], vec![file("b", None, &j)]];
        let checked = check_materials(&good, 0).expect("ok");
        assert_eq!(checked[1][0].name.as_str(), "b.jpg");
    }

    #[test]
    fn files_per_material() {
        let p = pdf(1000);
        let ten = vec![file("a.pdf", None, &p); MAX_FILES_PER_MATERIAL];
        assert!(check_materials(std::slice::from_ref(&ten), 0).is_ok());
        let eleven = vec![file("a.pdf", None, &p); MAX_FILES_PER_MATERIAL + 1];
        let e = check_materials(&[ten, eleven, vec![]], 0).expect_err("too many, and none");
        assert_eq!(fields(&e), ["materials[1].files", "materials[2].files"]);
        assert!(e.0[0].reason.contains("共11个文件"), "{e}");
        assert!(e.0[1].reason.contains("至少上传一个"), "{e}");
    }

    #[test]
    fn bytes_per_case_count_earlier_submissions() {
        let big = pdf(MAX_FILE_BYTES as usize);
        // Five of the largest files fill a case exactly.
        let five = vec![vec![file("a.pdf", None, &big); 5]];
        assert!(check_materials(&five, 0).is_ok());
        let e = check_materials(&five, 1).expect_err("one byte over");
        assert_eq!(fields(&e), ["materials"]);
        assert!(e.0[0].reason.contains("此前已提交"), "{e}");
        let six = vec![
            vec![file("a.pdf", None, &big); 3],
            vec![file("b.pdf", None, &big); 3],
        ];
        let e = check_materials(&six, 0).expect_err("six files");
        assert_eq!(fields(&e), ["materials"]);
        assert!(
            e.0[0].reason.contains("120.0 MiB，每件申请最多100.0 MiB"),
            "{e}"
        );
    }
}
