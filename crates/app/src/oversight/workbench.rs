//! The supervisor's workbench: yellow and red cards with how each has been
//! handled, filtered; acknowledging, the department's explanation, closing.

use bianli_domain::Invalid;
use bianli_domain::cases::{CardKind, CaseNumber};
use bianli_domain::event::NewEvent;
use bianli_domain::oversight::{CardAction, CardState, Explanation};
use bianli_store::oversight::{CardFilter, SupervisedCard};
use serde::Deserialize;

use super::staff_scope;
use crate::{Actor, App, AppError, Result};

/// The filters as they arrive (query strings), parsed here.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CardQuery {
    pub department: Option<String>,
    pub division: Option<String>,
    pub person: Option<String>,
    pub kind: Option<String>,
    pub state: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum CardActionInput {
    Acknowledge,
    Explain { explanation: String },
    Close,
}

const MAX_CARDS: i64 = 500;

fn id(field: &str, s: &str) -> Result<i64, Invalid> {
    s.parse()
        .map_err(|_| Invalid::one(field, "an id is a whole number"))
}

fn kind(field: &str, s: &str) -> Result<CardKind, Invalid> {
    CardKind::parse(s).ok_or_else(|| Invalid::one(field, "a card is yellow or red"))
}

impl CardQuery {
    fn parse(&self) -> Result<CardFilter, Invalid> {
        let mut bad = Invalid::default();
        let empty = |s: &Option<String>| s.as_deref().filter(|v| !v.is_empty()).map(str::to_string);
        let department = empty(&self.department).and_then(|d| bad.take("department", id("", &d)));
        let division = empty(&self.division).and_then(|d| {
            bad.take(
                "division",
                bianli_domain::division::DivisionCode::parse(&d)
                    .map(|c| c.as_str().to_string())
                    .map_err(|e| e.relabel("")),
            )
        });
        let assignee = empty(&self.person).and_then(|p| bad.take("person", id("", &p)));
        let kind = empty(&self.kind).and_then(|k| bad.take("kind", kind("", &k)));
        let state = empty(&self.state).and_then(|s| bad.take("state", CardState::parse("", &s)));
        if !bad.0.is_empty() {
            return Err(bad);
        }
        Ok(CardFilter {
            department_id: department,
            division,
            assignee,
            kind,
            state,
            limit: MAX_CARDS,
        })
    }
}

impl App {
    /// Cards matching `q`, newest first: every card for supervisors, a
    /// department's own for its staff (whatever department they ask for).
    pub async fn supervised_cards(
        &self,
        actor: &Actor,
        q: &CardQuery,
    ) -> Result<Vec<SupervisedCard>> {
        let mut filter = q.parse()?;
        if let Some(own) = staff_scope(actor, "cards")? {
            if filter.department_id.is_some_and(|d| d != own) {
                return Err(AppError::Forbidden(
                    "staff see their own department's cards".into(),
                ));
            }
            filter.department_id = Some(own);
        }
        Ok(self.store.supervised_cards(&filter).await?)
    }

    pub async fn supervised_card(
        &self,
        actor: &Actor,
        number: &str,
        step: &str,
        kind_text: &str,
    ) -> Result<SupervisedCard> {
        let number = CaseNumber::parse(number).map_err(|e| e.relabel("number"))?;
        let step: i64 = step
            .parse()
            .ok()
            .filter(|s| *s >= 0)
            .ok_or_else(|| Invalid::one("step", "a step is a whole number from 0"))?;
        let kind = kind("kind", kind_text)?;
        let own = staff_scope(actor, "cards")?;
        let card = self
            .store
            .supervised_card(number.as_str(), step, kind)
            .await?
            .ok_or_else(|| {
                AppError::NotFound(format!("a {kind_text} card of {number} at step {step}"))
            })?;
        if own.is_some_and(|d| d != card.department_id) {
            return Err(AppError::Forbidden(
                "staff see their own department's cards".into(),
            ));
        }
        Ok(card)
    }

    /// Acknowledges, explains or closes a card; each is one event
    /// (`oversight`/`card.acknowledged` …) that names the case, the step
    /// and the card, never the explanation.
    pub async fn handle_card(
        &self,
        actor: &Actor,
        number: &str,
        step: &str,
        kind: &str,
        input: CardActionInput,
    ) -> Result<SupervisedCard> {
        let action = match input {
            CardActionInput::Acknowledge => CardAction::Acknowledge,
            CardActionInput::Explain { explanation } => {
                CardAction::Explain(Explanation::parse("explanation", &explanation)?)
            }
            CardActionInput::Close => CardAction::Close,
        };
        let card = self.supervised_card(actor, number, step, kind).await?;
        let state =
            card.state
                .apply(&action, actor.role, actor.department_id, card.department_id)?;
        let event = NewEvent::new(
            "oversight",
            action.event_kind(),
            format!("case:{}", card.case_number),
            actor.tag(),
            serde_json::json!({
                "step": card.step,
                "kind": card.kind.as_str(),
                "department_id": card.department_id,
                "state": state.as_str(),
            }),
        );
        self.store
            .handle_card(&card, &action, state, event, self.now())
            .await?;
        self.supervised_card(actor, number, step, kind).await
    }
}
