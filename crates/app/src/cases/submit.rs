//! Applying: by the applicant from their account, or by the window or the
//! hotline on a caller's behalf.

use std::collections::BTreeMap;

use bianli_domain::Invalid;
use bianli_domain::cases::{
    Applicant, ApplicantKind, FileRef, NewCase, Submitted, VerificationCode, Workflow,
};
use bianli_domain::catalog::{Channel, ItemCode};
use bianli_domain::identity::{IdNumber, Role, Uscc};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{Actor, App, AppError, Result};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Application {
    pub item: String,
    pub channel: String,
    /// Only when staff file on someone's behalf.
    pub applicant: Option<ApplicantInput>,
    pub form: BTreeMap<String, String>,
    pub materials: Vec<MaterialInput>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ApplicantInput {
    pub kind: String,
    pub name: String,
    pub id_number: Option<String>,
    pub uscc: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct MaterialInput {
    pub material: usize,
    pub files: Vec<FileRef>,
}

/// 受理回执's facts: what the applicant keeps to follow the case.
#[derive(Debug, Clone, Serialize)]
pub struct Receipt {
    pub number: String,
    pub verification_code: String,
    pub item: String,
    pub item_name: String,
    pub department_id: i64,
    pub channel: Channel,
    pub received_on: NaiveDate,
    /// The window decides on acceptance by this day, or the case counts as
    /// accepted (行政许可法 §32).
    pub acceptance_due: NaiveDate,
    pub promised_days: u16,
    /// Path of the public status page; the QR code on the receipt encodes it.
    pub status_path: String,
    /// Salts this case's entries in the public ledger: with it the
    /// applicant can prove their record (see /ledger).
    pub ledger_secret: Option<String>,
}

/// Channels people use themselves, and those staff take for them.
fn channel_for(actor: &Actor, channel: &str) -> Result<Channel, Invalid> {
    let c = Channel::parse(channel).map_err(|e| e.relabel("channel"))?;
    let staff = actor.role.is_staff();
    let ok = match c {
        Channel::Web | Channel::Mobile | Channel::Kiosk => !staff,
        Channel::Hall | Channel::Hotline => staff,
    };
    if ok {
        Ok(c)
    } else if staff {
        Err(Invalid::one(
            "channel",
            "工作人员只能在窗口（hall）或通过热线（hotline）代为申报",
        ))
    } else {
        Err(Invalid::one(
            "channel",
            "请通过网上（web）、掌上（mobile）或自助终端（kiosk）申报；在大厅办理由窗口工作人员代为申报",
        ))
    }
}

fn applicant_for(actor: &Actor, input: Option<ApplicantInput>) -> Result<Applicant> {
    if let Some((kind, id)) = actor.applicant_id() {
        if input.is_some() {
            return Err(Invalid::one("applicant", "本人申报无需填写申请人信息").into());
        }
        return Ok(Applicant {
            kind,
            name: actor.display_name.clone(),
            id,
            account_id: Some(actor.account_id),
        });
    }
    if actor.role != Role::Clerk {
        return Err(AppError::Forbidden(
            "申请只能由申请人本人提交，或由窗口工作人员代为提交".into(),
        ));
    }
    let Some(a) = input else {
        return Err(Invalid::one(
            "applicant",
            "请填写申请人信息：类型、姓名（名称）以及身份证号码或统一社会信用代码",
        )
        .into());
    };
    let mut inv = Invalid::default();
    let name = a.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 100 {
        inv.push("applicant.name", "姓名（名称）应为1至100个字");
    }
    let (kind, id) = match a.kind.as_str() {
        "citizen" => (
            ApplicantKind::Citizen,
            inv.take(
                "applicant",
                IdNumber::parse(a.id_number.as_deref().unwrap_or_default()),
            )
            .map(|n| n.as_str().to_string()),
        ),
        "enterprise" => (
            ApplicantKind::Enterprise,
            inv.take(
                "applicant",
                Uscc::parse(a.uscc.as_deref().unwrap_or_default()),
            )
            .map(|u| u.as_str().to_string()),
        ),
        _ => {
            inv.push(
                "applicant.kind",
                "申请人类型应为citizen（个人）或enterprise（企业）",
            );
            (ApplicantKind::Citizen, None)
        }
    };
    let id = id.unwrap_or_default();
    inv.into_result(|| Applicant {
        kind,
        name,
        id,
        account_id: None,
    })
    .map_err(Into::into)
}

fn verification_code() -> Result<VerificationCode> {
    // 32 bytes leave room for the rejection sampling's skipped ones.
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| AppError::Internal(format!("no randomness: {e}")))?;
    VerificationCode::from_random(&bytes)
        .ok_or_else(|| AppError::Internal("verification code: too few usable random bytes".into()))
}

impl App {
    pub async fn submit(&self, actor: &Actor, a: Application) -> Result<Receipt> {
        let mut inv = Invalid::default();
        let code = inv.take("", ItemCode::parse(&a.item).map_err(|e| e.relabel("item")));
        let channel = inv.take("", channel_for(actor, &a.channel));
        let applicant = match applicant_for(actor, a.applicant) {
            Ok(x) => Some(x),
            Err(AppError::Invalid(e)) => {
                inv.0.extend(e.0);
                None
            }
            Err(other) => return Err(other),
        };
        let (Some(code), Some(channel), Some(applicant)) = (code, channel, applicant) else {
            return Err(inv.into());
        };
        inv.into_result(|| ())?;
        let today = self.today();
        let item = self
            .store
            .items_by_code(&[code.to_string()], today)
            .await?
            .into_iter()
            .next()
            .map(|v| v.item)
            .ok_or_else(|| {
                AppError::Invalid(Invalid::one(
                    "item",
                    format!("事项{code}今日不在实施中，不能申报"),
                ))
            })?;
        if actor.role == Role::Clerk
            && actor
                .division
                .as_deref()
                .is_some_and(|d| d != item.division.as_str())
        {
            return Err(AppError::Forbidden("窗口只能代为申报本区划的事项".into()));
        }
        let workflow = self
            .store
            .workflow(&code.to_string())
            .await?
            .unwrap_or_else(Workflow::standard);
        let files = self.resolve_files(&a.materials).await?;
        let materials = a
            .materials
            .into_iter()
            .zip(files)
            .map(|(m, files)| Submitted {
                material: m.material,
                name: String::new(),
                files,
            })
            .collect();
        let new = NewCase::check(
            &item,
            workflow,
            applicant,
            channel,
            actor.tag(),
            a.form,
            materials,
            today,
            self.now(),
        )?
        .with_ledger_secret(crate::ledger::new_case_secret()?);
        let stored = self
            .store
            .create_case(new, verification_code()?, &actor.tag(), self.now())
            .await?;
        super::receipt::receipt_of(&stored.case, &self.calendar())
    }
}
