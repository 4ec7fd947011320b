//! `/admin/items/{code}/edit`: a department admin revises an item's elements
//! (日常维护), effective from a date.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use bianli_app::AppError;
use bianli_app::catalog::{ItemDetail, parse_date};
use bianli_domain::Invalid;
use bianli_domain::catalog::{Channel, ItemInput, Material, MaterialForm};

use super::auth::{Maintainer, Viewer, see_other};
use super::error_page::PageError;
use super::field_errors::{ErrorLink, FieldErrors};
use super::form::{FormData, lines};
use super::layout::{Chrome, Section, date, render};
use super::lookup::Choice;
use crate::AppState;

/// Blank material rows offered below the existing ones.
const SPARE_ROWS: usize = 3;
const MAX_ROWS: usize = 100;

const FORMS: [(MaterialForm, &str); 4] = [
    (MaterialForm::Original, "original"),
    (MaterialForm::Copy, "copy"),
    (MaterialForm::OriginalAndCopy, "original_and_copy"),
    (MaterialForm::Electronic, "electronic"),
];

fn form_value(f: MaterialForm) -> &'static str {
    FORMS
        .iter()
        .find(|(x, _)| *x == f)
        .map(|(_, v)| *v)
        .unwrap_or("copy")
}

#[derive(Debug, Clone, Default)]
pub struct MaterialInput {
    pub name: String,
    pub required: bool,
    pub form: String,
    pub may_defer: bool,
}

/// The form's values as typed, so a rejected form comes back as it was sent.
#[derive(Debug, Clone, Default)]
pub struct EditForm {
    pub name: String,
    pub aliases: String,
    pub promised_days: String,
    pub visits: String,
    pub channels: Vec<String>,
    pub materials: Vec<MaterialInput>,
    pub fee_yuan: String,
    pub fee_basis: String,
    pub legal_basis: String,
    pub statutory_days: String,
    pub statutory_unit: String,
    pub effective_on: String,
}

fn yuan(fen: i64) -> String {
    if fen % 100 == 0 {
        (fen / 100).to_string()
    } else {
        format!("{}.{:02}", fen / 100, fen % 100)
    }
}

/// "12.5" 元 → 1250 分; at most two decimals.
pub fn fen(s: &str) -> Option<i64> {
    let s = s.trim();
    if s.is_empty() {
        return Some(0);
    }
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    let digits = |d: &str| d.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(frac) || frac.len() > 2 {
        return None;
    }
    let cents: i64 = format!("{frac:0<2}").parse().ok()?;
    whole
        .parse::<i64>()
        .ok()?
        .checked_mul(100)?
        .checked_add(cents)
}

impl EditForm {
    pub fn from_input(i: &ItemInput, effective_on: String) -> EditForm {
        EditForm {
            name: i.name.clone(),
            aliases: i.aliases.join("\n"),
            promised_days: i.promised_days.to_string(),
            visits: i.visits.to_string(),
            channels: i.channels.clone(),
            materials: i
                .materials
                .iter()
                .map(|m| MaterialInput {
                    name: m.name.clone(),
                    required: m.required,
                    form: form_value(m.form).to_string(),
                    may_defer: m.may_defer,
                })
                .collect(),
            fee_yuan: yuan(i.fee_fen),
            fee_basis: i.fee_basis.clone().unwrap_or_default(),
            legal_basis: i.legal_basis.join("\n"),
            statutory_days: i.statutory_days.map(|d| d.to_string()).unwrap_or_default(),
            statutory_unit: i.statutory_unit.clone().unwrap_or_else(|| "working".into()),
            effective_on,
        }
    }

    pub fn from_form(f: &FormData) -> EditForm {
        let mut rows: Vec<usize> =
            f.0.iter()
                .filter_map(|(k, _)| k.strip_prefix('m')?.strip_suffix("_name")?.parse().ok())
                .filter(|i| *i < MAX_ROWS)
                .collect();
        rows.sort_unstable();
        rows.dedup();
        let materials = rows
            .into_iter()
            .map(|i| MaterialInput {
                name: f.get(&format!("m{i}_name")).trim().to_string(),
                required: f.get(&format!("m{i}_required")) != "0",
                form: f.get(&format!("m{i}_form")).to_string(),
                may_defer: f.has(&format!("m{i}_defer")),
            })
            .filter(|m| !m.name.is_empty())
            .collect();
        EditForm {
            name: f.get("name").to_string(),
            aliases: f.get("aliases").to_string(),
            promised_days: f.get("promised_days").to_string(),
            visits: f.get("visits").to_string(),
            channels: f.all("channels"),
            materials,
            fee_yuan: f.get("fee_yuan").to_string(),
            fee_basis: f.get("fee_basis").to_string(),
            legal_basis: f.get("legal_basis").to_string(),
            statutory_days: f.get("statutory_days").to_string(),
            statutory_unit: f.get("statutory_unit").to_string(),
            effective_on: f.get("effective_on").to_string(),
        }
    }

    /// The item's elements with this form's edits laid over `base`; what the
    /// form does not show (code, kind, department, links) stays as it was. A
    /// value that cannot be read keeps the base's and is reported.
    pub fn apply_to(&self, base: ItemInput) -> (ItemInput, Invalid) {
        let mut inv = Invalid::default();
        let mut number = |field: &str, s: &str, fallback: i64| -> i64 {
            s.trim().parse::<i64>().unwrap_or_else(|_| {
                inv.push(field, "请填写整数 (a whole number)");
                fallback
            })
        };
        let promised_days = number("promised_days", &self.promised_days, base.promised_days);
        let visits = number("visits", &self.visits, base.visits);
        let statutory_days = if self.statutory_days.trim().is_empty() {
            None
        } else {
            Some(number(
                "statutory_days",
                &self.statutory_days,
                base.statutory_days.unwrap_or(1),
            ))
        };
        let fee_fen = fen(&self.fee_yuan).unwrap_or_else(|| {
            inv.push(
                "fee_fen",
                "请填写金额（元），最多两位小数 (an amount in yuan)",
            );
            base.fee_fen
        });
        let mut materials = Vec::new();
        for (i, m) in self.materials.iter().enumerate() {
            let form = FORMS
                .iter()
                .find(|(_, v)| *v == m.form)
                .map(|(f, _)| *f)
                .unwrap_or_else(|| {
                    inv.push(
                        format!("materials[{i}].form"),
                        "请选择材料形式 (choose a form)",
                    );
                    MaterialForm::Copy
                });
            materials.push(Material {
                name: m.name.clone(),
                required: m.required,
                form,
                may_defer: m.may_defer,
            });
        }
        if !self.effective_on.trim().is_empty() {
            inv.take("", parse_date("effective_on", &self.effective_on));
        }
        let input = ItemInput {
            name: self.name.trim().to_string(),
            aliases: lines(&self.aliases),
            promised_days,
            visits,
            channels: self.channels.clone(),
            materials,
            fee_fen,
            fee_basis: Some(self.fee_basis.trim().to_string()).filter(|b| !b.is_empty()),
            legal_basis: lines(&self.legal_basis),
            statutory_days,
            statutory_unit: Some(self.statutory_unit.clone()).filter(|u| !u.trim().is_empty()),
            ..base
        };
        (input, inv)
    }
}

/// The form's own complaints, plus what the item's rules say about the fields
/// it could read, so every problem shows at once.
fn all_problems(input: &ItemInput, mut inv: Invalid) -> Invalid {
    let head = |f: &str| f.split(['[', '.']).next().unwrap_or(f).to_string();
    let flagged: Vec<String> = inv.0.iter().map(|f| head(&f.field)).collect();
    if let Err(more) = input.clone().parse() {
        inv.0.extend(
            more.0
                .into_iter()
                .filter(|f| !flagged.contains(&head(&f.field))),
        );
    }
    inv
}

pub struct ChannelBox {
    pub value: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

pub struct MaterialRowView {
    pub index: usize,
    pub number: usize,
    pub name: String,
    pub required: bool,
    pub forms: Vec<Choice>,
    pub may_defer: bool,
    pub errors: Vec<String>,
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
    pub form: EditForm,
    pub channel_boxes: Vec<ChannelBox>,
    pub visit_choices: Vec<Choice>,
    pub unit_choices: Vec<Choice>,
    pub rows: Vec<MaterialRowView>,
    pub errors: FieldErrors,
    pub summary: Vec<ErrorLink>,
}

fn anchor(head: &str, index: Option<usize>) -> Option<String> {
    Some(match (head, index) {
        ("materials", Some(i)) => format!("f-m{i}_name"),
        ("channels", _) => "f-channels".to_string(),
        ("fee_fen", _) => "f-fee_yuan".to_string(),
        (
            "name" | "aliases" | "promised_days" | "visits" | "materials" | "fee_basis"
            | "legal_basis" | "statutory_days" | "statutory_unit" | "effective_on",
            _,
        ) => format!("f-{head}"),
        _ => return None,
    })
}

pub fn edit_page(
    detail: &ItemDetail,
    form: EditForm,
    errors: FieldErrors,
    viewer: &Viewer,
) -> EditPage {
    let code = detail.current.item.code.to_string();
    let form_choices = |current: &str| -> Vec<Choice> {
        FORMS
            .iter()
            .map(|(f, v)| Choice::new(*v, f.zh(), current))
            .collect()
    };
    let mut rows: Vec<MaterialRowView> = form
        .materials
        .iter()
        .enumerate()
        .map(|(i, m)| MaterialRowView {
            index: i,
            number: i + 1,
            name: m.name.clone(),
            required: m.required,
            forms: form_choices(&m.form),
            may_defer: m.may_defer,
            errors: errors.row("materials", i),
        })
        .collect();
    for i in rows.len()..rows.len() + SPARE_ROWS {
        rows.push(MaterialRowView {
            index: i,
            number: i + 1,
            name: String::new(),
            required: true,
            forms: form_choices("copy"),
            may_defer: false,
            errors: Vec::new(),
        });
    }
    EditPage {
        chrome: viewer.chrome(Section::Admin),
        title: detail.current.item.name.clone(),
        action: format!("/admin/items/{code}/edit"),
        cancel_href: format!("/items/{code}"),
        csrf: viewer.csrf(),
        channel_boxes: Channel::ALL
            .iter()
            .map(|c| ChannelBox {
                value: c.as_str(),
                label: c.zh(),
                checked: form.channels.iter().any(|x| x == c.as_str()),
            })
            .collect(),
        visit_choices: ["0", "1", "2"]
            .iter()
            .map(|v| Choice::new(*v, format!("{v} 次"), form.visits.trim()))
            .collect(),
        unit_choices: vec![
            Choice::new("working", "工作日", &form.statutory_unit),
            Choice::new("calendar", "自然日", &form.statutory_unit),
        ],
        rows,
        summary: errors.links(anchor),
        errors,
        form,
        code,
    }
}

/// The item, if this maintainer may edit it now.
async fn editable(s: &AppState, viewer: &Viewer, code: &str) -> Result<ItemDetail, PageError> {
    let detail = s.app.item(code).await.map_err(|e| viewer.fail(e))?;
    if detail.current.valid_to.is_some() {
        return Err(viewer.fail(AppError::Conflict {
            field: "code".into(),
            message: "本事项已不再实施，不能编辑 (the item is no longer in force)".into(),
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
    let (input, inv) = form.apply_to(ItemInput::from(&detail.current.item));
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
    fn yuan_to_fen() {
        assert_eq!(fen(""), Some(0));
        assert_eq!(fen("20"), Some(2000));
        assert_eq!(fen("12.5"), Some(1250));
        assert_eq!(fen("0.05"), Some(5));
        for bad in ["-1", "1.234", "abc", ".5", "1e3"] {
            assert_eq!(fen(bad), None, "{bad}");
        }
        assert_eq!(yuan(1250), "12.50");
        assert_eq!(yuan(2000), "20");
    }

    #[test]
    fn material_rows_come_back_in_order_without_blanks() {
        let data = FormData(vec![
            ("m1_name".into(), "身份证".into()),
            ("m1_required".into(), "1".into()),
            ("m1_form".into(), "original".into()),
            ("m1_defer".into(), "on".into()),
            ("m0_name".into(), "营业执照".into()),
            ("m0_required".into(), "0".into()),
            ("m0_form".into(), "copy".into()),
            ("m2_name".into(), " ".into()),
            ("channels".into(), "hall".into()),
            ("channels".into(), "web".into()),
        ]);
        let f = EditForm::from_form(&data);
        assert_eq!(f.materials.len(), 2);
        assert_eq!(f.materials[0].name, "营业执照");
        assert!(!f.materials[0].required);
        assert!(f.materials[1].may_defer);
        assert_eq!(f.channels, ["hall", "web"]);
    }

    #[test]
    fn bad_numbers_are_field_errors() {
        let f = EditForm {
            promised_days: "十".into(),
            visits: "1".into(),
            fee_yuan: "x".into(),
            effective_on: "2026-13-01".into(),
            ..Default::default()
        };
        let base = ItemInput {
            code: "430100-1100001".into(),
            name: "某某服务".into(),
            kind: "公共服务".into(),
            department_id: 3,
            division: "430100".into(),
            promised_days: 3,
            channels: vec!["hall".into()],
            ..ItemInput::default()
        };
        let (input, e) = f.apply_to(base);
        let fields: Vec<&str> = e.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["promised_days", "fee_fen", "effective_on"]);
        assert_eq!(
            input.promised_days, 3,
            "an unreadable value keeps the item's"
        );
        let all = all_problems(&input, e);
        assert!(
            all.0.iter().any(|f| f.field == "name"),
            "the item's own rules report too: {all:?}"
        );
    }
}
