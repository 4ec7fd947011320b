//! `/cases/hotline`: 12345 代办 — a window clerk answering the hotline files
//! an application for a caller (channel `hotline`) through the same submit
//! use case the hall uses, then reads the receipt out to them. The caller's
//! ID number or credit code is checked with its check character; the paper
//! materials come to the window later, as at the hall. The form files once
//! per rendering: posted again (a double click), it leads to the same receipt.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use bianli_app::cases::{ApplicantInput, Application, Filed};
use bianli_app::{Actor, AppError};
use bianli_domain::catalog::{Channel, FormField, Item};
use bianli_domain::identity::Role;

use super::appointment::signed_in;
use super::auth::{Viewer, see_other};
use super::case_form::{self, FieldView};
use super::error_page::PageError;
use super::field_errors::{ErrorLink, FieldErrors};
use super::form::FormData;
use super::layout::{Chrome, Section, encode, render};
use crate::{ApiError, AppState};

/// The inputs, in page order: (name, label, hint, required).
const INPUTS: [(&str, &str, &str, bool); 7] = [
    ("name", "申请人姓名或单位名称", "", true),
    (
        "id",
        "证件号码",
        "个人填 18 位居民身份证号码，企业填 18 位统一社会信用代码（均核对校验位）",
        true,
    ),
    (
        "phone",
        "联系电话",
        "手机号（11 位）或固定电话，如 0731-88888888",
        true,
    ),
    ("address", "联系地址", "最多 100 个字", true),
    (
        "item",
        "事项编码",
        "7 位基本编码（如 0100001）或完整编码（如 430100-0100001）",
        true,
    ),
    (
        "note",
        "申请说明",
        "选填：来电人的诉求，最多 500 个字",
        false,
    ),
    ("division", "行政区划", "", true),
];

pub struct Input {
    pub key: &'static str,
    pub label: &'static str,
    pub hint: &'static str,
    pub required: bool,
    pub value: String,
    pub errors: Vec<String>,
}

pub struct DivisionOption {
    pub code: String,
    pub name: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "hotline.html")]
pub struct HotlinePage {
    pub chrome: Chrome,
    pub csrf: String,
    /// The one-time token that keeps a second post from filing again.
    pub once: String,
    pub enterprise: bool,
    pub kind_errors: Vec<String>,
    pub inputs: Vec<Input>,
    pub divisions: Vec<DivisionOption>,
    pub division_errors: Vec<String>,
    /// The item's own fields (申请表), once the item is known.
    pub item_name: String,
    pub fields: Vec<FieldView>,
    pub summary: Vec<ErrorLink>,
}

/// The page's input a use-case field belongs to.
fn input_of(field: &str) -> &'static str {
    match field {
        "applicant.name" => "name",
        "applicant.kind" => "kind",
        f if f.starts_with("applicant") => "id",
        f if f.starts_with("form.phone") => "phone",
        f if f.starts_with("form.address") => "address",
        f if f.starts_with("form.note") => "note",
        // The item's own fields show their errors beside themselves.
        f if f.starts_with("form.") => "form",
        "division" => "division",
        _ => "item",
    }
}

fn clerk_only(viewer: &Viewer, actor: &Actor) -> Result<(), PageError> {
    if actor.role != Role::Clerk {
        return Err(viewer.fail(AppError::Forbidden(
            "热线代办由窗口人员（兼热线受理）办理。".into(),
        )));
    }
    Ok(())
}

async fn page(
    s: &AppState,
    viewer: &Viewer,
    actor: &Actor,
    form: &FormData,
    errors: &FieldErrors,
    item: Option<&Item>,
) -> Result<HotlinePage, PageError> {
    let of = |key: &str| -> Vec<String> {
        errors
            .0
            .iter()
            .filter(|(f, _)| input_of(f) == key)
            .map(|(_, r)| r.clone())
            .collect()
    };
    let chosen = if form.has("division") {
        form.get("division").to_string()
    } else {
        actor.division.clone().unwrap_or_default()
    };
    let divisions = s
        .app
        .divisions()
        .await
        .map_err(|e| viewer.fail(e))?
        .into_iter()
        .map(|d| DivisionOption {
            selected: d.code.as_str() == chosen,
            code: d.code.as_str().to_string(),
            name: d.name,
        })
        .collect();
    Ok(HotlinePage {
        chrome: viewer.chrome(Section::Cases),
        csrf: viewer.csrf(),
        once: viewer.form_token()?,
        enterprise: form.get("kind") == "enterprise",
        kind_errors: of("kind"),
        inputs: INPUTS
            .iter()
            .filter(|(k, ..)| *k != "division")
            .map(|&(key, label, hint, required)| Input {
                key,
                label,
                hint,
                required,
                value: form.get(key).to_string(),
                errors: of(key),
            })
            .collect(),
        divisions,
        division_errors: of("division"),
        item_name: item.map(|i| i.name.clone()).unwrap_or_default(),
        fields: item
            .map(|i| case_form::views(&i.form, &case_form::posted(&i.form, form), errors))
            .unwrap_or_default(),
        summary: errors
            .0
            .iter()
            .map(|(f, r)| {
                let key = input_of(f);
                let (href, label) = match case_form::anchor_and_label(item, f) {
                    Some((anchor, label)) if key == "form" => (anchor, label.into()),
                    _ => (
                        key.to_string(),
                        INPUTS
                            .iter()
                            .find(|(k, ..)| *k == key)
                            .map_or("申请人类型", |(_, l, ..)| *l)
                            .into(),
                    ),
                };
                ErrorLink {
                    href: format!("#f-{href}"),
                    label,
                    field: f.clone(),
                    reason: r.clone(),
                }
            })
            .collect(),
    })
}

/// `GET /cases/hotline`.
pub async fn form(State(s): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    let actor = match signed_in(&viewer, "/cases/hotline") {
        Ok(a) => a,
        Err(r) => return Ok(r.into_response()),
    };
    clerk_only(&viewer, &actor)?;
    let empty = FormData::default();
    let p = page(&s, &viewer, &actor, &empty, &FieldErrors::default(), None).await?;
    render(StatusCode::OK, &p)
}

/// The full item code from the division chosen and what was typed.
fn item_code(division: &str, typed: &str) -> Result<String, (String, String)> {
    let typed = typed.trim();
    match typed.split_once('-') {
        None => Ok(format!("{division}-{typed}")),
        Some((d, _)) if d == division => Ok(typed.to_string()),
        Some((d, _)) => Err((
            "division".into(),
            format!("事项编码 {typed} 属于行政区划 {d}，与所选的 {division} 不一致"),
        )),
    }
}

/// `POST /cases/hotline`: files the caller's application, then the receipt.
pub async fn file(
    State(s): State<AppState>,
    viewer: Viewer,
    form: FormData,
) -> Result<Response, PageError> {
    let actor = match signed_in(&viewer, "/cases/hotline") {
        Ok(a) => a,
        Err(r) => return Ok(r.into_response()),
    };
    viewer.check_csrf(&form)?;
    clerk_only(&viewer, &actor)?;
    let once = viewer.form_key(&form)?;
    let code = match item_code(form.get("division"), form.get("item")) {
        Ok(c) => c,
        Err(e) => {
            let p = page(&s, &viewer, &actor, &form, &FieldErrors(vec![e]), None).await?;
            return render(StatusCode::UNPROCESSABLE_ENTITY, &p);
        }
    };
    // The item's own fields are asked once it is known; an unknown code is
    // left for the submit use case to name.
    let item = s.app.item(&code).await.ok().map(|d| d.current.item);
    if form.has("load") {
        let errors = match &item {
            Some(_) => FieldErrors::default(),
            None => FieldErrors(vec![(
                "item".into(),
                format!("没有找到事项 {code}，请核对事项编码和行政区划"),
            )]),
        };
        let status = if item.is_some() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        let p = page(&s, &viewer, &actor, &form, &errors, item.as_ref()).await?;
        return render(status, &p);
    }
    let kind = form.get("kind").to_string();
    let id = form.get("id").trim().to_string();
    let application = Application {
        item: code,
        channel: Channel::Hotline.as_str().to_string(),
        applicant: Some(ApplicantInput {
            name: form.get("name").to_string(),
            id_number: (kind != "enterprise").then(|| id.clone()),
            uscc: (kind == "enterprise").then(|| id.clone()),
            kind,
        }),
        form: case_form::posted(
            &item
                .as_ref()
                .map(Item::form_fields)
                .unwrap_or_else(|| FormField::common().to_vec()),
            &form,
        )
        .into_iter()
        .collect(),
        materials: Vec::new(),
    };
    match s
        .app
        .submit_once(&actor, &once, "/cases/hotline", application)
        .await
    {
        Ok(Filed::Now(r)) => Ok(see_other(
            &format!("/cases/{}/receipt", encode(&r.number)),
            None,
        )),
        Ok(Filed::Before(number)) => Ok(see_other(
            &format!("/cases/{}/receipt", encode(&number)),
            None,
        )),
        Err(e) => {
            let errors = match &e {
                // The window files for its own division's items only.
                AppError::Forbidden(m) => FieldErrors(vec![("division".into(), m.clone())]),
                other => match FieldErrors::from_app(other) {
                    Some(errors) => errors,
                    None => return Err(viewer.fail(e)),
                },
            };
            let status = ApiError(e).status();
            let p = page(&s, &viewer, &actor, &form, &errors, item.as_ref()).await?;
            render(status, &p)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_take_the_division_chosen() {
        assert_eq!(
            item_code("430100", "0100001").as_deref(),
            Ok("430100-0100001")
        );
        assert_eq!(
            item_code("430100", " 430100-0100001 ").as_deref(),
            Ok("430100-0100001")
        );
        assert_eq!(
            item_code("430100", "430000-0100001").map_err(|e| e.0),
            Err("division".to_string())
        );
    }

    #[test]
    fn errors_find_their_inputs() {
        assert_eq!(input_of("applicant.id_number"), "id");
        assert_eq!(input_of("applicant.uscc"), "id");
        assert_eq!(input_of("applicant.name"), "name");
        assert_eq!(input_of("form.phone"), "phone");
        assert_eq!(input_of("item"), "item");
        assert_eq!(input_of("form.premises"), "form");
        assert_eq!(input_of("channel"), "item");
    }
}
