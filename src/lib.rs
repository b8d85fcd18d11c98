//! callboard: a terminal UI for the Backstage catalog. The library holds
//! everything; the binary only parses arguments and starts it.

pub mod actions;
pub mod app;
pub mod backstage;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod docs;
pub mod effect;
pub mod exec;
pub mod form;
#[doc(hidden)]
pub mod fuzzing;
pub mod generate;
pub mod headless;
pub mod health;
pub mod history;
pub mod input;
pub mod keymap;
pub mod layout;
pub mod logging;
pub mod msg;
pub mod paths;
pub mod plural;
pub mod safe_output;
pub mod sanitize;
pub mod screens;
pub mod search;
pub mod source;
pub mod state;
pub mod sync;
pub mod term;
pub mod tui;
pub mod ui;
pub mod update;
