//! Who acts in Bianli: citizens by resident ID number, enterprises by unified
//! social credit code, staff by employee number; their roles and scopes.

mod account;
mod id_number;
mod password;
mod role;
mod uscc;

pub use account::{AccountKind, Username};
pub use id_number::IdNumber;
pub use password::Password;
pub use role::{Role, Scope};
pub use uscc::Uscc;
