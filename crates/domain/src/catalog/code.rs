//! Item codes. Scheme (documented in docs/architecture.md):
//!
//! `DDDDDD-KKNNNNN` — the implementing division's GB/T 2260 code, a dash, then
//! the 7-digit basic code (基本编码): the kind's two digits (01 行政许可 … 11
//! 公共服务) and a five-digit serial. The basic code names the same power wherever
//! it is exercised, so when a power is delegated (下放) it keeps its basic code and
//! changes only the division part; the full code is unique per division.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::ItemKind;
use crate::Invalid;
use crate::division::DivisionCode;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct BasicCode(String);

impl BasicCode {
    pub fn new(kind: ItemKind, serial: u32) -> Result<Self, Invalid> {
        if serial > 99_999 {
            return Err(Invalid::one("code", "顺序码最多五位数字"));
        }
        Ok(Self(format!("{:02}{serial:05}", kind.number())))
    }

    pub fn parse(s: &str) -> Result<Self, Invalid> {
        let err = || {
            Invalid::one(
                "code",
                format!("“{s}”不是有效的基本编码，应为7位数字（类别2位+顺序码5位）"),
            )
        };
        if s.len() != 7 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err());
        }
        let kind: u8 = s[..2].parse().map_err(|_| err())?;
        if ItemKind::from_number(kind).is_none() {
            return Err(Invalid::one(
                "code",
                format!("“{}”不是有效的事项类别代码（01至11）", &s[..2]),
            ));
        }
        Ok(Self(s.to_string()))
    }

    pub fn kind(&self) -> ItemKind {
        // Parsing guarantees a valid kind number.
        self.0[..2]
            .parse()
            .ok()
            .and_then(ItemKind::from_number)
            .unwrap_or(ItemKind::OtherPower)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for BasicCode {
    type Error = Invalid;
    fn try_from(s: String) -> Result<Self, Invalid> {
        Self::parse(&s)
    }
}

impl From<BasicCode> for String {
    fn from(c: BasicCode) -> String {
        c.0
    }
}

impl fmt::Display for BasicCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ItemCode {
    division: DivisionCode,
    basic: BasicCode,
}

impl ItemCode {
    pub fn new(division: &DivisionCode, basic: &BasicCode) -> Self {
        Self {
            division: division.clone(),
            basic: basic.clone(),
        }
    }

    pub fn parse(s: &str) -> Result<Self, Invalid> {
        let s = s.trim();
        let Some((div, basic)) = s.split_once('-') else {
            return Err(Invalid::one(
                "code",
                format!("“{s}”不是有效的事项编码，格式应为“区划代码-基本编码”，如430100-0100012"),
            ));
        };
        let div = DivisionCode::parse(div).map_err(|e| e.relabel("code"))?;
        let basic = BasicCode::parse(basic)?;
        Ok(Self::new(&div, &basic))
    }

    pub fn division(&self) -> &DivisionCode {
        &self.division
    }

    pub fn basic(&self) -> &BasicCode {
        &self.basic
    }

    /// The same power at another division (where it is delegated to).
    pub fn at(&self, division: &DivisionCode) -> ItemCode {
        Self::new(division, &self.basic)
    }
}

impl TryFrom<String> for ItemCode {
    type Error = Invalid;
    fn try_from(s: String) -> Result<Self, Invalid> {
        Self::parse(&s)
    }
}

impl From<ItemCode> for String {
    fn from(c: ItemCode) -> String {
        c.to_string()
    }
}

impl fmt::Display for ItemCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.division, self.basic)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_splits() {
        let c = ItemCode::parse("430100-0100012").unwrap();
        assert_eq!(c.division().as_str(), "430100");
        assert_eq!(c.basic().kind(), ItemKind::Licensing);
        let county = DivisionCode::parse("430102").unwrap();
        assert_eq!(c.at(&county).to_string(), "430102-0100012");
    }

    #[test]
    fn rejects_malformed_codes() {
        for bad in [
            "",
            "430100",
            "430100-01",
            "430100-1300001",
            "43010-0100012",
            "x-y",
        ] {
            let e = ItemCode::parse(bad).unwrap_err();
            assert_eq!(e.0[0].field, "code", "{bad}");
        }
    }

    #[test]
    fn basic_code_from_kind_and_serial() {
        let b = BasicCode::new(ItemKind::PublicService, 42).unwrap();
        assert_eq!(b.as_str(), "1100042");
        assert!(BasicCode::new(ItemKind::Licensing, 100_000).is_err());
    }
}
