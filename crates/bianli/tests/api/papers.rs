//! A case's papers as a citizen gets them: the PDF's text, and its QR code
//! read back from the rendered page to the page that verifies it.

use std::process::Command;

use reqwest::StatusCode;

use crate::helpers::TestApp;

/// Fetches a PDF, checks it is one, and returns its text (poppler's
/// `pdftotext`) and the QR code decoded from its last page that has one.
pub async fn read_pdf(t: &TestApp, path: &str) -> (String, String) {
    let r = t.get(path).await;
    assert_eq!(r.status(), StatusCode::OK, "GET {path}");
    assert_eq!(
        r.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/pdf")
    );
    let bytes = r.bytes().await.expect("pdf");
    assert!(bytes.starts_with(b"%PDF-"), "{path} is not a PDF");
    // Tests read papers side by side: each read gets a folder of its own.
    static READS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "bianli-papers-{}-{}",
        std::process::id(),
        READS.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let pdf = dir.join("paper.pdf");
    std::fs::write(&pdf, &bytes).expect("write pdf");
    let text = Command::new("pdftotext")
        .args(["-layout"])
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is needed: scripts/test installs it");
    let text = String::from_utf8_lossy(&text.stdout).to_string();
    // The QR code sits with the signature, on the last page. The decoder
    // here is weaker than a phone's and misses some codes at one scale, so
    // a second, finer rendering is tried before the code counts as absent.
    let url = [150, 300]
        .iter()
        .find_map(|dpi| qr_on_pages(&pdf, &dir.join(format!("page-{dpi}")), *dpi))
        .unwrap_or_else(|| panic!("no QR code found on {path} at 150 or 300 dpi"));
    let _ = std::fs::remove_dir_all(&dir);
    (text, url)
}

/// The last QR code found on the PDF's pages rendered at `dpi`, last page first.
fn qr_on_pages(pdf: &std::path::Path, prefix: &std::path::Path, dpi: u32) -> Option<String> {
    let status = Command::new("pdftoppm")
        .args(["-r", &dpi.to_string(), "-png"])
        .arg(pdf)
        .arg(prefix)
        .status()
        .expect("pdftoppm (poppler-utils)");
    assert!(status.success());
    let dir = prefix.parent()?;
    let stem = prefix.file_name()?.to_str()?;
    let mut pages: Vec<_> = std::fs::read_dir(dir)
        .expect("pages")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().is_some_and(|x| x == "png")
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(&format!("{stem}-")))
        })
        .collect();
    pages.sort();
    pages.iter().rev().find_map(|page| {
        let img = image::open(page).expect("page image").to_luma8();
        let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(
            img.width() as usize,
            img.height() as usize,
            |x, y| img.get_pixel(x as u32, y as u32)[0],
        );
        prepared
            .detect_grids()
            .first()
            .and_then(|g| g.decode().ok())
            .map(|(_, content)| content)
    })
}
