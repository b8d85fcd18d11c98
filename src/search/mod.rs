//! Search: the query language and the ranking, shared by the TUI and the CLI
//! so that both return the same entities in the same order.

pub mod columns;
pub mod facets;
pub mod haystack;
pub mod memo;
pub mod query;
pub mod rank;

pub use query::{Field, Query, Term};
pub use rank::{highlight, run, Hit};
