//! What a caller hands over: plain data, no knowledge of cases or items.

use chrono::{Datelike, NaiveDate};

/// How the page is set up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// A4 portrait: receipts, 受理通知书, 不予受理决定书, 补正告知书, 决定书.
    /// The signature block follows the text.
    Notice,
    /// A4 landscape with a border and a large title: e-certificates such as
    /// 食品经营许可证. The signature block sits at the foot of the page.
    Licence,
}

/// One official document, ready to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub kind: Layout,
    /// 受理通知书, 食品经营许可证 …
    pub title: String,
    /// The document, certificate or case number line, printed as given
    /// (e.g. `编号：JY13101010000001`); may be empty.
    pub number: String,
    /// `张三：` on notices; `None` on licences.
    pub addressee: Option<String>,
    /// Body text. Each entry is a paragraph, first line indented two
    /// characters; a `\n` inside forces a line break.
    pub paragraphs: Vec<String>,
    /// A label/value table (持证主体, 有效期至, 材料清单 …). Values wrap;
    /// a `\n` in a value forces a line break.
    pub fields: Vec<(String, String)>,
    /// The issuing department, printed bottom right.
    pub issuer: String,
    /// Printed under the issuer as 2026年11月26日; also the PDF's creation
    /// date, so the same document always gives the same bytes.
    pub date: NaiveDate,
    /// Encoded in the QR code and printed under it.
    pub verify_url: String,
}

/// The date as official papers write it: 2026年11月26日, no leading zeros.
pub fn chinese_date(date: NaiveDate) -> String {
    format!("{}年{}月{}日", date.year(), date.month(), date.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_without_leading_zeros() {
        let date = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
        assert_eq!(chinese_date(date), "2026年1月5日");
        let date = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        assert_eq!(chinese_date(date), "2026年11月26日");
    }
}
