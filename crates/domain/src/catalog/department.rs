use serde::{Deserialize, Serialize};

use crate::division::DivisionCode;

/// A government department at one division. `kind` is the department's name
/// without the division (`市场监督管理局`): counterparts at other levels share it,
/// which is how a delegated power finds the department that takes it over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Department {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub division: DivisionCode,
}
