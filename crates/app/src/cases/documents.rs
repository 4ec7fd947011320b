//! The official papers of a case as PDF: the receipt (回执), the notices of
//! acceptance, refusal and correction, the decision, and the licence. Each
//! carries a QR code of the page that verifies it.

use std::sync::{Arc, OnceLock};

use bianli_domain::Invalid;
use bianli_domain::cases::{Case, Outcome};
use bianli_paper::{Document, Fonts, Layout, render};

use crate::{App, AppError, Result};

/// Fonts load once per process (about 50 MB of font files); a machine
/// without them says what to install on the first document asked for.
#[derive(Default)]
pub struct PaperFonts(OnceLock<std::result::Result<Arc<Fonts>, String>>);

impl PaperFonts {
    fn get(&self) -> Result<Arc<Fonts>> {
        self.0
            .get_or_init(|| Fonts::discover().map(Arc::new).map_err(|e| e.to_string()))
            .clone()
            .map_err(|e| AppError::Internal(format!("PDF fonts: {e}")))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    /// 申请材料接收回执.
    Receipt,
    /// 受理通知书.
    Acceptance,
    /// 不予受理决定书.
    Refusal,
    /// 补正材料通知书 (一次性告知).
    Correction,
    /// 准予 / 不予行政许可决定书.
    Decision,
}

impl Paper {
    pub fn parse(s: &str) -> Result<Paper, Invalid> {
        Ok(match s.trim_end_matches(".pdf") {
            "receipt" => Paper::Receipt,
            "acceptance" => Paper::Acceptance,
            "refusal" => Paper::Refusal,
            "correction" => Paper::Correction,
            "decision" => Paper::Decision,
            _ => {
                return Err(Invalid::one(
                    "paper",
                    "文书类型应为receipt（回执）、acceptance（受理通知书）、refusal（不予受理决定书）、correction（补正告知书）或decision（决定书）",
                ));
            }
        })
    }
}

fn unavailable(what: &str) -> AppError {
    AppError::Conflict {
        field: "state".into(),
        message: format!("该办件（尚）没有{what}"),
    }
}

impl App {
    /// One of a case's papers, to whoever holds its number and code.
    /// `base` is the site's address as the caller reached it, for the QR code.
    pub async fn case_paper(
        &self,
        number: &str,
        code: &str,
        paper: Paper,
        base: &str,
    ) -> Result<Vec<u8>> {
        let case = self.case_by_code(number, code).await?;
        let department = self.department_name(case.department_id).await?;
        let verify_url = format!("{base}/cases/{}?code={}", case.number, case.code.as_str());
        let doc = paper_of(&case, paper, &department, verify_url)?;
        self.render(&doc)
    }

    /// The licence of an approved case, to anyone: certificates are public.
    pub async fn certificate_paper(&self, number: &str, base: &str) -> Result<Vec<u8>> {
        let view = self.certificate(number).await?;
        let c = &view.certificate;
        let mut fields = vec![
            ("证书编号".to_string(), c.number.clone()),
            ("持证主体".to_string(), c.holder.clone()),
            ("证件号码".to_string(), c.holder_id.clone()),
        ];
        // What the item prints of the form (经营场所, 经营项目 …), as a
        // paper licence lists it under the holder.
        fields.extend(c.details.iter().map(|d| (d.label.clone(), d.value.clone())));
        fields.extend([
            ("许可事项".to_string(), c.item_name.clone()),
            ("事项编码".to_string(), c.item_code.clone()),
            ("办件编号".to_string(), c.case_number.clone()),
            (
                "有效期".to_string(),
                match c.valid_until {
                    Some(d) => format!(
                        "{} 至 {}",
                        bianli_paper::chinese_date(c.issued_on),
                        bianli_paper::chinese_date(d)
                    ),
                    None => "长期有效".to_string(),
                },
            ),
        ]);
        if let Some(r) = &c.revoked {
            fields.push(("状态".to_string(), format!("已撤销：{r}")));
        }
        let doc = Document {
            kind: Layout::Licence,
            title: format!("{}证", c.item_name.trim_end_matches('证')),
            number: format!("编号：{}", c.number),
            addressee: None,
            paragraphs: vec![
                "本电子证照与纸质证照具有同等法律效力。扫描二维码可核验其真伪及当前状态。".into(),
            ],
            fields,
            issuer: view.department.clone(),
            date: c.issued_on,
            verify_url: format!("{base}/certificates/{}", c.number),
        };
        self.render(&doc)
    }

    fn render(&self, doc: &Document) -> Result<Vec<u8>> {
        let fonts = self.fonts.get()?;
        render(doc, &fonts).map_err(|e| AppError::Internal(format!("PDF: {e}")))
    }
}

fn paper_of(case: &Case, paper: Paper, department: &str, verify_url: String) -> Result<Document> {
    let date = |d: Option<chrono::NaiveDate>, what: &str| d.ok_or_else(|| unavailable(what));
    let number = format!("办件编号：{}", case.number);
    let mut fields = vec![
        ("申请事项".to_string(), case.item_name.clone()),
        ("申请人".to_string(), case.applicant.name.clone()),
        ("办件编号".to_string(), case.number.to_string()),
        ("查询码".to_string(), case.code.as_str().to_string()),
    ];
    let (title, paragraphs, on) = match paper {
        Paper::Receipt => {
            fields.push((
                "接收日期".into(),
                bianli_paper::chinese_date(case.received_on),
            ));
            fields.push(("申请渠道".into(), case.channel.zh().into()));
            for m in &case.materials {
                let files: Vec<&str> = m.files.iter().map(|f| f.name.as_str()).collect();
                let given = if files.is_empty() {
                    "纸质材料".to_string()
                } else {
                    files.join("、")
                };
                fields.push((m.name.clone(), given));
            }
            (
                "申请材料接收回执".to_string(),
                vec![format!(
                    "你提交的{}申请材料已收到。本机关将在五个工作日内作出是否受理的决定；逾期未作决定的，自收到申请材料之日起即为受理。凭办件编号和查询码可随时查询办理进度。",
                    case.item_name
                )],
                case.received_on,
            )
        }
        Paper::Acceptance => {
            let accepted = date(case.accepted_on, "受理通知书")?;
            if let Some(d) = case.dues {
                fields.push((
                    "承诺办结日期".into(),
                    bianli_paper::chinese_date(d.promised),
                ));
                if let Some(s) = d.statutory {
                    fields.push(("法定办结日期".into(), bianli_paper::chinese_date(s)));
                }
            }
            for d in &case.deferred {
                fields.push((
                    format!("容缺材料：{}", d.name),
                    format!("请于{}前补交", bianli_paper::chinese_date(d.promised_by)),
                ));
            }
            let how = if case.deemed {
                "因本机关未在法定期限内作出受理决定，依照《中华人民共和国行政许可法》第三十二条，自收到申请材料之日起即为受理。"
            } else {
                "经审查，你的申请材料齐全、符合法定形式，本机关决定予以受理。"
            };
            ("受理通知书".to_string(), vec![how.to_string()], accepted)
        }
        Paper::Refusal => {
            let decision = case
                .decision
                .as_ref()
                .filter(|d| d.outcome == Outcome::Refused)
                .ok_or_else(|| unavailable("不予受理决定书"))?;
            let mut p = vec![format!(
                "经审查，本机关决定不予受理，理由如下：{}",
                decision.reasons
            )];
            p.extend(decision.remedy.clone());
            ("不予受理决定书".to_string(), p, decision.on)
        }
        Paper::Correction => {
            let c = case
                .correction
                .as_ref()
                .ok_or_else(|| unavailable("补正告知书"))?;
            for item in &c.items {
                fields.push((item.name.clone(), item.reason.clone()));
            }
            (
                "补正材料通知书".to_string(),
                vec!["你提交的申请材料不齐全或者不符合法定形式。依照《中华人民共和国行政许可法》第三十二条，现一次性告知需要补正的全部内容如下，请补正后重新提交：".to_string()],
                c.on,
            )
        }
        Paper::Decision => {
            let decision = case
                .decision
                .as_ref()
                .filter(|d| matches!(d.outcome, Outcome::Approved | Outcome::Denied))
                .ok_or_else(|| unavailable("决定书"))?;
            let approved = decision.outcome == Outcome::Approved;
            if let Some(c) = &case.certificate {
                fields.push(("证书编号".into(), c.clone()));
            }
            let mut p = vec![if approved {
                format!(
                    "经审查，你的申请符合法定条件、标准，本机关决定准予{}。",
                    case.item_name
                )
            } else {
                format!(
                    "经审查，本机关决定不予{}，理由如下：{}",
                    case.item_name, decision.reasons
                )
            }];
            p.extend(decision.remedy.clone());
            let title = if approved {
                "准予行政许可决定书"
            } else {
                "不予行政许可决定书"
            };
            (title.to_string(), p, decision.on)
        }
    };
    Ok(Document {
        kind: Layout::Notice,
        title,
        number,
        addressee: Some(format!("{}：", case.applicant.name)),
        paragraphs,
        fields,
        issuer: department.to_string(),
        date: on,
        verify_url,
    })
}
