//! Cases (办件): applications, their materials, and the rules they follow.
pub mod upload;
