//! The real terminal's backend: ratatui's diff written in as few bytes as
//! the terminal needs (issue #6: under 4 KiB per keystroke while searching).
//! `emit` knows the escape sequences, `backend` what is on screen.

mod backend;
mod emit;

pub use backend::TermBackend;
