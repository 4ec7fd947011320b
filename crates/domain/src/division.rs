//! GB/T 2260 administrative divisions and the three levels at which Hunan's powers
//! are exercised.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Invalid;

/// Province, prefecture-level city, or county-level division.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Province,
    City,
    County,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::Province, Level::City, Level::County];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Province => "province",
            Level::City => "city",
            Level::County => "county",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Level::Province => "省级",
            Level::City => "市级",
            Level::County => "县级",
        }
    }

    /// The level a power goes to when it is delegated (下放); a county has none.
    pub fn below(self) -> Option<Level> {
        match self {
            Level::Province => Some(Level::City),
            Level::City => Some(Level::County),
            Level::County => None,
        }
    }

    /// Accepts the API name (`city`), the Chinese name (`市级`, `市`) and the
    /// reference data's `prefecture`.
    pub fn parse(s: &str) -> Result<Level, Invalid> {
        match s.trim() {
            "province" | "省级" | "省" => Ok(Level::Province),
            "city" | "prefecture" | "市级" | "市" => Ok(Level::City),
            "county" | "县级" | "县" => Ok(Level::County),
            other => Err(Invalid::one(
                "level",
                format!("层级“{other}”无法识别，应为省级、市级或县级（province/city/county）"),
            )),
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A six-digit GB/T 2260 division code. The level follows from the digits:
/// `xx0000` is a province, `xxxx00` a prefecture-level city, anything else a county.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DivisionCode(String);

impl DivisionCode {
    pub fn parse(s: &str) -> Result<Self, Invalid> {
        let s = s.trim();
        if s.len() != 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Invalid::one(
                "division",
                format!("“{s}”不是有效的行政区划代码（GB/T 2260），应为6位数字，如430100"),
            ));
        }
        if &s[0..2] == "00" {
            return Err(Invalid::one("division", "行政区划代码不能以00开头"));
        }
        Ok(Self(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn level(&self) -> Level {
        if &self.0[2..] == "0000" {
            Level::Province
        } else if &self.0[4..] == "00" {
            Level::City
        } else {
            Level::County
        }
    }

    /// The code of the division directly above, following the digits. Counties
    /// directly administered by the province (省直辖) have no prefecture code of
    /// their own; the reference data's `parent_code` is the source of truth there.
    pub fn parent(&self) -> Option<DivisionCode> {
        match self.level() {
            Level::Province => None,
            Level::City => Some(Self(format!("{}0000", &self.0[0..2]))),
            Level::County => Some(Self(format!("{}00", &self.0[0..4]))),
        }
    }
}

impl fmt::Display for DivisionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for DivisionCode {
    type Error = Invalid;
    fn try_from(s: String) -> Result<Self, Invalid> {
        Self::parse(&s)
    }
}

impl From<DivisionCode> for String {
    fn from(d: DivisionCode) -> String {
        d.0
    }
}

/// One division of the reference data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Division {
    pub code: DivisionCode,
    pub name: String,
    pub level: Level,
    pub parent: Option<DivisionCode>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_follows_the_digits() {
        assert_eq!(
            DivisionCode::parse("430000").unwrap().level(),
            Level::Province
        );
        assert_eq!(DivisionCode::parse("430100").unwrap().level(), Level::City);
        assert_eq!(
            DivisionCode::parse("430102").unwrap().level(),
            Level::County
        );
        assert_eq!(
            DivisionCode::parse("430102")
                .unwrap()
                .parent()
                .unwrap()
                .as_str(),
            "430100"
        );
    }

    #[test]
    fn rejects_non_codes() {
        for bad in ["", "43010", "4301000", "43a100", "001000"] {
            let e = DivisionCode::parse(bad).unwrap_err();
            assert_eq!(e.0[0].field, "division", "{bad}");
        }
    }

    #[test]
    fn level_names() {
        assert_eq!(Level::parse("prefecture").unwrap(), Level::City);
        assert_eq!(Level::parse("县级").unwrap(), Level::County);
        assert!(Level::parse("village").is_err());
        assert_eq!(Level::Province.below(), Some(Level::City));
        assert_eq!(Level::County.below(), None);
    }
}
