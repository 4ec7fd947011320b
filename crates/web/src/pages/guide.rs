//! `/items/{code}`: the guide (办事指南) to one item, with its history.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use bianli_app::catalog::ItemDetail;
use bianli_domain::catalog::{AdjustmentKind, Channel};

use super::auth::Viewer;
use super::decrees::decree_numbers;
use super::error_page::PageError;
use super::layout::{Chrome, Section, date, ok, promised, query, visits};
use super::lookup::Names;
use crate::AppState;

pub struct Link {
    pub href: String,
    pub label: String,
}

pub struct MaterialRow {
    pub name: String,
    pub required: &'static str,
    pub form: &'static str,
    pub may_defer: bool,
}

/// A field of the item's application form (申请表).
pub struct FormRow {
    pub label: String,
    pub kind: &'static str,
    pub required: &'static str,
    /// The options of a choice, or a number's unit.
    pub detail: String,
    /// 印证: the licence prints it.
    pub printed: bool,
}

pub struct HistoryRow {
    pub version: i64,
    pub valid_from: String,
    pub valid_to: String,
    pub change: &'static str,
    pub decree: Option<Link>,
    pub ended: Option<String>,
}

#[derive(Template)]
#[template(path = "item.html")]
pub struct GuidePage {
    pub chrome: Chrome,
    pub code: String,
    pub name: String,
    pub aliases: String,
    pub kind: &'static str,
    pub department: Link,
    pub division: String,
    pub level: &'static str,
    pub statutory: String,
    pub promised: String,
    pub visits: String,
    pub channels: String,
    pub materials: Vec<MaterialRow>,
    pub form: Vec<FormRow>,
    pub fee: String,
    pub fee_basis: Option<String>,
    pub legal_basis: Vec<String>,
    pub prerequisites: Vec<Link>,
    pub post_links: Vec<Link>,
    pub chain_group: Option<Link>,
    pub commitment_allowed: bool,
    pub verification_days: u32,
    pub history: Vec<HistoryRow>,
    /// Why the item is no longer in force, if it is not.
    pub banner: Option<(&'static str, String)>,
    pub banner_link: Option<Link>,
    pub edit_href: Option<String>,
    /// 在线申办, where the item is in force and takes the web channel.
    pub apply_href: Option<String>,
}

fn search_link(name: &str) -> Link {
    Link {
        href: format!("/items{}", query(&[("q", name)])),
        label: name.to_string(),
    }
}

pub fn decree_link(id: Option<i64>, numbers: &HashMap<i64, String>) -> Option<Link> {
    id.map(|id| Link {
        href: format!("/decrees/{id}"),
        label: numbers
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("决定 {id}")),
    })
}

/// How an ended item is described: 已取消, 已下放 …
fn ended_as(kind: Option<AdjustmentKind>) -> &'static str {
    match kind {
        Some(AdjustmentKind::Cancel) => "已取消",
        Some(AdjustmentKind::Delegate) => "已下放",
        Some(AdjustmentKind::Merge) => "已合并",
        _ => "已停止实施",
    }
}

pub fn guide_page(
    d: &ItemDetail,
    names: &Names,
    numbers: &HashMap<i64, String>,
    viewer: &Viewer,
) -> GuidePage {
    let cur = &d.current;
    let i = &cur.item;
    let department = match &d.department {
        Some(dep) => Link {
            href: format!("/departments/{}", dep.id),
            label: dep.name.clone(),
        },
        None => Link {
            href: format!("/departments/{}", i.department_id),
            label: names.department_name(i.department_id),
        },
    };
    let banner = cur.valid_to.map(|to| {
        let text = format!("自 {} 起不再由{}实施。", date(to), department.label);
        (ended_as(cur.end_change), text)
    });
    let banner_link = match (cur.valid_to, cur.end_change) {
        (Some(_), Some(AdjustmentKind::Delegate)) => i.level().below().map(|below| Link {
            href: format!(
                "/items{}",
                query(&[("q", &i.name), ("level", below.as_str())])
            ),
            label: format!("查看下放后由{}实施的同名事项", below.zh()),
        }),
        (Some(_), _) => decree_link(cur.ended_by, numbers),
        _ => None,
    };
    let history = d
        .history
        .iter()
        .map(|v| HistoryRow {
            version: v.version,
            valid_from: date(v.valid_from),
            valid_to: v.valid_to.map(date).unwrap_or_else(|| "至今".to_string()),
            change: if v.started_by.is_some() {
                v.start_change.zh()
            } else {
                "日常维护"
            },
            decree: decree_link(v.started_by, numbers),
            ended: v.end_change.map(|k| k.zh().to_string()),
        })
        .collect();
    GuidePage {
        chrome: viewer.chrome(Section::Items),
        code: i.code.to_string(),
        name: i.name.clone(),
        aliases: i.aliases.join("、"),
        kind: i.kind.zh(),
        division: names.division(i.division.as_str()),
        level: i.level().zh(),
        statutory: i
            .statutory_limit
            .map(|l| l.zh())
            .unwrap_or_else(|| "法律法规未规定".to_string()),
        promised: promised(i.promised_days),
        visits: visits(i.visits),
        channels: i.channels_zh(),
        materials: i
            .materials
            .iter()
            .map(|m| MaterialRow {
                name: m.name.clone(),
                required: if m.required { "必要" } else { "非必要" },
                form: m.form.zh(),
                may_defer: m.may_defer,
            })
            .collect(),
        form: i
            .form_fields()
            .iter()
            .map(|f| FormRow {
                label: f.label.clone(),
                kind: f.kind.zh(),
                required: if f.required { "必填" } else { "选填" },
                detail: match &f.unit {
                    Some(u) => format!("单位：{u}"),
                    None => f.options.join("、"),
                },
                printed: f.printed,
            })
            .collect(),
        fee: i.fee.zh(),
        fee_basis: i.fee.basis.clone(),
        legal_basis: i.legal_basis.iter().map(|b| b.citation()).collect(),
        prerequisites: i.prerequisites.iter().map(|p| search_link(p)).collect(),
        post_links: i.post_links.iter().map(|p| search_link(p)).collect(),
        chain_group: i.chain_group.as_deref().map(search_link),
        commitment_allowed: i.commitment_allowed,
        verification_days: bianli_domain::cases::VERIFICATION_DAYS,
        history,
        banner,
        banner_link,
        apply_href: (cur.valid_to.is_none() && i.channels.contains(&Channel::Web))
            .then(|| format!("/cases/new?item={}", i.code)),
        edit_href: (cur.valid_to.is_none() && viewer.maintains(i.department_id))
            .then(|| format!("/admin/items/{}/edit", i.code)),
        department,
    }
}

pub async fn show(
    State(s): State<AppState>,
    viewer: Viewer,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let detail = s.app.item(&code).await.map_err(|e| viewer.fail(e))?;
    let names = Names::load(&s.app).await.map_err(|e| viewer.fail(e))?;
    let numbers = decree_numbers(&s.app).await.map_err(|e| viewer.fail(e))?;
    ok(&guide_page(&detail, &names, &numbers, &viewer))
}
