//! The e-certificate (电子证照) an approved case yields, and what the public
//! verification page says of it.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::case::{ApplicantKind, Case};
use crate::catalog::{Item, ItemKind};
use crate::identity::IdNumber;

/// A licence (行政许可) runs five years unless its law says otherwise (食品经营
/// 许可, 药品经营许可 and most others in the demo do); other results do not expire.
const LICENCE_YEARS: u32 = 5;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certificate {
    /// `ZS` and the case number: unique, and leads back to the case.
    pub number: String,
    pub case_number: String,
    pub item_code: String,
    pub item_name: String,
    pub holder: String,
    /// Masked as everywhere in public (`430105********1234`); a credit code
    /// is public and kept whole.
    pub holder_id: String,
    pub department_id: i64,
    pub issued_on: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub revoked: Option<String>,
    /// What the licence prints of the application form (the item's fields
    /// marked 印证), as label and value, fixed at issue: a later change to
    /// the item's form does not rewrite an issued licence.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<Detail>,
}

/// One line a licence prints from the application form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Detail {
    pub label: String,
    pub value: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Validity {
    Valid,
    Revoked,
    Expired,
}

impl Validity {
    pub fn zh(self) -> &'static str {
        match self {
            Validity::Valid => "有效",
            Validity::Revoked => "已撤销",
            Validity::Expired => "已过期",
        }
    }
}

impl Certificate {
    pub fn issue(case: &Case, item: &Item, today: NaiveDate) -> Certificate {
        let valid_until = (item.kind == ItemKind::Licensing)
            .then(|| today.checked_add_months(Months::new(12 * LICENCE_YEARS)))
            .flatten()
            .and_then(|d| d.pred_opt());
        let holder_id = match case.applicant.kind {
            ApplicantKind::Enterprise => case.applicant.id.clone(),
            ApplicantKind::Citizen => mask(&case.applicant.id),
        };
        Certificate {
            number: format!("ZS{}", case.number),
            case_number: case.number.to_string(),
            item_code: case.item.to_string(),
            item_name: case.item_name.clone(),
            holder: case.applicant.name.clone(),
            holder_id,
            department_id: case.department_id,
            issued_on: today,
            valid_until,
            revoked: None,
            details: item
                .form
                .iter()
                .filter(|f| f.printed)
                .filter_map(|f| {
                    Some(Detail {
                        label: f.label.clone(),
                        value: case.form.get(f.key.as_str())?.clone(),
                    })
                })
                .collect(),
        }
    }

    pub fn validity(&self, today: NaiveDate) -> Validity {
        if self.revoked.is_some() {
            Validity::Revoked
        } else if self.valid_until.is_some_and(|d| d < today) {
            Validity::Expired
        } else {
            Validity::Valid
        }
    }
}

/// Citizens' ID numbers were validated on entry; one that somehow no longer
/// parses is hidden whole rather than shown.
fn mask(id: &str) -> String {
    IdNumber::parse(id).map_or_else(|_| "*".repeat(id.chars().count()), |n| n.masked())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::case::ApplicantKind;
    use crate::cases::test_case;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn licence() -> Item {
        crate::cases::tests::food_licence()
    }

    #[test]
    fn a_licence_prints_the_fields_marked_for_it_as_filed() {
        use crate::catalog::FormFieldInput;
        let mut item = licence();
        item.form = FormFieldInput::from_lines(
            "premises=经营场所|必填|文本||印证；owner_phone=负责人电话|选填|电话；\
             scope=经营项目|必填|多选|预包装食品销售/热食类食品制售|印证",
        )
        .unwrap()
        .into_iter()
        .map(|f| f.parse().unwrap())
        .collect();
        let mut case = test_case();
        case.form
            .insert("premises".into(), "芙蓉区五一大道1号".into());
        case.form.insert("owner_phone".into(), "13800138000".into());
        case.form.insert("scope".into(), "热食类食品制售".into());
        let c = Certificate::issue(&case, &item, day("2024-11-08"));
        let details: Vec<(&str, &str)> = c
            .details
            .iter()
            .map(|d| (d.label.as_str(), d.value.as_str()))
            .collect();
        assert_eq!(
            details,
            [
                ("经营场所", "芙蓉区五一大道1号"),
                ("经营项目", "热食类食品制售")
            ],
            "only 印证 fields, never contact details"
        );
        // Stored bodies from before the field read as printing nothing.
        let mut old = serde_json::to_value(&c).unwrap();
        old.as_object_mut().unwrap().remove("details");
        assert!(
            serde_json::from_value::<Certificate>(old)
                .unwrap()
                .details
                .is_empty()
        );
    }

    #[test]
    fn licences_run_five_years_and_then_expire() {
        let case = test_case();
        let c = Certificate::issue(&case, &licence(), day("2024-11-08"));
        assert_eq!(c.number, "ZS430100-20241104-000001");
        assert_eq!(c.valid_until, Some(day("2029-11-07")));
        assert_eq!(c.validity(day("2029-11-07")), Validity::Valid);
        assert_eq!(c.validity(day("2029-11-08")), Validity::Expired);
        let mut revoked = c.clone();
        revoked.revoked = Some("以欺骗手段取得".into());
        assert_eq!(revoked.validity(day("2025-01-01")), Validity::Revoked);
        let mut confirmation = licence();
        confirmation.kind = ItemKind::Confirmation;
        let other = Certificate::issue(&case, &confirmation, day("2024-11-08"));
        assert_eq!(other.valid_until, None);
    }

    #[test]
    fn citizens_ids_are_masked_enterprises_are_not() {
        let mut case = test_case();
        let c = Certificate::issue(&case, &licence(), day("2024-11-08"));
        assert_eq!(c.holder_id, "91430100MA4L16JQ2X");
        case.applicant.kind = ApplicantKind::Citizen;
        case.applicant.id = "11010519491231002X".into();
        let c = Certificate::issue(&case, &licence(), day("2024-11-08"));
        assert_eq!(c.holder_id, "110105********002X");
    }
}
