//! A card's handling on the supervisor's workbench: open → acknowledged
//! (the supervisor has seen it) → explained (the department says why) →
//! closed (the supervisor is satisfied). Explaining may come before the
//! acknowledgement; only a supervisor closes, and a closed card stays closed.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Invalid;
use crate::identity::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CardState {
    Open,
    Acknowledged,
    Explained,
    Closed,
}

impl CardState {
    pub const ALL: [CardState; 4] = [
        CardState::Open,
        CardState::Acknowledged,
        CardState::Explained,
        CardState::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CardState::Open => "open",
            CardState::Acknowledged => "acknowledged",
            CardState::Explained => "explained",
            CardState::Closed => "closed",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            CardState::Open => "待处理",
            CardState::Acknowledged => "已知悉",
            CardState::Explained => "已说明",
            CardState::Closed => "已销号",
        }
    }

    pub fn parse(field: &str, s: &str) -> Result<CardState, Invalid> {
        Self::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
            .ok_or_else(|| {
                Invalid::one(
                    field,
                    "a card state is open, acknowledged, explained or closed",
                )
            })
    }
}

/// The least and most characters of a department's explanation: a word or
/// two says nothing, a page belongs in an attachment.
pub const EXPLANATION_CHARS: (usize, usize) = (10, 1000);

/// Why the department ran late, in its own words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Explanation(String);

impl Explanation {
    pub fn parse(field: &str, text: &str) -> Result<Explanation, Invalid> {
        let text = text.trim();
        let n = text.chars().count();
        let (min, max) = EXPLANATION_CHARS;
        if n < min || n > max {
            return Err(Invalid::one(
                field,
                format!("an explanation has {min} to {max} characters (this one has {n})"),
            ));
        }
        if text.chars().any(|c| c.is_control() && c != '\n') {
            return Err(Invalid::one(field, "no control characters"));
        }
        Ok(Explanation(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardAction {
    Acknowledge,
    Explain(Explanation),
    Close,
}

impl CardAction {
    /// The event kind the store writes for it.
    pub fn event_kind(&self) -> &'static str {
        match self {
            CardAction::Acknowledge => "card.acknowledged",
            CardAction::Explain(_) => "card.explained",
            CardAction::Close => "card.closed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardError {
    Forbidden(String),
    /// Not possible where the card stands now.
    State(String),
}

impl fmt::Display for CardError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CardError::Forbidden(m) | CardError::State(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for CardError {}

fn supervises(role: Role) -> bool {
    matches!(role, Role::Supervisor | Role::Admin)
}

/// Whether someone may see a card of `department`: supervisors every card,
/// a department's staff their own department's.
pub fn may_see(role: Role, own_department: Option<i64>, department: i64) -> bool {
    supervises(role) || (role.is_staff() && own_department == Some(department))
}

impl CardState {
    /// The state after `action` by someone of `role` and `own_department` on
    /// a card given to `department`.
    pub fn apply(
        self,
        action: &CardAction,
        role: Role,
        own_department: Option<i64>,
        department: i64,
    ) -> Result<CardState, CardError> {
        if self == CardState::Closed {
            return Err(CardError::State("the card is closed".into()));
        }
        match action {
            CardAction::Acknowledge | CardAction::Close if !supervises(role) => Err(
                CardError::Forbidden("only a supervisor acknowledges and closes cards".into()),
            ),
            CardAction::Acknowledge if self != CardState::Open => Err(CardError::State(format!(
                "the card is already {}",
                self.as_str()
            ))),
            CardAction::Acknowledge => Ok(CardState::Acknowledged),
            CardAction::Close => Ok(CardState::Closed),
            // A supervisor placed in a department still watches it, and
            // does not answer for it.
            CardAction::Explain(_)
                if supervises(role) || !(role.is_staff() && own_department == Some(department)) =>
            {
                Err(CardError::Forbidden(
                    "only the card's department explains it".into(),
                ))
            }
            CardAction::Explain(_) if self == CardState::Explained => {
                Err(CardError::State("the card is already explained".into()))
            }
            CardAction::Explain(_) => Ok(CardState::Explained),
        }
    }
}
