//! An item's standard elements as form fields: what the routine edit and a
//! decree's 新增, 修改 and 合并 all show, read back into an [`ItemInput`] with
//! every unreadable value named. The markup is `templates/item_fields.html`.

use bianli_domain::Invalid;
use bianli_domain::catalog::{Channel, FormFieldInput, ItemInput, Material, MaterialForm};

use super::field_errors::FieldErrors;
use super::form::{FormData, lines};
use super::lookup::Choice;

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

/// The fields' values as typed, so a rejected form comes back as it was sent.
#[derive(Debug, Clone, Default)]
pub struct ItemFields {
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
    pub prerequisites: String,
    pub post_links: String,
    pub chain_group: String,
    /// 告知承诺制.
    pub commitment_allowed: bool,
    /// 申请表: the item's own fields, one per line in the spreadsheet's
    /// syntax (`代码=名称|必填|类型|选项`).
    pub form_fields: String,
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

impl ItemFields {
    pub fn from_input(i: &ItemInput) -> ItemFields {
        ItemFields {
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
            prerequisites: i.prerequisites.join("\n"),
            post_links: i.post_links.join("\n"),
            chain_group: i.chain_group.clone().unwrap_or_default(),
            commitment_allowed: i.commitment_allowed,
            form_fields: i
                .form
                .iter()
                .filter_map(|f| f.clone().parse().ok())
                .map(|f| f.to_string())
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }

    /// A new item's starting values: nothing chosen for it, so the admin
    /// decides its limit and channels rather than accepting a guess.
    pub fn blank() -> ItemFields {
        ItemFields {
            visits: "1".into(),
            fee_yuan: "0".into(),
            statutory_unit: "working".into(),
            ..ItemFields::default()
        }
    }

    pub fn from_form(f: &FormData) -> ItemFields {
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
        ItemFields {
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
            prerequisites: f.get("prerequisites").to_string(),
            post_links: f.get("post_links").to_string(),
            chain_group: f.get("chain_group").to_string(),
            commitment_allowed: f.has("commitment_allowed"),
            form_fields: f.get("form_fields").to_string(),
        }
    }

    /// The item's elements with these fields laid over `base`; what the fields
    /// do not cover (code, kind, department, division) stays as it was. A value
    /// that cannot be read keeps the base's and is reported.
    pub fn apply_to(&self, base: ItemInput) -> (ItemInput, Invalid) {
        let mut inv = Invalid::default();
        let mut number = |field: &str, s: &str, fallback: i64| -> i64 {
            s.trim().parse::<i64>().unwrap_or_else(|_| {
                inv.push(field, "请填写整数");
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
            inv.push("fee_fen", "请填写金额（元），最多两位小数");
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
        let form = FormFieldInput::from_lines(&self.form_fields).unwrap_or_else(|reason| {
            inv.push("form", reason);
            base.form.clone()
        });
        let text = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        let input = ItemInput {
            name: self.name.trim().to_string(),
            aliases: lines(&self.aliases),
            promised_days,
            visits,
            channels: self.channels.clone(),
            materials,
            fee_fen,
            fee_basis: text(&self.fee_basis),
            legal_basis: lines(&self.legal_basis),
            statutory_days,
            statutory_unit: text(&self.statutory_unit),
            prerequisites: lines(&self.prerequisites),
            post_links: lines(&self.post_links),
            chain_group: text(&self.chain_group),
            commitment_allowed: self.commitment_allowed,
            form,
            ..base
        };
        (input, inv)
    }

    pub fn view(self, errors: &FieldErrors) -> ItemFieldsView {
        let form_choices = |current: &str| -> Vec<Choice> {
            FORMS
                .iter()
                .map(|(f, v)| Choice::new(*v, f.zh(), current))
                .collect()
        };
        let mut rows: Vec<MaterialRowView> = self
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
        ItemFieldsView {
            channel_boxes: Channel::ALL
                .iter()
                .map(|c| ChannelBox {
                    value: c.as_str(),
                    label: c.zh(),
                    checked: self.channels.iter().any(|x| x == c.as_str()),
                })
                .collect(),
            visit_choices: ["0", "1", "2"]
                .iter()
                .map(|v| Choice::new(*v, format!("{v} 次"), self.visits.trim()))
                .collect(),
            unit_choices: vec![
                Choice::new("working", "工作日", &self.statutory_unit),
                Choice::new("calendar", "自然日", &self.statutory_unit),
            ],
            rows,
            form: self,
        }
    }
}

/// The form's own complaints, plus what the item's rules say about the fields
/// it could read, so every problem shows at once.
pub fn all_problems(input: &ItemInput, mut inv: Invalid) -> Invalid {
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

/// The input an error about one of these fields links to.
pub fn anchor(head: &str, index: Option<usize>) -> Option<String> {
    Some(match (head, index) {
        ("materials", Some(i)) => format!("f-m{i}_name"),
        ("channels", _) => "f-channels".to_string(),
        ("fee_fen", _) => "f-fee_yuan".to_string(),
        ("form", _) => "f-form_fields".to_string(),
        (
            "name" | "aliases" | "promised_days" | "visits" | "materials" | "fee_basis"
            | "legal_basis" | "statutory_days" | "statutory_unit" | "prerequisites" | "post_links"
            | "chain_group" | "commitment_allowed",
            _,
        ) => format!("f-{head}"),
        _ => return None,
    })
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

/// What `item_fields.html` shows: the values and the choices around them.
pub struct ItemFieldsView {
    pub form: ItemFields,
    pub channel_boxes: Vec<ChannelBox>,
    pub visit_choices: Vec<Choice>,
    pub unit_choices: Vec<Choice>,
    pub rows: Vec<MaterialRowView>,
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
        let f = ItemFields::from_form(&data);
        assert_eq!(f.materials.len(), 2);
        assert_eq!(f.materials[0].name, "营业执照");
        assert!(!f.materials[0].required);
        assert!(f.materials[1].may_defer);
        assert_eq!(f.channels, ["hall", "web"]);
    }

    fn service() -> ItemInput {
        ItemInput {
            code: "430100-1100001".into(),
            name: "某某服务".into(),
            kind: "公共服务".into(),
            department_id: 3,
            division: "430100".into(),
            promised_days: 3,
            channels: vec!["hall".into()],
            prerequisites: vec!["营业执照".into()],
            ..ItemInput::default()
        }
    }

    #[test]
    fn bad_numbers_are_field_errors() {
        let f = ItemFields {
            promised_days: "十".into(),
            visits: "1".into(),
            fee_yuan: "x".into(),
            ..Default::default()
        };
        let (input, e) = f.apply_to(service());
        let fields: Vec<&str> = e.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["promised_days", "fee_fen"]);
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

    #[test]
    fn the_fields_round_trip_an_item() {
        let base = service();
        let (input, e) = ItemFields::from_input(&base).apply_to(ItemInput::default());
        assert!(e.0.is_empty(), "{e:?}");
        assert_eq!(input.prerequisites, ["营业执照"]);
        assert_eq!(input.name, base.name);
        assert_eq!(input.promised_days, base.promised_days);
        assert_eq!(
            input.code, "",
            "identity comes from the base, not the fields"
        );
    }

    #[test]
    fn form_fields_are_lines_and_a_bad_line_is_named() {
        let mut base = service();
        base.form = FormFieldInput::from_lines("premises=经营场所|必填|文本").unwrap();
        let fields = ItemFields::from_input(&base);
        assert_eq!(fields.form_fields, "premises=经营场所|必填|文本");
        let (input, e) = ItemFields {
            form_fields: "premises=经营场所\nscope=经营项目|必填|多选|甲/乙".into(),
            ..fields.clone()
        }
        .apply_to(base.clone());
        assert!(e.0.is_empty(), "{e:?}");
        assert_eq!(input.form.len(), 2);
        let (input, e) = ItemFields {
            form_fields: "经营场所|必填".into(),
            ..fields
        }
        .apply_to(base.clone());
        let named: Vec<&str> = e.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(named, ["form"]);
        assert_eq!(input.form, base.form, "an unreadable form keeps the item's");
        assert_eq!(anchor("form", Some(1)).as_deref(), Some("f-form_fields"));
    }
}
