//! The verification QR code as vector squares: sharp at any zoom or print
//! resolution, and a few hundred bytes instead of an embedded image.

use qrcode::{Color, EcLevel, QrCode};

use crate::PaperError;

/// The dark modules of a QR code, as horizontal runs.
pub(crate) struct Qr {
    /// Modules per side, without the quiet zone.
    pub(crate) modules: usize,
    /// `(row, first column, length)` of each run of dark modules.
    pub(crate) runs: Vec<(usize, usize, usize)>,
}

/// Modules of white around the code that readers need to find it.
pub(crate) const QUIET_ZONE: usize = 4;

impl Qr {
    /// Level M survives a crease or a stamp over a corner (15 % damage)
    /// while keeping a typical verification URL at a small version.
    pub(crate) fn encode(url: &str) -> Result<Self, PaperError> {
        let code =
            QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M).map_err(|err| {
                PaperError::Invalid {
                    field: "verify_url",
                    reason: format!("cannot be put in a QR code: {err}"),
                }
            })?;
        let modules = code.width();
        let colors = code.to_colors();
        let mut runs = Vec::new();
        for (row, line) in colors.chunks(modules).enumerate() {
            let mut col = 0;
            while col < modules {
                if line[col] == Color::Dark {
                    let start = col;
                    while col < modules && line[col] == Color::Dark {
                        col += 1;
                    }
                    runs.push((row, start, col - start));
                } else {
                    col += 1;
                }
            }
        }
        Ok(Self { modules, runs })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_cover_exactly_the_dark_modules() {
        let url = "https://bianli.example/v/JY13101010000001?c=7K2Q";
        let qr = Qr::encode(url).unwrap();
        let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M).unwrap();
        let dark = code
            .to_colors()
            .iter()
            .filter(|c| **c == Color::Dark)
            .count();
        assert_eq!(qr.runs.iter().map(|r| r.2).sum::<usize>(), dark);
        assert!(qr.runs.len() < dark, "runs merge neighbouring modules");
        // The finder pattern's top edge: seven dark modules in a row.
        assert_eq!(qr.runs[0], (0, 0, 7));
    }

    #[test]
    fn an_overlong_url_is_refused_by_name() {
        let url = "x".repeat(5000);
        let err = Qr::encode(&url).err().unwrap();
        assert!(err.to_string().contains("verify_url"), "{err}");
    }
}
