//! The identifiers a case is known by in public: its number (readable,
//! sortable, per division) and the verification code that, with the number,
//! opens its status to whoever holds the receipt.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::Invalid;
use crate::division::DivisionCode;

/// `430100-20261126-000123`: the division that handles it, the day it was
/// submitted, and that day's serial in the division. Sorting the text sorts a
/// division's cases by submission; a clerk can read one out over the phone.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CaseNumber(String);

/// Serials are six digits: a county hall takes a few hundred cases a day, the
/// busiest city hall a few thousand.
const MAX_SERIAL: u32 = 999_999;

impl CaseNumber {
    pub fn new(division: &DivisionCode, day: NaiveDate, serial: u32) -> Result<Self, Invalid> {
        if serial == 0 || serial > MAX_SERIAL {
            return Err(Invalid::one(
                "number",
                format!("区划{division}在{day}的{MAX_SERIAL}个办件编号已用完"),
            ));
        }
        Ok(Self(format!(
            "{division}-{}-{serial:06}",
            day.format("%Y%m%d")
        )))
    }

    pub fn parse(s: &str) -> Result<Self, Invalid> {
        let bad = || {
            Invalid::one(
                "number",
                "办件编号格式应为“区划代码-日期-顺序号”，如430100-20261126-000123",
            )
        };
        let s = s.trim();
        let mut parts = s.split('-');
        let (Some(div), Some(day), Some(serial), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        let division = DivisionCode::parse(div).map_err(|_| bad())?;
        if day.len() != 8 || serial.len() != 6 || !serial.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let day = NaiveDate::parse_from_str(day, "%Y%m%d").map_err(|_| bad())?;
        let serial: u32 = serial.parse().map_err(|_| bad())?;
        Self::new(&division, day, serial).map_err(|_| bad())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The division that handles the case.
    pub fn division(&self) -> &str {
        &self.0[..6]
    }
}

impl TryFrom<String> for CaseNumber {
    type Error = Invalid;
    fn try_from(s: String) -> Result<Self, Invalid> {
        Self::parse(&s)
    }
}

impl From<CaseNumber> for String {
    fn from(n: CaseNumber) -> String {
        n.0
    }
}

impl fmt::Display for CaseNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Eight characters from an alphabet without look-alikes (no 0/O, 1/I/L), read
/// off a receipt or said over the hotline. 31^8 ≈ 8.5 × 10^11: with the status
/// query rate-limited, guessing one case's code is out of reach.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct VerificationCode(String);

const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
const CODE_LEN: usize = 8;

impl VerificationCode {
    /// From random bytes the caller drew (the domain has no randomness of
    /// its own). Rejection sampling keeps every character equally likely.
    pub fn from_random(bytes: &[u8]) -> Option<Self> {
        let n = ALPHABET.len() as u8;
        let limit = u8::MAX - (u8::MAX % n) - 1;
        let code: String = bytes
            .iter()
            .filter(|&&b| b <= limit)
            .take(CODE_LEN)
            .map(|&b| char::from(ALPHABET[usize::from(b % n)]))
            .collect();
        (code.len() == CODE_LEN).then_some(Self(code))
    }

    /// Case-insensitive, spaces and dashes ignored: people type what they read.
    pub fn parse(s: &str) -> Result<Self, Invalid> {
        let code: String = s
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if code.len() == CODE_LEN && code.bytes().all(|b| ALPHABET.contains(&b)) {
            Ok(Self(code))
        } else {
            Err(Invalid::one("code", "查询码为回执上的8位字母和数字"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Compares without an early exit, so timing says nothing about how much
    /// of a guess was right.
    pub fn matches(&self, other: &VerificationCode) -> bool {
        let (a, b) = (self.0.as_bytes(), other.0.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

impl TryFrom<String> for VerificationCode {
    type Error = Invalid;
    fn try_from(s: String) -> Result<Self, Invalid> {
        Self::parse(&s)
    }
}

impl From<VerificationCode> for String {
    fn from(c: VerificationCode) -> String {
        c.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn numbers_are_readable_and_sort_by_day_then_serial() {
        let div = DivisionCode::parse("430100").unwrap();
        let a = CaseNumber::new(&div, day("2026-11-26"), 123).unwrap();
        assert_eq!(a.as_str(), "430100-20261126-000123");
        assert_eq!(a.division(), "430100");
        let b = CaseNumber::new(&div, day("2026-11-26"), 1000).unwrap();
        let c = CaseNumber::new(&div, day("2026-11-27"), 1).unwrap();
        assert!(a < b && b < c);
        assert_eq!(CaseNumber::parse(a.as_str()).unwrap(), a);
        assert!(CaseNumber::new(&div, day("2026-11-26"), 0).is_err());
        assert!(CaseNumber::new(&div, day("2026-11-26"), 1_000_000).is_err());
    }

    #[test]
    fn malformed_numbers_name_the_field() {
        for bad in [
            "",
            "430100-20261126",
            "430100-20261326-000001",
            "430100-20261126-00001",
            "430100-20261126-000000",
            "000100-20261126-000001",
            "430100-20261126-000001-1",
            "430100-20261126-00000a",
        ] {
            let e = CaseNumber::parse(bad).unwrap_err();
            assert_eq!(e.0[0].field, "number", "{bad}");
        }
    }

    #[test]
    fn codes_use_the_unambiguous_alphabet() {
        let bytes: Vec<u8> = (0..=255).collect();
        let code = VerificationCode::from_random(&bytes).unwrap();
        assert_eq!(code.as_str().len(), 8);
        assert!(!code.as_str().contains(['0', 'O', '1', 'I', 'L']));
        // Bytes above the rejection limit are skipped, not folded in.
        assert!(VerificationCode::from_random(&[255; 16]).is_none());
        assert!(VerificationCode::from_random(&[1, 2, 3]).is_none());
    }

    #[test]
    fn codes_parse_as_people_type_them() {
        let c = VerificationCode::parse("abcd-efgh").unwrap();
        assert_eq!(c.as_str(), "ABCDEFGH");
        assert!(c.matches(&VerificationCode::parse("ABCD EFGH").unwrap()));
        assert!(!c.matches(&VerificationCode::parse("ABCDEFGJ").unwrap()));
        for bad in [
            "ABCDEFG",
            "ABCDEFGHJ",
            "ABCDEFG0",
            "ABCDEFGI",
            "中文中文中文中文",
        ] {
            assert_eq!(VerificationCode::parse(bad).unwrap_err().0[0].field, "code");
        }
    }
}
