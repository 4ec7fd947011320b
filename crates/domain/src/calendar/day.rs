use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::Invalid;

/// What the notices say of a date: a day off, or a weekend day worked instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DayKind {
    Holiday,
    Workday,
}

impl DayKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DayKind::Holiday => "holiday",
            DayKind::Workday => "workday",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            DayKind::Holiday => "节假日",
            DayKind::Workday => "调休上班日",
        }
    }

    pub fn parse(s: &str) -> Result<DayKind, Invalid> {
        match s.trim() {
            "holiday" => Ok(DayKind::Holiday),
            "workday" => Ok(DayKind::Workday),
            other => Err(Invalid::one(
                "kind",
                format!("日期类型“{other}”无法识别，应为holiday（节假日）或workday（调休上班）"),
            )),
        }
    }
}

/// One date the notices name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpecialDay {
    pub date: NaiveDate,
    pub kind: DayKind,
    /// The festival in English, as the source lists it (`Spring Festival`).
    pub name: String,
    pub name_zh: String,
}
