//! The calendar file as records: UTF-8 CSV, heading first, each record with
//! the line it starts on so every error can point at it.

use bianli_domain::Invalid;

pub(super) fn records(data: &[u8]) -> Result<Vec<(usize, Vec<String>)>, Invalid> {
    let text = std::str::from_utf8(data).map_err(|e| {
        Invalid::one(
            "file",
            format!(
                "not UTF-8 text (byte {} is not): save the file as “CSV UTF-8”",
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
        match record {
            Ok(r) => {
                let line = r.position().map_or(0, |p| p.line() as usize);
                out.push((line, r.iter().map(str::to_string).collect()));
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                inv.push(format!("line {line}"), format!("not a CSV row: {e}"));
            }
        }
    }
    inv.into_result(|| out)
}
