//! 在线申办: the apply wizard an item's guide links to. One page walks
//! through 1 填写信息, 2 上传材料 and 3 提交; the form posts as multipart
//! without script. Each file goes through the upload use case (its type
//! read from the bytes, its size checked), then the lot through the submit
//! use case; any refusal shows the form again with the reason beside its
//! field, and nothing is filed. Files that passed are kept (by their
//! content id) so a second try need not choose them again. The form files
//! once per rendering: posted again (a double click), it leads to the
//! receipt of the case the first post filed.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use bianli_app::cases::{Application, Filed, MaterialInput};
use bianli_app::{Actor, AppError};
use bianli_domain::Invalid;
use bianli_domain::cases::FileRef;
use bianli_domain::cases::upload::{MAX_CASE_BYTES, MAX_FILE_BYTES, MAX_FILES_PER_MATERIAL};
use bianli_domain::catalog::{Channel, Item};
use serde::Deserialize;

use super::appointment::signed_in;
use super::auth::{Viewer, see_other};
use super::case_form::{self, FieldView};
use super::error_page::PageError;
use super::field_errors::{ErrorLink, FieldErrors};
use super::form::{FormData, query};
use super::layout::{Chrome, Section, encode, promised, render};
use super::multipart::{Posted, read_multipart};
use crate::{ApiError, AppState};

/// What the file inputs take, for the browser's picker.
const ACCEPT: &str =
    ".pdf,.jpg,.jpeg,.png,.ofd,application/pdf,image/jpeg,image/png,application/ofd";

pub struct KeptFile {
    /// `blob:name`, posted back as it was.
    pub value: String,
    pub name: String,
}

pub struct MaterialView {
    pub index: usize,
    /// `m{index}`: the file input's name, and the key of its error.
    pub key: String,
    pub name: String,
    pub required: bool,
    pub may_defer: bool,
    pub form: &'static str,
    pub kept: Vec<KeptFile>,
    pub errors: Vec<String>,
}

#[derive(Template)]
#[template(path = "apply.html")]
pub struct ApplyPage {
    pub chrome: Chrome,
    pub csrf: String,
    /// The one-time token that keeps a second post from filing again.
    pub once: String,
    pub code: String,
    pub item_name: String,
    pub promised: String,
    pub accept: &'static str,
    pub limits: String,
    pub fields: Vec<FieldView>,
    pub materials: Vec<MaterialView>,
    pub summary: Vec<ErrorLink>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ApplyQuery {
    item: String,
}

/// The form as it was typed, the files already stored, and what is wrong.
#[derive(Default)]
struct Filled {
    values: Vec<(String, String)>,
    kept: Vec<Vec<FileRef>>,
    errors: FieldErrors,
}

fn page(viewer: &Viewer, item: &Item, filled: Filled) -> Result<ApplyPage, PageError> {
    let errors = &filled.errors;
    let fields = case_form::views(&item.form_fields(), &filled.values, errors);
    let materials = item
        .materials
        .iter()
        .enumerate()
        .map(|(i, m)| MaterialView {
            index: i,
            key: format!("m{i}"),
            name: m.name.clone(),
            required: m.required,
            may_defer: m.may_defer,
            form: m.form.zh(),
            kept: filled
                .kept
                .get(i)
                .map(|files| {
                    files
                        .iter()
                        .map(|f| KeptFile {
                            value: format!("{}:{}", f.blob, f.name),
                            name: f.name.clone(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            errors: errors.row("materials", i),
        })
        .collect();
    let summary = errors
        .0
        .iter()
        .map(|(f, r)| {
            let field = case_form::anchor_and_label(Some(item), f);
            let href = if let Some((anchor, _)) = &field {
                format!("#f-{anchor}")
            } else if let Some(rest) = f.strip_prefix("materials[") {
                let i: String = rest.chars().take_while(char::is_ascii_digit).collect();
                format!("#m{i}")
            } else {
                "#materials".to_string()
            };
            ErrorLink {
                href,
                label: field.map_or_else(
                    || super::error_page::label_of(f).into(),
                    |(_, label)| label.into(),
                ),
                field: f.clone(),
                reason: r.clone(),
            }
        })
        .collect();
    Ok(ApplyPage {
        chrome: viewer.chrome(Section::Items),
        csrf: viewer.csrf(),
        once: viewer.form_token()?,
        code: item.code.to_string(),
        item_name: item.name.clone(),
        promised: promised(item.promised_days),
        accept: ACCEPT,
        limits: format!(
            "可上传 PDF、JPEG、PNG 或 OFD 文件（不收 Word、Excel 等可编辑文件）；每个文件不超过 {} MB，每项材料最多 {} 个文件，全部材料合计不超过 {} MB。",
            MAX_FILE_BYTES >> 20,
            MAX_FILES_PER_MATERIAL,
            MAX_CASE_BYTES >> 20
        ),
        fields,
        materials,
        summary,
    })
}

/// The item in force under `code` that takes applications online, or why not.
async fn web_item(s: &AppState, code: &str) -> Result<Item, AppError> {
    let detail = s.app.item(code).await?;
    if detail.current.valid_to.is_some() {
        return Err(Invalid::one(
            "item",
            format!("{} 已停止实施，不能再申请", detail.current.item.name),
        )
        .into());
    }
    let item = detail.current.item;
    if !item.channels.contains(&Channel::Web) {
        return Err(Invalid::one(
            "channel",
            format!(
                "{} 不能网上申办，请通过{}办理",
                item.name,
                item.channels_zh()
            ),
        )
        .into());
    }
    Ok(item)
}

/// Staff file at the window or for a caller, not through the applicant's wizard.
fn applicant_only(viewer: &Viewer, actor: &Actor) -> Result<(), PageError> {
    if actor.role.is_staff() {
        return Err(viewer.fail(AppError::Forbidden(
            "在线申办由申请人本人提交；窗口人员请在「热线代办」页面代来电人申请。".into(),
        )));
    }
    Ok(())
}

/// `GET /cases/new?item=CODE`: the wizard, for a signed-in citizen or enterprise.
pub async fn form(
    State(s): State<AppState>,
    viewer: Viewer,
    q: Result<Query<ApplyQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let q: ApplyQuery = query(&viewer, q)?;
    let actor = match signed_in(&viewer, &viewer.here) {
        Ok(a) => a,
        Err(r) => return Ok(r.into_response()),
    };
    applicant_only(&viewer, &actor)?;
    let item = web_item(&s, &q.item).await.map_err(|e| viewer.fail(e))?;
    render(StatusCode::OK, &page(&viewer, &item, Filled::default())?)
}

/// A kept file posted back as `blob:name`; anything else is dropped (the
/// submit use case reads every cited blob back and checks it anyway).
fn kept_file(value: &str) -> Option<FileRef> {
    let (blob, name) = value.split_once(':')?;
    (blob.len() == 64 && blob.bytes().all(|b| b.is_ascii_hexdigit())).then(|| FileRef {
        blob: blob.to_string(),
        name: name.to_string(),
        size: 0,
        media_type: String::new(),
    })
}

/// `materials[k]…` of the submitted list (only materials with files) names
/// the item's material `list[k]`; a bare `materials[i]` already names the
/// item's material (a required one left out).
fn to_item_index(field: &str, list: &[usize]) -> String {
    let Some(rest) = field.strip_prefix("materials[") else {
        return field.to_string();
    };
    let Some((k, tail)) = rest.split_once(']') else {
        return field.to_string();
    };
    match (k.parse::<usize>(), tail.is_empty()) {
        (Ok(k), false) => match list.get(k) {
            Some(i) => format!("materials[{i}]{tail}"),
            None => field.to_string(),
        },
        _ => field.to_string(),
    }
}

/// `POST /cases`: uploads each file, then files the application.
pub async fn submit(
    State(s): State<AppState>,
    viewer: Viewer,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, PageError> {
    let actor = match signed_in(&viewer, "/cases") {
        Ok(a) => a,
        Err(r) => return Ok(r.into_response()),
    };
    let multipart = multipart.map_err(|e| {
        viewer.fail(Invalid::one(
            "form",
            format!("the form could not be read: {}", e.body_text()),
        ))
    })?;
    let posted: Posted = read_multipart(multipart)
        .await
        .map_err(|e| viewer.fail(e))?;
    let fields = FormData(posted.fields);
    viewer.check_csrf(&fields)?;
    applicant_only(&viewer, &actor)?;
    let once = viewer.form_key(&fields)?;
    let item = web_item(&s, fields.get("item"))
        .await
        .map_err(|e| viewer.fail(e))?;
    let n = item.materials.len();

    let mut filled = Filled {
        values: case_form::posted(&item.form_fields(), &fields),
        kept: vec![Vec::new(); n],
        errors: FieldErrors::default(),
    };
    for i in 0..n {
        filled.kept[i].extend(
            fields
                .all(&format!("keep{i}"))
                .iter()
                .filter_map(|v| kept_file(v)),
        );
    }
    let mut uploads_failed = false;
    for f in posted.files {
        let Some(i) = f.material.filter(|i| *i < n) else {
            filled.errors.0.push((
                "materials".into(),
                format!("{} 没有这项材料（{}）", item.name, f.field),
            ));
            uploads_failed = true;
            continue;
        };
        match s
            .app
            .upload(&actor, &f.name, f.content_type.as_deref(), f.content)
            .await
        {
            Ok(file) => filled.kept[i].push(file),
            Err(AppError::Invalid(inv)) => {
                uploads_failed = true;
                let j = filled.kept[i].len();
                for e in inv.0 {
                    filled
                        .errors
                        .0
                        .push((format!("materials[{i}].files[{j}]"), e.reason));
                }
            }
            Err(e) => return Err(viewer.fail(e)),
        }
    }
    if uploads_failed {
        return render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(&viewer, &item, filled)?,
        );
    }

    let list: Vec<usize> = (0..n).filter(|i| !filled.kept[*i].is_empty()).collect();
    let application = Application {
        item: item.code.to_string(),
        channel: Channel::Web.as_str().to_string(),
        applicant: None,
        form: filled.values.iter().cloned().collect(),
        materials: list
            .iter()
            .map(|&i| MaterialInput {
                material: i,
                files: filled.kept[i].clone(),
            })
            .collect(),
    };
    match s
        .app
        .submit_once(&actor, &once, "/cases", application)
        .await
    {
        Ok(Filed::Now(receipt)) => Ok(see_other(
            &format!("/cases/{}/receipt", encode(&receipt.number)),
            None,
        )),
        Ok(Filed::Before(number)) => Ok(see_other(
            &format!("/cases/{}/receipt", encode(&number)),
            None,
        )),
        Err(e) => {
            let Some(errors) = FieldErrors::from_app(&e) else {
                return Err(viewer.fail(e));
            };
            let status = ApiError(e).status();
            filled.errors = FieldErrors(
                errors
                    .0
                    .into_iter()
                    .map(|(f, r)| (to_item_index(&f, &list), r))
                    .collect(),
            );
            render(status, &page(&viewer, &item, filled)?)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_indices_become_the_items() {
        let list = [1, 3];
        assert_eq!(
            to_item_index("materials[1].files[0].blob", &list),
            "materials[3].files[0].blob"
        );
        assert_eq!(
            to_item_index("materials[0].files", &list),
            "materials[1].files"
        );
        // A required material left out is named by the item's own index.
        assert_eq!(to_item_index("materials[2]", &list), "materials[2]");
        assert_eq!(to_item_index("materials", &list), "materials");
        assert_eq!(to_item_index("form.phone", &list), "form.phone");
    }

    #[test]
    fn kept_files_are_content_ids() {
        let blob = "a".repeat(64);
        let f = kept_file(&format!("{blob}:营业执照.pdf")).expect("kept");
        assert_eq!(
            (f.blob.as_str(), f.name.as_str()),
            (blob.as_str(), "营业执照.pdf")
        );
        assert!(kept_file("../etc/passwd:x").is_none());
        assert!(kept_file("nocolon").is_none());
    }
}
