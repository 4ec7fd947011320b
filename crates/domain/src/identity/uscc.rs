use std::fmt;

use serde::Serialize;

use crate::Invalid;

/// A unified social credit code (统一社会信用代码) per GB 32100-2015: registration
/// authority (1 char), organisation type (1), division (6 digits), organisation
/// code (9) and a check character. Positions 1-2 and 9-18 may be letters of the
/// standard's 31-character set, which leaves out I, O, S, V and Z.
#[derive(Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Uscc(String);

const CHARSET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

fn value(c: u8) -> Option<u32> {
    CHARSET.iter().position(|&x| x == c).map(|p| p as u32)
}

impl Uscc {
    pub fn parse(s: &str) -> Result<Self, Invalid> {
        let s = s.trim().to_ascii_uppercase();
        let err = |why: String| Invalid::one("uscc", why);
        if s.len() != 18 || !s.is_ascii() {
            return Err(err("统一社会信用代码应为18位".into()));
        }
        let b = s.as_bytes();
        if let Some(i) = b.iter().position(|&c| value(c).is_none()) {
            return Err(err(format!(
                "第{}位字符“{}”不允许使用：只能是数字和大写字母（不含I、O、S、V、Z）",
                i + 1,
                b[i] as char
            )));
        }
        if !b[2..8].iter().all(u8::is_ascii_digit) {
            return Err(err("统一社会信用代码第3至8位是行政区划码，应为数字".into()));
        }
        if b[17] != Self::check_char(&s[..17]).unwrap_or(0) {
            return Err(err("统一社会信用代码校验位不正确，请检查是否输错".into()));
        }
        Ok(Self(s))
    }

    /// The GB 32100 check character of the first 17 characters, if they are all
    /// in the standard's character set.
    pub fn check_char(first17: &str) -> Option<u8> {
        let mut sum = 0;
        for (c, w) in first17.bytes().zip(WEIGHTS) {
            sum += value(c)? * w;
        }
        Some(CHARSET[((31 - sum % 31) % 31) as usize])
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Uscc({})", self.0)
    }
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_check(first17: &str) -> String {
        format!("{first17}{}", Uscc::check_char(first17).unwrap() as char)
    }

    #[test]
    fn known_codes_pass() {
        // The code printed in the standard's own explanatory material.
        assert!(Uscc::parse("91350100M000100Y43").is_ok());
    }

    #[test]
    fn letters_are_legal_in_the_first_two_positions() {
        let code = with_check("Y1430100MA4L00001");
        assert!(Uscc::parse(&code).is_ok(), "{code}");
        let code = with_check("N2430100MA4L00001");
        assert!(Uscc::parse(&code).is_ok(), "{code}");
    }

    #[test]
    fn rejects_bad_check_charset_and_length() {
        let good = with_check("91430100MA4L00001");
        let last = good.as_bytes()[17];
        let wrong = if last == b'0' { '1' } else { '0' };
        let e = Uscc::parse(&format!("{}{wrong}", &good[..17])).unwrap_err();
        assert_eq!(e.0[0].field, "uscc");
        assert!(e.to_string().contains("校验位"));
        assert!(Uscc::parse("91430100MA4L0000I1").is_err());
        assert!(Uscc::parse("9143010").is_err());
        assert!(Uscc::parse("91A30100MA4L000011").is_err());
    }
}
