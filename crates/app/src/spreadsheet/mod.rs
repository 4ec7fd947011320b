//! The power list as departments keep it in a spreadsheet: one row per item,
//! Chinese column headings. Export writes the list as of a date; import turns
//! a file into one decree (new codes are 新增, existing ones 修改) that applies
//! whole or not at all, and a file with any bad row writes nothing and names
//! every bad row, column and reason.
//!
//! This file owns what a row means: the columns, an item as cells, cells as an
//! item, and the import as one decree. `csv` and `xlsx` only read and write
//! cells, so both formats take the same headings and obey the same checks.

mod csv;
mod xlsx;

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::path::Path;

use bianli_domain::Invalid;
use bianli_domain::catalog::{
    Adjustment, Channel, DayCount, DecreeInput, FieldKind, FormFieldInput, Item, ItemInput,
    ItemKind, Material, MaterialForm,
};
use bianli_store::{Applied, ItemFilter};
use chrono::NaiveDate;
use serde::Serialize;

use crate::{Actor, App, AppError, Result};

/// One column of the sheet.
pub struct Column {
    pub heading: &'static str,
    /// The `ItemInput` field it fills: what the item's rules say about that
    /// field is reported in this column.
    pub field: &'static str,
    /// Whole numbers (limits, visits, the fee); every other column is text,
    /// codes included, so that Excel never turns 430100 into a number.
    pub number: bool,
    /// Excel character widths: the usual content shows without hiding the
    /// neighbours; long cells (materials, legal basis) are cut, not wrapped,
    /// so that one row stays one line.
    pub width: f64,
}

const fn text_column(heading: &'static str, field: &'static str, width: f64) -> Column {
    Column {
        heading,
        field,
        number: false,
        width,
    }
}

const fn number_column(heading: &'static str, field: &'static str) -> Column {
    Column {
        heading,
        field,
        number: true,
        width: 11.0,
    }
}

/// The columns, in the order export writes them. Import finds them by
/// heading, in any order.
pub const COLUMNS: [Column; 20] = [
    text_column("事项编码", "code", 17.0),
    text_column("事项名称", "name", 30.0),
    text_column("俗称", "aliases", 20.0),
    text_column("事项类型", "kind", 13.0),
    text_column("实施部门", "department_id", 26.0),
    text_column("行政区划", "division", 10.0),
    text_column("设定依据", "legal_basis", 40.0),
    number_column("法定时限", "statutory_days"),
    text_column("时限单位", "statutory_unit", 10.0),
    number_column("承诺时限", "promised_days"),
    number_column("到现场次数", "visits"),
    text_column("办理渠道", "channels", 18.0),
    text_column("申请材料", "materials", 50.0),
    number_column("收费(分)", "fee_fen"),
    text_column("收费依据", "fee_basis", 24.0),
    text_column("前置条件", "prerequisites", 20.0),
    text_column("后置事项", "post_links", 20.0),
    text_column("全链条", "chain_group", 14.0),
    text_column("告知承诺", "commitment_allowed", 10.0),
    text_column("申请表", "form", 50.0),
];

/// Columns a file may lack: lists kept before the column existed still
/// import, as items without it.
const OPTIONAL: [&str; 1] = ["form"];

/// `COLUMNS` by name, so that reading a row says which column it means.
#[derive(Clone, Copy)]
enum Col {
    Code,
    Name,
    Aliases,
    Kind,
    Department,
    Division,
    LegalBasis,
    StatutoryDays,
    StatutoryUnit,
    PromisedDays,
    Visits,
    Channels,
    Materials,
    Fee,
    FeeBasis,
    Prerequisites,
    PostLinks,
    ChainGroup,
    Commitment,
    Form,
}

impl Col {
    fn column(self) -> &'static Column {
        &COLUMNS[self as usize]
    }
}

/// Lists of names inside a cell are separated by 、 or ；, as people type them.
const LIST_SEP: [char; 3] = ['、', '；', ';'];
/// Citations and materials only by ；: a citation names several articles
/// with 、 (第三十七条、第三十八条) and a material's name may hold one.
const CLAUSE_SEP: [char; 2] = ['；', ';'];

impl Column {
    /// How to fill the column, for the people who do (the workbook's 说明 sheet).
    pub fn note(&self) -> String {
        let kinds: Vec<&str> = ItemKind::ALL.iter().map(|k| k.zh()).collect();
        let must_cite: Vec<&str> = ItemKind::ALL
            .iter()
            .filter(|k| k.requires_legal_basis())
            .map(|k| k.zh())
            .collect();
        let channels: Vec<&str> = Channel::ALL.iter().map(|c| c.zh()).collect();
        let forms: Vec<&str> = MaterialForm::ALL.iter().map(|f| f.zh()).collect();
        match self.field {
            "code" => "行政区划代码-七位基本编码，如 430100-0100001；基本编码的前两位是事项类型的序号（01 行政许可 … 11 公共服务）。新编码为新增，已有编码为修改。".into(),
            "name" => "2 至 100 个字。".into(),
            "aliases" => "群众的说法，如 开饭店；多个用“、”分隔，至多 20 个，每个至多 30 个字。".into(),
            "kind" => format!("其中之一：{}。", kinds.join("、")),
            "department_id" => "实施部门的全称，须是清单中已有的部门。".into(),
            "division" => "六位行政区划代码（GB/T 2260），与事项编码的前六位相同。".into(),
            "legal_basis" => format!(
                "《法律法规名称》条款，如 《中华人民共和国食品安全法》第三十五条；多条用“；”分隔。{} 必须填写（职权法定）。",
                must_cite.join("、")
            ),
            "statutory_days" => "天数，1 至 365；没有法定时限的留空。".into(),
            "statutory_unit" => "工作日（留空即工作日）或 自然日。".into(),
            "promised_days" => "工作日数，0 为即办件；不超过法定时限（自然日按 5/7 折算）。".into(),
            "visits" => "0、1 或 2；0（零跑腿）须有网上或掌上渠道。".into(),
            "channels" => format!("至少一个，多个用“、”分隔：{}。", channels.join("、")),
            "materials" => format!(
                "每项写作 名称|必要或非必要|形式|容缺，多项用“；”分隔；形式为 {}，省略时为必要、原件；只有必要材料可以容缺。",
                forms.join("、")
            ),
            "fee_fen" => "以分计的整数，0 为不收费；如 20 元写 2000。".into(),
            "fee_basis" => "收费的文件依据；收费时必须填写。".into(),
            "prerequisites" => "办理前须先取得的审批，多个用“、”分隔。".into(),
            "post_links" => "办结后接着办理的事项（先照后证），多个用“、”分隔。".into(),
            "chain_group" => "一起办理的事项共用的链条名称，如 开办餐饮店。".into(),
            "commitment_allowed" => "实行告知承诺制的填“是”，否则留空或填“否”；只适用于行政许可和行政确认事项。".into(),
            "form" => {
                let kinds: Vec<&str> = FieldKind::ALL.iter().map(|k| k.zh()).collect();
                format!(
                    "联系电话、联系地址、申请说明每份申请都有，不必列出。事项自己的字段每个写作 代码=名称|必填或选填|类型|选项1/选项2|印证，多个用“；”分隔；代码为小写英文字母开头的字母、数字、下划线（如 premises）；类型为 {}，省略时为必填、文本；单选、多选列出 2 至 30 个选项，数字的第四部分是计量单位；第五部分填“印证”的字段印在证照上（公开），否则留空。如 premises=经营场所|必填|文本||印证；business_type=主体业态|必填|单选|食品销售经营者/餐饮服务经营者|印证",
                    kinds.join("、")
                )
            }
            _ => String::new(),
        }
    }
}

/// The rules of the whole file, for the 说明 sheet beside the column notes.
pub const FILE_NOTES: [&str; 4] = [
    "每行一个事项，列名在最上面一行（其上可以有标题行）；列的顺序可以调整，多出的列（如 备注）不读。",
    "导入时整份文件作为一个决定生效：新编码为新增，已有编码为修改。",
    "任何一行有误，整份文件都不写入，并列出每个错误的行号、列名和原因。",
    "事项编码、行政区划请按文本填写；时限、次数、收费按数字填写。",
];

/// The file formats the list is kept in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    /// The format a file's name says (`.csv`, `.xlsx`, any case).
    pub fn of_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(Format::Csv),
            "xlsx" => Some(Format::Xlsx),
            _ => None,
        }
    }

    /// As the file's extension writes it.
    pub fn name(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }

    /// What the people who open the file call a row's number: a CSV has
    /// lines, Excel numbers its rows.
    pub fn row_word(self) -> &'static str {
        match self {
            Format::Csv => "line",
            Format::Xlsx => "row",
        }
    }
}

/// One bad cell of an imported file.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RowError {
    /// The row's number as the file shows it, from 1: the CSV line, the Excel
    /// row.
    pub line: usize,
    /// The column's heading; empty when the row as a whole is at fault.
    pub column: String,
    pub reason: String,
}

#[derive(Debug)]
pub enum ImportOutcome {
    Applied { codes: usize, applied: Applied },
    Rejected(Vec<RowError>),
}

/// What an exported cell holds. Formats that type their cells write numbers
/// as numbers and everything else as text.
enum Cell {
    Text(String),
    Number(i64),
    Blank,
}

impl Cell {
    fn text(s: String) -> Cell {
        if s.is_empty() {
            Cell::Blank
        } else {
            Cell::Text(s)
        }
    }

    /// The cell as a format without types writes it.
    fn as_text(&self) -> Cow<'_, str> {
        match self {
            Cell::Text(s) => Cow::Borrowed(s),
            Cell::Number(n) => Cow::Owned(n.to_string()),
            Cell::Blank => Cow::Borrowed(""),
        }
    }
}

/// Where exported rows go, one item at a time; a format writes its headings
/// itself.
trait Sink {
    fn row(&mut self, cells: &[Cell]) -> Result<()>;
}

/// One row as a format read it, before any column means anything.
struct RawRow {
    /// Its number as the file shows it (see `RowError::line`).
    line: usize,
    /// Each cell's text, or why the format could not read the cell as text.
    cells: Vec<std::result::Result<String, String>>,
}

fn split(s: &str, separators: &[char]) -> Vec<String> {
    s.split(separators)
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

/// `名称|必要|原件|容缺` per material: the same four things the guide shows.
fn material_cell(m: &Material) -> String {
    let mut s = format!(
        "{}|{}|{}",
        m.name,
        if m.required { "必要" } else { "非必要" },
        m.form.zh()
    );
    if m.may_defer {
        s.push_str("|容缺");
    }
    s
}

fn parse_material(s: &str) -> std::result::Result<Material, String> {
    let parts: Vec<&str> = s.split('|').map(str::trim).collect();
    let name = parts.first().copied().unwrap_or_default();
    if name.is_empty() {
        return Err(format!("“{s}”：材料应以材料名称开头"));
    }
    let required = match parts.get(1).copied().unwrap_or("必要") {
        "必要" | "" => true,
        "非必要" => false,
        other => return Err(format!("“{other}”应为“必要”或“非必要”")),
    };
    let form = match parts.get(2).copied().unwrap_or_default() {
        "" => MaterialForm::Original,
        other => match MaterialForm::ALL.into_iter().find(|f| f.zh() == other) {
            Some(f) => f,
            None => {
                let forms: Vec<&str> = MaterialForm::ALL.iter().map(|f| f.zh()).collect();
                return Err(format!("“{other}”应为以下之一：{}", forms.join("、")));
            }
        },
    };
    let may_defer = match parts.get(3).copied() {
        None | Some("") => false,
        Some("容缺") => true,
        Some(other) => return Err(format!("“{other}”：第四部分只能填“容缺”或留空")),
    };
    if parts.len() > 4 {
        return Err(format!(
            "“{s}”：每项材料最多四部分，多项材料之间请用“；”分隔"
        ));
    }
    Ok(Material {
        name: name.to_string(),
        required,
        form,
        may_defer,
    })
}

/// An item as one row of cells, in the order of `COLUMNS`.
fn cells(item: &Item, department: &str) -> [Cell; COLUMNS.len()] {
    let list = |v: &[String]| Cell::text(v.join("、"));
    [
        Cell::Text(item.code.to_string()),
        Cell::text(item.name.clone()),
        list(&item.aliases),
        Cell::Text(item.kind.zh().to_string()),
        Cell::text(department.to_string()),
        Cell::Text(item.division.to_string()),
        Cell::text(
            item.legal_basis
                .iter()
                .map(|b| b.citation())
                .collect::<Vec<_>>()
                .join("；"),
        ),
        item.statutory_limit
            .map_or(Cell::Blank, |l| Cell::Number(i64::from(l.days))),
        item.statutory_limit.map_or(Cell::Blank, |l| {
            Cell::Text(
                match l.unit {
                    DayCount::Working => "工作日",
                    DayCount::Calendar => "自然日",
                }
                .to_string(),
            )
        }),
        Cell::Number(i64::from(item.promised_days)),
        Cell::Number(i64::from(item.visits)),
        Cell::text(item.channels_zh()),
        Cell::text(
            item.materials
                .iter()
                .map(material_cell)
                .collect::<Vec<_>>()
                .join("；"),
        ),
        Cell::Number(item.fee.fen),
        Cell::text(item.fee.basis.clone().unwrap_or_default()),
        list(&item.prerequisites),
        list(&item.post_links),
        Cell::text(item.chain_group.clone().unwrap_or_default()),
        Cell::text(if item.commitment_allowed { "是" } else { "" }.to_string()),
        Cell::text(
            item.form
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("；"),
        ),
    ]
}

/// A heading as people type it: spaces, line breaks inside the cell and
/// full-width brackets (收费（分）) do not make it another column. The CSV
/// Excel saves starts with a byte-order mark.
fn heading_key(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{feff}')
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            c => c,
        })
        .collect()
}

/// Finds the heading row, the first row naming any column (a title above it
/// is skipped), and where each column is in the file.
fn locate(rows: &[RawRow]) -> std::result::Result<(usize, [usize; COLUMNS.len()]), Invalid> {
    let key = |c: &std::result::Result<String, String>| c.as_ref().map(|s| heading_key(s)).ok();
    let wanted: Vec<String> = COLUMNS.iter().map(|c| heading_key(c.heading)).collect();
    let all = COLUMNS
        .iter()
        .map(|c| c.heading)
        .collect::<Vec<_>>()
        .join("、");
    let Some(top) = rows
        .iter()
        .position(|r| r.cells.iter().filter_map(key).any(|k| wanted.contains(&k)))
    else {
        return Err(Invalid::one(
            "file",
            format!("没有找到表头行，第一行应列出各列名称：{all}"),
        ));
    };
    let heading_row = &rows[top];
    let mut at = [0; COLUMNS.len()];
    let mut missing = Vec::new();
    let mut problems = Invalid::default();
    for (i, column) in COLUMNS.iter().enumerate() {
        let found: Vec<usize> = heading_row
            .cells
            .iter()
            .enumerate()
            .filter(|(_, c)| key(c).as_ref() == Some(&wanted[i]))
            .map(|(k, _)| k)
            .collect();
        match found.as_slice() {
            [] if OPTIONAL.contains(&column.field) => at[i] = usize::MAX,
            [] => missing.push(column.heading),
            [k] => at[i] = *k,
            _ => problems.push(
                "file",
                format!(
                    "第{}行：表头“{}”出现了{}次",
                    heading_row.line,
                    column.heading,
                    found.len()
                ),
            ),
        }
    }
    if !missing.is_empty() {
        problems.push(
            "file",
            format!(
                "第{}行缺少表头：{}；应有的列为：{all}",
                heading_row.line,
                missing.join("、")
            ),
        );
    }
    problems.into_result(|| (top, at))
}

/// A whole number, also when typed as `3.0`: spreadsheets keep every number
/// as a decimal.
fn whole_number(s: &str) -> Option<i64> {
    s.parse::<i64>().ok().or_else(|| {
        s.parse::<f64>()
            .ok()
            .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
            .map(|f| f as i64)
    })
}

/// Reads one data row into an `ItemInput`, noting each cell it cannot use.
struct RowReader<'a> {
    row: &'a RawRow,
    at: &'a [usize; COLUMNS.len()],
    errors: Vec<RowError>,
}

impl RowReader<'_> {
    fn bad(&mut self, col: Col, reason: String) {
        self.errors.push(RowError {
            line: self.row.line,
            column: col.column().heading.to_string(),
            reason,
        });
    }

    fn text(&mut self, col: Col) -> String {
        match self.row.cells.get(self.at[col as usize]) {
            None => String::new(),
            Some(Ok(s)) => s.trim().to_string(),
            Some(Err(reason)) => {
                self.bad(col, reason.clone());
                String::new()
            }
        }
    }

    fn optional(&mut self, col: Col) -> Option<String> {
        Some(self.text(col)).filter(|s| !s.is_empty())
    }

    fn list(&mut self, col: Col) -> Vec<String> {
        split(&self.text(col), &LIST_SEP)
    }

    fn clauses(&mut self, col: Col) -> Vec<String> {
        split(&self.text(col), &CLAUSE_SEP)
    }

    fn number(&mut self, col: Col) -> Option<i64> {
        let s = self.text(col);
        if s.is_empty() {
            return None;
        }
        let n = whole_number(&s);
        if n.is_none() {
            self.bad(col, format!("“{s}”不是整数"));
        }
        n
    }

    fn input(&mut self, departments: &HashMap<String, i64>) -> ItemInput {
        let department = self.text(Col::Department);
        let department_id = match departments.get(&department) {
            Some(id) => *id,
            None if department.is_empty() => {
                self.bad(Col::Department, "请填写实施部门".into());
                0
            }
            None => {
                self.bad(Col::Department, format!("“{department}”不在部门名单中"));
                0
            }
        };
        let mut materials = Vec::new();
        for m in self.clauses(Col::Materials) {
            match parse_material(&m) {
                Ok(m) => materials.push(m),
                Err(reason) => self.bad(Col::Materials, reason),
            }
        }
        let form = match FormFieldInput::from_lines(&self.text(Col::Form)) {
            Ok(form) => form,
            Err(reason) => {
                self.bad(Col::Form, reason);
                Vec::new()
            }
        };
        ItemInput {
            code: self.text(Col::Code),
            name: self.text(Col::Name),
            aliases: self.list(Col::Aliases),
            kind: self.text(Col::Kind),
            department_id,
            division: self.text(Col::Division),
            legal_basis: self.clauses(Col::LegalBasis),
            statutory_days: self.number(Col::StatutoryDays),
            statutory_unit: self.optional(Col::StatutoryUnit),
            promised_days: self.number(Col::PromisedDays).unwrap_or(0),
            visits: self.number(Col::Visits).unwrap_or(0),
            channels: self.list(Col::Channels),
            materials,
            fee_fen: self.number(Col::Fee).unwrap_or(0),
            fee_basis: self.optional(Col::FeeBasis),
            prerequisites: self.list(Col::Prerequisites),
            post_links: self.list(Col::PostLinks),
            chain_group: self.optional(Col::ChainGroup),
            commitment_allowed: self.yes_no(Col::Commitment),
            form,
        }
    }

    fn yes_no(&mut self, col: Col) -> bool {
        match self.text(col).as_str() {
            "是" => true,
            "" | "否" => false,
            other => {
                self.bad(col, format!("“{other}”应填“是”或“否”（留空视为否）"));
                false
            }
        }
    }

    /// The row as an item, or every problem with it. A cell already found
    /// unreadable is not blamed again for the stand-in the rules then saw
    /// (an unknown department is not also a missing one).
    fn item(
        mut self,
        departments: &HashMap<String, i64>,
    ) -> std::result::Result<Item, Vec<RowError>> {
        let input = self.input(departments);
        let parsed = input.parse();
        let mut errors = self.errors;
        if let Err(inv) = &parsed {
            let blamed: HashSet<String> = errors.iter().map(|e| e.column.clone()).collect();
            for f in &inv.0 {
                let root = f.field.split(['.', '[']).next().unwrap_or_default();
                let column = COLUMNS
                    .iter()
                    .find(|c| c.field == root)
                    .map_or_else(|| f.field.clone(), |c| c.heading.to_string());
                if !blamed.contains(&column) {
                    errors.push(RowError {
                        line: self.row.line,
                        column,
                        reason: f.reason.clone(),
                    });
                }
            }
        }
        match parsed {
            Ok(item) if errors.is_empty() => Ok(item),
            _ => Err(errors),
        }
    }
}

fn is_blank(row: &RawRow) -> bool {
    row.cells
        .iter()
        .all(|c| c.as_ref().is_ok_and(|s| s.trim().is_empty()))
}

/// Every row below the headings as an item, or every problem in the file.
fn items(
    rows: &[RawRow],
    departments: &HashMap<String, i64>,
) -> Result<std::result::Result<Vec<Item>, Vec<RowError>>> {
    let (top, at) = locate(rows)?;
    let mut errors = Vec::new();
    let mut items: Vec<(usize, Item)> = Vec::new();
    for row in rows[top + 1..].iter().filter(|r| !is_blank(r)) {
        let reader = RowReader {
            row,
            at: &at,
            errors: Vec::new(),
        };
        match reader.item(departments) {
            Ok(item) => items.push((row.line, item)),
            Err(e) => errors.extend(e),
        }
    }
    let mut seen = HashMap::new();
    for (line, item) in &items {
        if let Some(first) = seen.insert(item.code.to_string(), *line) {
            errors.push(RowError {
                line: *line,
                column: Col::Code.column().heading.to_string(),
                reason: format!("事项{}与第{first}行重复", item.code),
            });
        }
    }
    if items.is_empty() && errors.is_empty() {
        errors.push(RowError {
            line: rows[top].line,
            column: String::new(),
            reason: "表头下没有事项".into(),
        });
    }
    if errors.is_empty() {
        Ok(Ok(items.into_iter().map(|(_, item)| item).collect()))
    } else {
        errors.sort_by_key(|e| e.line);
        Ok(Err(errors))
    }
}

impl App {
    /// Writes the list in force on `as_of` (optionally one division).
    pub async fn export(
        &self,
        as_of: NaiveDate,
        division: Option<&str>,
        format: Format,
        out: &mut dyn std::io::Write,
    ) -> Result<usize> {
        match format {
            Format::Csv => {
                let mut sink = csv::Writer::new(out)?;
                let n = self.export_rows(as_of, division, &mut sink).await?;
                sink.finish()?;
                Ok(n)
            }
            Format::Xlsx => {
                let mut sink = xlsx::Writer::new()?;
                let n = self.export_rows(as_of, division, &mut sink).await?;
                out.write_all(&sink.finish()?)
                    .map_err(|e| AppError::Internal(format!("writing the workbook: {e}")))?;
                Ok(n)
            }
        }
    }

    async fn export_rows(
        &self,
        as_of: NaiveDate,
        division: Option<&str>,
        sink: &mut dyn Sink,
    ) -> Result<usize> {
        // From the store, not the search index's copy: one-shot commands open
        // the app without an index, and a row without its department could
        // not be imported back.
        let names: HashMap<i64, String> = self
            .departments()
            .await?
            .into_iter()
            .map(|d| (d.id, d.name))
            .collect();
        let mut filter = ItemFilter::as_of(as_of);
        filter.division = division.map(str::to_string);
        filter.limit = 5_000;
        let mut n = 0;
        loop {
            let page = self.store.items(&filter).await?;
            let Some(last) = page.last() else { break };
            filter.after = Some(last.item.code.to_string());
            for v in &page {
                let dept = names
                    .get(&v.item.department_id)
                    .map(String::as_str)
                    .unwrap_or_default();
                sink.row(&cells(&v.item, dept))?;
                n += 1;
            }
        }
        Ok(n)
    }

    /// Reads a file in the export's columns and applies it as one decree.
    pub async fn import(
        &self,
        actor: &Actor,
        decree: DecreeInput,
        format: Format,
        data: &[u8],
    ) -> Result<ImportOutcome> {
        let rows = match format {
            Format::Csv => csv::read(data)?,
            Format::Xlsx => xlsx::read(data)?,
        };
        let departments: HashMap<String, i64> = self
            .departments()
            .await?
            .into_iter()
            .map(|d| (d.name, d.id))
            .collect();
        let items = match items(&rows, &departments)? {
            Ok(items) => items,
            Err(errors) => return Ok(ImportOutcome::Rejected(errors)),
        };
        let codes: Vec<String> = items.iter().map(|i| i.code.to_string()).collect();
        let existing: HashSet<String> = self
            .store
            .items_by_code(&codes, crate::end_of_time())
            .await?
            .into_iter()
            .filter(|v| v.valid_to.is_none())
            .map(|v| v.item.code.to_string())
            .collect();
        let adjustments: Vec<Adjustment> = items
            .into_iter()
            .map(|item| {
                if existing.contains(&item.code.to_string()) {
                    Adjustment::Modify { item }
                } else {
                    Adjustment::Add { item }
                }
            })
            .collect();
        let (_, applied) = self.enact_decree(actor, decree, &adjustments).await?;
        Ok(ImportOutcome::Applied {
            codes: codes.len(),
            applied,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(line: usize, cells: &[&str]) -> RawRow {
        RawRow {
            line,
            cells: cells.iter().map(|c| Ok(c.to_string())).collect(),
        }
    }

    fn headings() -> Vec<&'static str> {
        COLUMNS.iter().map(|c| c.heading).collect()
    }

    fn departments() -> HashMap<String, i64> {
        HashMap::from([("长沙市市场监督管理局".to_string(), 7)])
    }

    /// A licence row in the order of `COLUMNS`.
    fn licence() -> Vec<&'static str> {
        vec![
            "430100-0100001",
            "食品经营许可",
            "开饭店、开餐馆",
            "行政许可",
            "长沙市市场监督管理局",
            "430100",
            "《中华人民共和国食品安全法》第三十五条、第三十六条；《食品经营许可管理办法》",
            "20",
            "工作日",
            "10",
            "1",
            "窗口、网上",
            "营业执照|必要|复印件；健康证明、培训证明|必要|原件|容缺",
            "0",
            "",
            "",
            "",
            "开办餐饮店",
            "是",
            "premises=经营场所|必填|文本；business_type=主体业态|必填|单选|食品销售经营者/餐饮服务经营者",
        ]
    }

    #[test]
    fn the_form_column_declares_the_items_fields_and_may_be_absent() {
        let got = items(&[row(1, &headings()), row(2, &licence())], &departments())
            .expect("read")
            .expect("valid");
        let form = &got[0].form;
        assert_eq!(form.len(), 2);
        assert_eq!(form[1].label, "主体业态");
        assert_eq!(form[1].options, ["食品销售经营者", "餐饮服务经营者"]);
        // A list kept before the column existed reads as items without it.
        let mut heads = headings();
        heads.pop();
        let mut old = licence();
        old.pop();
        let got = items(&[row(1, &heads), row(2, &old)], &departments())
            .expect("read")
            .expect("valid");
        assert!(got[0].form.is_empty());
        // Bad fields are blamed in the column.
        let mut bad = licence();
        bad[19] = "经营场所|必填";
        let mut worse = licence();
        worse[0] = "430100-0100002";
        worse[19] = "phone=电话|必填|电话；kind=业态|必填|单选|只有一项";
        let errors = items(
            &[row(1, &headings()), row(2, &bad), row(3, &worse)],
            &departments(),
        )
        .expect("read")
        .expect_err("bad");
        let at: Vec<(usize, &str)> = errors.iter().map(|e| (e.line, e.column.as_str())).collect();
        assert_eq!(
            at,
            [(2, "申请表"), (3, "申请表"), (3, "申请表")],
            "{errors:?}"
        );
    }

    #[test]
    fn the_commitment_column_reads_yes_or_no() {
        let rows = [row(1, &headings()), row(2, &licence())];
        let got = items(&rows, &departments()).expect("read").expect("valid");
        assert!(got[0].commitment_allowed);
        let mut no = licence();
        no[18] = "否";
        let got = items(&[row(1, &headings()), row(2, &no)], &departments())
            .expect("read")
            .expect("valid");
        assert!(!got[0].commitment_allowed);
        let mut bad = licence();
        bad[18] = "也许";
        let mut penalty = licence();
        penalty[0] = "430100-0200001";
        penalty[3] = "行政处罚";
        let rows = [row(1, &headings()), row(2, &bad), row(3, &penalty)];
        let errors = items(&rows, &departments())
            .expect("read")
            .expect_err("bad");
        let at: Vec<(usize, &str)> = errors.iter().map(|e| (e.line, e.column.as_str())).collect();
        assert_eq!(at, [(2, "告知承诺"), (3, "告知承诺")], "{errors:?}");
    }

    #[test]
    fn every_column_has_a_note_and_cells_match_the_columns() {
        for c in &COLUMNS {
            assert!(!c.note().is_empty(), "{} has no note", c.heading);
        }
        let item = ItemInput {
            department_id: 7,
            ..items(&[row(1, &headings()), row(2, &licence())], &departments())
                .ok()
                .and_then(Result::ok)
                .and_then(|v| v.into_iter().next())
                .map(|i| ItemInput::from(&i))
                .expect("the licence reads")
        }
        .parse()
        .expect("item");
        let cells = cells(&item, "长沙市市场监督管理局");
        for (cell, column) in cells.iter().zip(&COLUMNS) {
            if matches!(cell, Cell::Number(_)) {
                assert!(column.number, "{} holds a number", column.heading);
            }
        }
        let text: Vec<Cow<str>> = cells.iter().map(Cell::as_text).collect();
        assert_eq!(text, licence());
    }

    #[test]
    fn columns_are_found_by_heading_below_a_title_in_any_order() {
        let mut heads = headings();
        heads.reverse();
        heads[6] = " 收费（分） ";
        heads.push("备注");
        let mut cells = licence();
        cells.reverse();
        cells.push("市局核定");
        let rows = [
            row(1, &["长沙市权力清单"]),
            row(3, &heads),
            row(4, &cells),
            row(5, &["", " "]),
        ];
        let items = items(&rows, &departments())
            .expect("headings found")
            .expect("no bad rows");
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].materials.len(), 2);
        assert_eq!(items[0].materials[1].name, "健康证明、培训证明");
        assert!(items[0].materials[1].may_defer);
        assert_eq!(items[0].legal_basis.len(), 2);
        assert_eq!(
            items[0].legal_basis[0].article.as_deref(),
            Some("第三十五条、第三十六条")
        );
    }

    #[test]
    fn a_missing_or_doubled_heading_is_named() {
        let mut heads = headings();
        heads[2] = "别名";
        heads[17] = "事项名称";
        let err = items(&[row(1, &heads)], &departments()).expect_err("refused");
        let AppError::Invalid(inv) = err else {
            panic!("{err:?}")
        };
        let said: Vec<&str> = inv.0.iter().map(|e| e.reason.as_str()).collect();
        assert!(
            said.iter().any(|r| r.contains("表头“事项名称”出现了2次")),
            "{said:?}"
        );
        assert!(said.iter().any(|r| r.contains("俗称、全链条")), "{said:?}");
        assert!(items(&[row(1, &["名称"])], &departments()).is_err());
    }

    #[test]
    fn each_bad_cell_is_blamed_once_in_its_column() {
        let mut bad = licence();
        bad[4] = "不存在的局";
        bad[10] = "1.5";
        bad[12] = "营业执照|必要|传真件";
        let mut twice = licence();
        twice[1] = "食品经营许可（重复）";
        let rows = [
            row(1, &headings()),
            row(2, &bad),
            row(3, &licence()),
            row(4, &twice),
        ];
        let errors = items(&rows, &departments())
            .expect("headings found")
            .expect_err("rejected");
        let at: Vec<(usize, &str)> = errors.iter().map(|e| (e.line, e.column.as_str())).collect();
        assert_eq!(
            at,
            [
                (2, "实施部门"),
                (2, "申请材料"),
                (2, "到现场次数"),
                (4, "事项编码")
            ],
            "{errors:?}"
        );
        assert!(errors[3].reason.contains("与第3行重复"), "{errors:?}");
    }

    #[test]
    fn numbers_typed_as_decimals_are_whole_numbers() {
        assert_eq!(whole_number("3"), Some(3));
        assert_eq!(whole_number("3.0"), Some(3));
        assert_eq!(whole_number("2.5"), None);
        assert_eq!(whole_number("inf"), None);
        assert_eq!(whole_number("三"), None);
    }

    #[test]
    fn the_extension_says_the_format() {
        assert_eq!(Format::of_path(Path::new("清单.XLSX")), Some(Format::Xlsx));
        assert_eq!(Format::of_path(Path::new("a/list.csv")), Some(Format::Csv));
        assert_eq!(Format::of_path(Path::new("list.xls")), None);
        assert_eq!(Format::of_path(Path::new("list")), None);
    }
}
