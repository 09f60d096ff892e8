//! gapscope: an offline SOC 2 gap analysis of cloud infrastructure from exported evidence.
//!
//! The pipeline runs one way (DESIGN.md §3): `evidence` (discover, recognise) → `formats` (parse) →
//! `facts` → `checks` → `results` → `report` (render). `app` wires it for each subcommand.

pub mod app;
pub mod attest;
pub mod catalog;
pub mod checks;
pub mod cli;
pub mod cloudtrail;
pub mod collect;
pub mod config;
pub mod diagnostic;
pub mod entra;
pub mod evidence;
pub mod facts;
pub mod formats;
#[doc(hidden)]
pub mod fuzzing;
pub mod intake;
pub mod posture;
pub mod report;
pub mod results;
pub mod signing;
pub mod timefmt;
