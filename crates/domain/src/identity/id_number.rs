use std::fmt;

use serde::Serialize;

use crate::Invalid;

/// A resident ID number (公民身份号码) per GB 11643-1999: six digits of division,
/// eight of birth date, three of sequence, and a check character (0-9 or X).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdNumber(String);

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: &[u8; 11] = b"10X98765432";

impl IdNumber {
    pub fn parse(s: &str) -> Result<Self, Invalid> {
        let s = s.trim().to_ascii_uppercase();
        let err = |why: &str| Invalid::one("id_number", why.to_string());
        if s.len() != 18 {
            return Err(err("居民身份证号码应为18位"));
        }
        let b = s.as_bytes();
        if !b[..17].iter().all(u8::is_ascii_digit) {
            return Err(err("身份证号码前17位应为数字"));
        }
        let (y, m, d) = (&s[6..10], &s[10..12], &s[12..14]);
        let birth = format!("{y}-{m}-{d}");
        if chrono::NaiveDate::parse_from_str(&birth, "%Y-%m-%d").is_err() || y < "1850" {
            return Err(err("身份证号码第7至14位不是有效的出生日期"));
        }
        if b[17] != Self::check_char(&s[..17]) {
            return Err(err("身份证号码校验位（第18位）不正确，请检查是否输错"));
        }
        Ok(Self(s))
    }

    /// The GB 11643 check character of the first 17 digits.
    pub fn check_char(first17: &str) -> u8 {
        let sum: u32 = first17
            .bytes()
            .zip(WEIGHTS)
            .map(|(c, w)| u32::from(c - b'0') * w)
            .sum();
        CHECK[(sum % 11) as usize]
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form everyone but the owner sees: division and last four kept.
    pub fn masked(&self) -> String {
        format!("{}********{}", &self.0[..6], &self.0[14..])
    }
}

/// Debug prints the masked form so an ID number never lands in a log in clear.
impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

impl Serialize for IdNumber {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_check(first17: &str) -> String {
        format!("{first17}{}", IdNumber::check_char(first17) as char)
    }

    #[test]
    fn accepts_a_valid_number_and_x() {
        // 11010519491231002X is the standard's own worked example.
        let n = IdNumber::parse("11010519491231002x").unwrap();
        assert_eq!(n.as_str(), "11010519491231002X");
        let n = IdNumber::parse(&with_check("43010519900307123")).unwrap();
        assert_eq!(n.masked(), format!("430105********{}", &n.as_str()[14..]));
    }

    #[test]
    fn rejects_wrong_check_length_and_date() {
        let good = with_check("43010519900307123");
        let last = good.as_bytes()[17];
        let wrong = if last == b'0' { '1' } else { '0' };
        let bad = format!("{}{wrong}", &good[..17]);
        assert!(
            IdNumber::parse(&bad)
                .unwrap_err()
                .to_string()
                .contains("校验位")
        );
        assert!(IdNumber::parse("4301051990030712").is_err());
        assert!(IdNumber::parse(&with_check("43010519901307123")).is_err());
        assert!(IdNumber::parse("4301051990030712A3").is_err());
        assert_eq!(IdNumber::parse("x").unwrap_err().0[0].field, "id_number");
    }

    #[test]
    fn debug_and_json_are_masked() {
        let n = IdNumber::parse(&with_check("43010519900307123")).unwrap();
        assert!(!format!("{n:?}").contains("19900307"));
        assert!(!serde_json::to_string(&n).unwrap().contains("19900307"));
    }
}
