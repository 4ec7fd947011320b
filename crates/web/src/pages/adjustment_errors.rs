//! A use case's answer about the one adjustment a form added, named by that
//! form's fields: the API's `adjustments[0].item.promised_days` is the page's
//! `promised_days`.

use bianli_app::AppError;

use super::field_errors::FieldErrors;

/// Shown next to the code when the app refuses an item outside the admin's
/// department; the app's own wording is for API clients.
pub const NOT_YOURS: &str = "部门管理员只能调整本部门的事项，该事项不属于您的部门。";

/// The errors to show on the form, with `scope_field` taking a refusal of
/// scope; `None` when the failure is not about the form (the error page then).
pub fn form_errors(e: &AppError, scope_field: &str) -> Option<FieldErrors> {
    match e {
        AppError::Forbidden(_) => Some(FieldErrors(vec![(
            scope_field.to_string(),
            NOT_YOURS.to_string(),
        )])),
        _ => FieldErrors::from_app(e).map(unprefixed),
    }
}

fn unprefixed(errors: FieldErrors) -> FieldErrors {
    FieldErrors(
        errors
            .0
            .into_iter()
            .map(|(f, r)| {
                let f = f
                    .strip_prefix("adjustments[0]")
                    .map(|rest| rest.trim_start_matches('.'))
                    .map(|rest| rest.strip_prefix("item.").unwrap_or(rest).to_string())
                    .unwrap_or(f);
                (
                    if f.is_empty() || f == "item" {
                        "adjustments".to_string()
                    } else {
                        f
                    },
                    r,
                )
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use bianli_domain::Invalid;

    #[test]
    fn errors_of_the_one_adjustment_name_the_form_fields() {
        let mut inv = Invalid::default();
        for f in [
            "adjustments[0].code",
            "adjustments[0].item.promised_days",
            "adjustments[0].codes[1]",
            "adjustments[0]",
            "adjustments",
        ] {
            inv.push(f, "bad");
        }
        let e = form_errors(&AppError::Invalid(inv), "code").expect("field errors");
        let fields: Vec<&str> = e.0.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            fields,
            [
                "code",
                "promised_days",
                "codes[1]",
                "adjustments",
                "adjustments"
            ]
        );
    }

    #[test]
    fn a_refusal_of_scope_lands_on_the_given_field() {
        let e = form_errors(&AppError::Forbidden("not yours".into()), "codes").expect("errors");
        assert_eq!(e.0[0].0, "codes");
        assert!(form_errors(&AppError::Internal("db".into()), "code").is_none());
    }
}
