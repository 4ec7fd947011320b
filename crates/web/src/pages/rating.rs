//! 好差评 on a case's pages: once the case has a result its applicant rates
//! it 1–5 with an optional comment, on the signed-in case page or on the
//! public status page; afterwards both show the rating. A second rating
//! for the same channel is the use case's 409, shown as such.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use bianli_app::cases::{CaseRating, RatingInput};
use bianli_domain::Invalid;
use bianli_domain::cases::COMMENT_MAX_CHARS;

use super::appointment::signed_in;
use super::auth::{Viewer, see_other};
use super::error_page::PageError;
use super::form::FormData;
use super::layout::{date, encode};
use crate::AppState;

pub struct Given {
    pub score: u8,
    pub words: &'static str,
    pub comment: Option<String>,
    pub on: String,
}

/// The rating section of a case's page.
#[derive(Default)]
pub struct RatingBlock {
    /// Nothing to show: no result yet, or nobody with an account to rate.
    pub hidden: bool,
    pub given: Option<Given>,
    pub form: bool,
    /// A visitor on the status page who could rate after signing in.
    pub login_href: Option<String>,
    pub action: String,
    /// Sent back so the form returns to the status page it was on.
    pub code: Option<String>,
    pub csrf: String,
    pub comment_max: usize,
    pub scores: Vec<(u8, &'static str)>,
}

fn words(score: u8) -> &'static str {
    match score {
        1 => "非常不满意",
        2 => "不满意",
        3 => "基本满意",
        4 => "满意",
        _ => "非常满意",
    }
}

/// `here` is the page the block sits on, to come back to after signing in.
pub fn block(
    r: &CaseRating,
    viewer: &Viewer,
    number: &str,
    code: Option<&str>,
    here: &str,
) -> RatingBlock {
    let given = r.rating.as_ref().map(|g| Given {
        score: g.score.get(),
        words: words(g.score.get()),
        comment: g.comment.clone(),
        on: date(g.on),
    });
    let own = viewer
        .actor
        .as_ref()
        .is_some_and(|a| r.applicant_account == Some(a.account_id));
    let waiting = r.open && given.is_none() && r.applicant_account.is_some();
    RatingBlock {
        hidden: given.is_none() && !(waiting && (own || viewer.actor.is_none())),
        form: waiting && own,
        login_href: (waiting && viewer.actor.is_none())
            .then(|| format!("/login?next={}", encode(here))),
        given,
        action: format!("/cases/{}/rating", encode(number)),
        code: code.map(str::to_string),
        csrf: viewer.csrf(),
        comment_max: COMMENT_MAX_CHARS,
        scores: (1..=5).rev().map(|s| (s, words(s))).collect(),
    }
}

/// Where the rating form came from.
fn back(number: &str, code: &str) -> String {
    let number = encode(number);
    if code.is_empty() {
        format!("/cases/{number}#rating")
    } else {
        format!("/cases/{number}?code={}#rating", encode(code))
    }
}

/// `POST /cases/{number}/rating`.
pub async fn rate(
    State(s): State<AppState>,
    viewer: Viewer,
    Path(number): Path<String>,
    form: FormData,
) -> Result<Response, PageError> {
    let back = back(&number, form.get("code"));
    let actor = match signed_in(&viewer, &back) {
        Ok(a) => a,
        Err(r) => return Ok(r.into_response()),
    };
    viewer.check_csrf(&form)?;
    let score = form.get("score").trim().parse::<i64>().map_err(|_| {
        viewer.fail(Invalid::one(
            "score",
            "choose a score from 1 to 5 (请选择 1–5 分)",
        ))
    })?;
    let comment = Some(form.get("comment").to_string()).filter(|c| !c.trim().is_empty());
    s.app
        .rate(&actor, &number, RatingInput { score, comment })
        .await
        .map_err(|e| viewer.fail(e))?;
    Ok(see_other(&back, None))
}
