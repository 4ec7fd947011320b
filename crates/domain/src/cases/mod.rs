//! Cases (办件): appointments, applications and what follows them.
pub mod appointment;
