//! Hunan's 137 divisions from the reference data (`data/hunan_divisions.csv`):
//! the province, 14 prefecture-level divisions (市/州) and 122 county-level ones.

use bianli_domain::division::{Division, DivisionCode, Level};

const CSV: &str = include_str!("../../../data/hunan_divisions.csv");

/// Every division in the file's order: the province, the cities, then the counties.
/// The parent is the file's `parent_code`, the source of truth for the tree.
pub(crate) fn load() -> Vec<Division> {
    CSV.lines()
        .skip(1)
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|line| {
            let f: Vec<&str> = line.split(',').map(str::trim).collect();
            assert_eq!(
                f.len(),
                4,
                "embedded data: hunan_divisions.csv has 4 columns: {line}"
            );
            let code = DivisionCode::parse(f[0]).expect("embedded data: a division code");
            let level = Level::parse(f[2]).expect("embedded data: a division level");
            let parent = (!f[3].is_empty())
                .then(|| DivisionCode::parse(f[3]).expect("embedded data: a parent code"));
            Division {
                code,
                name: f[1].to_string(),
                level,
                parent,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunan_has_one_province_14_cities_122_counties() {
        let d = load();
        let count = |l: Level| d.iter().filter(|x| x.level == l).count();
        assert_eq!(d.len(), 137);
        assert_eq!(count(Level::Province), 1);
        assert_eq!(count(Level::City), 14);
        assert_eq!(count(Level::County), 122);
        for x in &d {
            assert_eq!(x.code.level(), x.level, "{}", x.name);
            match x.level {
                Level::Province => assert!(x.parent.is_none()),
                Level::City => assert_eq!(x.parent.as_ref().map(|p| p.as_str()), Some("430000")),
                Level::County => {
                    let p = x.parent.as_ref().expect("a county has a parent");
                    assert!(d.iter().any(|c| &c.code == p && c.level == Level::City));
                }
            }
        }
    }
}
