//! The command line (DESIGN.md §1), as clap derive types. Values are validated into settings in
//! `app`, once, right after parsing.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "gapscope",
    version,
    about = "Offline SOC 2 gap analysis of cloud infrastructure from exported evidence"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// No progress display on stderr.
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Analyse evidence and write findings, gap register and manifest.
    Analyze(Box<AnalyzeArgs>),
    /// List what the evidence holds: recognised artifacts, and every file not used with the reason.
    Inventory(InventoryArgs),
    /// Print the check catalog.
    Checks(ChecksArgs),
    /// Check a report's signature and, with --evidence, that the evidence is unchanged since.
    ///
    /// Exit 0 verified; 1 it did not verify (a signature, the file's coverage, an unexpected
    /// certificate, the evidence, or a file that is no readable PDF); 2 the report cannot be read or
    /// the command line is wrong.
    Verify(VerifyArgs),
    /// Make an offline signing key and self-signed certificate for signing reports.
    Keygen(KeygenArgs),
    /// Print (or write) the read-only script a client runs to export evidence as gapscope reads it best.
    Collect(CollectArgs),
}

/// Flags shared by every subcommand that reads evidence.
#[derive(Debug, Args)]
pub struct EvidenceArgs {
    /// Evidence: files, folders, .zip or .gz archives (nested archives are opened too).
    #[arg(required = true, value_name = "EVIDENCE")]
    pub evidence: Vec<PathBuf>,
    /// gapscope.toml with thresholds, engagement, input limits and exceptions.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Worker threads, 1 to 256 (default: all cores, at most 256).
    #[arg(long, value_name = "N", value_parser = parse_jobs)]
    pub jobs: Option<usize>,
    /// Read files and folders that symbolic links in an evidence folder point at outside it (by
    /// default they are listed as not used; the manifest records the choice).
    #[arg(long)]
    pub follow_outside_links: bool,
}

/// The most worker threads `--jobs` takes. Reading is bound by decompression and disk, and gains
/// nothing past the core count; each worker costs a thread stack and channel slots, so an unbounded
/// value (`--jobs 18446744073709551615`) overflowed the channel size and hung, and `--jobs 1000000`
/// aborted creating threads. 256 is above any machine gapscope is run on, and cheap to honour.
pub const MAX_JOBS: usize = 256;

/// `--jobs N`: a whole number from 1 to [`MAX_JOBS`]; refused at parsing, so the error is a usage error.
fn parse_jobs(text: &str) -> Result<usize, String> {
    let jobs: usize =
        text.trim().parse().map_err(|_| format!("'{text}' is not a whole number from 1 to {MAX_JOBS}"))?;
    if (1..=MAX_JOBS).contains(&jobs) {
        Ok(jobs)
    } else {
        Err(format!("{jobs} is not between 1 and {MAX_JOBS} (leave --jobs out to use every core)"))
    }
}

/// Workers when `--jobs` is not given: every core, at most [`MAX_JOBS`].
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, MAX_JOBS)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum Format {
    Pdf,
    Json,
    Csv,
}

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    #[command(flatten)]
    pub input: EvidenceArgs,
    /// Output folder (created if missing; gapscope's own output files in it are replaced).
    #[arg(short, long, value_name = "DIR", default_value = "gapscope-report")]
    pub out: PathBuf,
    /// Measure every age from this instant instead of the evidence's own dates (RFC 3339 or YYYY-MM-DD).
    #[arg(long, value_name = "WHEN")]
    pub as_of: Option<String>,
    /// Observation period, inclusive UTC days: YYYY-MM-DD..YYYY-MM-DD.
    #[arg(long, value_name = "FROM..TO")]
    pub period: Option<String>,
    /// Skip the observation-period analysis (findings.json `period`, timeline.csv): the as-of
    /// results only, as a Type I picture.
    #[arg(long)]
    pub no_period: bool,
    /// Outputs to write, comma-separated (default: all).
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub format: Option<Vec<Format>>,
    /// Client or engagement name shown in the outputs (overrides gapscope.toml).
    #[arg(long, value_name = "NAME")]
    pub engagement: Option<String>,
    /// Exit 1 when a failed result is at or above this severity (critical, high, medium, low, info).
    #[arg(long, value_name = "SEVERITY")]
    pub fail_on: Option<String>,
    /// Private key (PEM: PKCS#8, PKCS#1 RSA or SEC1 EC) that signs report.pdf.
    #[arg(long, value_name = "PEM", requires = "sign_cert")]
    pub sign_key: Option<PathBuf>,
    /// The signer's X.509 certificate (PEM).
    #[arg(long, value_name = "PEM", requires = "sign_key")]
    pub sign_cert: Option<PathBuf>,
    /// Intermediate certificates to include in the signature (PEM; repeatable).
    #[arg(long, value_name = "PEM", requires = "sign_key")]
    pub sign_chain: Vec<PathBuf>,
    /// Sign even though the key file is readable by other users.
    #[arg(long, requires = "sign_key")]
    pub allow_readable_key: bool,
    /// Folder with a report.toml that replaces the built-in report wording and section order.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The signed report.pdf.
    #[arg(value_name = "REPORT.pdf")]
    pub report: PathBuf,
    /// Evidence to re-hash and compare with the manifest embedded in the report: the same roots,
    /// in the same order, as given to `analyze` (they may have moved).
    #[arg(long, value_name = "DIR", num_args = 1..)]
    pub evidence: Vec<PathBuf>,
    /// gapscope.toml whose [limits] walk the evidence when the manifest records none (reports made
    /// before gapscope recorded them); limits recorded in the manifest win.
    #[arg(long, value_name = "FILE", requires = "evidence")]
    pub config: Option<PathBuf>,
    /// Follow links out of the evidence folders, when the manifest does not record whether the
    /// analysis did (what it records wins).
    #[arg(long, requires = "evidence")]
    pub follow_outside_links: bool,
}

#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// Folder to write key.pem (mode 0600) and cert.pem into.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The signer's name, the certificate's common name: "Jane Auditor, Example LLP".
    #[arg(long, value_name = "CN")]
    pub name: String,
}

#[derive(Debug, Args)]
pub struct InventoryArgs {
    #[command(flatten)]
    pub input: EvidenceArgs,
    /// Print JSON instead of tables.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ChecksArgs {
    /// Print the full catalog as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Whose evidence a collection script exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CollectTarget {
    /// POSIX shell script for AWS CloudShell or any shell with the AWS CLI v2.
    Aws,
    /// PowerShell 7 script using Microsoft Graph (Microsoft.Graph.Authentication).
    Entra,
}

#[derive(Debug, Args)]
pub struct CollectArgs {
    /// Which script: aws or entra.
    #[arg(value_name = "TARGET")]
    pub target: CollectTarget,
    /// Write the script to this file (executable) instead of printing it.
    #[arg(short, long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Replace FILE if it already exists.
    #[arg(long, requires = "out")]
    pub force: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_outside_one_to_the_maximum_are_refused() {
        assert_eq!(parse_jobs("1"), Ok(1));
        assert_eq!(parse_jobs("256"), Ok(MAX_JOBS));
        for bad in ["0", "257", "1000000", "18446744073709551615", "18446744073709551616", "-1", "two", ""] {
            let err = parse_jobs(bad).unwrap_err();
            assert!(err.contains("1") && err.contains("256"), "{bad}: {err}");
        }
        assert!((1..=MAX_JOBS).contains(&default_jobs()));
    }
}
