//! CSV: UTF-8, comma-separated, every cell text.

use std::io::Write;

use bianli_domain::Invalid;

use super::{COLUMNS, Cell, RawRow, Sink};
use crate::{AppError, Result};

fn failed(e: ::csv::Error) -> AppError {
    AppError::Internal(format!("writing CSV: {e}"))
}

/// Streams rows out as they come: a province's list is too long to hold.
pub(super) struct Writer<'a> {
    csv: ::csv::Writer<&'a mut dyn Write>,
}

impl<'a> Writer<'a> {
    pub(super) fn new(out: &'a mut dyn Write) -> Result<Self> {
        let mut csv = ::csv::Writer::from_writer(out);
        csv.write_record(COLUMNS.iter().map(|c| c.heading))
            .map_err(failed)?;
        Ok(Writer { csv })
    }

    pub(super) fn finish(mut self) -> Result<()> {
        self.csv
            .flush()
            .map_err(|e| AppError::Internal(format!("writing CSV: {e}")))
    }
}

impl Sink for Writer<'_> {
    fn row(&mut self, cells: &[Cell]) -> Result<()> {
        for cell in cells {
            self.csv
                .write_field(cell.as_text().as_bytes())
                .map_err(failed)?;
        }
        self.csv
            .write_record(std::iter::empty::<&[u8]>())
            .map_err(failed)
    }
}

/// Every record with the line it starts on (a quoted cell may span lines).
pub(super) fn read(data: &[u8]) -> std::result::Result<Vec<RawRow>, Invalid> {
    Ok(crate::csv_text::records(data)?
        .into_iter()
        .map(|(line, cells)| RawRow {
            line,
            cells: cells.into_iter().map(Ok).collect(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quoted_cell_over_two_lines_keeps_the_next_record_on_its_own_line() {
        let rows = read("事项编码,事项名称\n\"a\nb\",x\nc,y\n".as_bytes()).expect("csv");
        let lines: Vec<usize> = rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [1, 2, 4]);
        assert_eq!(rows[1].cells[0], Ok("a\nb".to_string()));
    }

    #[test]
    fn a_file_in_another_encoding_is_refused_whole() {
        // 事项 in GBK, as Excel saves “CSV” on a Chinese Windows.
        let err = read(&[0xca, 0xc2, 0xcf, 0xee, b',', b'x'])
            .err()
            .expect("refused");
        assert!(err.0[0].reason.contains("CSV UTF-8"), "{err:?}");
    }

    #[test]
    fn rows_are_written_as_text_with_the_headings_first() {
        let mut out = Vec::new();
        let mut w = Writer::new(&mut out).expect("writer");
        let mut cells = vec![Cell::Text("430100-0100001".into()), Cell::Number(20)];
        cells.resize_with(COLUMNS.len(), || Cell::Blank);
        w.row(&cells).expect("row");
        w.finish().expect("finish");
        let text = String::from_utf8(out).expect("utf-8");
        let mut lines = text.lines();
        assert!(
            lines
                .next()
                .is_some_and(|l| l.starts_with("事项编码,事项名称,"))
        );
        assert_eq!(
            lines.next(),
            Some(format!("430100-0100001,20{}", ",".repeat(COLUMNS.len() - 2)).as_str())
        );
    }
}
