//! gapscope: an offline SOC 2 gap analysis of cloud infrastructure from exported evidence.
//!
//! The pipeline runs one way (DESIGN.md §3): `evidence` (discover, recognise with the registry of
//! kinds, read) → `formats` (parse) → `facts` → `checks` → `results` → `report` (render). `app`
//! wires it for each subcommand. The library's public surface is what the binary, the tests and the
//! fuzz targets need: the command line and its runner, signing and verification of a report, and the
//! list of AWS CLI exports gapscope reads; everything else is private to the crate.

mod app;
mod attest;
mod catalog;
mod checks;
pub mod cli;
mod collect;
mod config;
mod diagnostic;
mod escape;
mod evidence;
mod facts;
mod formats;
#[doc(hidden)]
pub mod fuzzing;
#[allow(dead_code)] // wired in step by step (issue 16); removed when the period analysis is complete
mod period;
mod report;
mod results;
pub mod signing;
mod timefmt;

pub use app::run;
#[doc(hidden)]
pub use escape::terminal_lines as escape_for_terminal;
/// The AWS CLI exports gapscope reads, with the command that writes each (for the README's table).
pub use formats::aws::posture::PostureKind;
