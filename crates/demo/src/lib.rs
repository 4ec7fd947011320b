//! The deterministic demo data of Hunan's power list (权力清单) at provincial
//! scale, as plain domain values: the 137 divisions, the 2017 departments of
//! the province, its 14 cities and 122 counties, and the decrees that take the
//! list from its 2014 baseline to June 2017 (the baseline adds every item; the
//! later decrees cancel, merge and delegate).
//!
//! Real: the divisions, the provincial department names, the 296 common items
//! of `data/common_items.csv` with their kinds, bases and limits, and the three
//! items the April 2017 decree names. Generated: every other item (realistic
//! names, laws cited by name only), all decree numbers (see the table in `reform.rs`:
//! every number is a demo one and every title says 演示), and which items each
//! decree touches.
//!
//! [`cases`] scripts the demo's year of cases (what becomes of each), which
//! the app plays through its use cases.
//!
//! No IO besides `include_str!` of the repository's reference data, no clock
//! and no randomness but a constant-seeded generator: [`catalog`] returns the
//! same value every time. Must not depend on storage, the web or search.

mod aliases;
pub mod cases;
mod departments;
mod divisions;
mod forms;
mod generated;
mod items;
mod materials;
mod powers;
mod prng;
mod reform;

use bianli_domain::catalog::{Adjustment, Department, NewDecree};
use bianli_domain::division::Division;

/// The whole demo catalogue.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoCatalog {
    /// All 137 divisions, the province first, then the cities, then the counties.
    pub divisions: Vec<Division>,
    /// Ids 1..=N, by division, then by field.
    pub departments: Vec<Department>,
    /// In date order; the first is the 2014 baseline, which adds every item.
    pub decrees: Vec<DemoDecree>,
}

/// A decree's header and its adjustments, in the order they apply.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoDecree {
    pub decree: NewDecree,
    pub adjustments: Vec<Adjustment>,
}

/// Builds the catalogue. Deterministic: the same value on every call.
pub fn catalog() -> DemoCatalog {
    let divisions = divisions::load();
    let directory = departments::Directory::build(&divisions);
    let powers = powers::build();
    let decrees = reform::decrees(&divisions, &directory, &powers);
    DemoCatalog {
        divisions,
        departments: directory.departments,
        decrees,
    }
}
