//! Decrees (决定) and the adjustments (调整) they make to the power list.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Item, ItemCode};
use crate::Invalid;

/// A document number (文号) such as `湘政发〔2017〕8号`: issuer's abbreviation,
/// the year in 〔〕 and a serial followed by 号. Square brackets, the most common
/// typing substitute, are normalised to 〔〕.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DecreeNumber(String);

impl DecreeNumber {
    pub fn parse(s: &str) -> Result<Self, Invalid> {
        let s = s
            .trim()
            .replace(['[', '［'], "〔")
            .replace([']', '］'], "〕");
        let err = || {
            Invalid::one(
                "number",
                format!("“{s}”不是有效的文号，应形如湘政发〔2017〕8号"),
            )
        };
        let (prefix, rest) = s.split_once('〔').ok_or_else(err)?;
        let (year, serial) = rest.split_once('〕').ok_or_else(err)?;
        let serial = serial.strip_suffix('号').ok_or_else(err)?;
        let year_ok = year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit());
        let serial_ok = !serial.is_empty() && serial.bytes().all(|b| b.is_ascii_digit());
        if prefix.trim().is_empty() || !year_ok || !serial_ok {
            return Err(err());
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for DecreeNumber {
    type Error = Invalid;
    fn try_from(s: String) -> Result<Self, Invalid> {
        Self::parse(&s)
    }
}

impl From<DecreeNumber> for String {
    fn from(n: DecreeNumber) -> String {
        n.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DecreeStatus {
    Draft,
    Applied,
}

impl DecreeStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DecreeStatus::Draft => "draft",
            DecreeStatus::Applied => "applied",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decree {
    pub id: i64,
    pub number: DecreeNumber,
    pub title: String,
    pub issued_on: NaiveDate,
    pub effective_on: NaiveDate,
    pub status: DecreeStatus,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DecreeInput {
    pub number: String,
    pub title: String,
    pub issued_on: String,
    pub effective_on: String,
}

/// A decree's header, validated, before it has an id.
#[derive(Debug, Clone, PartialEq)]
pub struct NewDecree {
    pub number: DecreeNumber,
    pub title: String,
    pub issued_on: NaiveDate,
    pub effective_on: NaiveDate,
}

impl DecreeInput {
    pub fn parse(self) -> Result<NewDecree, Invalid> {
        let mut inv = Invalid::default();
        let number = inv.take("", DecreeNumber::parse(&self.number));
        let title = self.title.trim().to_string();
        if !(4..=200).contains(&title.chars().count()) {
            inv.push("title", "文件标题应为4至200个字");
        }
        let date = |inv: &mut Invalid, field: &str, s: &str| {
            NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
                .map_err(|_| inv.push(field, format!("“{s}”不是有效日期，格式应为YYYY-MM-DD")))
                .ok()
        };
        let issued_on = date(&mut inv, "issued_on", &self.issued_on);
        let effective_on = date(&mut inv, "effective_on", &self.effective_on);
        if let (Some(i), Some(e)) = (issued_on, effective_on)
            && e < i
        {
            inv.push("effective_on", "生效日期不能早于发文日期");
        }
        match (number, issued_on, effective_on) {
            (Some(number), Some(issued_on), Some(effective_on)) if inv.0.is_empty() => {
                Ok(NewDecree {
                    number,
                    title,
                    issued_on,
                    effective_on,
                })
            }
            _ => Err(inv),
        }
    }
}

/// The kinds of adjustment the reform made to the power list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdjustmentKind {
    Add,
    Cancel,
    Delegate,
    Merge,
    PreToPost,
    Modify,
}

impl AdjustmentKind {
    pub const ALL: [AdjustmentKind; 6] = [
        AdjustmentKind::Add,
        AdjustmentKind::Cancel,
        AdjustmentKind::Delegate,
        AdjustmentKind::Merge,
        AdjustmentKind::PreToPost,
        AdjustmentKind::Modify,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AdjustmentKind::Add => "add",
            AdjustmentKind::Cancel => "cancel",
            AdjustmentKind::Delegate => "delegate",
            AdjustmentKind::Merge => "merge",
            AdjustmentKind::PreToPost => "pre_to_post",
            AdjustmentKind::Modify => "modify",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            AdjustmentKind::Add => "新增",
            AdjustmentKind::Cancel => "取消",
            AdjustmentKind::Delegate => "下放",
            AdjustmentKind::Merge => "合并",
            AdjustmentKind::PreToPost => "前置改后置",
            AdjustmentKind::Modify => "修改",
        }
    }

    pub fn parse(s: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s || k.zh() == s)
            .ok_or_else(|| {
                Invalid::one(
                    "kind",
                    format!(
                        "“{s}”不是有效的调整类型，应为新增、取消、下放、合并、前置改后置或修改"
                    ),
                )
            })
    }
}

/// One adjustment of a decree. Applying it is [`super::plan`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Adjustment {
    /// 新增: a new item.
    Add { item: Item },
    /// 取消: the item stops.
    Cancel { code: ItemCode },
    /// 下放: the item stops here and starts at every division one level down,
    /// with the counterpart department there.
    Delegate { code: ItemCode },
    /// 合并: several items stop and one (new or one of them, revised) stands.
    Merge { codes: Vec<ItemCode>, into: Item },
    /// 前置改后置: a prerequisite becomes a post-approval link.
    PreToPost {
        code: ItemCode,
        prerequisite: String,
    },
    /// 修改: new elements for an item in force.
    Modify { item: Item },
}

impl Adjustment {
    pub fn kind(&self) -> AdjustmentKind {
        match self {
            Adjustment::Add { .. } => AdjustmentKind::Add,
            Adjustment::Cancel { .. } => AdjustmentKind::Cancel,
            Adjustment::Delegate { .. } => AdjustmentKind::Delegate,
            Adjustment::Merge { .. } => AdjustmentKind::Merge,
            Adjustment::PreToPost { .. } => AdjustmentKind::PreToPost,
            Adjustment::Modify { .. } => AdjustmentKind::Modify,
        }
    }

    /// The codes in force that this adjustment reads or ends.
    pub fn codes(&self) -> Vec<ItemCode> {
        match self {
            Adjustment::Add { item } => vec![item.code.clone()],
            Adjustment::Cancel { code }
            | Adjustment::Delegate { code }
            | Adjustment::PreToPost { code, .. } => vec![code.clone()],
            Adjustment::Merge { codes, into } => {
                let mut v = codes.clone();
                v.push(into.code.clone());
                v
            }
            Adjustment::Modify { item } => vec![item.code.clone()],
        }
    }

    /// The departments whose items it touches (for authorisation).
    pub fn items(&self) -> Vec<&Item> {
        match self {
            Adjustment::Add { item } | Adjustment::Modify { item } => vec![item],
            Adjustment::Merge { into, .. } => vec![into],
            _ => vec![],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decree_numbers() {
        assert_eq!(
            DecreeNumber::parse("湘政发[2017]8号").unwrap().as_str(),
            "湘政发〔2017〕8号"
        );
        for bad in [
            "",
            "湘政发2017 8号",
            "〔2017〕8号",
            "湘政发〔17〕8号",
            "湘政发〔2017〕号",
        ] {
            assert_eq!(
                DecreeNumber::parse(bad).unwrap_err().0[0].field,
                "number",
                "{bad}"
            );
        }
    }

    #[test]
    fn decree_dates() {
        let d = DecreeInput {
            number: "湘政发〔2017〕8号".into(),
            title: "关于取消和调整一批行政权力事项的决定".into(),
            issued_on: "2017-04-10".into(),
            effective_on: "2017-04-09".into(),
        };
        let e = d.parse().unwrap_err();
        assert_eq!(e.0[0].field, "effective_on");
    }

    #[test]
    fn adjustment_kinds_round_trip() {
        for k in AdjustmentKind::ALL {
            assert_eq!(AdjustmentKind::parse(k.as_str()).unwrap(), k);
            assert_eq!(AdjustmentKind::parse(k.zh()).unwrap(), k);
        }
    }
}
