//! Step one of 新增, 修改 and 合并 on a draft decree: the code or codes the admin
//! names, checked against the list and the admin's department before the item
//! form is shown, and again when the form comes back (the list may have moved).

use axum::http::StatusCode;
use bianli_app::catalog::ItemDetail;
use bianli_app::{App, AppError};
use bianli_domain::catalog::{AdjustmentKind, Department, ItemCode, ItemInput};

use super::adjustment_errors::NOT_YOURS;
use super::auth::Viewer;
use super::field_errors::FieldErrors;

/// The adjustments that carry an item's whole elements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemAdjustment {
    Add,
    Modify,
    Merge,
}

impl ItemAdjustment {
    pub fn kind(self) -> AdjustmentKind {
        match self {
            ItemAdjustment::Add => AdjustmentKind::Add,
            ItemAdjustment::Modify => AdjustmentKind::Modify,
            ItemAdjustment::Merge => AdjustmentKind::Merge,
        }
    }

    /// The field that names the item(s) on the first step's form.
    pub fn pick_field(self) -> &'static str {
        match self {
            ItemAdjustment::Merge => "codes",
            _ => "code",
        }
    }
}

/// What the item form starts from.
pub struct Target {
    /// The elements the form shows first and keeps where it has no field.
    pub base: ItemInput,
    /// 合并: the items merged, in the order named.
    pub merged: Vec<ItemDetail>,
    /// 新增 and 合并: the departments the item may go to — of its division, and
    /// maintained by this admin.
    pub departments: Vec<Department>,
}

impl Target {
    /// 合并: the result's elements start from the merged item whose code it
    /// keeps, or from the first merged item when it takes a new code.
    pub fn merge_result(&self, code: &str) -> ItemInput {
        let code = code.trim();
        let kept = self
            .merged
            .iter()
            .find(|d| d.current.item.code.to_string() == code)
            .or(self.merged.first());
        let mut base = kept
            .map(|d| ItemInput::from(&d.current.item))
            .unwrap_or_else(|| self.base.clone());
        identify(&mut base, code);
        base
    }
}

/// The code and what it determines: the kind (its digits 8–9) and the division
/// (its first six). A code that cannot be read is left for the item's rules to name.
fn identify(base: &mut ItemInput, code: &str) {
    base.code = code.to_string();
    if let Ok(c) = ItemCode::parse(code) {
        base.kind = c.basic().kind().zh().to_string();
        base.division = c.division().to_string();
    }
}

pub enum Refused {
    /// Shown next to the field on the first step's form.
    Fields(StatusCode, FieldErrors),
    Failed(AppError),
}

fn refuse(status: StatusCode, field: &str, reason: String) -> Refused {
    Refused::Fields(status, FieldErrors(vec![(field.to_string(), reason)]))
}

pub async fn resolve(
    app: &App,
    viewer: &Viewer,
    which: ItemAdjustment,
    codes: &[String],
) -> Result<Target, Refused> {
    match which {
        ItemAdjustment::Add => to_add(app, viewer, codes.first().map_or("", |c| c)).await,
        ItemAdjustment::Modify => to_modify(app, viewer, codes.first().map_or("", |c| c)).await,
        ItemAdjustment::Merge => to_merge(app, viewer, codes).await,
    }
}

/// The item in force under `code` that this admin maintains.
async fn adjustable(
    app: &App,
    viewer: &Viewer,
    code: &str,
    field: &str,
) -> Result<ItemDetail, Refused> {
    if let Err(e) = ItemCode::parse(code) {
        return Err(Refused::Fields(
            StatusCode::UNPROCESSABLE_ENTITY,
            FieldErrors::from_invalid(&e.relabel(field)),
        ));
    }
    let detail = match app.item(code).await {
        Ok(d) => d,
        Err(AppError::NotFound(_)) => {
            return Err(refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                field,
                format!("没有编码为 {code} 的事项"),
            ));
        }
        Err(e) => return Err(Refused::Failed(e)),
    };
    let item = &detail.current.item;
    if detail.current.valid_to.is_some() {
        return Err(refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            field,
            format!("{}（{code}）已不再实施", item.name),
        ));
    }
    if !viewer.maintains(item.department_id) {
        let by = detail
            .department
            .as_ref()
            .map(|d| format!("“{}”由{}实施。", item.name, d.name))
            .unwrap_or_default();
        return Err(refuse(
            StatusCode::FORBIDDEN,
            field,
            format!("{NOT_YOURS}{by}"),
        ));
    }
    Ok(detail)
}

async fn departments_at(
    app: &App,
    viewer: &Viewer,
    division: &str,
) -> Result<(Vec<Department>, bool), Refused> {
    let all = app.departments().await.map_err(Refused::Failed)?;
    let here: Vec<Department> = all
        .into_iter()
        .filter(|d| d.division.as_str() == division)
        .collect();
    let any = !here.is_empty();
    let mine = here
        .into_iter()
        .filter(|d| viewer.maintains(d.id))
        .collect();
    Ok((mine, any))
}

async fn to_add(app: &App, viewer: &Viewer, code: &str) -> Result<Target, Refused> {
    let code = code.trim();
    let parsed = ItemCode::parse(code).map_err(|e| {
        Refused::Fields(
            StatusCode::UNPROCESSABLE_ENTITY,
            FieldErrors::from_invalid(&e),
        )
    })?;
    match app.item(code).await {
        Ok(d) if d.current.valid_to.is_none() => {
            return Err(refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                "code",
                format!(
                    "编码 {code} 已有在实施的事项“{}”；调整已有事项请用“修改事项”",
                    d.current.item.name
                ),
            ));
        }
        Ok(_) | Err(AppError::NotFound(_)) => {}
        Err(e) => return Err(Refused::Failed(e)),
    }
    let division = parsed.division().to_string();
    let (departments, any) = departments_at(app, viewer, &division).await?;
    if departments.is_empty() {
        return Err(if any {
            refuse(
                StatusCode::FORBIDDEN,
                "code",
                format!(
                    "编码前六位是实施事项的行政区划代码；部门管理员只能新增本部门所在区划的事项，{division} 不是"
                ),
            )
        } else {
            refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                "code",
                format!("行政区划 {division} 没有实施部门"),
            )
        });
    }
    let mut base = ItemInput {
        department_id: departments[0].id,
        ..ItemInput::default()
    };
    identify(&mut base, code);
    Ok(Target {
        base,
        merged: Vec::new(),
        departments,
    })
}

async fn to_modify(app: &App, viewer: &Viewer, code: &str) -> Result<Target, Refused> {
    let detail = adjustable(app, viewer, code.trim(), "code").await?;
    Ok(Target {
        base: ItemInput::from(&detail.current.item),
        merged: Vec::new(),
        departments: Vec::new(),
    })
}

async fn to_merge(app: &App, viewer: &Viewer, codes: &[String]) -> Result<Target, Refused> {
    let mut named: Vec<&str> = Vec::new();
    for c in codes.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        if !named.contains(&c) {
            named.push(c);
        }
    }
    if named.len() < 2 {
        return Err(refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "codes",
            "请至少填写两个不同的事项编码".into(),
        ));
    }
    let mut errors = Vec::new();
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    let mut merged = Vec::new();
    for (i, code) in named.iter().enumerate() {
        match adjustable(app, viewer, code, &format!("codes[{i}]")).await {
            Ok(d) => merged.push(d),
            Err(Refused::Fields(s, e)) => {
                if s == StatusCode::FORBIDDEN {
                    status = s;
                }
                errors.extend(e.0);
            }
            Err(failed) => return Err(failed),
        }
    }
    if let Some(first) = merged.first().map(|d| d.current.item.division.clone()) {
        for (i, d) in merged.iter().enumerate() {
            if d.current.item.division != first {
                errors.push((
                    format!("codes[{i}]"),
                    "被合并的事项须属于同一行政区划".into(),
                ));
            }
        }
    }
    if !errors.is_empty() {
        return Err(Refused::Fields(status, FieldErrors(errors)));
    }
    let first = &merged[0].current.item;
    let (departments, _) = departments_at(app, viewer, first.division.as_str()).await?;
    Ok(Target {
        base: ItemInput::from(first),
        merged,
        departments,
    })
}
