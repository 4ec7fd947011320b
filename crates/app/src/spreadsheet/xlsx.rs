//! Excel workbooks (.xlsx): written with rust_xlsxwriter, read with calamine.
//! Cells are typed here, so the work is keeping codes text and numbers numbers
//! on the way out, and turning whatever Excel made of a typed value back into
//! the text the row expects on the way in.

use std::io::Cursor;

use bianli_domain::Invalid;
use calamine::{Data, Reader, SheetType, Xlsx};
use rust_xlsxwriter::{Color, Format, FormatBorder, Workbook, XlsxError};

use super::{COLUMNS, Cell, FILE_NOTES, RawRow, Sink};
use crate::{AppError, Result};

/// The list's sheet. Import reads it by this name, else the first sheet.
const SHEET: &str = "权力清单";
const NOTES_SHEET: &str = "说明";

fn failed(e: XlsxError) -> AppError {
    AppError::Internal(format!("writing the workbook: {e}"))
}

fn heading_format() -> Format {
    Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xDDEBF7))
        .set_border_bottom(FormatBorder::Thin)
}

/// Builds the workbook row by row. The list sheet is in constant-memory
/// mode: a province's list is hundreds of thousands of rows, and only the
/// finished, compressed file is held.
pub(super) struct Writer {
    book: Workbook,
    /// The next row of the list sheet (0 is the headings).
    next: u32,
}

impl Writer {
    pub(super) fn new() -> Result<Self> {
        let mut book = Workbook::new();
        let bold = heading_format();
        // Text columns are formatted as text (@) so that a code typed in later
        // stays text in Excel instead of becoming a number.
        let as_text = Format::new().set_num_format("@");
        let sheet = book.add_worksheet_with_constant_memory().map_err(failed)?;
        sheet.set_name(SHEET).map_err(failed)?;
        for (c, column) in (0u16..).zip(COLUMNS.iter()) {
            sheet.set_column_width(c, column.width).map_err(failed)?;
            if !column.number {
                sheet.set_column_format(c, &as_text).map_err(failed)?;
            }
            sheet
                .write_string_with_format(0, c, column.heading, &bold)
                .map_err(failed)?;
        }
        // The headings and the code and name stay in view while scrolling.
        sheet.set_freeze_panes(1, 2).map_err(failed)?;
        write_notes(&mut book)?;
        Ok(Writer { book, next: 1 })
    }

    /// The finished file.
    pub(super) fn finish(mut self) -> Result<Vec<u8>> {
        let last_column = u16::try_from(COLUMNS.len() - 1).unwrap_or(u16::MAX);
        self.book
            .worksheet_from_index(0)
            .and_then(|s| s.autofilter(0, 0, self.next.saturating_sub(1), last_column))
            .map_err(failed)?;
        self.book.save_to_buffer().map_err(failed)
    }
}

impl Sink for Writer {
    fn row(&mut self, cells: &[Cell]) -> Result<()> {
        let sheet = self.book.worksheet_from_index(0).map_err(failed)?;
        for (c, cell) in (0u16..).zip(cells) {
            match cell {
                Cell::Text(s) => sheet.write_string(self.next, c, s.as_str()),
                // Exact: limits, visits and fees in fen are far below 2^53.
                Cell::Number(n) => sheet.write_number(self.next, c, *n as f64),
                Cell::Blank => continue,
            }
            .map_err(|e| match e {
                XlsxError::RowColumnLimitError => AppError::Invalid(Invalid::one(
                    "division",
                    "事项数量超过Excel工作表的最大行数，请按区划分别导出",
                )),
                e => failed(e),
            })?;
        }
        self.next += 1;
        Ok(())
    }
}

/// The 说明 sheet: how to fill each column, for the staff who do.
fn write_notes(book: &mut Workbook) -> Result<()> {
    let bold = heading_format();
    let wrap = Format::new().set_text_wrap();
    let sheet = book.add_worksheet();
    sheet.set_name(NOTES_SHEET).map_err(failed)?;
    sheet.set_column_width(0, 14).map_err(failed)?;
    sheet.set_column_width(1, 90).map_err(failed)?;
    let mut row = 0u32;
    for note in FILE_NOTES {
        sheet.write_string(row, 0, note).map_err(failed)?;
        row += 1;
    }
    row += 1;
    sheet
        .write_string_with_format(row, 0, "列名", &bold)
        .map_err(failed)?;
    sheet
        .write_string_with_format(row, 1, "填写说明", &bold)
        .map_err(failed)?;
    for column in &COLUMNS {
        row += 1;
        sheet.write_string(row, 0, column.heading).map_err(failed)?;
        sheet
            .write_string_with_format(row, 1, column.note(), &wrap)
            .map_err(failed)?;
    }
    Ok(())
}

/// A cell as the text the row expects. Excel keeps every typed number as a
/// decimal: a division code typed as 430100 or a limit typed as 3 arrive as
/// 430100.0 and 3.0 and are read as the digits the person typed.
fn cell_text(cell: &Data) -> std::result::Result<String, String> {
    match cell {
        Data::Empty => Ok(String::new()),
        Data::String(s) => Ok(s.clone()),
        Data::Int(n) => Ok(n.to_string()),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok((*f as i64).to_string()),
        Data::Float(f) => Ok(f.to_string()),
        Data::Bool(b) => Ok(if *b { "TRUE" } else { "FALSE" }.to_string()),
        Data::DateTime(_) | Data::DateTimeIso(_) | Data::DurationIso(_) => Err(format!(
            "该单元格是日期或时间格式（{cell}），请将单元格格式设为文本或数字后重新填写"
        )),
        Data::Error(e) => Err(format!("该单元格含有Excel错误值{e}")),
    }
}

/// The list sheet's rows, each with the row number Excel shows.
pub(super) fn read(data: &[u8]) -> std::result::Result<Vec<RawRow>, Invalid> {
    let mut book = Xlsx::new(Cursor::new(data)).map_err(|e| {
        Invalid::one(
            "file",
            format!("不是有效的Excel工作簿（.xlsx）：{e}；旧版.xls文件请另存为.xlsx"),
        )
    })?;
    let sheets = book.sheets_metadata();
    let name = sheets
        .iter()
        .find(|s| s.name == SHEET)
        .or_else(|| sheets.iter().find(|s| s.typ == SheetType::WorkSheet))
        .map(|s| s.name.clone())
        .ok_or_else(|| Invalid::one("file", "工作簿中没有工作表"))?;
    let range = book
        .worksheet_range(&name)
        .map_err(|e| Invalid::one("file", format!("无法读取工作表“{name}”：{e}")))?;
    // The range starts at the first cell in use, not at A1.
    let Some((top, _)) = range.start() else {
        return Ok(Vec::new());
    };
    let top = usize::try_from(top).unwrap_or(usize::MAX);
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, cells)| RawRow {
            line: top.saturating_add(i).saturating_add(1),
            cells: cells.iter().map(cell_text).collect(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workbook(fill: impl FnOnce(&mut rust_xlsxwriter::Worksheet)) -> Vec<u8> {
        let mut book = Workbook::new();
        fill(book.add_worksheet());
        book.save_to_buffer().expect("workbook")
    }

    #[test]
    fn codes_stay_text_and_limits_stay_numbers() {
        let mut w = Writer::new().expect("writer");
        w.row(&[
            Cell::Text("430000-0100001".into()),
            Cell::Text("食品经营许可".into()),
            Cell::Blank,
            Cell::Text("行政许可".into()),
            Cell::Text("湖南省市场监督管理局".into()),
            Cell::Text("430000".into()),
            Cell::Blank,
            Cell::Number(20),
        ])
        .expect("row");
        let data = w.finish().expect("workbook");
        let mut book = Xlsx::new(Cursor::new(data)).expect("readable");
        assert_eq!(book.sheet_names(), [SHEET, NOTES_SHEET]);
        let range = book.worksheet_range(SHEET).expect("sheet");
        assert_eq!(range.get((0, 0)), Some(&Data::String("事项编码".into())));
        assert_eq!(
            range.get((1, 0)),
            Some(&Data::String("430000-0100001".into()))
        );
        assert_eq!(range.get((1, 5)), Some(&Data::String("430000".into())));
        assert!(
            matches!(range.get((1, 7)), Some(Data::Float(f)) if *f == 20.0),
            "{:?}",
            range.get((1, 7))
        );
        let notes = book.worksheet_range(NOTES_SHEET).expect("notes");
        assert!(
            notes
                .rows()
                .any(|r| r.first() == Some(&Data::String("事项类型".into()))
                    && r.get(1).is_some_and(|n| n.to_string().contains("公共服务")))
        );
    }

    #[test]
    fn numbers_typed_into_text_columns_read_as_the_digits_typed() {
        let data = workbook(|s| {
            s.write_string(0, 0, "行政区划").expect("cell");
            s.write_number(1, 0, 430100.0).expect("cell");
            s.write_number(2, 0, 3.0).expect("cell");
            s.write_number(3, 0, 2.5).expect("cell");
            s.write_boolean(4, 0, true).expect("cell");
        });
        let rows = read(&data).expect("read");
        let cells: Vec<_> = rows.iter().map(|r| r.cells[0].clone()).collect();
        assert_eq!(
            cells,
            [
                Ok("行政区划".to_string()),
                Ok("430100".to_string()),
                Ok("3".to_string()),
                Ok("2.5".to_string()),
                Ok("TRUE".to_string()),
            ]
        );
    }

    #[test]
    fn rows_are_numbered_as_excel_shows_them_below_a_title() {
        let data = workbook(|s| {
            s.write_string(1, 1, "长沙市权力清单").expect("cell");
            s.write_string(3, 1, "事项编码").expect("cell");
            s.write_string(4, 1, "430100-0100001").expect("cell");
        });
        let rows = read(&data).expect("read");
        let lines: Vec<usize> = rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 3, 4, 5]);
        assert_eq!(rows[3].cells[0], Ok("430100-0100001".to_string()));
    }

    #[test]
    fn the_sheet_named_for_the_list_is_read_before_the_first() {
        let mut book = Workbook::new();
        book.add_worksheet()
            .write_string(0, 0, "封面")
            .expect("cell");
        book.add_worksheet()
            .set_name(SHEET)
            .and_then(|s| s.write_string(0, 0, "事项编码"))
            .expect("cell");
        let rows = read(&book.save_to_buffer().expect("workbook")).expect("read");
        assert_eq!(rows[0].cells[0], Ok("事项编码".to_string()));
    }

    #[test]
    fn a_date_or_an_error_in_a_cell_is_named_not_guessed() {
        let date = Format::new().set_num_format("yyyy-mm-dd");
        let data = workbook(|s| {
            s.write_number_with_format(0, 0, 45000.0, &date)
                .expect("cell");
            s.write_formula(0, 1, "=1/0")
                .expect("cell")
                .set_formula_result(0, 1, "#DIV/0!");
        });
        let rows = read(&data).expect("read");
        let cells = &rows[0].cells;
        assert!(
            cells[0].as_ref().is_err_and(|e| e.contains("日期")),
            "{cells:?}"
        );
        assert!(
            cells[1].as_ref().is_err_and(|e| e.contains("#DIV/0!")),
            "{cells:?}"
        );
    }

    #[test]
    fn a_file_that_is_not_a_workbook_is_refused_without_a_panic() {
        let good = workbook(|s| {
            s.write_string(0, 0, "事项编码").expect("cell");
        });
        let mut broken = vec![
            Vec::new(),
            "事项编码,事项名称\n".as_bytes().to_vec(),
            good[..good.len() / 2].to_vec(),
        ];
        // A zip that holds no workbook.
        broken.push(b"PK\x05\x06".iter().copied().chain([0; 18]).collect());
        // Damage throughout the file, not only at its start.
        for at in (0..good.len()).step_by(97) {
            let mut bad = good.clone();
            bad[at] ^= 0x5a;
            broken.push(bad);
        }
        for data in &broken[..4] {
            let err = read(data).err().expect("refused");
            assert_eq!(err.0[0].field, "file");
            assert!(err.0[0].reason.contains(".xlsx"), "{err:?}");
        }
        for data in &broken[4..] {
            // Some damage leaves a readable file; none may panic.
            let _ = read(data);
        }
    }
}
