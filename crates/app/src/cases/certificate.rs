//! The public verification of an e-certificate: what its QR code opens.

use bianli_domain::cases::{Certificate, Validity};
use serde::Serialize;

use crate::{App, AppError, Result};

#[derive(Debug, Clone, Serialize)]
pub struct CertificateView {
    #[serde(flatten)]
    pub certificate: Certificate,
    pub department: String,
    pub validity: Validity,
    pub validity_zh: &'static str,
}

impl App {
    pub async fn certificate(&self, number: &str) -> Result<CertificateView> {
        let number = number.trim();
        if number
            .strip_prefix("ZS")
            .is_none_or(|n| bianli_domain::cases::CaseNumber::parse(n).is_err())
        {
            return Err(bianli_domain::Invalid::one(
                "number",
                "证照编号为“ZS”加办件编号，如ZS430100-20261126-000123",
            )
            .into());
        }
        let certificate = self
            .store
            .certificate(number)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("证照{number}")))?;
        let validity = certificate.validity(self.today());
        Ok(CertificateView {
            department: self.department_name(certificate.department_id).await?,
            validity,
            validity_zh: validity.zh(),
            certificate,
        })
    }
}

impl App {
    /// Cards for supervisors (all) and department staff (their own).
    pub async fn cards(&self, actor: &crate::Actor) -> Result<Vec<bianli_store::cases::CardRow>> {
        use bianli_domain::identity::Role;
        let department = match actor.role {
            Role::Supervisor | Role::Admin => None,
            r if r.is_staff() => Some(actor.department_id.ok_or_else(|| {
                AppError::Forbidden("红黄牌信息仅供电子监察人员和部门工作人员查看".into())
            })?),
            _ => {
                return Err(AppError::Forbidden(
                    "红黄牌信息仅供电子监察人员和部门工作人员查看".into(),
                ));
            }
        };
        Ok(self.store.cards(department, 500).await?)
    }

    /// The steps an item's cases go through.
    pub async fn workflow(&self, code: &str) -> Result<bianli_domain::cases::Workflow> {
        let code = bianli_domain::catalog::ItemCode::parse(code).map_err(|e| e.relabel("code"))?;
        Ok(self
            .store
            .workflow(&code.to_string())
            .await?
            .unwrap_or_else(bianli_domain::cases::Workflow::standard))
    }

    /// A department admin sets the steps of one of their items; running
    /// cases keep the steps they started with.
    pub async fn set_workflow(
        &self,
        actor: &crate::Actor,
        code: &str,
        steps: Vec<bianli_domain::cases::StepTemplate>,
    ) -> Result<bianli_domain::cases::Workflow> {
        let code = bianli_domain::catalog::ItemCode::parse(code).map_err(|e| e.relabel("code"))?;
        let item = self.case_item(&code).await?;
        if !actor.scope().may_maintain_department(item.department_id) {
            return Err(AppError::Forbidden(
                "只有事项所属部门的管理员可以设置办理环节".into(),
            ));
        }
        let workflow = bianli_domain::cases::Workflow::parse(steps, item.department_id)?;
        self.store
            .put_workflow(&code.to_string(), &workflow, &actor.tag(), self.now())
            .await?;
        Ok(workflow)
    }
}
