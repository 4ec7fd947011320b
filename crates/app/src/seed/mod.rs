//! The demo: Hunan's divisions, departments and power list replayed through the
//! same use cases a department uses (draft a decree, add adjustments, apply), and
//! one account per role.

pub mod form;
mod history;

pub use history::{HistoryStep, HistorySummary};

use bianli_domain::catalog::DecreeInput;
use bianli_domain::event::NewEvent;
use bianli_domain::identity::{AccountKind, IdNumber, Password, Role, Uscc};
use bianli_store::NewAccount;

use crate::identity::hash_password;
use crate::{Actor, App, AppError, Result};

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "bianli-demo";
/// Where the demo's staff work.
pub const DEMO_DEPARTMENT: &str = "长沙市市场监督管理局";

/// Progress of a seed, for a progress bar.
#[derive(Debug, Clone)]
pub enum SeedStep {
    Reference {
        divisions: usize,
        departments: usize,
    },
    Decree {
        index: usize,
        of: usize,
        number: String,
        adjustments: usize,
    },
    Accounts(usize),
    /// Service halls and the slots opened at them.
    Appointments {
        halls: usize,
        slots: usize,
    },
    /// Only a serving app builds the index; `seed` alone leaves it to `serve`.
    Indexing,
    Indexed,
}

#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub username: &'static str,
    pub role: Role,
}

pub const DEMO_ACCOUNTS: [DemoAccount; 9] = [
    DemoAccount {
        username: "citizen",
        role: Role::Citizen,
    },
    DemoAccount {
        username: "enterprise",
        role: Role::Enterprise,
    },
    DemoAccount {
        username: "clerk",
        role: Role::Clerk,
    },
    DemoAccount {
        username: "reviewer",
        role: Role::Reviewer,
    },
    DemoAccount {
        username: "approver",
        role: Role::Approver,
    },
    DemoAccount {
        username: "deptadmin",
        role: Role::DeptAdmin,
    },
    DemoAccount {
        username: "inspector",
        role: Role::Inspector,
    },
    DemoAccount {
        username: "supervisor",
        role: Role::Supervisor,
    },
    DemoAccount {
        username: "admin",
        role: Role::Admin,
    },
];

impl App {
    /// Whether the database holds no reference data yet.
    pub async fn is_empty(&self) -> Result<bool> {
        Ok(self.store.divisions().await?.is_empty())
    }

    /// Seeds the demo into an empty database. Returns false (and writes
    /// nothing) when there is data already.
    pub async fn seed_demo(&self, progress: &(dyn Fn(SeedStep) + Sync)) -> Result<bool> {
        self.seed_demo_within(None, progress).await
    }

    /// Seeds the demo restricted to some divisions (the province's list is
    /// always whole when 430000 is among them): a smaller world with the same
    /// history, for tests.
    pub async fn seed_demo_within(
        &self,
        divisions: Option<&[&str]>,
        progress: &(dyn Fn(SeedStep) + Sync),
    ) -> Result<bool> {
        if !self.is_empty().await? {
            return Ok(false);
        }
        let started = std::time::Instant::now();
        let mut demo = bianli_demo::catalog();
        if let Some(keep) = divisions {
            restrict(&mut demo, keep);
        }
        tracing::info!(elapsed = ?started.elapsed(), "demo catalog generated");
        let event = NewEvent::new(
            "catalog",
            "reference.loaded",
            "reference",
            "system:seed",
            serde_json::json!({"divisions": demo.divisions.len(), "departments": demo.departments.len()}),
        );
        self.store
            .put_reference(&demo.divisions, &demo.departments, event, self.now())
            .await?;
        progress(SeedStep::Reference {
            divisions: demo.divisions.len(),
            departments: demo.departments.len(),
        });
        let accounts = self.seed_accounts(&demo.departments).await?;
        progress(SeedStep::Accounts(accounts.len()));
        let admin = accounts
            .into_iter()
            .find(|a| a.role == Role::Admin)
            .ok_or_else(|| AppError::Internal("the demo has no admin".into()))?;
        let of = demo.decrees.len();
        for (index, d) in demo.decrees.into_iter().enumerate() {
            let input = DecreeInput {
                number: d.decree.number.as_str().to_string(),
                title: d.decree.title.clone(),
                issued_on: d.decree.issued_on.to_string(),
                effective_on: d.decree.effective_on.to_string(),
            };
            let n = d.adjustments.len();
            let (decree, _) = self.enact_unindexed(&admin, input, &d.adjustments).await?;
            tracing::info!(elapsed = ?started.elapsed(), number = %decree.number.as_str(), n, "decree enacted");
            progress(SeedStep::Decree {
                index: index + 1,
                of,
                number: decree.number.as_str().to_string(),
                adjustments: n,
            });
        }
        let (halls, slots) = self.seed_appointments(&admin).await?;
        tracing::info!(elapsed = ?started.elapsed(), halls, slots, "halls and slots opened");
        progress(SeedStep::Appointments { halls, slots });
        self.store.settle().await?;
        tracing::info!(elapsed = ?started.elapsed(), "database settled");
        if self.index.is_live() {
            progress(SeedStep::Indexing);
            self.index.rebuild(&*self.store).await?;
            tracing::info!(elapsed = ?started.elapsed(), "search index rebuilt");
            progress(SeedStep::Indexed);
        }
        Ok(true)
    }

    async fn seed_accounts(
        &self,
        departments: &[bianli_domain::catalog::Department],
    ) -> Result<Vec<Actor>> {
        let dept = departments
            .iter()
            .find(|d| d.name == DEMO_DEPARTMENT)
            .ok_or_else(|| AppError::Internal(format!("the demo lacks {DEMO_DEPARTMENT}")))?;
        let password = Password::parse(DEMO_PASSWORD)?;
        let hash = hash_password(&password)?;
        let id_number = IdNumber::parse(&with_id_check("43010519900307123"))?;
        let uscc = Uscc::parse(&with_uscc_check("91430100MA4L00001"))?;
        let mut out = Vec::new();
        for (i, a) in DEMO_ACCOUNTS.iter().enumerate() {
            let staff = a.role.is_staff();
            let account = NewAccount {
                username: a.username.to_string(),
                kind: match a.role {
                    Role::Citizen => AccountKind::Citizen,
                    Role::Enterprise => AccountKind::Enterprise,
                    _ => AccountKind::Staff,
                },
                display_name: match a.role {
                    Role::Citizen => "张三".to_string(),
                    Role::Enterprise => "长沙示范餐饮有限公司".to_string(),
                    r => format!("演示{}", r.zh()),
                },
                id_number: (a.role == Role::Citizen).then(|| id_number.as_str().to_string()),
                uscc: (a.role == Role::Enterprise).then(|| uscc.as_str().to_string()),
                employee_no: staff.then(|| format!("HN{:06}", 100 + i)),
                password_hash: hash.clone(),
                role: a.role,
                department_id: (staff && a.role != Role::Admin).then_some(dept.id),
                division: staff.then(|| {
                    if a.role == Role::Admin {
                        "430000".to_string()
                    } else {
                        dept.division.to_string()
                    }
                }),
            };
            out.push(Actor::from(
                self.store.create_account(&account, self.now()).await?,
            ));
        }
        Ok(out)
    }
}

/// Keeps only what lies in the given divisions: their departments and the
/// adjustments whose every code is there.
fn restrict(demo: &mut bianli_demo::DemoCatalog, keep: &[&str]) {
    let kept = |d: &str| keep.contains(&d);
    demo.divisions.retain(|d| kept(d.code.as_str()));
    demo.departments.retain(|d| kept(d.division.as_str()));
    for d in &mut demo.decrees {
        d.adjustments
            .retain(|a| a.codes().iter().all(|c| kept(c.division().as_str())));
    }
}

fn with_id_check(first17: &str) -> String {
    format!("{first17}{}", IdNumber::check_char(first17) as char)
}

fn with_uscc_check(first17: &str) -> String {
    let c = Uscc::check_char(first17).map(char::from).unwrap_or('0');
    format!("{first17}{c}")
}
