//! `gapscope-gen` writes synthetic AWS evidence for gapscope's tests, benchmarks and README demo.
//!
//! - `credential-report`: a random but realistic IAM credential report of any size, as the CSV or
//!   as the `aws iam get-credential-report` JSON, streamed to disk (benchmark input).
//! - `samples`: the hand-designed evidence bundle under `samples/`, and with `--expect` the verdicts
//!   its design intends for the ten credential checks. Those verdicts come from an implementation
//!   of the catalog rules (DESIGN.md §6) written here, apart from the analyzer, so that the
//!   analyzer's end-to-end test has an independent oracle.
//! - `cloudtrail`: a CloudTrail archive in the S3 layout, with planted events, gaps, damaged files,
//!   digests and trail configuration exports, plus `planted.json`: what the archive holds, computed
//!   here, for end-to-end tests to compare the analyzer with.
//!
//! Everything is a pure function of the arguments: no wall clock, no OS randomness, sorted zip
//! members with fixed timestamps. The same command writes byte-identical files.
//!
//! It is its own crate, apart from the `gapscope` product, and depends on none of it: the tests use
//! it as their oracle, and the build is what keeps that oracle independent of the analyzer. The
//! binary (`src/main.rs`) and the product's end-to-end tests both call [`run`].

mod cloudtrail;
mod common;
mod credentials;
mod entra;
mod period;
mod posture;
mod rng;

use std::ffi::OsString;

use anyhow::Result;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "gapscope-gen", version, about = "Write synthetic AWS evidence for gapscope")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// A random, realistic IAM credential report of any size (benchmark input)
    CredentialReport(credentials::random::ReportArgs),
    /// The bundled sample evidence set, and optionally the verdicts it is designed to produce
    Samples(credentials::samples::SamplesArgs),
    /// A CloudTrail archive (S3 layout) with planted events, gaps, damage, digests and trail exports
    Cloudtrail(Box<cloudtrail::CloudtrailArgs>),
    /// Microsoft Entra ID exports (sign-ins, users, registration, CA, apps, roles) with planted cases
    Entra(Box<entra::EntraArgs>),
    /// An AWS CLI export bundle (every posture command) per account, with planted cases and verdicts
    Posture(Box<posture::Args>),
    /// A year of monthly snapshots (SOC 2 Type II) with CloudTrail between them, planted cases and oracle
    Period(Box<period::PeriodArgs>),
}

/// Parses a command line (`args` starts with the program name, as `std::env::args_os()` does) and
/// runs its subcommand.
///
/// A usage error, `--help` or `--version` comes back as an error holding the [`clap::Error`], so
/// that the caller decides what to print and how to exit (the binary lets clap do both, as before).
pub fn run<I, T>(args: I) -> Result<()>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    match Cli::try_parse_from(args)?.command {
        Command::CredentialReport(args) => credentials::random::credential_report(&args),
        Command::Samples(args) => credentials::samples::samples(&args),
        Command::Cloudtrail(args) => cloudtrail::run(&args),
        Command::Entra(args) => entra::run(&args),
        Command::Posture(args) => posture::run(&args),
        Command::Period(args) => period::run(&args),
    }
}
