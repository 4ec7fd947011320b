//! What the demo's applicants write on an item's application form: a
//! plausible value for every field, varied by applicant, so licences and
//! case pages show forms as people fill them in (and the submit use case
//! checks them like any other).

use std::collections::BTreeMap;

use bianli_domain::catalog::{CHOICE_SEP, FieldKind, FormField, Item};
use chrono::NaiveDate;

const STREETS: [&str; 6] = [
    "芙蓉区五一大道",
    "天心区书院路",
    "岳麓区麓山南路",
    "开福区湘江中路",
    "雨花区韶山北路",
    "望城区雷锋大道",
];
const NAMES: [&str; 4] = ["王丽", "李强", "张敏", "刘洋"];

/// The form of applicant `n` applying on `day`: every required field and
/// about half of the optional ones.
pub fn fill(item: &Item, n: usize, day: NaiveDate) -> BTreeMap<String, String> {
    let address = format!(
        "湖南省长沙市{}{}号",
        STREETS[n % STREETS.len()],
        n % 300 + 1
    );
    let mut form = BTreeMap::from([
        ("phone".to_string(), format!("138{:08}", n % 100_000_000)),
        ("address".to_string(), address.clone()),
    ]);
    for (i, f) in item.form.iter().enumerate() {
        if !f.required && (n + i).is_multiple_of(2) {
            continue;
        }
        form.insert(f.key.to_string(), value(f, n + i, day, &address));
    }
    form
}

fn value(f: &FormField, n: usize, day: NaiveDate, address: &str) -> String {
    match f.kind {
        FieldKind::Text if f.label.contains("姓名") || f.label.contains("负责人") => {
            NAMES[n % NAMES.len()].to_string()
        }
        FieldKind::Text => address.to_string(),
        FieldKind::LongText => format!("{}：见申请材料", f.label),
        FieldKind::Choice => f.options[n % f.options.len()].clone(),
        FieldKind::MultiChoice => {
            let first = n % f.options.len();
            let second = (n / 2 + 1) % f.options.len();
            let mut chosen = vec![f.options[first].clone()];
            if second != first {
                chosen.push(f.options[second].clone());
            }
            chosen.join(&CHOICE_SEP.to_string())
        }
        FieldKind::Date => (day + chrono::Days::new(30)).to_string(),
        FieldKind::Number => (20 + n % 480).to_string(),
        FieldKind::Phone => format!("0731-8{:07}", n % 10_000_000),
    }
}
