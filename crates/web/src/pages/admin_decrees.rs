//! `/admin/decrees/…`: draft a decree, add adjustments to it, and apply it.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use bianli_app::AppError;
use bianli_app::catalog::AdjustmentInput;
use bianli_app::store::DecreeDetail;
use bianli_domain::catalog::{DecreeInput, DecreeStatus};

use super::adjustment_errors::form_errors;
use super::auth::{Maintainer, Viewer, see_other};
use super::decrees::{AdjustmentView, describe_all, parse_id};
use super::error_page::PageError;
use super::field_errors::{ErrorLink, FieldErrors};
use super::form::FormData;
use super::layout::{Chrome, Section, date, render};
use super::lookup::Choice;
use crate::{ApiError, AppState};

/// The adjustments that name an item by code alone; 新增, 修改 and 合并 carry
/// the item's elements and have their own forms (`decree_items`).
const FORM_KINDS: [(&str, &str); 3] = [
    ("cancel", "取消"),
    ("delegate", "下放"),
    ("pre_to_post", "前置改后置"),
];

#[derive(Template)]
#[template(path = "admin_decree_new.html")]
pub struct NewDecreePage {
    pub chrome: Chrome,
    pub csrf: String,
    pub form: DecreeInput,
    pub errors: FieldErrors,
    pub summary: Vec<ErrorLink>,
}

fn decree_anchor(head: &str, _: Option<usize>) -> Option<String> {
    matches!(head, "number" | "title" | "issued_on" | "effective_on").then(|| format!("f-{head}"))
}

fn new_page(viewer: &Viewer, form: DecreeInput, errors: FieldErrors) -> NewDecreePage {
    NewDecreePage {
        chrome: viewer.chrome(Section::Admin),
        csrf: viewer.csrf(),
        form,
        summary: errors.links(decree_anchor),
        errors,
    }
}

pub async fn new_form(State(s): State<AppState>, m: Maintainer) -> Result<Response, PageError> {
    let today = date(s.app.today());
    let form = DecreeInput {
        issued_on: today.clone(),
        effective_on: today,
        ..DecreeInput::default()
    };
    render(
        StatusCode::OK,
        &new_page(&m.viewer, form, FieldErrors::default()),
    )
}

pub async fn create(
    State(s): State<AppState>,
    m: Maintainer,
    data: FormData,
) -> Result<Response, PageError> {
    m.viewer.check_csrf(&data)?;
    let form = DecreeInput {
        number: data.get("number").to_string(),
        title: data.get("title").to_string(),
        issued_on: data.get("issued_on").to_string(),
        effective_on: data.get("effective_on").to_string(),
    };
    match s.app.draft_decree(&m.actor, form.clone()).await {
        Ok(d) => Ok(see_other(&format!("/admin/decrees/{}", d.id), None)),
        Err(e) => rerender(e, &m.viewer, |errors| new_page(&m.viewer, form, errors)),
    }
}

/// A use case's complaint about the form, shown on the form itself; anything
/// else gets the error page.
fn rerender<T: Template>(
    e: AppError,
    viewer: &Viewer,
    page: impl FnOnce(FieldErrors) -> T,
) -> Result<Response, PageError> {
    match FieldErrors::from_app(&e) {
        Some(errors) => render(ApiError(e).status(), &page(errors)),
        None => Err(viewer.fail(e)),
    }
}

pub struct AdjustmentForm {
    pub kind: String,
    pub code: String,
    pub prerequisite: String,
}

#[derive(Template)]
#[template(path = "admin_decree.html")]
pub struct DraftPage {
    pub chrome: Chrome,
    pub csrf: String,
    pub id: i64,
    pub number: String,
    pub title: String,
    pub issued_on: String,
    pub effective_on: String,
    pub applied: bool,
    pub adjustments: Vec<AdjustmentView>,
    pub more_adjustments: usize,
    pub kinds: Vec<Choice>,
    pub form: AdjustmentForm,
    pub errors: FieldErrors,
    pub summary: Vec<ErrorLink>,
    /// Errors of applying, shown above the apply button.
    pub apply_errors: Vec<ErrorLink>,
}

fn adjustment_anchor(head: &str, _: Option<usize>) -> Option<String> {
    matches!(head, "kind" | "code" | "prerequisite").then(|| format!("f-{head}"))
}

async fn draft_page(
    s: &AppState,
    viewer: &Viewer,
    d: &DecreeDetail,
    form: AdjustmentForm,
    errors: FieldErrors,
    apply_errors: FieldErrors,
) -> DraftPage {
    let adjustments = describe_all(&s.app, &d.adjustments).await;
    let h = &d.decree;
    DraftPage {
        chrome: viewer.chrome(Section::Admin),
        csrf: viewer.csrf(),
        id: h.id,
        number: h.number.as_str().to_string(),
        title: h.title.clone(),
        issued_on: date(h.issued_on),
        effective_on: date(h.effective_on),
        applied: h.status == DecreeStatus::Applied,
        more_adjustments: d.adjustments.len().saturating_sub(adjustments.len()),
        adjustments,
        kinds: FORM_KINDS
            .iter()
            .map(|(v, l)| Choice::new(*v, *l, &form.kind))
            .collect(),
        form,
        summary: errors.links(adjustment_anchor),
        errors,
        apply_errors: apply_errors.links(|_, _| None),
    }
}

fn blank() -> AdjustmentForm {
    AdjustmentForm {
        kind: "cancel".into(),
        code: String::new(),
        prerequisite: String::new(),
    }
}

pub async fn load(s: &AppState, viewer: &Viewer, id: &str) -> Result<DecreeDetail, PageError> {
    let id = parse_id(id).map_err(|e| viewer.fail(e))?;
    s.app.decree(id).await.map_err(|e| viewer.fail(e))
}

pub async fn show(
    State(s): State<AppState>,
    m: Maintainer,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let d = load(&s, &m.viewer, &id).await?;
    let page = draft_page(
        &s,
        &m.viewer,
        &d,
        blank(),
        FieldErrors::default(),
        FieldErrors::default(),
    )
    .await;
    render(StatusCode::OK, &page)
}

pub async fn add(
    State(s): State<AppState>,
    m: Maintainer,
    Path(id): Path<String>,
    data: FormData,
) -> Result<Response, PageError> {
    m.viewer.check_csrf(&data)?;
    let d = load(&s, &m.viewer, &id).await?;
    let form = AdjustmentForm {
        kind: data.get("kind").trim().to_string(),
        code: data.get("code").trim().to_string(),
        prerequisite: data.get("prerequisite").trim().to_string(),
    };
    let input = AdjustmentInput {
        kind: form.kind.clone(),
        code: Some(form.code.clone()),
        prerequisite: (form.kind == "pre_to_post").then(|| form.prerequisite.clone()),
        ..AdjustmentInput::default()
    };
    let here = format!("/admin/decrees/{}", d.decree.id);
    match s
        .app
        .add_adjustments(&m.actor, d.decree.id, vec![input])
        .await
    {
        Ok(()) => Ok(see_other(&here, None)),
        Err(e) => match form_errors(&e, "code") {
            Some(errors) => {
                let page =
                    draft_page(&s, &m.viewer, &d, form, errors, FieldErrors::default()).await;
                render(ApiError(e).status(), &page)
            }
            None => Err(m.viewer.fail(e)),
        },
    }
}

pub async fn apply(
    State(s): State<AppState>,
    m: Maintainer,
    Path(id): Path<String>,
    data: FormData,
) -> Result<Response, PageError> {
    m.viewer.check_csrf(&data)?;
    let d = load(&s, &m.viewer, &id).await?;
    match s.app.apply_decree(&m.actor, d.decree.id).await {
        Ok(applied) => Ok(see_other(&format!("/decrees/{}", applied.decree_id), None)),
        Err(e) => match FieldErrors::from_app(&e) {
            Some(errors) => {
                let page =
                    draft_page(&s, &m.viewer, &d, blank(), FieldErrors::default(), errors).await;
                render(ApiError(e).status(), &page)
            }
            None => Err(m.viewer.fail(e)),
        },
    }
}
