//! The power list (权力清单): service items with their standard elements, the
//! departments that implement them, and the decrees whose adjustments change the
//! list over time.

mod apply;
mod code;
mod decree;
mod department;
mod form;
mod item;
mod kind;

pub use apply::{ApplyContext, Change, CodesToLoad, plan};
pub use code::{BasicCode, ItemCode};
pub use decree::{
    Adjustment, AdjustmentKind, Decree, DecreeInput, DecreeNumber, DecreeStatus, NewDecree,
};
pub use department::Department;
pub use form::{CHOICE_SEP, FieldKey, FieldKind, FormField, FormFieldInput};
pub use item::{
    Channel, DayCount, Fee, Item, ItemInput, LegalBasis, Material, MaterialForm, TimeLimit,
};
pub use kind::ItemKind;
