//! The deadline scan: cases the window left undecided for five working days
//! become accepted by law (with a red card), and running cases earn their
//! yellow and red cards. Safe to run in every server at once: a case saved
//! by another scan first is a revision conflict and is skipped, and a card
//! is recorded once whoever finds it.

use bianli_domain::cases::{CardKind, Case, clock};
use bianli_store::StoreError;
use bianli_store::cases::{CaseChange, NewCard};
use serde::Serialize;

use crate::{App, Result};

/// How many cases one read of the scan takes.
const PAGE: i64 = 1_000;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Swept {
    pub deemed_accepted: usize,
    pub yellow: usize,
    pub red: usize,
    /// Provisional due dates of cases (their dues, or an open 告知承诺
    /// verification's) counted again on a newly loaded year.
    pub recounted: usize,
    /// Provisional 差评 follow-up due dates counted again.
    pub follow_ups_recounted: usize,
}

impl App {
    pub async fn sweep_deadlines(&self) -> Result<Swept> {
        let (today, at, cal) = (self.today(), self.now(), self.calendar());
        let yellow_within = super::view::yellow_within();
        let mut out = Swept::default();
        let mut after = 0;
        loop {
            let page = self.store.running_cases(after, PAGE).await?;
            let Some(last) = page.last() else { break };
            after = last.id;
            for stored in page {
                let mut case = stored.case;
                let before = case.timeline.len();
                let deemed = match case.deem_accepted(today, at, &cal) {
                    Ok(d) => d,
                    // A date past the loaded calendar: nothing can be said yet.
                    Err(_) => continue,
                };
                if deemed {
                    let card = card(
                        &case,
                        0,
                        CardKind::Red,
                        today,
                        "逾期未作出受理决定，视为受理",
                    );
                    let event = bianli_domain::event::NewEvent::new(
                        "cases",
                        "case.deemed_accepted",
                        format!("case:{}", case.number),
                        "system:clock",
                        serde_json::json!({ "accepted_on": case.accepted_on }),
                    );
                    let logged = case.timeline.len() - before;
                    let change = CaseChange {
                        case: &mut case,
                        event,
                        logged,
                        cards: std::slice::from_ref(&card),
                        certificate: None,
                        revoked: None,
                    };
                    match self
                        .store
                        .save_case(stored.id, stored.revision, change, at)
                        .await
                    {
                        Ok(_) => {
                            out.deemed_accepted += 1;
                            out.red += 1;
                        }
                        Err(StoreError::Conflict { .. }) => {}
                        Err(e) => return Err(e.into()),
                    }
                    continue;
                }
                if case.dues.is_some_and(|d| d.provisional) {
                    match self
                        .recount(stored.id, stored.revision, &mut case, &cal, at)
                        .await
                    {
                        Ok(true) => out.recounted += 1,
                        Ok(false) => {}
                        // Saved meanwhile by someone else: the next scan sees it.
                        Err(crate::AppError::Conflict { .. }) => continue,
                        Err(e) => return Err(e),
                    }
                }
                let Ok(Some(kind)) = clock::card(&case, today, &cal, yellow_within) else {
                    continue;
                };
                let reason = match kind {
                    CardKind::Yellow => "距承诺办结时限不足规定工作日",
                    CardKind::Red => "超过承诺办结时限未办结",
                };
                let card = card(&case, case.step, kind, today, reason);
                let added = self
                    .store
                    .record_cards(stored.id, &case, std::slice::from_ref(&card), at)
                    .await?;
                match kind {
                    CardKind::Yellow => out.yellow += added,
                    CardKind::Red => out.red += added,
                }
            }
        }
        out.recounted += self.recount_verifications(&cal, at).await?;
        out.follow_ups_recounted = self.recount_follow_ups(&cal, at).await?;
        Ok(out)
    }

    /// Counts provisional 告知承诺 verification due dates again (those cases
    /// are decided, so the walk over running cases does not see them).
    async fn recount_verifications(
        &self,
        cal: &bianli_domain::calendar::WorkCalendar,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<usize> {
        let mut recounted = 0;
        let mut after = 0;
        loop {
            let page = self.store.provisional_verifications(after, PAGE).await?;
            let Some(last) = page.last() else { break };
            after = last.id;
            for stored in page {
                let mut case = stored.case;
                let Some(v) = case.verification.as_mut() else {
                    continue;
                };
                if !v.recount(cal) {
                    continue;
                }
                let payload = serde_json::json!({ "due": v.due, "provisional": v.provisional });
                let saved = self
                    .save_recounted(
                        stored.id,
                        stored.revision,
                        &mut case,
                        "case.verification_recounted",
                        payload,
                        at,
                    )
                    .await;
                match saved {
                    Ok(_) => recounted += 1,
                    // Saved meanwhile by someone else: the next scan sees it.
                    Err(StoreError::Conflict { .. }) => {}
                    Err(e) => return Err(e.into()),
                }
            }
        }
        Ok(recounted)
    }

    /// Counts provisional 差评 follow-up due dates again, as case dues are:
    /// those the calendar can now place are saved with an event.
    async fn recount_follow_ups(
        &self,
        cal: &bianli_domain::calendar::WorkCalendar,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<usize> {
        let mut recounted = 0;
        let mut after = 0;
        loop {
            let page = self.store.provisional_follow_ups(after, PAGE).await?;
            let Some((last, _)) = page.last() else { break };
            after = *last;
            for (case_id, mut rating) in page {
                if rating.recount_follow_up(cal)
                    && self.store.recount_follow_up(case_id, &rating, at).await?
                {
                    recounted += 1;
                }
            }
        }
        Ok(recounted)
    }
}

impl App {
    /// Counts a case's provisional due dates again; saves them when the
    /// calendar now knows better.
    async fn recount(
        &self,
        id: i64,
        revision: i64,
        case: &mut Case,
        cal: &bianli_domain::calendar::WorkCalendar,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<bool> {
        let dues = clock::dues(case, cal)?;
        if dues == case.dues {
            return Ok(false);
        }
        case.dues = dues;
        let payload = serde_json::json!({ "dues": case.dues });
        self.save_recounted(id, revision, case, "case.dues_recounted", payload, at)
            .await?;
        Ok(true)
    }

    /// Saves a case whose dates the clock counted again, with its
    /// `system:clock` event of `kind`; a recount adds no timeline step.
    async fn save_recounted(
        &self,
        id: i64,
        revision: i64,
        case: &mut Case,
        kind: &'static str,
        payload: serde_json::Value,
        at: chrono::DateTime<chrono::Utc>,
    ) -> std::result::Result<i64, StoreError> {
        let event = bianli_domain::event::NewEvent::new(
            "cases",
            kind,
            format!("case:{}", case.number),
            "system:clock",
            payload,
        );
        let change = CaseChange {
            case,
            event,
            logged: 0,
            cards: &[],
            certificate: None,
            revoked: None,
        };
        self.store.save_case(id, revision, change, at).await
    }
}

fn card(case: &Case, step: usize, kind: CardKind, on: chrono::NaiveDate, reason: &str) -> NewCard {
    NewCard {
        step,
        kind,
        department_id: case.department_id,
        assignee: case.steps.get(step).and_then(|s| s.assignee),
        on,
        reason: reason.to_string(),
    }
}
