//! Use cases of the `oversight` context (电子监察): the public performance
//! figures of the province, each division and each department (the sunshine
//! dashboard and its JSON), weekly trends, per-person figures for
//! supervisors, the supervisor's workbench of deadline cards, and the
//! Prometheus exposition at `/metrics`.

mod cache;
mod metrics;
mod people;
mod report;
mod workbench;

pub use cache::DEFAULT_WINDOW;
pub(crate) use cache::window_from_env;
pub use people::PersonFigures;
pub use report::{Part, Report, ScopeRef, Trend, TrendQuery};
pub use workbench::{CardActionInput, CardQuery};

use bianli_domain::identity::Role;
use bianli_domain::oversight::CardError;

use crate::{Actor, AppError, Result};

/// The public figures' caches, one per kind of answer.
pub(crate) struct Caches {
    pub(crate) reports: cache::Windowed<Report>,
    pub(crate) trends: cache::Windowed<Trend>,
    pub(crate) metrics: cache::Windowed<String>,
}

impl Caches {
    pub(crate) fn new(window: std::time::Duration) -> Self {
        Self {
            reports: cache::Windowed::new(window),
            trends: cache::Windowed::new(window),
            metrics: cache::Windowed::new(window),
        }
    }
}

impl From<CardError> for AppError {
    fn from(e: CardError) -> Self {
        match e {
            CardError::Forbidden(m) => AppError::Forbidden(m),
            CardError::State(m) => AppError::Conflict {
                field: "state".into(),
                message: m,
            },
        }
    }
}

/// Supervisors (and admins) see everything: `None`; a department's staff
/// only their department: `Some(id)`; anyone else nothing.
fn staff_scope(actor: &Actor, what: &str) -> Result<Option<i64>> {
    let refuse = || AppError::Forbidden(format!("{what}仅供电子监察人员和部门工作人员查看"));
    match actor.role {
        Role::Supervisor | Role::Admin => Ok(None),
        r if r.is_staff() => actor.department_id.map(Some).ok_or_else(refuse),
        _ => Err(refuse()),
    }
}
