//! The power list as departments keep it in a spreadsheet: one row per item,
//! Chinese column headings. Export writes the list as of a date; import turns
//! a file into one decree (new codes are 新增, existing ones 修改) that applies
//! whole or not at all, and a file with any bad row writes nothing and names
//! every bad row, column and reason.

use std::collections::HashMap;

use bianli_domain::Invalid;
use bianli_domain::catalog::{
    Adjustment, DayCount, DecreeInput, Item, ItemInput, Material, MaterialForm,
};
use bianli_store::{Applied, ItemFilter};
use chrono::NaiveDate;
use serde::Serialize;

use crate::{Actor, App, AppError, Result};

/// The columns, in order: heading and the `ItemInput` field it fills.
pub const COLUMNS: [(&str, &str); 18] = [
    ("事项编码", "code"),
    ("事项名称", "name"),
    ("俗称", "aliases"),
    ("事项类型", "kind"),
    ("实施部门", "department_id"),
    ("行政区划", "division"),
    ("设定依据", "legal_basis"),
    ("法定时限", "statutory_days"),
    ("时限单位", "statutory_unit"),
    ("承诺时限", "promised_days"),
    ("到现场次数", "visits"),
    ("办理渠道", "channels"),
    ("申请材料", "materials"),
    ("收费(分)", "fee_fen"),
    ("收费依据", "fee_basis"),
    ("前置条件", "prerequisites"),
    ("后置事项", "post_links"),
    ("全链条", "chain_group"),
];

/// Lists inside a cell are separated by 、 or ；, as people type them.
const LIST_SEP: [char; 3] = ['、', '；', ';'];

/// One bad cell of an imported file.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RowError {
    /// 1-based line in the file (the heading is line 1).
    pub line: usize,
    pub column: String,
    pub reason: String,
}

#[derive(Debug)]
pub enum ImportOutcome {
    Applied { codes: usize, applied: Applied },
    Rejected(Vec<RowError>),
}

fn join(v: &[String]) -> String {
    v.join("、")
}

fn split(s: &str) -> Vec<String> {
    s.split(LIST_SEP)
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

/// `名称|必要|原件|容缺` per material: the same four things the guide shows.
fn material_cell(m: &Material) -> String {
    let form = match m.form {
        MaterialForm::Original => "原件",
        MaterialForm::Copy => "复印件",
        MaterialForm::OriginalAndCopy => "原件和复印件",
        MaterialForm::Electronic => "电子材料",
    };
    let mut s = format!(
        "{}|{}|{form}",
        m.name,
        if m.required { "必要" } else { "非必要" }
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
        return Err(format!("`{s}`: a material starts with its name"));
    }
    let required = match parts.get(1).copied().unwrap_or("必要") {
        "必要" | "" => true,
        "非必要" => false,
        other => return Err(format!("`{other}` is neither 必要 nor 非必要")),
    };
    let form = match parts.get(2).copied().unwrap_or("原件") {
        "原件" | "" => MaterialForm::Original,
        "复印件" => MaterialForm::Copy,
        "原件和复印件" => MaterialForm::OriginalAndCopy,
        "电子材料" => MaterialForm::Electronic,
        other => {
            return Err(format!(
                "`{other}` is not 原件, 复印件, 原件和复印件 or 电子材料"
            ));
        }
    };
    let may_defer = match parts.get(3).copied() {
        None | Some("") => false,
        Some("容缺") => true,
        Some(other) => return Err(format!("`{other}`: the fourth part is 容缺 or nothing")),
    };
    Ok(Material {
        name: name.to_string(),
        required,
        form,
        may_defer,
    })
}

fn row(item: &Item, department: &str) -> Vec<String> {
    vec![
        item.code.to_string(),
        item.name.clone(),
        join(&item.aliases),
        item.kind.zh().to_string(),
        department.to_string(),
        item.division.to_string(),
        item.legal_basis
            .iter()
            .map(|b| b.citation())
            .collect::<Vec<_>>()
            .join("；"),
        item.statutory_limit
            .map(|l| l.days.to_string())
            .unwrap_or_default(),
        item.statutory_limit
            .map(|l| match l.unit {
                DayCount::Working => "工作日",
                DayCount::Calendar => "自然日",
            })
            .unwrap_or_default()
            .to_string(),
        item.promised_days.to_string(),
        item.visits.to_string(),
        item.channels
            .iter()
            .map(|c| c.zh())
            .collect::<Vec<_>>()
            .join("、"),
        item.materials
            .iter()
            .map(material_cell)
            .collect::<Vec<_>>()
            .join("；"),
        item.fee.fen.to_string(),
        item.fee.basis.clone().unwrap_or_default(),
        join(&item.prerequisites),
        join(&item.post_links),
        item.chain_group.clone().unwrap_or_default(),
    ]
}

impl App {
    /// Writes the list in force on `as_of` (optionally one division) as CSV.
    pub async fn export_csv(
        &self,
        as_of: NaiveDate,
        division: Option<&str>,
        out: &mut dyn std::io::Write,
    ) -> Result<usize> {
        let names = self.department_names().await;
        let mut w = csv::Writer::from_writer(out);
        let io = |e: csv::Error| AppError::Internal(format!("writing CSV: {e}"));
        w.write_record(COLUMNS.iter().map(|c| c.0)).map_err(io)?;
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
                w.write_record(row(&v.item, dept)).map_err(io)?;
                n += 1;
            }
        }
        w.flush()
            .map_err(|e| AppError::Internal(format!("writing CSV: {e}")))?;
        Ok(n)
    }

    /// Reads a CSV in the export's columns and applies it as one decree.
    pub async fn import_csv(
        &self,
        actor: &Actor,
        decree: DecreeInput,
        data: &[u8],
    ) -> Result<ImportOutcome> {
        let departments: HashMap<String, i64> = self
            .departments()
            .await?
            .into_iter()
            .map(|d| (d.name, d.id))
            .collect();
        let mut errors = Vec::new();
        let mut items: Vec<(usize, Item)> = Vec::new();
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(data);
        let headings: Vec<String> = match reader.headers() {
            Ok(h) => h
                .iter()
                .map(|s| s.trim().trim_start_matches('\u{feff}').to_string())
                .collect(),
            Err(e) => return Err(Invalid::one("file", format!("not a CSV file: {e}")).into()),
        };
        let expected: Vec<&str> = COLUMNS.iter().map(|c| c.0).collect();
        if headings != expected {
            return Err(Invalid::one(
                "file",
                format!("the first line must be the headings {}", expected.join(",")),
            )
            .into());
        }
        for (i, rec) in reader.records().enumerate() {
            let line = i + 2;
            let rec = match rec {
                Ok(r) => r,
                Err(e) => {
                    errors.push(RowError {
                        line,
                        column: String::new(),
                        reason: e.to_string(),
                    });
                    continue;
                }
            };
            let cell = |k: usize| rec.get(k).map(str::trim).unwrap_or_default();
            let mut bad = |column: &str, reason: String| {
                errors.push(RowError {
                    line,
                    column: column.to_string(),
                    reason,
                });
            };
            let number = |k: usize, bad: &mut dyn FnMut(&str, String)| -> Option<i64> {
                let s = cell(k);
                if s.is_empty() {
                    return None;
                }
                s.parse::<i64>()
                    .map_err(|_| bad(COLUMNS[k].0, format!("`{s}` is not a whole number")))
                    .ok()
            };
            let department_id = match departments.get(cell(4)) {
                Some(id) => *id,
                None => {
                    bad(
                        COLUMNS[4].0,
                        format!("`{}` is not a department of the list", cell(4)),
                    );
                    0
                }
            };
            let mut materials = Vec::new();
            for m in split(cell(12)) {
                match parse_material(&m) {
                    Ok(m) => materials.push(m),
                    Err(reason) => bad(COLUMNS[12].0, reason),
                }
            }
            let input = ItemInput {
                code: cell(0).to_string(),
                name: cell(1).to_string(),
                aliases: split(cell(2)),
                kind: cell(3).to_string(),
                department_id,
                division: cell(5).to_string(),
                legal_basis: split(cell(6)),
                statutory_days: number(7, &mut bad),
                statutory_unit: Some(cell(8).to_string()).filter(|s| !s.is_empty()),
                promised_days: number(9, &mut bad).unwrap_or(0),
                visits: number(10, &mut bad).unwrap_or(0),
                channels: split(cell(11)),
                materials,
                fee_fen: number(13, &mut bad).unwrap_or(0),
                fee_basis: Some(cell(14).to_string()).filter(|s| !s.is_empty()),
                prerequisites: split(cell(15)),
                post_links: split(cell(16)),
                chain_group: Some(cell(17).to_string()).filter(|s| !s.is_empty()),
            };
            if department_id == 0 {
                continue;
            }
            match input.parse() {
                Ok(item) => items.push((line, item)),
                Err(inv) => {
                    for f in inv.0 {
                        let root = f
                            .field
                            .split(['.', '['])
                            .next()
                            .unwrap_or_default()
                            .to_string();
                        let column = COLUMNS
                            .iter()
                            .find(|c| c.1 == root)
                            .map(|c| c.0.to_string())
                            .unwrap_or(f.field);
                        errors.push(RowError {
                            line,
                            column,
                            reason: f.reason,
                        });
                    }
                }
            }
        }
        let mut seen = HashMap::new();
        for (line, item) in &items {
            if let Some(first) = seen.insert(item.code.to_string(), *line) {
                errors.push(RowError {
                    line: *line,
                    column: COLUMNS[0].0.to_string(),
                    reason: format!("{} is also on line {first}", item.code),
                });
            }
        }
        if items.is_empty() && errors.is_empty() {
            errors.push(RowError {
                line: 1,
                column: String::new(),
                reason: "the file has no items".into(),
            });
        }
        if !errors.is_empty() {
            errors.sort_by_key(|e| e.line);
            return Ok(ImportOutcome::Rejected(errors));
        }
        let codes: Vec<String> = items.iter().map(|(_, i)| i.code.to_string()).collect();
        let existing: std::collections::HashSet<String> = self
            .store
            .items_by_code(&codes, crate::end_of_time())
            .await?
            .into_iter()
            .filter(|v| v.valid_to.is_none())
            .map(|v| v.item.code.to_string())
            .collect();
        let adjustments: Vec<Adjustment> = items
            .into_iter()
            .map(|(_, item)| {
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
