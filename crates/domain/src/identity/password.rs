use std::fmt;

use crate::Invalid;

/// A password as typed, before hashing. Debug never shows it.
pub struct Password(String);

impl Password {
    /// Length is the rule that matters (NIST SP 800-63B): 8 to 128 characters.
    pub fn parse(s: &str) -> Result<Self, Invalid> {
        let n = s.chars().count();
        if !(8..=128).contains(&n) {
            return Err(Invalid::one("password", "密码应为8至128个字符"));
        }
        Ok(Self(s.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}
