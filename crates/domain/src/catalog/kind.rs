use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Invalid;

/// The eleven kinds of 政务服务事项: ten kinds of administrative power and
/// public services. The two-digit number is the kind's place in item codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum ItemKind {
    Licensing,
    Penalty,
    Coercion,
    Levy,
    Benefit,
    Inspection,
    Confirmation,
    Reward,
    Adjudication,
    OtherPower,
    PublicService,
}

impl ItemKind {
    pub const ALL: [ItemKind; 11] = [
        ItemKind::Licensing,
        ItemKind::Penalty,
        ItemKind::Coercion,
        ItemKind::Levy,
        ItemKind::Benefit,
        ItemKind::Inspection,
        ItemKind::Confirmation,
        ItemKind::Reward,
        ItemKind::Adjudication,
        ItemKind::OtherPower,
        ItemKind::PublicService,
    ];

    pub fn zh(self) -> &'static str {
        match self {
            ItemKind::Licensing => "行政许可",
            ItemKind::Penalty => "行政处罚",
            ItemKind::Coercion => "行政强制",
            ItemKind::Levy => "行政征收",
            ItemKind::Benefit => "行政给付",
            ItemKind::Inspection => "行政检查",
            ItemKind::Confirmation => "行政确认",
            ItemKind::Reward => "行政奖励",
            ItemKind::Adjudication => "行政裁决",
            ItemKind::OtherPower => "其他行政权力",
            ItemKind::PublicService => "公共服务",
        }
    }

    /// The kind's two digits in an item code: 01 for 行政许可 … 11 for 公共服务.
    pub fn number(self) -> u8 {
        Self::ALL.iter().position(|k| *k == self).unwrap_or(0) as u8 + 1
    }

    pub fn from_number(n: u8) -> Option<Self> {
        Self::ALL.get(usize::from(n).checked_sub(1)?).copied()
    }

    pub fn parse(s: &str) -> Result<Self, Invalid> {
        let s = s.trim();
        Self::ALL.into_iter().find(|k| k.zh() == s).ok_or_else(|| {
            let names: Vec<&str> = Self::ALL.iter().map(|k| k.zh()).collect();
            Invalid::one(
                "kind",
                format!("事项类别“{s}”无法识别，应为以下之一：{}", names.join("、")),
            )
        })
    }

    /// Kinds whose own law requires a statutory basis for every instance
    /// (职权法定: 行政许可法 §4, 行政处罚法 §4, 行政强制法 §4, and the levies and
    /// inspections those laws govern). An item of these kinds cannot be listed
    /// without citing its basis.
    pub fn requires_legal_basis(self) -> bool {
        matches!(
            self,
            ItemKind::Licensing
                | ItemKind::Penalty
                | ItemKind::Coercion
                | ItemKind::Levy
                | ItemKind::Inspection
        )
    }
}

impl fmt::Display for ItemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.zh())
    }
}

impl TryFrom<String> for ItemKind {
    type Error = Invalid;
    fn try_from(s: String) -> Result<Self, Invalid> {
        Self::parse(&s)
    }
}

impl From<ItemKind> for String {
    fn from(k: ItemKind) -> String {
        k.zh().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_names_round_trip() {
        for k in ItemKind::ALL {
            assert_eq!(ItemKind::from_number(k.number()), Some(k));
            assert_eq!(ItemKind::parse(k.zh()).unwrap(), k);
        }
        assert_eq!(ItemKind::Licensing.number(), 1);
        assert_eq!(ItemKind::PublicService.number(), 11);
        assert_eq!(ItemKind::from_number(0), None);
        assert_eq!(ItemKind::from_number(12), None);
        assert_eq!(ItemKind::parse("许可").unwrap_err().0[0].field, "kind");
    }
}
