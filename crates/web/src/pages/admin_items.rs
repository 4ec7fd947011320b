//! `/admin/items/{code}/edit`: a department admin revises an item's elements
//! (日常维护), effective from a date.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use bianli_app::AppError;
use bianli_app::catalog::{ItemDetail, parse_date};
use bianli_domain::Invalid;
use bianli_domain::catalog::ItemInput;

use super::auth::{Maintainer, Viewer, see_other};
use super::error_page::PageError;
use super::field_errors::{ErrorLink, FieldErrors};
use super::form::FormData;
use super::item_form::{self, ItemFields, ItemFieldsView, all_problems};
use super::layout::{Chrome, Section, date, render};
use crate::AppState;

/// The edit form as typed: the item's fields and the date they take effect.
#[derive(Debug, Clone, Default)]
pub struct EditForm {
    pub fields: ItemFields,
    pub effective_on: String,
}

impl EditForm {
    pub fn from_input(i: &ItemInput, effective_on: String) -> EditForm {
        EditForm {
            fields: ItemFields::from_input(i),
            effective_on,
        }
    }

    pub fn from_form(f: &FormData) -> EditForm {
        EditForm {
            fields: ItemFields::from_form(f),
            effective_on: f.get("effective_on").to_string(),
        }
    }

    /// The revised elements over `base`, and what could not be read.
    pub fn read(&self, base: ItemInput) -> (ItemInput, Invalid) {
        let (input, mut inv) = self.fields.apply_to(base);
        if !self.effective_on.trim().is_empty() {
            inv.take("", parse_date("effective_on", &self.effective_on));
        }
        (input, inv)
    }
}

#[derive(Template)]
#[template(path = "admin_item_edit.html")]
pub struct EditPage {
    pub chrome: Chrome,
    pub code: String,
    pub title: String,
    pub action: String,
    pub cancel_href: String,
    pub csrf: String,
    pub fields: ItemFieldsView,
    pub effective_on: String,
    pub errors: FieldErrors,
    pub summary: Vec<ErrorLink>,
}

fn anchor(head: &str, index: Option<usize>) -> Option<String> {
    match head {
        "effective_on" => Some("f-effective_on".to_string()),
        _ => item_form::anchor(head, index),
    }
}

pub fn edit_page(
    detail: &ItemDetail,
    form: EditForm,
    errors: FieldErrors,
    viewer: &Viewer,
) -> EditPage {
    let code = detail.current.item.code.to_string();
    EditPage {
        chrome: viewer.chrome(Section::Admin),
        title: detail.current.item.name.clone(),
        action: format!("/admin/items/{code}/edit"),
        cancel_href: format!("/items/{code}"),
        csrf: viewer.csrf(),
        fields: form.fields.view(&errors),
        effective_on: form.effective_on,
        summary: errors.links(anchor),
        errors,
        code,
    }
}

/// The item, if this maintainer may edit it now.
async fn editable(s: &AppState, viewer: &Viewer, code: &str) -> Result<ItemDetail, PageError> {
    let detail = s.app.item(code).await.map_err(|e| viewer.fail(e))?;
    if detail.current.valid_to.is_some() {
        return Err(viewer.fail(AppError::Conflict {
            field: "code".into(),
            message: "本事项已不再实施，不能编辑".into(),
        }));
    }
    if !viewer.maintains(detail.current.item.department_id) {
        return Err(viewer.fail(AppError::Forbidden(
            "部门管理员只能编辑本部门的事项。".into(),
        )));
    }
    Ok(detail)
}

pub async fn edit_form(
    State(s): State<AppState>,
    m: Maintainer,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let detail = editable(&s, &m.viewer, &code).await?;
    let form = EditForm::from_input(&ItemInput::from(&detail.current.item), date(s.app.today()));
    render(
        StatusCode::OK,
        &edit_page(&detail, form, FieldErrors::default(), &m.viewer),
    )
}

pub async fn save(
    State(s): State<AppState>,
    m: Maintainer,
    Path(code): Path<String>,
    data: FormData,
) -> Result<Response, PageError> {
    m.viewer.check_csrf(&data)?;
    let detail = editable(&s, &m.viewer, &code).await?;
    let form = EditForm::from_form(&data);
    let (input, inv) = form.read(ItemInput::from(&detail.current.item));
    if !inv.0.is_empty() {
        let errors = FieldErrors::from_invalid(&all_problems(&input, inv));
        return render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &edit_page(&detail, form, errors, &m.viewer),
        );
    }
    match s
        .app
        .revise_item(&m.actor, &code, input, Some(&form.effective_on))
        .await
    {
        Ok(v) => Ok(see_other(&format!("/items/{}", v.item.code), None)),
        Err(e) => match FieldErrors::from_app(&e) {
            Some(errors) => {
                let status = crate::ApiError(e).status();
                render(status, &edit_page(&detail, form, errors, &m.viewer))
            }
            None => Err(m.viewer.fail(e)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_date_is_reported_with_the_fields() {
        let f = EditForm {
            fields: ItemFields {
                promised_days: "十".into(),
                visits: "1".into(),
                ..Default::default()
            },
            effective_on: "2026-13-01".into(),
        };
        let (_, e) = f.read(ItemInput::default());
        let fields: Vec<&str> = e.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["promised_days", "effective_on"]);
    }
}
