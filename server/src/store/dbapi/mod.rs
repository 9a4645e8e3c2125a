//! The SQL of v2's `/db` API (inventory §1.f): the usage tables read as v2's models
//! (`tables`: the models and their field allow-lists; `rows`: their rows), filtered, paged
//! and counted (`list`); the billing feed's receipts (`confirm`), the repair after an outage
//! (`repair`) and the tenant cache (`tenant`), each write one transaction.

mod confirm;
mod list;
mod repair;
mod rows;
mod tables;
mod tenant;

pub use confirm::{ConfirmOutcome, Receipt};
pub use list::{EventStat, ExistsStat, Filters, Page, Range};
pub use repair::RepairOutcome;
pub use rows::{
    DbImageDelete, DbImageExists, DbImageUsage, DbInstanceDelete, DbInstanceExists,
    DbInstanceUsage, DbRow,
};
pub use tables::{DbTable, ExistsService, Field, FieldKind, RECEIVED};
pub use tenant::{TenantRecord, TenantUpdate};
