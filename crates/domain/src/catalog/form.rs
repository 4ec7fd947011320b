//! An item's application form (申请表): the fields an applicant fills in
//! besides the materials, declared by the item (食品经营许可 asks for the
//! 经营场所, the 主体业态 and the 经营项目; a licence prints them). Every
//! case also asks the three contact fields of [`FormField::common`].
//!
//! A field's value is always one string, so a case keeps its form as a
//! plain map: a multiple choice is its options joined by 、, as Chinese
//! forms print a list.

use std::collections::BTreeSet;
use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::Invalid;

/// Most fields an item's own form may have; the 一窗受理 form stays one page.
pub const MAX_FIELDS: usize = 20;
/// Separates the chosen options of a multiple choice, in values and on paper.
pub const CHOICE_SEP: char = '、';
/// Characters an option may not hold: they separate values or the parts
/// of a field's line in a spreadsheet cell.
const OPTION_FORBIDDEN: [char; 6] = ['、', '/', '|', '；', ';', '\n'];

/// A field's name in the API and in a case's form: lowercase ASCII, so
/// that systems filing cases keep working when a label is reworded.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct FieldKey(String);

impl FieldKey {
    pub fn parse(s: &str) -> Result<FieldKey, Invalid> {
        let s = s.trim();
        let mut chars = s.chars();
        let good_start = chars.next().is_some_and(|c| c.is_ascii_lowercase());
        let good_rest = chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !good_start || !good_rest || s.len() > 32 {
            return Err(Invalid::one(
                "key",
                format!(
                    "字段代码“{s}”应以小写英文字母开头，只含小写字母、数字和下划线，至多32个字符，如 premises"
                ),
            ));
        }
        Ok(FieldKey(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for FieldKey {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        FieldKey::parse(&s).map_err(|e| e.to_string())
    }
}

impl From<FieldKey> for String {
    fn from(k: FieldKey) -> String {
        k.0
    }
}

impl fmt::Display for FieldKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a field holds, and so how it is asked and checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// One line, at most 100 characters.
    Text,
    /// Several lines, at most 500 characters.
    LongText,
    /// Exactly one of the options.
    Choice,
    /// One or more of the options.
    MultiChoice,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// A non-negative amount with at most two decimals, in the field's unit.
    Number,
    /// A mobile or landline number.
    Phone,
}

impl FieldKind {
    pub const ALL: [FieldKind; 7] = [
        FieldKind::Text,
        FieldKind::LongText,
        FieldKind::Choice,
        FieldKind::MultiChoice,
        FieldKind::Date,
        FieldKind::Number,
        FieldKind::Phone,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FieldKind::Text => "text",
            FieldKind::LongText => "long_text",
            FieldKind::Choice => "choice",
            FieldKind::MultiChoice => "multi_choice",
            FieldKind::Date => "date",
            FieldKind::Number => "number",
            FieldKind::Phone => "phone",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            FieldKind::Text => "文本",
            FieldKind::LongText => "长文本",
            FieldKind::Choice => "单选",
            FieldKind::MultiChoice => "多选",
            FieldKind::Date => "日期",
            FieldKind::Number => "数字",
            FieldKind::Phone => "电话",
        }
    }

    pub fn parse(s: &str) -> Result<FieldKind, Invalid> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s || k.zh() == s)
            .ok_or_else(|| {
                let all: Vec<String> = Self::ALL
                    .iter()
                    .map(|k| format!("{}（{}）", k.zh(), k.as_str()))
                    .collect();
                Invalid::one(
                    "kind",
                    format!("字段类型“{s}”无法识别，应为：{}", all.join("、")),
                )
            })
    }

    fn has_options(self) -> bool {
        matches!(self, FieldKind::Choice | FieldKind::MultiChoice)
    }

    fn max_chars(self) -> usize {
        match self {
            FieldKind::LongText => 500,
            _ => 100,
        }
    }
}

/// One field of an application form, already checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormField {
    pub key: FieldKey,
    pub label: String,
    pub kind: FieldKind,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub required: bool,
    /// The choices of a (multiple) choice, in the order offered.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    /// A number's unit, e.g. 平方米.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// 印证: printed on the licence and so shown on its public verification
    /// page (a 食品经营许可证 prints its 经营场所 and 经营项目). Off unless the
    /// item says so: what an applicant writes is theirs to keep private.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub printed: bool,
}

impl FormField {
    /// What every application asks, whatever the item: how the window
    /// reaches the applicant, and what they want to say.
    pub fn common() -> [FormField; 3] {
        let field = |key: &str, label: &str, kind, required| FormField {
            key: FieldKey(key.to_string()),
            label: label.to_string(),
            kind,
            required,
            options: Vec::new(),
            unit: None,
            printed: false,
        };
        [
            field("phone", "联系电话", FieldKind::Phone, true),
            field("address", "联系地址", FieldKind::Text, true),
            field("note", "申请说明", FieldKind::LongText, false),
        ]
    }

    /// What to tell someone filling it in.
    pub fn hint(&self) -> String {
        let need = if self.required { "" } else { "选填；" };
        match self.kind {
            FieldKind::Text | FieldKind::LongText => {
                format!("{need}最多 {} 个字", self.kind.max_chars())
            }
            FieldKind::Choice => format!("{need}选择一项"),
            FieldKind::MultiChoice => format!("{need}可选择多项"),
            FieldKind::Date => format!("{need}日期，如 2026-03-01"),
            FieldKind::Number => match &self.unit {
                Some(u) => format!("{need}以{u}计，可有两位小数"),
                None => format!("{need}数字，可有两位小数"),
            },
            FieldKind::Phone => format!("{need}手机号（11 位）或固定电话，如 0731-88888888"),
        }
    }

    /// The value as the case keeps it, or why it cannot be kept. `raw` is
    /// not empty (whether an empty field may be left so is the form's rule).
    pub fn read(&self, raw: &str) -> Result<String, String> {
        let v = raw.trim();
        match self.kind {
            FieldKind::Text | FieldKind::LongText => {
                let max = self.kind.max_chars();
                if v.chars().count() > max {
                    Err(format!("最多{max}个字"))
                } else if self.kind == FieldKind::Text && v.contains(['\n', '\r']) {
                    Err("请写在一行之内".to_string())
                } else {
                    Ok(v.to_string())
                }
            }
            FieldKind::Choice => {
                if self.options.iter().any(|o| o == v) {
                    Ok(v.to_string())
                } else {
                    Err(format!(
                        "请从以下选项中选择一项：{}",
                        self.options.join("、")
                    ))
                }
            }
            FieldKind::MultiChoice => {
                let mut chosen: Vec<&str> = Vec::new();
                for part in v.split([CHOICE_SEP, '；', ';', '\n']).map(str::trim) {
                    if part.is_empty() {
                        continue;
                    }
                    if !self.options.iter().any(|o| o == part) {
                        return Err(format!(
                            "“{part}”不是可选项，可选：{}",
                            self.options.join("、")
                        ));
                    }
                    if chosen.contains(&part) {
                        return Err(format!("“{part}”选了两次"));
                    }
                    chosen.push(part);
                }
                // Kept in the options' order, so two cases choosing the same
                // read the same.
                Ok(self
                    .options
                    .iter()
                    .filter(|o| chosen.contains(&o.as_str()))
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(&CHOICE_SEP.to_string()))
            }
            FieldKind::Date => match NaiveDate::parse_from_str(v, "%Y-%m-%d") {
                Ok(d) if (1900..=2100).contains(&d.year()) => Ok(d.to_string()),
                _ => Err("请填写日期，格式为 YYYY-MM-DD，如 2026-03-01".to_string()),
            },
            FieldKind::Number => read_number(v)
                .ok_or_else(|| "请填写不小于0的数字，最多两位小数，如 120.5".to_string()),
            FieldKind::Phone => {
                if is_phone(v) {
                    Ok(v.to_string())
                } else {
                    Err(
                        "请填写手机号码（以1开头的11位数字）或固定电话（如0731-88888888）"
                            .to_string(),
                    )
                }
            }
        }
    }

    /// The rules of one field; the item checks what concerns several.
    fn check(&self, inv: &mut Invalid, at: &str) {
        let n = self.label.chars().count();
        if self.label.trim().is_empty() || n > 20 {
            inv.push(format!("{at}.label"), "字段名称应为1至20个字");
        }
        if self.label.contains(['|', '=', '；', ';', '\n']) {
            inv.push(format!("{at}.label"), "字段名称不能含有 | = ； 等分隔符");
        }
        if self.kind.has_options() {
            if !(2..=30).contains(&self.options.len()) {
                inv.push(
                    format!("{at}.options"),
                    format!("{}字段应有2至30个选项", self.kind.zh()),
                );
            }
            let mut seen = BTreeSet::new();
            for (j, o) in self.options.iter().enumerate() {
                let n = o.chars().count();
                if o.trim().is_empty() || n > 40 {
                    inv.push(format!("{at}.options[{j}]"), "每个选项应为1至40个字");
                } else if o.contains(OPTION_FORBIDDEN) {
                    inv.push(
                        format!("{at}.options[{j}]"),
                        "选项不能含有 、 / | ； 等分隔符",
                    );
                } else if !seen.insert(o.as_str()) {
                    inv.push(format!("{at}.options[{j}]"), format!("选项“{o}”重复"));
                }
            }
        } else if !self.options.is_empty() {
            inv.push(
                format!("{at}.options"),
                format!("只有单选、多选字段有选项，{}字段没有", self.kind.zh()),
            );
        }
        match &self.unit {
            Some(_) if self.kind != FieldKind::Number => {
                inv.push(format!("{at}.unit"), "只有数字字段有计量单位");
            }
            Some(u) if u.trim().is_empty() || u.chars().count() > 10 => {
                inv.push(format!("{at}.unit"), "计量单位应为1至10个字");
            }
            _ => {}
        }
    }
}

/// The rules of an item's whole form: each field's, and that keys and
/// labels differ from each other and from the common fields'.
pub fn check_fields(fields: &[FormField], inv: &mut Invalid) {
    if fields.len() > MAX_FIELDS {
        inv.push("form", format!("申请表字段最多{MAX_FIELDS}个"));
    }
    let common = FormField::common();
    let mut keys = BTreeSet::new();
    let mut labels = BTreeSet::new();
    for (i, f) in fields.iter().enumerate() {
        let at = format!("form[{i}]");
        f.check(inv, &at);
        if let Some(c) = common.iter().find(|c| c.key == f.key) {
            inv.push(
                format!("{at}.key"),
                format!("“{}”是每份申请都有的{}，不必再列", f.key, c.label),
            );
        } else if !keys.insert(f.key.as_str()) {
            inv.push(format!("{at}.key"), format!("字段代码“{}”重复", f.key));
        }
        if common.iter().any(|c| c.label == f.label) || !labels.insert(f.label.as_str()) {
            inv.push(format!("{at}.label"), format!("字段名称“{}”重复", f.label));
        }
    }
}

/// A field as it arrives from outside (API body, a spreadsheet cell's
/// line, the admin form): plain strings, parsed with every problem named.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FormFieldInput {
    pub key: String,
    pub label: String,
    /// `text`, `long_text`, `choice`, `multi_choice`, `date`, `number`,
    /// `phone` (or 文本, 长文本, 单选, 多选, 日期, 数字, 电话); empty is text.
    pub kind: String,
    pub required: bool,
    pub options: Vec<String>,
    pub unit: Option<String>,
    /// See [`FormField::printed`].
    pub printed: bool,
}

impl FormFieldInput {
    /// One field's own rules are checked with the item's (see
    /// [`check_fields`]); here only what cannot become a field.
    pub fn parse(self) -> Result<FormField, Invalid> {
        let mut inv = Invalid::default();
        let key = inv.take("", FieldKey::parse(&self.key));
        let kind = if self.kind.trim().is_empty() {
            Some(FieldKind::Text)
        } else {
            inv.take("", FieldKind::parse(&self.kind))
        };
        let (Some(key), Some(kind)) = (key, kind) else {
            return Err(inv);
        };
        Ok(FormField {
            key,
            label: self.label.trim().to_string(),
            kind,
            required: self.required,
            options: self
                .options
                .iter()
                .map(|o| o.trim().to_string())
                .filter(|o| !o.is_empty())
                .collect(),
            unit: self
                .unit
                .map(|u| u.trim().to_string())
                .filter(|u| !u.is_empty()),
            printed: self.printed,
        })
    }

    /// Reads the line syntax of a spreadsheet cell and of the admin form:
    /// `key=名称|必填|类型|选项1/选项2|印证` (a number's fourth part is its
    /// unit; the fifth, 印证, prints the field on the licence). Parts after
    /// the name may be left out: 必填, 文本, not printed.
    pub fn from_line(line: &str) -> Result<FormFieldInput, String> {
        let line = line.trim();
        let Some((key, rest)) = line.split_once('=') else {
            return Err(format!(
                "“{line}”：每个字段写作 代码=名称|必填或选填|类型|选项，如 premises=经营场所|必填|文本"
            ));
        };
        let parts: Vec<&str> = rest.split('|').map(str::trim).collect();
        if parts.len() > 5 {
            return Err(format!(
                "“{line}”：每个字段最多五部分，多个字段之间请用“；”分隔或换行"
            ));
        }
        let printed = match parts.get(4).copied().unwrap_or_default() {
            "" => false,
            "印证" => true,
            other => return Err(format!("“{other}”：第五部分只能填“印证”或留空")),
        };
        let required = match parts.get(1).copied().unwrap_or_default() {
            "" | "必填" => true,
            "选填" => false,
            other => return Err(format!("“{other}”应为“必填”或“选填”")),
        };
        let kind = parts.get(2).copied().unwrap_or_default().to_string();
        let fourth = parts.get(3).copied().unwrap_or_default();
        let is_number = FieldKind::parse(&kind).is_ok_and(|k| k == FieldKind::Number);
        let (options, unit) = if is_number {
            (Vec::new(), Some(fourth.to_string()))
        } else {
            (
                fourth
                    .split('/')
                    .map(str::trim)
                    .filter(|o| !o.is_empty())
                    .map(str::to_string)
                    .collect(),
                None,
            )
        };
        Ok(FormFieldInput {
            key: key.trim().to_string(),
            label: parts.first().copied().unwrap_or_default().to_string(),
            kind,
            required,
            options,
            unit,
            printed,
        })
    }

    /// Every field of a cell or text area: one per line or separated by ；.
    pub fn from_lines(text: &str) -> Result<Vec<FormFieldInput>, String> {
        text.split(['\n', '；', ';'])
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(FormFieldInput::from_line)
            .collect()
    }
}

impl From<&FormField> for FormFieldInput {
    fn from(f: &FormField) -> Self {
        FormFieldInput {
            key: f.key.to_string(),
            label: f.label.clone(),
            kind: f.kind.as_str().to_string(),
            required: f.required,
            options: f.options.clone(),
            unit: f.unit.clone(),
            printed: f.printed,
        }
    }
}

/// The line syntax [`FormFieldInput::from_line`] reads.
impl fmt::Display for FormField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}={}|{}|{}",
            self.key,
            self.label,
            if self.required { "必填" } else { "选填" },
            self.kind.zh()
        )?;
        let fourth = match &self.unit {
            Some(u) => u.clone(),
            None => self.options.join("/"),
        };
        if self.printed {
            write!(f, "|{fourth}|印证")
        } else if fourth.is_empty() {
            Ok(())
        } else {
            write!(f, "|{fourth}")
        }
    }
}

fn is_phone(s: &str) -> bool {
    let digits: String = s.chars().filter(|c| *c != '-' && *c != ' ').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let mobile = digits.len() == 11 && digits.starts_with('1');
    let landline = (10..=12).contains(&digits.len()) && digits.starts_with('0');
    mobile || landline
}

/// `120`, `120.5`, `0.25`: kept as typed (less leading zeros), never
/// through a float, so what the applicant wrote is what the licence prints.
fn read_number(v: &str) -> Option<String> {
    let (int, frac) = v.split_once('.').unwrap_or((v, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !digits(int) || !digits(frac) || frac.len() > 2 {
        return None;
    }
    if v.ends_with('.') {
        return None;
    }
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    if int.len() > 9 {
        return None;
    }
    Some(if frac.is_empty() {
        int.to_string()
    } else {
        format!("{int}.{frac}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn food() -> Vec<FormField> {
        FormFieldInput::from_lines(
            "premises=经营场所|必填|文本||印证\n\
             business_type=主体业态|必填|单选|食品销售经营者/餐饮服务经营者/单位食堂|印证；\
             scope=经营项目|必填|多选|预包装食品销售/散装食品销售/热食类食品制售/冷食类食品制售\n\
             area=经营面积|选填|数字|平方米",
        )
        .unwrap()
        .into_iter()
        .map(|f| f.parse().unwrap())
        .collect()
    }

    #[test]
    fn the_line_syntax_round_trips() {
        let fields = food();
        assert_eq!(fields.len(), 4);
        assert_eq!(fields[1].kind, FieldKind::Choice);
        assert_eq!(fields[1].options.len(), 3);
        assert_eq!(fields[3].unit.as_deref(), Some("平方米"));
        assert!(fields[0].printed && fields[1].printed && !fields[2].printed);
        assert!(!fields[3].required);
        let mut inv = Invalid::default();
        check_fields(&fields, &mut inv);
        assert!(inv.0.is_empty(), "{inv:?}");
        for f in &fields {
            let back = FormFieldInput::from_line(&f.to_string()).unwrap().parse();
            assert_eq!(back.as_ref(), Ok(f));
        }
        // Parts after the name default to 必填 and 文本.
        let f = FormFieldInput::from_line("owner=负责人")
            .unwrap()
            .parse()
            .unwrap();
        assert!(f.required);
        assert_eq!(f.kind, FieldKind::Text);
    }

    #[test]
    fn values_are_read_by_kind() {
        let f = food();
        assert_eq!(f[0].read(" 岳麓区麓山路1号 "), Ok("岳麓区麓山路1号".into()));
        assert!(f[0].read("一行\n两行").is_err());
        assert!(f[0].read(&"长".repeat(101)).is_err());
        assert_eq!(f[1].read("餐饮服务经营者"), Ok("餐饮服务经营者".into()));
        assert!(f[1].read("小吃店").unwrap_err().contains("餐饮服务经营者"));
        // Chosen options are kept in the options' order.
        assert_eq!(
            f[2].read("热食类食品制售、预包装食品销售"),
            Ok("预包装食品销售、热食类食品制售".into())
        );
        assert!(f[2].read("热食类食品制售、热食类食品制售").is_err());
        assert!(f[2].read("烟草").unwrap_err().contains("烟草"));
        assert_eq!(f[3].read("0120.5"), Ok("120.5".into()));
        assert_eq!(f[3].read("0"), Ok("0".into()));
        for bad in ["-1", "1.234", "1e3", "12.", ".5", "一百", "1234567890"] {
            assert!(f[3].read(bad).is_err(), "{bad}");
        }
        let date = FormFieldInput {
            key: "opening".into(),
            label: "开业日期".into(),
            kind: "日期".into(),
            ..Default::default()
        }
        .parse()
        .unwrap();
        assert_eq!(date.read("2026-03-01"), Ok("2026-03-01".into()));
        assert!(date.read("2026-02-30").is_err());
        assert!(date.read("3/1/2026").is_err());
        let [phone, ..] = FormField::common();
        assert!(phone.read("0731-88888888").is_ok());
        assert!(phone.read("12345").is_err());
    }

    #[test]
    fn form_rules_name_the_field() {
        let errors = |fields: &[FormField]| {
            let mut inv = Invalid::default();
            check_fields(fields, &mut inv);
            inv.0.into_iter().map(|e| e.field).collect::<Vec<_>>()
        };
        let mut f = food();
        f[1].options.truncate(1);
        assert_eq!(errors(&f), ["form[1].options"]);
        let mut f = food();
        f[2].options[1] = "散装食品、熟食".into();
        assert_eq!(errors(&f), ["form[2].options[1]"]);
        let mut f = food();
        f[0].options.push("x".into());
        f[0].unit = Some("米".into());
        assert_eq!(errors(&f), ["form[0].options", "form[0].unit"]);
        let mut f = food();
        f[3].key = f[0].key.clone();
        assert_eq!(errors(&f), ["form[3].key"]);
        let mut f = food();
        f[0].key = FieldKey::parse("phone").unwrap();
        f[1].label = "联系地址".into();
        assert_eq!(errors(&f), ["form[0].key", "form[1].label"]);
        let many: Vec<FormField> = (0..=MAX_FIELDS)
            .map(|i| FormField {
                key: FieldKey::parse(&format!("f{i}")).unwrap(),
                label: format!("字段{i}"),
                ..food()[0].clone()
            })
            .collect();
        assert_eq!(errors(&many), ["form"]);
    }

    #[test]
    fn bad_inputs_are_named() {
        let e = FormFieldInput {
            key: "Premises".into(),
            label: "经营场所".into(),
            kind: "地址".into(),
            ..Default::default()
        }
        .parse()
        .unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["key", "kind"]);
        assert!(FormFieldInput::from_line("经营场所|必填").is_err());
        assert!(FormFieldInput::from_line("a=经营场所|必要").is_err());
        assert!(FormFieldInput::from_line("a=经营场所|必填|文本||公开").is_err());
        assert!(FieldKey::parse("1abc").is_err());
        assert!(FieldKey::parse(&"a".repeat(33)).is_err());
        // A stored key that is not a key does not read back.
        assert!(serde_json::from_str::<FieldKey>("\"A B\"").is_err());
    }
}
