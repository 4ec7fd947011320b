//! Bianli's domain: the types and rules of every context, with no IO, no async and
//! no clock (time is always a parameter). Identifiers parse here (a value of one of
//! these types is valid by construction); rules are unit-tested here.
//!
//! Must not depend on: databases, HTTP, the search index, or any other Bianli crate.

pub mod calendar;
pub mod cases;
pub mod catalog;
pub mod division;
pub mod error;
pub mod event;
pub mod identity;
pub mod oversight;

pub use error::{FieldError, Invalid};
