use serde::{Deserialize, Serialize};

use crate::Invalid;
use crate::division::DivisionCode;

/// What an account may do. Staff roles are scoped to a department (and so to
/// its division); `Admin` is province-wide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Citizen,
    Enterprise,
    Clerk,
    Reviewer,
    Approver,
    DeptAdmin,
    Inspector,
    Supervisor,
    Admin,
}

impl Role {
    pub const ALL: [Role; 9] = [
        Role::Citizen,
        Role::Enterprise,
        Role::Clerk,
        Role::Reviewer,
        Role::Approver,
        Role::DeptAdmin,
        Role::Inspector,
        Role::Supervisor,
        Role::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Citizen => "citizen",
            Role::Enterprise => "enterprise",
            Role::Clerk => "clerk",
            Role::Reviewer => "reviewer",
            Role::Approver => "approver",
            Role::DeptAdmin => "deptadmin",
            Role::Inspector => "inspector",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Role::Citizen => "办事群众",
            Role::Enterprise => "企业",
            Role::Clerk => "窗口人员",
            Role::Reviewer => "审核人员",
            Role::Approver => "审批人员",
            Role::DeptAdmin => "部门管理员",
            Role::Inspector => "执法检查人员",
            Role::Supervisor => "电子监察人员",
            Role::Admin => "系统管理员",
        }
    }

    pub fn parse(s: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| Invalid::one("role", format!("“{s}”不是有效的角色")))
    }

    pub fn is_staff(self) -> bool {
        !matches!(self, Role::Citizen | Role::Enterprise)
    }
}

/// Where a staff account's authority reaches: its own department, in its
/// division. `department: None` with `Admin` means the whole province.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scope {
    pub role: Role,
    pub department_id: Option<i64>,
    pub division: Option<DivisionCode>,
}

impl Scope {
    /// Whether this scope may maintain items of `department_id`.
    pub fn may_maintain_department(&self, department_id: i64) -> bool {
        match self.role {
            Role::Admin => true,
            Role::DeptAdmin => self.department_id == Some(department_id),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deptadmin_maintains_only_own_department() {
        let s = Scope {
            role: Role::DeptAdmin,
            department_id: Some(7),
            division: None,
        };
        assert!(s.may_maintain_department(7));
        assert!(!s.may_maintain_department(8));
        let admin = Scope {
            role: Role::Admin,
            department_id: None,
            division: None,
        };
        assert!(admin.may_maintain_department(8));
        let clerk = Scope {
            role: Role::Clerk,
            department_id: Some(7),
            division: None,
        };
        assert!(!clerk.may_maintain_department(7));
    }

    #[test]
    fn roles_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()).unwrap(), r);
        }
        assert!(Role::parse("root").is_err());
    }
}
