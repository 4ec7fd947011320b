//! `/admin/decrees/{id}/add`, `/modify` and `/merge`: the adjustments that
//! carry an item's whole elements, made on the page. The admin first names the
//! item or items by code (a GET form: a wrong code costs nothing), then fills
//! the item form, which starts from the list's elements where there are any.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use bianli_app::catalog::AdjustmentInput;
use bianli_app::store::DecreeDetail;
use bianli_domain::Invalid;
use bianli_domain::catalog::DecreeStatus;

use super::adjustment_errors::form_errors;
use super::adjustment_target::{ItemAdjustment, Refused, Target, resolve};
use super::admin_decrees::load;
use super::auth::{Maintainer, Viewer, see_other};
use super::error_page::PageError;
use super::field_errors::{ErrorLink, FieldErrors};
use super::form::{self, FormData, lines};
use super::item_form::{self, ItemFields, ItemFieldsView, all_problems};
use super::layout::{Chrome, Section, date, render};
use super::lookup::{Choice, Names};
use crate::{ApiError, AppState};

struct Wording {
    slug: &'static str,
    heading: &'static str,
    pick_label: &'static str,
    lead: &'static str,
}

fn wording(which: ItemAdjustment) -> Wording {
    match which {
        ItemAdjustment::Add => Wording {
            slug: "add",
            heading: "新增事项",
            pick_label: "新事项的事项编码（如 430100-0100099：前六位为行政区划代码，第八、九位为事项类型代码）",
            lead: "填写新事项的全部要素。事项类型和行政区划由编码确定。",
        },
        ItemAdjustment::Modify => Wording {
            slug: "modify",
            heading: "修改事项",
            pick_label: "要修改的事项编码（本部门在实施的事项）",
            lead: "下列要素取自该事项现行版本，修改后随本决定施行。",
        },
        ItemAdjustment::Merge => Wording {
            slug: "merge",
            heading: "合并事项",
            pick_label: "被合并事项的编码（每行一个，至少两项，须为本部门同一行政区划的事项）",
            lead: "被合并的事项随本决定停止实施，由合并后的事项承接。合并后事项可沿用其中一项的编码，也可使用新编码；下列要素取自该项（新编码取自第一项）。",
        },
    }
}

#[derive(Template)]
#[template(path = "admin_decree_pick.html")]
pub struct PickPage {
    pub chrome: Chrome,
    pub heading: &'static str,
    pub number: String,
    pub back_href: String,
    pub action: String,
    pub merge: bool,
    pub label: &'static str,
    pub value: String,
    pub errors: FieldErrors,
    pub summary: Vec<ErrorLink>,
}

pub struct MergedView {
    pub href: String,
    pub label: String,
    pub code: String,
}

#[derive(Template)]
#[template(path = "admin_decree_item.html")]
pub struct ItemAdjustmentPage {
    pub chrome: Chrome,
    pub csrf: String,
    pub heading: &'static str,
    pub lead: &'static str,
    pub number: String,
    pub effective_on: String,
    pub back_href: String,
    pub pick_href: String,
    pub action: String,
    pub merge: bool,
    /// 新增 and 修改 name their item on the first step; only a merge's result
    /// code is typed here.
    pub code_fixed: bool,
    pub code: String,
    pub kind: String,
    pub division: String,
    /// 修改: the item's department, which the form does not change.
    pub department: String,
    pub departments: Vec<Choice>,
    pub merged: Vec<MergedView>,
    pub fields: ItemFieldsView,
    pub errors: FieldErrors,
    pub summary: Vec<ErrorLink>,
}

/// The form as typed, beside the item fields.
struct Typed {
    code: String,
    department: String,
    fields: ItemFields,
}

impl Typed {
    fn start(which: ItemAdjustment, t: &Target) -> Typed {
        let offered = |id: i64| t.departments.iter().any(|d| d.id == id);
        match which {
            ItemAdjustment::Add => Typed {
                code: t.base.code.clone(),
                department: match t.departments.as_slice() {
                    [only] => only.id.to_string(),
                    _ => String::new(),
                },
                fields: ItemFields::blank(),
            },
            ItemAdjustment::Modify | ItemAdjustment::Merge => Typed {
                code: t.base.code.clone(),
                department: if offered(t.base.department_id) {
                    t.base.department_id.to_string()
                } else {
                    String::new()
                },
                fields: ItemFields::from_input(&t.base),
            },
        }
    }

    fn read(data: &FormData) -> Typed {
        Typed {
            code: data.get("code").trim().to_string(),
            department: data.get("department_id").trim().to_string(),
            fields: ItemFields::from_form(data),
        }
    }
}

fn anchor(head: &str, index: Option<usize>) -> Option<String> {
    match head {
        "code" | "kind" | "division" => Some("f-code".to_string()),
        "codes" => Some("f-codes".to_string()),
        "department_id" => Some("f-department_id".to_string()),
        _ => item_form::anchor(head, index),
    }
}

fn base_href(d: &DecreeDetail) -> String {
    format!("/admin/decrees/{}", d.decree.id)
}

fn pick_page(
    which: ItemAdjustment,
    viewer: &Viewer,
    d: &DecreeDetail,
    value: String,
    errors: FieldErrors,
) -> PickPage {
    let w = wording(which);
    PickPage {
        chrome: viewer.chrome(Section::Admin),
        heading: w.heading,
        number: d.decree.number.as_str().to_string(),
        back_href: base_href(d),
        action: format!("{}/{}", base_href(d), w.slug),
        merge: which == ItemAdjustment::Merge,
        label: w.pick_label,
        value,
        summary: errors.links(anchor),
        errors,
    }
}

fn item_page(
    which: ItemAdjustment,
    viewer: &Viewer,
    d: &DecreeDetail,
    t: &Target,
    names: &Names,
    typed: Typed,
    errors: FieldErrors,
) -> ItemAdjustmentPage {
    let w = wording(which);
    let shown = match which {
        ItemAdjustment::Merge => t.merge_result(&typed.code),
        _ => t.base.clone(),
    };
    ItemAdjustmentPage {
        chrome: viewer.chrome(Section::Admin),
        csrf: viewer.csrf(),
        heading: w.heading,
        lead: w.lead,
        number: d.decree.number.as_str().to_string(),
        effective_on: date(d.decree.effective_on),
        back_href: base_href(d),
        pick_href: format!("{}/{}", base_href(d), w.slug),
        action: format!("{}/{}", base_href(d), w.slug),
        merge: which == ItemAdjustment::Merge,
        code_fixed: which != ItemAdjustment::Merge,
        code: typed.code,
        kind: shown.kind.clone(),
        division: names.division(&shown.division),
        department: match which {
            ItemAdjustment::Modify => names.department_name(t.base.department_id),
            _ => String::new(),
        },
        departments: t
            .departments
            .iter()
            .map(|dep| Choice::new(dep.id.to_string(), dep.name.clone(), &typed.department))
            .collect(),
        merged: t
            .merged
            .iter()
            .map(|m| {
                let code = m.current.item.code.to_string();
                MergedView {
                    href: format!("/items/{code}"),
                    label: format!("{}（{code}）", m.current.item.name),
                    code,
                }
            })
            .collect(),
        fields: typed.fields.view(&errors),
        summary: errors.links(anchor),
        errors,
    }
}

/// The code(s) the first step names, or `None` when it has not been filled in yet.
fn named(which: ItemAdjustment, data: &FormData) -> Option<Vec<String>> {
    if !data.has(which.pick_field()) {
        return None;
    }
    Some(match which {
        ItemAdjustment::Merge => data.all("codes").iter().flat_map(|v| lines(v)).collect(),
        _ => vec![data.get("code").trim().to_string()],
    })
}

/// The draft, or a way back to it once applied (its page says so).
async fn draft(
    s: &AppState,
    viewer: &Viewer,
    id: &str,
) -> Result<Result<DecreeDetail, Response>, PageError> {
    let d = load(s, viewer, id).await?;
    Ok(if d.decree.status == DecreeStatus::Applied {
        Err(see_other(&base_href(&d), None))
    } else {
        Ok(d)
    })
}

async fn show(
    which: ItemAdjustment,
    s: AppState,
    m: Maintainer,
    id: String,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, PageError> {
    let d = match draft(&s, &m.viewer, &id).await? {
        Ok(d) => d,
        Err(back) => return Ok(back),
    };
    let data = FormData(form::query(&m.viewer, q)?);
    let Some(codes) = named(which, &data) else {
        let page = pick_page(which, &m.viewer, &d, String::new(), FieldErrors::default());
        return render(StatusCode::OK, &page);
    };
    match resolve(&s.app, &m.viewer, which, &codes).await {
        Ok(t) => {
            let names = Names::load(&s.app).await.map_err(|e| m.viewer.fail(e))?;
            let typed = Typed::start(which, &t);
            let page = item_page(
                which,
                &m.viewer,
                &d,
                &t,
                &names,
                typed,
                FieldErrors::default(),
            );
            render(StatusCode::OK, &page)
        }
        Err(Refused::Fields(status, errors)) => {
            let page = pick_page(which, &m.viewer, &d, codes.join("\n"), errors);
            render(status, &page)
        }
        Err(Refused::Failed(e)) => Err(m.viewer.fail(e)),
    }
}

async fn save(
    which: ItemAdjustment,
    s: AppState,
    m: Maintainer,
    id: String,
    data: FormData,
) -> Result<Response, PageError> {
    m.viewer.check_csrf(&data)?;
    let d = match draft(&s, &m.viewer, &id).await? {
        Ok(d) => d,
        Err(back) => return Ok(back),
    };
    let codes = named(which, &data).unwrap_or_default();
    let t = match resolve(&s.app, &m.viewer, which, &codes).await {
        Ok(t) => t,
        Err(Refused::Fields(status, errors)) => {
            let page = pick_page(which, &m.viewer, &d, codes.join("\n"), errors);
            return render(status, &page);
        }
        Err(Refused::Failed(e)) => return Err(m.viewer.fail(e)),
    };
    let names = Names::load(&s.app).await.map_err(|e| m.viewer.fail(e))?;
    let typed = Typed::read(&data);
    let mut inv = Invalid::default();
    let mut base = match which {
        ItemAdjustment::Merge => t.merge_result(&typed.code),
        _ => t.base.clone(),
    };
    if which != ItemAdjustment::Modify {
        match t
            .departments
            .iter()
            .find(|dep| dep.id.to_string() == typed.department)
        {
            Some(dep) => base.department_id = dep.id,
            None => inv.push("department_id", "请选择实施部门"),
        }
    }
    let (input, unread) = typed.fields.apply_to(base);
    inv.0.extend(unread.0);
    if !inv.0.is_empty() {
        let errors = FieldErrors::from_invalid(&all_problems(&input, inv));
        let page = item_page(which, &m.viewer, &d, &t, &names, typed, errors);
        return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let adjustment = AdjustmentInput {
        kind: which.kind().as_str().to_string(),
        codes: t
            .merged
            .iter()
            .map(|m| m.current.item.code.to_string())
            .collect(),
        item: Some(input),
        ..AdjustmentInput::default()
    };
    match s
        .app
        .add_adjustments(&m.actor, d.decree.id, vec![adjustment])
        .await
    {
        Ok(()) => Ok(see_other(&base_href(&d), None)),
        Err(e) => match form_errors(&e, which.pick_field()) {
            Some(errors) => {
                let page = item_page(which, &m.viewer, &d, &t, &names, typed, errors);
                render(ApiError(e).status(), &page)
            }
            None => Err(m.viewer.fail(e)),
        },
    }
}

type Q = Result<Query<Vec<(String, String)>>, QueryRejection>;

pub async fn add_form(
    State(s): State<AppState>,
    m: Maintainer,
    Path(id): Path<String>,
    q: Q,
) -> Result<Response, PageError> {
    show(ItemAdjustment::Add, s, m, id, q).await
}

pub async fn add(
    State(s): State<AppState>,
    m: Maintainer,
    Path(id): Path<String>,
    data: FormData,
) -> Result<Response, PageError> {
    save(ItemAdjustment::Add, s, m, id, data).await
}

pub async fn modify_form(
    State(s): State<AppState>,
    m: Maintainer,
    Path(id): Path<String>,
    q: Q,
) -> Result<Response, PageError> {
    show(ItemAdjustment::Modify, s, m, id, q).await
}

pub async fn modify(
    State(s): State<AppState>,
    m: Maintainer,
    Path(id): Path<String>,
    data: FormData,
) -> Result<Response, PageError> {
    save(ItemAdjustment::Modify, s, m, id, data).await
}

pub async fn merge_form(
    State(s): State<AppState>,
    m: Maintainer,
    Path(id): Path<String>,
    q: Q,
) -> Result<Response, PageError> {
    show(ItemAdjustment::Merge, s, m, id, q).await
}

pub async fn merge(
    State(s): State<AppState>,
    m: Maintainer,
    Path(id): Path<String>,
    data: FormData,
) -> Result<Response, PageError> {
    save(ItemAdjustment::Merge, s, m, id, data).await
}
