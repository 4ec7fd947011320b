//! The case form's fields as the apply wizard and the hotline form lay them
//! out: the common contact fields, then the item's own (申请表), each input
//! chosen by the field's kind. Shared so a field reads the same wherever an
//! application is filed.

use std::collections::BTreeMap;

use bianli_domain::catalog::{CHOICE_SEP, FieldKind, FormField, Item};

use super::field_errors::FieldErrors;
use super::form::FormData;

pub struct OptionView {
    pub value: String,
    pub checked: bool,
}

pub struct FieldView {
    /// The input's `id` is `f-{anchor}` and its error's `e-{anchor}`.
    pub anchor: String,
    /// The posted name: the common fields by their key (`phone`), the
    /// item's under `form.` so no item key can shadow a page input.
    pub name: String,
    pub label: String,
    pub hint: String,
    pub required: bool,
    /// [`FieldKind::as_str`]: the template picks the input by it.
    pub kind: &'static str,
    pub unit: String,
    pub options: Vec<OptionView>,
    pub value: String,
    pub errors: Vec<String>,
}

fn is_common(f: &FormField) -> bool {
    FormField::common().iter().any(|c| c.key == f.key)
}

fn name_of(f: &FormField) -> String {
    if is_common(f) {
        f.key.to_string()
    } else {
        format!("form.{}", f.key)
    }
}

fn anchor_of(f: &FormField) -> String {
    if is_common(f) {
        f.key.to_string()
    } else {
        format!("form-{}", f.key)
    }
}

/// The posted value of each field (a multiple choice's boxes joined by 、),
/// as the case form's `key → value`; empty ones left out.
pub fn posted(fields: &[FormField], data: &FormData) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|f| {
            let name = name_of(f);
            let value = match f.kind {
                FieldKind::MultiChoice => data.all(&name).join(&CHOICE_SEP.to_string()),
                _ => data.get(&name).trim().to_string(),
            };
            (f.key.to_string(), value)
        })
        .filter(|(_, v)| !v.is_empty())
        .collect()
}

/// The fields with what was typed and what is wrong with it (errors name
/// `form.<key>`).
pub fn views(
    fields: &[FormField],
    values: &[(String, String)],
    errors: &FieldErrors,
) -> Vec<FieldView> {
    fields
        .iter()
        .map(|f| {
            let value = values
                .iter()
                .find(|(k, _)| k == f.key.as_str())
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            let chosen: Vec<&str> = value.split(CHOICE_SEP).map(str::trim).collect();
            FieldView {
                anchor: anchor_of(f),
                name: name_of(f),
                label: f.label.clone(),
                hint: f.hint(),
                required: f.required,
                kind: f.kind.as_str(),
                unit: f.unit.clone().unwrap_or_default(),
                options: f
                    .options
                    .iter()
                    .map(|o| OptionView {
                        value: o.clone(),
                        checked: chosen.contains(&o.as_str()),
                    })
                    .collect(),
                errors: errors
                    .0
                    .iter()
                    .filter(|(e, _)| e.strip_prefix("form.") == Some(f.key.as_str()))
                    .map(|(_, r)| r.clone())
                    .collect(),
                value,
            }
        })
        .collect()
}

/// The anchor and label of the field an error names (`form.<key>`), for
/// the error summary.
pub fn anchor_and_label(item: Option<&Item>, field: &str) -> Option<(String, String)> {
    let key = field.strip_prefix("form.")?;
    let common = FormField::common();
    let all: Vec<&FormField> = common
        .iter()
        .chain(item.map(|i| i.form.as_slice()).unwrap_or_default())
        .collect();
    all.iter()
        .find(|f| f.key.as_str() == key)
        .map(|f| (anchor_of(f), f.label.clone()))
}

/// A filed case's form as label and value, in the item's order; a key the
/// item no longer asks (its form changed since) shows under its key.
pub fn filled(item: Option<&Item>, form: &BTreeMap<String, String>) -> Vec<(String, String)> {
    let fields = item.map_or_else(|| FormField::common().to_vec(), Item::form_fields);
    let mut rows: Vec<(String, String)> = fields
        .iter()
        .filter_map(|f| Some((f.label.clone(), form.get(f.key.as_str())?.clone())))
        .collect();
    rows.extend(
        form.iter()
            .filter(|(k, _)| !fields.iter().any(|f| f.key.as_str() == k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone())),
    );
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use bianli_domain::catalog::FormFieldInput;

    fn fields() -> Vec<FormField> {
        let mut all = FormField::common().to_vec();
        all.extend(
            FormFieldInput::from_lines("item=经营项目|必填|多选|预包装食品销售/热食类食品制售")
                .unwrap()
                .into_iter()
                .map(|f| f.parse().unwrap()),
        );
        all
    }

    #[test]
    fn item_fields_post_under_form_and_choices_join() {
        let data = FormData(vec![
            ("phone".into(), " 13800138000 ".into()),
            // The page's own `item` input is not the item's field `item`.
            ("item".into(), "0100001".into()),
            ("form.item".into(), "预包装食品销售".into()),
            ("form.item".into(), "热食类食品制售".into()),
        ]);
        let got = posted(&fields(), &data);
        assert_eq!(
            got,
            [
                ("phone".to_string(), "13800138000".to_string()),
                (
                    "item".to_string(),
                    "预包装食品销售、热食类食品制售".to_string()
                ),
            ]
        );
        let v = views(
            &fields(),
            &got,
            &FieldErrors(vec![("form.item".into(), "x".into())]),
        );
        assert_eq!(v[3].name, "form.item");
        assert_eq!(v[3].anchor, "form-item");
        assert!(v[3].options.iter().all(|o| o.checked));
        assert_eq!(v[3].errors, ["x"]);
        assert!(v[0].errors.is_empty());
    }
}
