use std::fmt;

use crate::Invalid;

/// Why a case action was refused: bad input (which field), not this
/// person's to do, or not possible in the case's present state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseError {
    Invalid(Invalid),
    Forbidden(String),
    /// The action does not apply to a case where it stands now.
    State(String),
}

impl From<Invalid> for CaseError {
    fn from(e: Invalid) -> Self {
        CaseError::Invalid(e)
    }
}

impl fmt::Display for CaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CaseError::Invalid(e) => write!(f, "{e}"),
            CaseError::Forbidden(m) | CaseError::State(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for CaseError {}
