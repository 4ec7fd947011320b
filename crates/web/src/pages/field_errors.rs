//! Field errors placed next to the inputs they concern, and a summary at the
//! top linking to each.

use std::borrow::Cow;

use bianli_app::AppError;
use bianli_domain::Invalid;

use super::error_page::label_of;

pub struct ErrorLink {
    pub href: String,
    pub label: Cow<'static, str>,
    pub field: String,
    pub reason: String,
}

#[derive(Default)]
pub struct FieldErrors(pub Vec<(String, String)>);

/// `materials[2].name` → (`materials`, Some(2)).
fn head_and_index(field: &str) -> (&str, Option<usize>) {
    let head = field.split(['[', '.']).next().unwrap_or(field);
    let index = field
        .strip_prefix(head)
        .and_then(|rest| rest.strip_prefix('['))
        .and_then(|rest| rest.split(']').next())
        .and_then(|n| n.parse().ok());
    (head, index)
}

impl FieldErrors {
    /// The errors a use case reported about the form's fields, if that is what it said.
    pub fn from_app(e: &AppError) -> Option<FieldErrors> {
        match e {
            AppError::Invalid(inv) => Some(FieldErrors::from_invalid(inv)),
            AppError::Conflict { field, message } => {
                Some(FieldErrors(vec![(field.clone(), message.clone())]))
            }
            _ => None,
        }
    }

    pub fn from_invalid(inv: &Invalid) -> FieldErrors {
        FieldErrors(
            inv.0
                .iter()
                .map(|f| (f.field.clone(), f.reason.clone()))
                .collect(),
        )
    }

    /// Reasons for a field, whatever index or part the error names.
    pub fn of(&self, key: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(f, _)| head_and_index(f).0 == key)
            .map(|(_, r)| r.as_str())
            .collect()
    }

    /// Reasons for row `i` of a repeated field (`materials[i].…`).
    pub fn row(&self, key: &str, i: usize) -> Vec<String> {
        self.0
            .iter()
            .filter(|(f, _)| head_and_index(f) == (key, Some(i)))
            .map(|(_, r)| r.clone())
            .collect()
    }

    /// The summary; `anchor` names the input an error belongs to.
    pub fn links(&self, anchor: impl Fn(&str, Option<usize>) -> Option<String>) -> Vec<ErrorLink> {
        self.0
            .iter()
            .map(|(f, r)| {
                let (head, index) = head_and_index(f);
                ErrorLink {
                    href: anchor(head, index)
                        .map(|a| format!("#{a}"))
                        .unwrap_or_default(),
                    label: label_of(f).into(),
                    field: f.clone(),
                    reason: r.clone(),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_find_their_fields() {
        let e = FieldErrors(vec![
            ("materials[2].name".into(), "empty".into()),
            ("aliases[0]".into(), "twice".into()),
            ("name".into(), "short".into()),
        ]);
        assert_eq!(e.of("aliases"), ["twice"]);
        assert_eq!(e.row("materials", 2), ["empty"]);
        assert!(e.row("materials", 1).is_empty());
        assert_eq!(e.of("name"), ["short"]);
        let links = e.links(|h, i| {
            Some(format!(
                "f-{h}{}",
                i.map(|i| i.to_string()).unwrap_or_default()
            ))
        });
        assert_eq!(links[0].href, "#f-materials2");
        assert_eq!(links[0].label, "申请材料");
    }
}
