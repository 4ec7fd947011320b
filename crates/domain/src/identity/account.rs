use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Invalid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AccountKind {
    Citizen,
    Enterprise,
    Staff,
}

impl AccountKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountKind::Citizen => "citizen",
            AccountKind::Enterprise => "enterprise",
            AccountKind::Staff => "staff",
        }
    }

    pub fn parse(s: &str) -> Result<Self, Invalid> {
        match s {
            "citizen" => Ok(Self::Citizen),
            "enterprise" => Ok(Self::Enterprise),
            "staff" => Ok(Self::Staff),
            _ => Err(Invalid::one(
                "kind",
                "账户类型应为citizen（个人）或enterprise（企业）",
            )),
        }
    }
}

/// A login name: ASCII letters, digits, `-`, `_` and `.`, 3 to 64 long. Citizens
/// log in with their ID number and enterprises with their credit code, both of
/// which fit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Username(String);

impl Username {
    pub fn parse(s: &str) -> Result<Self, Invalid> {
        let s = s.trim();
        let ok_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
        if !(3..=64).contains(&s.len()) || !s.chars().all(ok_char) {
            return Err(Invalid::one(
                "username",
                "用户名应为3至64个字符，只能包含字母、数字和“-”“_”“.”",
            ));
        }
        // ID numbers end in `X` and credit codes carry letters; people type them
        // in lower case too, so an 18-character name is kept in upper case.
        Ok(Self(if s.len() == 18 {
            s.to_ascii_uppercase()
        } else {
            s.to_string()
        }))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
