//! Submission: what an application must hold before it becomes a case.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};

use super::case::{Applicant, Case, Entry, Limits, Stage, StepState, Submitted};
use super::error::CaseError;
use super::number::{CaseNumber, VerificationCode};
use super::workflow::Workflow;
use crate::Invalid;
use crate::catalog::{Channel, FormField, Item};

/// A checked application, waiting for its number.
#[derive(Debug, Clone)]
pub struct NewCase {
    pub applicant: Applicant,
    pub channel: Channel,
    pub filed_by: String,
    pub form: BTreeMap<String, String>,
    pub materials: Vec<Submitted>,
    item: Item,
    workflow: Workflow,
    received_on: NaiveDate,
    at: DateTime<Utc>,
    ledger_secret: Option<String>,
}

/// Channels where materials arrive as files; at the hall and over the
/// hotline the paper is brought to the window, which scans it there.
pub fn files_expected(channel: Channel) -> bool {
    matches!(channel, Channel::Web | Channel::Mobile | Channel::Kiosk)
}

impl NewCase {
    #[allow(clippy::too_many_arguments)]
    pub fn check(
        item: &Item,
        workflow: Workflow,
        applicant: Applicant,
        channel: Channel,
        filed_by: String,
        form: BTreeMap<String, String>,
        materials: Vec<Submitted>,
        today: NaiveDate,
        at: DateTime<Utc>,
    ) -> Result<NewCase, CaseError> {
        let mut inv = Invalid::default();
        if !item.channels.contains(&channel) {
            inv.push(
                "channel",
                format!(
                    "“{}”不接受{}申办，可通过以下渠道办理：{}",
                    item.name,
                    channel.zh(),
                    item.channels
                        .iter()
                        .map(|c| c.zh())
                        .collect::<Vec<_>>()
                        .join("、")
                ),
            );
        }
        let form = check_form(&item.form_fields(), form, &mut inv);
        let mut seen = vec![false; item.materials.len()];
        for (i, m) in materials.iter().enumerate() {
            match seen.get_mut(m.material) {
                None => inv.push(
                    format!("materials[{i}].material"),
                    format!("“{}”没有第{}项材料", item.name, m.material),
                ),
                Some(true) => inv.push(
                    format!("materials[{i}].material"),
                    "每项材料只列一次，所有文件放在同一项下",
                ),
                Some(s) => *s = true,
            }
        }
        if files_expected(channel) {
            for (i, m) in item.materials.iter().enumerate() {
                let given = materials
                    .iter()
                    .any(|s| s.material == i && !s.files.is_empty());
                if m.required && !m.may_defer && !given {
                    inv.push(
                        format!("materials[{i}]"),
                        format!("“{}”是必要材料，请至少上传一个文件", m.name),
                    );
                }
            }
        }
        inv.into_result(|| ())?;
        let materials = materials
            .into_iter()
            .map(|mut m| {
                m.name = item.materials[m.material].name.clone();
                m
            })
            .collect();
        Ok(NewCase {
            applicant,
            channel,
            filed_by,
            form,
            materials,
            item: item.clone(),
            workflow,
            received_on: today,
            at,
            ledger_secret: None,
        })
    }

    pub fn item(&self) -> &Item {
        &self.item
    }

    /// The case's ledger secret, drawn by the caller (the domain draws no
    /// randomness).
    pub fn with_ledger_secret(mut self, secret: String) -> Self {
        self.ledger_secret = Some(secret);
        self
    }

    pub fn received_on(&self) -> NaiveDate {
        self.received_on
    }

    /// The case, once the store has given it a number.
    pub fn into_case(self, number: CaseNumber, code: VerificationCode) -> Case {
        self.to_case(number, code)
    }

    /// [`NewCase::into_case`] leaving the application as it was: a store
    /// that may have to file it again after a failed batch keeps it, and
    /// copies only what the case holds (not the whole item).
    pub fn to_case(&self, number: CaseNumber, code: VerificationCode) -> Case {
        let mut steps: Vec<StepState> = self
            .workflow
            .steps
            .iter()
            .map(|template| StepState {
                template: template.clone(),
                assignee: None,
                started_on: None,
                done_on: None,
                votes: Vec::new(),
            })
            .collect();
        if let Some(first) = steps.first_mut() {
            first.started_on = Some(self.received_on);
        }
        let entry = Entry {
            at: self.at,
            on: self.received_on,
            what: "submitted".into(),
            zh: format!("{}提交申请", self.channel.zh()),
            step: Some(0),
            by: self.filed_by.clone(),
            note: None,
            seq: None,
        };
        Case {
            number,
            code,
            item: self.item.code.clone(),
            item_name: self.item.name.clone(),
            department_id: self.item.department_id,
            division: self.item.division.clone(),
            applicant: self.applicant.clone(),
            channel: self.channel,
            filed_by: self.filed_by.clone(),
            form: self.form.clone(),
            materials: self.materials.clone(),
            stage: Stage::Submitted,
            outcome: None,
            step: 0,
            steps,
            limits: Limits {
                promised_days: self.item.promised_days,
                statutory: self.item.statutory_limit,
            },
            received_on: self.received_on,
            accepted_on: None,
            deemed: false,
            commitment: false,
            verification: None,
            dues: None,
            suspensions: Vec::new(),
            extension: None,
            correction: None,
            deferred: Vec::new(),
            decision: None,
            certificate: None,
            delivery: None,
            timeline: vec![entry],
            ledger_secret: self.ledger_secret.clone(),
        }
    }
}

/// The form as the case keeps it: each value read by its field, empty
/// optional fields left out. Every problem is reported, each under
/// `form.<key>`.
fn check_form(
    fields: &[FormField],
    form: BTreeMap<String, String>,
    inv: &mut Invalid,
) -> BTreeMap<String, String> {
    for key in form.keys() {
        if !fields.iter().any(|f| f.key.as_str() == key) {
            let known: Vec<String> = fields
                .iter()
                .map(|f| format!("{}（{}）", f.key, f.label))
                .collect();
            inv.push(
                format!("form.{key}"),
                format!("表单没有这一项，可填写的是：{}", known.join("、")),
            );
        }
    }
    let mut kept = BTreeMap::new();
    for f in fields {
        let value = form
            .get(f.key.as_str())
            .map(|v| v.trim())
            .unwrap_or_default();
        let field = format!("form.{}", f.key);
        if value.is_empty() {
            if f.required {
                inv.push(field, format!("请填写{}", f.label));
            }
            continue;
        }
        match f.read(value) {
            Ok(v) => {
                kept.insert(f.key.to_string(), v);
            }
            Err(reason) => inv.push(field, reason),
        }
    }
    kept
}
