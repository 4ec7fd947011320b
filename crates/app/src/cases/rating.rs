//! 好差评: the applicant rates a case's service once it has a result; a
//! 差评 opens a follow-up its department answers, seen by supervisors.

use bianli_domain::Invalid;
use bianli_domain::cases::Rating;
use bianli_domain::identity::Role;
use bianli_store::cases::{RatingFilter, RatingStats};
use serde::{Deserialize, Serialize};

use crate::{Actor, App, AppError, Result};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RatingInput {
    pub score: i64,
    #[serde(default)]
    pub comment: Option<String>,
}

/// The list's filters as they arrive (a query string), parsed here.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RatingQuery {
    pub overdue: Option<String>,
}

impl RatingQuery {
    fn overdue(&self) -> Result<Option<bool>, Invalid> {
        match self.overdue.as_deref() {
            None | Some("") => Ok(None),
            Some("true") => Ok(Some(true)),
            Some("false") => Ok(Some(false)),
            Some(_) => Err(Invalid::one("overdue", "应为 true 或 false")),
        }
    }
}

/// A rating as listed: with whether its follow-up is overdue today.
#[derive(Debug, Clone, Serialize)]
pub struct ListedRating {
    #[serde(flatten)]
    pub rating: Rating,
    /// A follow-up still unanswered past its due date.
    pub overdue: bool,
}

const MAX_RATINGS: i64 = 500;

impl App {
    pub async fn rate(&self, actor: &Actor, number: &str, input: RatingInput) -> Result<Rating> {
        let stored = self.stored_case(number).await?;
        let rating = Rating::give(
            &stored.case,
            &actor.who(),
            input.score,
            input.comment.as_deref(),
            self.today(),
            &self.calendar(),
        )?;
        self.store
            .put_rating(stored.id, &rating, &actor.tag(), self.now())
            .await?;
        Ok(rating)
    }

    /// The department's answer to the 差评 of the case (for the channel it
    /// came through, the only one it can be rated on).
    pub async fn answer_follow_up(
        &self,
        actor: &Actor,
        number: &str,
        text: &str,
    ) -> Result<Rating> {
        let stored = self.stored_case(number).await?;
        let mut rating = self
            .store
            .rating(stored.id, stored.case.channel)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("办件{number}的评价")))?;
        rating.answer(&actor.who(), text, self.today())?;
        self.store
            .answer_follow_up(stored.id, &rating, &actor.tag(), self.now())
            .await?;
        Ok(rating)
    }

    /// Ratings with open follow-ups first: all of them for supervisors, a
    /// department's own for its staff; only the overdue ones (or only the
    /// others) when asked.
    pub async fn ratings(&self, actor: &Actor, q: &RatingQuery) -> Result<Vec<ListedRating>> {
        let overdue = q.overdue()?;
        let department = rating_scope(actor)?;
        let today = self.today();
        let filter = RatingFilter {
            department_id: department,
            overdue,
            today,
            limit: MAX_RATINGS,
        };
        Ok(self
            .store
            .ratings(&filter)
            .await?
            .into_iter()
            .map(|rating| ListedRating {
                overdue: rating.follow_up.as_ref().is_some_and(|f| f.overdue(today)),
                rating,
            })
            .collect())
    }

    pub async fn rating_stats(&self, actor: &Actor) -> Result<RatingStats> {
        let department = rating_scope(actor)?;
        Ok(self.store.rating_stats(department, self.today()).await?)
    }
}

/// `None` for all departments.
fn rating_scope(actor: &Actor) -> Result<Option<i64>> {
    let refuse = || AppError::Forbidden("评价信息仅供电子监察人员和部门工作人员查看".into());
    match actor.role {
        Role::Supervisor | Role::Admin => Ok(None),
        r if r.is_staff() => actor.department_id.map(Some).ok_or_else(refuse),
        _ => Err(refuse()),
    }
}
