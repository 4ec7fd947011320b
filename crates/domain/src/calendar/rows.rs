//! The file's rows (`date,kind,name,name_zh`) as the State Council's notices
//! give them, checked all at once: a bad file is rejected whole, with every
//! bad row named by line and column, so nothing half-loaded ever counts
//! deadlines.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate, Weekday};

use super::{DayKind, SpecialDay};
use crate::Invalid;

/// The file's columns, in order, as its heading names them.
pub const COLUMNS: [&str; 4] = ["date", "kind", "name", "name_zh"];

/// Dates every year's notice names as holidays (元旦 and 国庆节 are in every
/// year's schedule): a year listed without them is a file cut short, and
/// loading it would replace a whole year with a part of it.
const EVERY_YEAR: [(u32, u32, &str); 2] = [(1, 1, "元旦"), (10, 1, "国庆节")];

/// Reads the records of a file, heading first, each with the line it starts
/// on. A year counts as covered by the file when at least one row falls in it.
pub fn parse_rows(records: &[(usize, Vec<String>)]) -> Result<Vec<SpecialDay>, Invalid> {
    let mut inv = Invalid::default();
    let Some(((head_line, heading), rows)) = records.split_first() else {
        return Err(Invalid::one("file", "文件为空"));
    };
    let names: Vec<&str> = heading
        .iter()
        .map(|c| c.trim().trim_start_matches('\u{feff}'))
        .collect();
    if names != COLUMNS {
        return Err(Invalid::one(
            format!("line {head_line}"),
            format!(
                "表头应为“{}”，而不是“{}”",
                COLUMNS.join(","),
                names.join(",")
            ),
        ));
    }
    let mut days = Vec::new();
    let mut seen: HashMap<NaiveDate, (usize, DayKind)> = HashMap::new();
    for (line, cells) in rows {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if let Some(day) = row(*line, cells, &mut inv) {
            match seen.get(&day.date) {
                Some((first, kind)) if *kind == day.kind => inv.push(
                    format!("line {line}: date"),
                    format!("{}重复列出（首次出现在第{first}行）", day.date),
                ),
                Some((first, kind)) => inv.push(
                    format!("line {line}: kind"),
                    format!(
                        "{}在第{first}行已列为{}；同一天不能既是节假日又是调休上班日",
                        day.date,
                        kind.zh()
                    ),
                ),
                None => {
                    seen.insert(day.date, (*line, day.kind));
                    days.push(day);
                }
            }
        }
    }
    if days.is_empty() && inv.0.is_empty() {
        inv.push("file", "文件只有表头，没有数据行");
    }
    for year in years_of(&days) {
        for (month, day, name) in EVERY_YEAR {
            let listed = NaiveDate::from_ymd_opt(year, month, day)
                .and_then(|d| seen.get(&d))
                .is_some_and(|(_, k)| *k == DayKind::Holiday);
            if !listed {
                inv.push(
                    format!("year {year}"),
                    format!(
                        "{year}年的数据不完整：文件中{year}-{month:02}-{day:02}（{name}）不是节假日；\
                         文件会整体替换其中各年份的数据，请列出{year}年的全部行"
                    ),
                );
            }
        }
    }
    inv.into_result(|| days)
}

/// The years a set of rows covers.
pub fn years_of(days: &[SpecialDay]) -> BTreeSet<i32> {
    days.iter().map(|d| d.date.year()).collect()
}

fn row(line: usize, cells: &[String], inv: &mut Invalid) -> Option<SpecialDay> {
    if cells.len() != COLUMNS.len() {
        inv.push(
            format!("line {line}"),
            format!(
                "本行有{}列，应为{}列（{}）",
                cells.len(),
                COLUMNS.len(),
                COLUMNS.join(",")
            ),
        );
        return None;
    }
    let at = |column: &str| format!("line {line}: {column}");
    let text = |i: usize| cells[i].trim();
    let date = match NaiveDate::parse_from_str(text(0), "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            inv.push(
                at("date"),
                format!("“{}”不是有效日期，格式应为YYYY-MM-DD", text(0)),
            );
            None
        }
    };
    let kind = match DayKind::parse(text(1)) {
        Ok(k) => Some(k),
        Err(e) => {
            let reason = e.0.into_iter().map(|f| f.reason).collect::<Vec<_>>();
            inv.push(at("kind"), reason.join("; "));
            None
        }
    };
    let mut names = BTreeMap::new();
    for (i, column) in [(2, "name"), (3, "name_zh")] {
        if text(i).is_empty() {
            inv.push(at(column), "不能为空，请填写节日名称");
        } else {
            names.insert(column, text(i).to_string());
        }
    }
    let (date, kind) = (date?, kind?);
    if kind == DayKind::Workday && !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
        inv.push(
            at("kind"),
            format!(
                "{date}是{}；调休上班日只能是星期六或星期日",
                [
                    "星期一",
                    "星期二",
                    "星期三",
                    "星期四",
                    "星期五",
                    "星期六",
                    "星期日"
                ][date.weekday().num_days_from_monday() as usize]
            ),
        );
        return None;
    }
    Some(SpecialDay {
        date,
        kind,
        name: names.remove("name")?,
        name_zh: names.remove("name_zh")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &str) -> Vec<(usize, Vec<String>)> {
        text.lines()
            .enumerate()
            .map(|(i, l)| (i + 1, l.split(',').map(str::to_string).collect()))
            .collect()
    }

    fn fields(e: Invalid) -> Vec<String> {
        e.0.into_iter().map(|f| f.field).collect()
    }

    const YEAR_2027: &str = "date,kind,name,name_zh\n\
        2027-01-01,holiday,New Year's Day,元旦\n\
        2027-10-01,holiday,National Day,国庆节\n";

    #[test]
    fn the_bundled_file_parses() {
        let days = parse_rows(&records(include_str!("../../../../data/cn_holidays.csv")))
            .expect("the bundled file");
        assert_eq!(years_of(&days), (2004..=2026).collect());
        assert!(days.len() > 700);
    }

    #[test]
    fn a_complete_year_parses() {
        let days = parse_rows(&records(YEAR_2027)).expect("parses");
        assert_eq!(days.len(), 2);
        assert_eq!(days[0].kind, DayKind::Holiday);
        assert_eq!(days[1].name_zh, "国庆节");
    }

    #[test]
    fn every_bad_row_is_named_by_line_and_column() {
        let text = format!(
            "{YEAR_2027}2027-02-30,holiday,Spring Festival,春节\n\
             2027-02-06,off,Spring Festival,春节\n\
             2027-02-08,workday,Spring Festival,春节\n\
             2027-01-01,holiday,New Year's Day,元旦\n\
             2027-10-01,workday,National Day,国庆节\n\
             2027-02-07,holiday,,春节\n\
             2027-02-09,holiday\n"
        );
        let e = parse_rows(&records(&text)).expect_err("bad rows");
        assert_eq!(
            fields(e),
            [
                "line 4: date",
                "line 5: kind",
                "line 6: kind",
                "line 7: date",
                "line 8: kind",
                "line 9: name",
                "line 10"
            ]
        );
    }

    #[test]
    fn a_year_partly_listed_is_refused() {
        let text = "date,kind,name,name_zh\n2027-02-06,holiday,Spring Festival,春节\n";
        let e = parse_rows(&records(text)).expect_err("partial year");
        assert_eq!(fields(e), ["year 2027", "year 2027"]);
    }

    #[test]
    fn a_wrong_heading_or_an_empty_file_is_refused() {
        assert_eq!(
            fields(parse_rows(&records("day,kind,name,name_zh\n")).expect_err("heading")),
            ["line 1"]
        );
        assert_eq!(fields(parse_rows(&[]).expect_err("empty")), ["file"]);
        assert_eq!(
            fields(parse_rows(&records("date,kind,name,name_zh\n")).expect_err("no rows")),
            ["file"]
        );
    }
}
