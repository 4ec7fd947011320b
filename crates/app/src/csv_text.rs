//! CSV as departments save it from Excel ("CSV UTF-8"): every record with the
//! line it starts on, so an import can point at each bad row. Used by the
//! power-list spreadsheet and the working-day calendar.

use bianli_domain::Invalid;

/// The records of a UTF-8 CSV, heading included, with their first line (a
/// quoted cell may span lines). Any record that is not CSV is reported by line.
pub(crate) fn records(data: &[u8]) -> Result<Vec<(usize, Vec<String>)>, Invalid> {
    let text = std::str::from_utf8(data).map_err(|e| {
        Invalid::one(
            "file",
            format!(
                "文件不是UTF-8编码（第{}个字节有误），请另存为“CSV UTF-8”格式",
                e.valid_up_to() + 1
            ),
        )
    })?;
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    let mut inv = Invalid::default();
    for record in reader.records() {
        let line = |p: Option<&::csv::Position>| {
            p.and_then(|p| usize::try_from(p.line()).ok())
                .unwrap_or(out.len() + 1)
        };
        match record {
            Ok(r) => {
                let at = line(r.position());
                out.push((at, r.iter().map(str::to_string).collect()));
            }
            Err(e) => inv.push(
                format!("line {}", line(e.position())),
                format!("不是有效的CSV行：{e}"),
            ),
        }
    }
    inv.into_result(|| out)
}
