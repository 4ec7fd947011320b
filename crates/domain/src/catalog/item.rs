//! A service item's standard elements (事项要素) and the rules they obey.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::form::{FormField, FormFieldInput, check_fields};
use super::{ItemCode, ItemKind};
use crate::division::{DivisionCode, Level};
use crate::{FieldError, Invalid};

/// How the hall, the web and the rest reach the same item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Hall,
    Web,
    Mobile,
    Kiosk,
    Hotline,
}

impl Channel {
    pub const ALL: [Channel; 5] = [
        Channel::Hall,
        Channel::Web,
        Channel::Mobile,
        Channel::Kiosk,
        Channel::Hotline,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Hall => "hall",
            Channel::Web => "web",
            Channel::Mobile => "mobile",
            Channel::Kiosk => "kiosk",
            Channel::Hotline => "hotline",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Channel::Hall => "窗口",
            Channel::Web => "网上",
            Channel::Mobile => "掌上",
            Channel::Kiosk => "自助终端",
            Channel::Hotline => "热线",
        }
    }

    pub fn parse(s: &str) -> Result<Self, Invalid> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == s || c.zh() == s)
            .ok_or_else(|| {
                Invalid::one(
                    "channels",
                    format!("“{s}”不是可用的办理渠道，应为 hall（窗口）、web（网上）、mobile（移动端）、kiosk（自助终端）或 hotline（热线）"),
                )
            })
    }
}

/// Whether a limit counts working days (行政许可法 §82) or calendar days, as some
/// laws do (护照法 §6: 15 日; 居民身份证法: 60 日).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DayCount {
    Working,
    Calendar,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeLimit {
    pub days: u16,
    pub unit: DayCount,
}

impl TimeLimit {
    /// The most working days that surely fit inside this limit. A calendar-day
    /// limit holds at most five working days in each seven, and holidays only
    /// lower that, so a promise within `days * 5 / 7` working days can always be
    /// kept without breaking the law's calendar limit.
    pub fn as_working_days_floor(self) -> u16 {
        match self.unit {
            DayCount::Working => self.days,
            DayCount::Calendar => self.days * 5 / 7,
        }
    }

    pub fn zh(self) -> String {
        match self.unit {
            DayCount::Working => format!("{} 个工作日", self.days),
            DayCount::Calendar => format!("{} 日（自然日）", self.days),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaterialForm {
    Original,
    Copy,
    OriginalAndCopy,
    Electronic,
}

impl MaterialForm {
    pub const ALL: [MaterialForm; 4] = [
        MaterialForm::Original,
        MaterialForm::Copy,
        MaterialForm::OriginalAndCopy,
        MaterialForm::Electronic,
    ];

    pub fn zh(self) -> &'static str {
        match self {
            MaterialForm::Original => "原件",
            MaterialForm::Copy => "复印件",
            MaterialForm::OriginalAndCopy => "原件和复印件",
            MaterialForm::Electronic => "电子材料",
        }
    }
}

/// One material the applicant brings or uploads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Material {
    pub name: String,
    pub required: bool,
    pub form: MaterialForm,
    /// 容缺: the case may be accepted without it, on a promise to supply it.
    #[serde(default, skip_serializing_if = "is_false")]
    pub may_defer: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegalBasis {
    pub law: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article: Option<String>,
}

impl LegalBasis {
    /// Reads `《某法》第三十五条` (as departments write it) into law and article.
    pub fn from_citation(s: &str) -> Option<LegalBasis> {
        let s = s.trim();
        if s.is_empty() {
            return None;
        }
        match s.rfind('》') {
            Some(i) if i + '》'.len_utf8() < s.len() => {
                let (law, article) = s.split_at(i + '》'.len_utf8());
                Some(LegalBasis {
                    law: law.to_string(),
                    article: Some(article.trim().to_string()),
                })
            }
            _ => Some(LegalBasis {
                law: s.to_string(),
                article: None,
            }),
        }
    }

    pub fn citation(&self) -> String {
        match &self.article {
            Some(a) => format!("{}{a}", self.law),
            None => self.law.clone(),
        }
    }
}

/// A fee in fen (分), with the document that allows it. Zero means free.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Fee {
    pub fen: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<String>,
}

impl Fee {
    pub fn zh(&self) -> String {
        if self.fen == 0 {
            "不收费".to_string()
        } else {
            format!("{}.{:02} 元", self.fen / 100, self.fen % 100)
        }
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn is_free(f: &Fee) -> bool {
    f.fen == 0 && f.basis.is_none()
}

/// A service item as listed: every standard element, already validated.
/// Empty elements are left out of the stored JSON: a province's list holds
/// hundreds of thousands of these.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    pub code: ItemCode,
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    pub kind: ItemKind,
    pub department_id: i64,
    pub division: DivisionCode,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub legal_basis: Vec<LegalBasis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statutory_limit: Option<TimeLimit>,
    /// Working days; 0 is 即办件, handled on the spot.
    pub promised_days: u16,
    /// 到现场次数: 0 (最多跑零次), 1 or 2.
    pub visits: u8,
    pub channels: BTreeSet<Channel>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub materials: Vec<Material>,
    #[serde(default, skip_serializing_if = "is_free")]
    pub fee: Fee,
    /// 前置审批: what must be approved before this item can be applied for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prerequisites: Vec<String>,
    /// 后置审批: items that follow it (先照后证: the licence after the registration).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub post_links: Vec<String>,
    /// 全链条: items handled together as one chain (e.g. 开办餐饮店).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chain_group: Option<String>,
    /// 告知承诺制: the applicant may sign a written commitment that they meet
    /// the conditions; the window then decides on the spot and the department
    /// verifies afterwards (国办发〔2020〕42号).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub commitment_allowed: bool,
    /// 申请表: the fields this item asks besides the common contact
    /// fields ([`FormField::common`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub form: Vec<FormField>,
}

impl Item {
    pub fn level(&self) -> Level {
        self.division.level()
    }

    /// The channels as the guide and the spreadsheet write them: 窗口、网上.
    pub fn channels_zh(&self) -> String {
        self.channels
            .iter()
            .map(|c| c.zh())
            .collect::<Vec<_>>()
            .join("、")
    }

    pub fn is_on_the_spot(&self) -> bool {
        self.promised_days == 0
    }

    /// The cross-field rules; every one failing is reported.
    pub fn check(&self) -> Result<(), Invalid> {
        let mut inv = Invalid::default();
        let name_len = self.name.chars().count();
        if self.name.trim().is_empty() || !(2..=100).contains(&name_len) {
            inv.push("name", "事项名称应为2至100个字");
        }
        if self.code.division() != &self.division {
            inv.push(
                "code",
                format!(
                    "事项编码中的区划{}与事项所属区划{}不一致",
                    self.code.division(),
                    self.division
                ),
            );
        }
        if self.code.basic().kind() != self.kind {
            inv.push(
                "code",
                format!(
                    "事项编码中的类别代码表示“{}”，与事项类别“{}”不一致",
                    self.code.basic().kind(),
                    self.kind
                ),
            );
        }
        if self.aliases.len() > 20 {
            inv.push("aliases", "别名最多20个");
        }
        let mut seen = BTreeSet::new();
        for (i, a) in self.aliases.iter().enumerate() {
            let n = a.chars().count();
            if a.trim().is_empty() || n > 30 {
                inv.push(format!("aliases[{i}]"), "每个别名应为1至30个字");
            } else if !seen.insert(a.as_str()) || *a == self.name {
                inv.push(format!("aliases[{i}]"), format!("别名“{a}”重复"));
            }
        }
        if self.kind.requires_legal_basis() && self.legal_basis.is_empty() {
            inv.push(
                "legal_basis",
                format!("{}事项必须列明设定依据（职权法定）", self.kind),
            );
        }
        for (i, b) in self.legal_basis.iter().enumerate() {
            if b.law.trim().is_empty() {
                inv.push(format!("legal_basis[{i}].law"), "请填写法律法规名称");
            }
        }
        if let Some(limit) = self.statutory_limit {
            if limit.days == 0 || limit.days > 365 {
                inv.push("statutory_days", "法定时限应为1至365天");
            } else if self.promised_days > limit.as_working_days_floor() {
                inv.push(
                    "promised_days",
                    format!(
                        "承诺时限（{}个工作日）不能超过法定时限（{}）",
                        self.promised_days,
                        limit.zh()
                    ),
                );
            }
        } else if self.promised_days > 365 {
            inv.push("promised_days", "承诺时限最多365个工作日");
        }
        if self.visits > 2 {
            inv.push(
                "visits",
                "到现场次数只能是0、1或2次（最多跑一次即不超过1次）",
            );
        }
        if self.channels.is_empty() {
            inv.push("channels", "至少选择一个办理渠道");
        }
        if self.visits == 0
            && !self.channels.contains(&Channel::Web)
            && !self.channels.contains(&Channel::Mobile)
        {
            inv.push("visits", "零跑腿事项须开通网上或移动端办理渠道");
        }
        if self.materials.len() > 60 {
            inv.push("materials", "申请材料最多60项");
        }
        for (i, m) in self.materials.iter().enumerate() {
            if m.name.trim().is_empty() || m.name.chars().count() > 100 {
                inv.push(format!("materials[{i}].name"), "材料名称应为1至100个字");
            }
            if m.may_defer && !m.required {
                inv.push(
                    format!("materials[{i}].may_defer"),
                    "只有必要材料可以容缺；非必要材料无需承诺补齐",
                );
            }
        }
        if self.fee.fen < 0 {
            inv.push("fee_fen", "收费金额不能为负数");
        }
        if self.fee.fen > 0
            && self
                .fee
                .basis
                .as_deref()
                .is_none_or(|b| b.trim().is_empty())
        {
            inv.push("fee_basis", "收费事项须填写收费依据");
        }
        for (i, p) in self.prerequisites.iter().enumerate() {
            if p.trim().is_empty() {
                inv.push(format!("prerequisites[{i}]"), "前置条件不能为空");
            }
        }
        for (i, p) in self.post_links.iter().enumerate() {
            if p.trim().is_empty() {
                inv.push(format!("post_links[{i}]"), "后置事项不能为空");
            }
        }
        // The reform covers 证明事项 and 涉企经营许可 (国办发〔2020〕42号): a
        // licence or a confirmation can rest on the applicant's word and be
        // checked afterwards; a penalty, levy or inspection is the state acting
        // on someone and has nothing for them to promise.
        if self.commitment_allowed
            && !matches!(self.kind, ItemKind::Licensing | ItemKind::Confirmation)
        {
            inv.push(
                "commitment_allowed",
                format!(
                    "只有行政许可和行政确认事项可以实行告知承诺制，本事项是{}",
                    self.kind
                ),
            );
        }
        check_fields(&self.form, &mut inv);
        inv.into_result(|| ())
    }

    /// Every field an application for this item fills in: the common
    /// contact fields, then the item's own.
    pub fn form_fields(&self) -> Vec<FormField> {
        let mut all = FormField::common().to_vec();
        all.extend(self.form.iter().cloned());
        all
    }
}

/// An item as it arrives from outside (API body, form, spreadsheet row): plain
/// strings and numbers, parsed into an [`Item`] with every problem reported.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ItemInput {
    pub code: String,
    pub name: String,
    pub aliases: Vec<String>,
    pub kind: String,
    pub department_id: i64,
    pub division: String,
    pub legal_basis: Vec<String>,
    pub statutory_days: Option<i64>,
    /// `working` (default) or `calendar`.
    pub statutory_unit: Option<String>,
    pub promised_days: i64,
    pub visits: i64,
    pub channels: Vec<String>,
    pub materials: Vec<Material>,
    pub fee_fen: i64,
    pub fee_basis: Option<String>,
    pub prerequisites: Vec<String>,
    pub post_links: Vec<String>,
    pub chain_group: Option<String>,
    /// 告知承诺: see [`Item::commitment_allowed`].
    pub commitment_allowed: bool,
    /// 申请表: see [`Item::form`].
    pub form: Vec<FormFieldInput>,
}

impl ItemInput {
    pub fn parse(self) -> Result<Item, Invalid> {
        let mut inv = Invalid::default();
        let code = inv.take("", ItemCode::parse(&self.code));
        let kind = inv.take("", ItemKind::parse(&self.kind));
        let division = inv.take("", DivisionCode::parse(&self.division));
        let unit = match self.statutory_unit.as_deref().map(str::trim) {
            None | Some("") | Some("working") | Some("工作日") => Some(DayCount::Working),
            Some("calendar") | Some("自然日") | Some("日") => Some(DayCount::Calendar),
            Some(other) => {
                inv.push(
                    "statutory_unit",
                    format!("时限单位“{other}”无法识别，应为工作日（working）或自然日（calendar）"),
                );
                None
            }
        };
        let statutory_limit = match self.statutory_days {
            None => None,
            Some(d) => match u16::try_from(d) {
                Ok(days) => unit.map(|unit| TimeLimit { days, unit }),
                Err(_) => {
                    inv.push("statutory_days", "法定时限应为1至365天");
                    None
                }
            },
        };
        let promised_days = u16::try_from(self.promised_days).ok().or_else(|| {
            inv.push("promised_days", "承诺时限应为0个或以上工作日");
            None
        });
        // Range-checked here as well as in `check`, so a row with a bad kind
        // still hears about its visits in the same report.
        let visits = u8::try_from(self.visits)
            .ok()
            .filter(|v| *v <= 2)
            .or_else(|| {
                inv.push(
                    "visits",
                    "到现场次数只能是0、1或2次（最多跑一次即不超过1次）",
                );
                None
            });
        let mut channels = BTreeSet::new();
        for (i, c) in self.channels.iter().enumerate() {
            match Channel::parse(c) {
                Ok(c) => {
                    channels.insert(c);
                }
                Err(e) => inv.0.extend(e.0.into_iter().map(|f| FieldError {
                    field: format!("channels[{i}]"),
                    ..f
                })),
            }
        }
        if self.department_id <= 0 {
            inv.push("department_id", "请选择实施部门");
        }
        let trimmed = |v: Vec<String>| -> Vec<String> {
            v.into_iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        };
        let legal_basis = self
            .legal_basis
            .iter()
            .filter_map(|c| LegalBasis::from_citation(c))
            .collect();
        let form: Vec<FormField> = self
            .form
            .into_iter()
            .enumerate()
            .filter_map(|(i, f)| inv.take(&format!("form[{i}]"), f.parse()))
            .collect();
        let (Some(code), Some(kind), Some(division), Some(promised_days), Some(visits)) =
            (code, kind, division, promised_days, visits)
        else {
            return Err(inv);
        };
        if !inv.0.is_empty() {
            return Err(inv);
        }
        let item = Item {
            code,
            name: self.name.trim().to_string(),
            aliases: trimmed(self.aliases),
            kind,
            department_id: self.department_id,
            division,
            legal_basis,
            statutory_limit,
            promised_days,
            visits,
            channels,
            materials: self.materials,
            fee: Fee {
                fen: self.fee_fen,
                basis: self.fee_basis.filter(|b| !b.trim().is_empty()),
            },
            prerequisites: trimmed(self.prerequisites),
            post_links: trimmed(self.post_links),
            chain_group: self.chain_group.filter(|c| !c.trim().is_empty()),
            commitment_allowed: self.commitment_allowed,
            form,
        };
        item.check()?;
        Ok(item)
    }
}

impl From<&Item> for ItemInput {
    fn from(i: &Item) -> Self {
        ItemInput {
            code: i.code.to_string(),
            name: i.name.clone(),
            aliases: i.aliases.clone(),
            kind: i.kind.zh().to_string(),
            department_id: i.department_id,
            division: i.division.to_string(),
            legal_basis: i.legal_basis.iter().map(LegalBasis::citation).collect(),
            statutory_days: i.statutory_limit.map(|l| i64::from(l.days)),
            statutory_unit: i.statutory_limit.map(|l| {
                match l.unit {
                    DayCount::Working => "working",
                    DayCount::Calendar => "calendar",
                }
                .to_string()
            }),
            promised_days: i64::from(i.promised_days),
            visits: i64::from(i.visits),
            channels: i.channels.iter().map(|c| c.as_str().to_string()).collect(),
            materials: i.materials.clone(),
            fee_fen: i.fee.fen,
            fee_basis: i.fee.basis.clone(),
            prerequisites: i.prerequisites.clone(),
            post_links: i.post_links.clone(),
            chain_group: i.chain_group.clone(),
            commitment_allowed: i.commitment_allowed,
            form: i.form.iter().map(FormFieldInput::from).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn food_licence() -> ItemInput {
        ItemInput {
            code: "430100-0100001".into(),
            name: "食品经营许可".into(),
            aliases: vec!["开饭店".into(), "开餐馆".into()],
            kind: "行政许可".into(),
            department_id: 3,
            division: "430100".into(),
            legal_basis: vec!["《中华人民共和国食品安全法》第三十五条".into()],
            statutory_days: Some(20),
            statutory_unit: None,
            promised_days: 10,
            visits: 1,
            channels: vec!["hall".into(), "web".into()],
            materials: vec![Material {
                name: "营业执照".into(),
                required: true,
                form: MaterialForm::Copy,
                may_defer: false,
            }],
            ..Default::default()
        }
    }

    fn fields(e: Invalid) -> Vec<String> {
        e.0.into_iter().map(|f| f.field).collect()
    }

    #[test]
    fn a_good_item_parses() {
        let item = food_licence().parse().unwrap();
        assert_eq!(item.level(), Level::City);
        assert_eq!(item.legal_basis[0].law, "《中华人民共和国食品安全法》");
        assert_eq!(item.legal_basis[0].article.as_deref(), Some("第三十五条"));
        assert_eq!(ItemInput::from(&item).parse().unwrap(), item);
    }

    #[test]
    fn promised_cannot_exceed_statutory() {
        let mut i = food_licence();
        i.promised_days = 21;
        assert_eq!(fields(i.parse().unwrap_err()), ["promised_days"]);
    }

    #[test]
    fn calendar_day_limits_are_converted_conservatively() {
        // 15 calendar days hold at most 10 working days; a promise of 11 could break the law.
        let mut i = food_licence();
        i.statutory_days = Some(15);
        i.statutory_unit = Some("calendar".into());
        i.promised_days = 10;
        assert!(i.clone().parse().is_ok());
        i.promised_days = 11;
        assert_eq!(fields(i.parse().unwrap_err()), ["promised_days"]);
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let mut i = food_licence();
        i.kind = "许可".into();
        i.division = "4301".into();
        i.visits = 3;
        i.channels.push("fax".into());
        let f = fields(i.parse().unwrap_err());
        assert!(f.contains(&"kind".to_string()), "{f:?}");
        assert!(f.contains(&"division".to_string()), "{f:?}");
        assert!(f.contains(&"channels[2]".to_string()), "{f:?}");
    }

    #[test]
    fn cross_field_rules() {
        let mut i = food_licence();
        i.visits = 3;
        assert_eq!(fields(i.parse().unwrap_err()), ["visits"]);

        let mut i = food_licence();
        i.visits = 0;
        i.channels = vec!["hall".into()];
        assert_eq!(fields(i.parse().unwrap_err()), ["visits"]);

        let mut i = food_licence();
        i.legal_basis.clear();
        assert_eq!(fields(i.parse().unwrap_err()), ["legal_basis"]);

        let mut i = food_licence();
        i.fee_fen = 5000;
        assert_eq!(fields(i.parse().unwrap_err()), ["fee_basis"]);

        let mut i = food_licence();
        i.materials[0].required = false;
        i.materials[0].may_defer = true;
        assert_eq!(fields(i.parse().unwrap_err()), ["materials[0].may_defer"]);

        let mut i = food_licence();
        i.code = "430200-0100001".into();
        assert_eq!(fields(i.parse().unwrap_err()), ["code"]);

        let mut i = food_licence();
        i.code = "430100-1100001".into();
        assert_eq!(fields(i.parse().unwrap_err()), ["code"]);

        let mut i = food_licence();
        i.aliases.push("开饭店".into());
        assert_eq!(fields(i.parse().unwrap_err()), ["aliases[2]"]);

        let mut i = food_licence();
        i.channels.clear();
        assert_eq!(fields(i.parse().unwrap_err()), ["channels"]);
    }

    #[test]
    fn public_services_may_omit_legal_basis() {
        let mut i = food_licence();
        i.kind = "公共服务".into();
        i.code = "430100-1100001".into();
        i.legal_basis.clear();
        assert!(i.parse().is_ok());
    }

    #[test]
    fn commitment_only_for_licences_and_confirmations() {
        let mut i = food_licence();
        i.commitment_allowed = true;
        let item = i.clone().parse().expect("a licence may allow 告知承诺");
        assert!(item.commitment_allowed);
        // It survives the round trip through the stored JSON and the form.
        let back: Item = serde_json::from_value(serde_json::to_value(&item).unwrap()).unwrap();
        assert!(back.commitment_allowed);
        assert!(ItemInput::from(&back).commitment_allowed);
        // An old body without the field reads as not allowed.
        let mut old = serde_json::to_value(food_licence().parse().unwrap()).unwrap();
        old.as_object_mut().unwrap().remove("commitment_allowed");
        assert!(
            !serde_json::from_value::<Item>(old)
                .unwrap()
                .commitment_allowed
        );

        i.kind = "行政处罚".into();
        i.code = "430100-0200001".into();
        let e = i.parse().unwrap_err();
        let f: Vec<_> = e.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(f, ["commitment_allowed"], "{e}");
        assert!(e.0[0].reason.contains("行政处罚"), "{e}");
    }
}
