//! Figures per person (the staff member each case's current or final step
//! is assigned to): for supervisors and the person's own department only,
//! never on the public dashboard.

use bianli_domain::Invalid;
use bianli_domain::oversight::Figures;
use bianli_store::oversight::{GroupBy, Scope};
use serde::Serialize;

use super::staff_scope;
use crate::{Actor, App, Result};

#[derive(Debug, Clone, Serialize)]
pub struct PersonFigures {
    pub account_id: i64,
    pub figures: Figures,
}

impl App {
    /// Everyone's figures in `department` (all departments for a supervisor
    /// who names none); staff see their own department's.
    pub async fn oversight_people(
        &self,
        actor: &Actor,
        department: Option<&str>,
    ) -> Result<Vec<PersonFigures>> {
        let asked = match department {
            None => None,
            Some(d) => Some(
                d.parse::<i64>()
                    .map_err(|_| Invalid::one("department", "a department id is a whole number"))?,
            ),
        };
        let scope = match (staff_scope(actor, "按人员统计")?, asked) {
            (Some(own), Some(d)) if d != own => {
                return Err(crate::AppError::Forbidden(
                    "工作人员只能查看本部门的统计".into(),
                ));
            }
            (Some(own), _) => Scope::Department(own),
            (None, Some(d)) => Scope::Department(d),
            (None, None) => Scope::Province,
        };
        self.store
            .tallies(&scope, GroupBy::Person, self.today())
            .await?
            .into_iter()
            .map(|(key, t)| {
                Ok(PersonFigures {
                    account_id: key
                        .parse()
                        .map_err(|_| crate::AppError::Internal(format!("an assignee key {key}")))?,
                    figures: Figures::from(&t),
                })
            })
            .collect()
    }
}
