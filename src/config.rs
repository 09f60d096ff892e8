//! `gapscope.toml`: engagement name, check thresholds, input limits and accepted-risk exceptions,
//! read once and validated before any evidence is touched.

use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Thresholds of DESIGN.md §8. Unknown keys are refused so a typo cannot silently keep a default.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct Thresholds {
    pub key_rotation_days: i64,
    pub unused_credential_days: i64,
    pub stale_account_days: i64,
    pub root_use_days: i64,
    pub log_retention_days: i64,
    /// Entra app secrets older than this fail `entra.apps.secret_age`.
    pub app_secret_max_age_days: i64,
    /// Global Administrator members allowed (inclusive bounds) for `entra.roles.global_admin_count`.
    pub global_admins_min: i64,
    pub global_admins_max: i64,
    /// IAM password policy bounds (CIS 1.8, 1.9): minimum length, passwords remembered, maximum age.
    pub password_min_length: i64,
    pub password_reuse: i64,
    pub password_max_age_days: i64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            key_rotation_days: 90,
            unused_credential_days: 90,
            stale_account_days: 90,
            root_use_days: 90,
            log_retention_days: 365,
            app_secret_max_age_days: 365,
            global_admins_min: 2,
            global_admins_max: 4,
            password_min_length: 14,
            password_reuse: 24,
            password_max_age_days: 90,
        }
    }
}

impl Thresholds {
    /// The value named `{name}` in catalog rule text, for showing a check's rule with the numbers in force.
    pub(crate) fn named(&self) -> [(&'static str, i64); 11] {
        [
            ("key_rotation_days", self.key_rotation_days),
            ("unused_credential_days", self.unused_credential_days),
            ("stale_account_days", self.stale_account_days),
            ("root_use_days", self.root_use_days),
            ("log_retention_days", self.log_retention_days),
            ("app_secret_max_age_days", self.app_secret_max_age_days),
            ("global_admins_min", self.global_admins_min),
            ("global_admins_max", self.global_admins_max),
            ("password_min_length", self.password_min_length),
            ("password_reuse", self.password_reuse),
            ("password_max_age_days", self.password_max_age_days),
        ]
    }
}

/// The longest age limit a threshold may set, in days. Ages are measured in whole days between
/// evidence dates; 100 years is beyond any retention or rotation policy, so a larger value is a typo
/// (an extra zero or two), and a limit no credential can reach would pass everything silently.
const MAX_THRESHOLD_DAYS: i64 = 36_500;

impl Thresholds {
    /// The range each threshold may take, and what its unit is called in the message. A zero is
    /// refused where it makes a check meaningless: an age limit of 0 days fails every credential a
    /// day after it was made (or passes every log group, for retention); a password length or reuse
    /// count of 0 passes every policy; a Global Administrator maximum of 0 fails every tenant.
    fn range_of(name: &str) -> (i64, i64, &'static str) {
        match name {
            // AWS accepts MinimumPasswordLength 6 to 128: a threshold above 128 no policy can meet.
            "password_min_length" => (1, 128, "characters"),
            // AWS accepts PasswordReusePrevention 1 to 24.
            "password_reuse" => (1, 24, "passwords"),
            // No lower bound (0) is a choice; a tenant cannot have more members than an i64 counts.
            "global_admins_min" => (0, i64::MAX, "members"),
            "global_admins_max" => (1, i64::MAX, "members"),
            _ => (1, MAX_THRESHOLD_DAYS, "days"),
        }
    }

    fn validate(&self) -> Result<(), String> {
        for (name, value) in self.named() {
            let (min, max, unit) = Thresholds::range_of(name);
            if !(min..=max).contains(&value) {
                let range = if max == i64::MAX { format!("at least {min}") } else { format!("{min} to {max}") };
                return Err(format!("[thresholds] {name} = {value}: must be {range} {unit}"));
            }
        }
        if self.global_admins_min > self.global_admins_max {
            return Err(format!(
                "[thresholds] global_admins_min = {} is above global_admins_max = {}: no tenant could pass \
                 entra.roles.global_admin_count (swap them, or raise global_admins_max)",
                self.global_admins_min, self.global_admins_max
            ));
        }
        Ok(())
    }
}

/// Bounds on what one input may cost to read, so a zip or gzip bomb is refused, not obeyed; and
/// whether links out of an evidence folder are followed. Recorded in `manifest.json`, so that
/// `verify --evidence` walks the evidence as the analysis did.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct Limits {
    /// Largest content one file or archive member may expand to. 1 GiB is far above any real
    /// credential report or CloudTrail object (those are rarely over 100 MB uncompressed) and still
    /// fits twice over in a laptop's memory with one member in flight per core.
    pub max_member_bytes: u64,
    /// Largest expansion of compressed data. Deflate of JSON/CSV evidence stays under ~30:1;
    /// deflate's own ceiling is ~1032:1, which only crafted input reaches.
    pub max_expansion_ratio: u64,
    /// Archives nested deeper than this (zip in zip in ...) are listed, not opened.
    pub max_archive_depth: usize,
    /// Most bytes decompressed for one archive given as evidence, its nested archives included:
    /// members past it are listed, not read. 16 GiB is several years of one busy account's
    /// CloudTrail as zipped JSON, and at about a second per GiB it bounds the time one crafted zip
    /// can cost to minutes.
    pub max_archive_bytes: u64,
    /// Read files that symbolic links inside an evidence folder point at outside it (by default
    /// they are listed, not read, so a link to `/etc/shadow` is never hashed into a report).
    pub follow_outside_links: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_member_bytes: 1 << 30,
            max_expansion_ratio: 100,
            max_archive_depth: 4,
            max_archive_bytes: 16 << 30,
            follow_outside_links: false,
        }
    }
}

/// One accepted risk: a failing result of `check` on a resource matching the `resource` glob
/// becomes `excepted` until `expires` (inclusive).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub(crate) struct Exception {
    pub check: String,
    pub resource: String,
    pub reason: String,
    pub approved_by: String,
    pub expires: NaiveDate,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct Config {
    pub engagement: Option<String>,
    pub thresholds: Thresholds,
    pub limits: Limits,
    pub period: PeriodSettings,
    pub exceptions: Vec<Exception>,
}

/// `[period]`: how the observation-period analysis (SOC 2 Type II) judges evidence cadence.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct PeriodSettings {
    /// A stretch longer than this without a snapshot of an account and evidence kind is an
    /// evidence gap.
    pub cadence_days: u32,
}

impl Default for PeriodSettings {
    fn default() -> PeriodSettings {
        PeriodSettings { cadence_days: crate::period::DEFAULT_CADENCE_DAYS }
    }
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum ConfigError {
    #[error("cannot read config {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("config {path} is not valid: {message}")]
    Invalid { path: String, message: String },
}

impl Config {
    pub(crate) fn load(path: &Path) -> Result<Config, ConfigError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read { path: shown.clone(), source })?;
        Config::parse(&text).map_err(|message| ConfigError::Invalid { path: shown, message })
    }

    pub(crate) fn parse(text: &str) -> Result<Config, String> {
        let config: Config = toml::from_str(text).map_err(|e| e.to_string())?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), String> {
        self.thresholds.validate()?;
        if !(1..=366).contains(&self.period.cadence_days) {
            return Err(format!("[period] cadence_days = {}: must be 1 to 366 days", self.period.cadence_days));
        }
        let limits = &self.limits;
        if limits.max_expansion_ratio == 0 || limits.max_member_bytes == 0 || limits.max_archive_bytes == 0 {
            return Err("[limits] max_member_bytes, max_archive_bytes and max_expansion_ratio must be above 0".into());
        }
        for (i, exception) in self.exceptions.iter().enumerate() {
            if let Err(e) = globset::Glob::new(&exception.resource) {
                return Err(format!("[[exceptions]] #{}: resource pattern: {e}", i + 1));
            }
            if exception.reason.trim().is_empty() || exception.approved_by.trim().is_empty() {
                return Err(format!(
                    "[[exceptions]] #{} ({}): reason and approved_by must say why and who accepted the risk",
                    i + 1,
                    exception.check
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn design_example_parses() {
        let c = Config::parse(
            r#"
engagement = "Acme Corp — SOC 2 Type II 2026"
[thresholds]
key_rotation_days = 90
unused_credential_days = 45
[[exceptions]]
check = "aws.s3.bucket_public"
resource = "acme-public-assets"
reason = "static website, reviewed 2026-05"
approved_by = "CISO"
expires = "2027-05-01"
"#,
        )
        .unwrap();
        assert_eq!(c.thresholds.unused_credential_days, 45);
        assert_eq!(c.thresholds.stale_account_days, 90);
        assert_eq!(c.exceptions[0].expires.to_string(), "2027-05-01");
    }

    #[test]
    fn typos_and_nonsense_are_refused() {
        assert!(Config::parse("[thresholds]\nkey_rotaton_days = 30").is_err());
        assert!(Config::parse("[thresholds]\nkey_rotation_days = -1").is_err());
        let no_reason = "[[exceptions]]\ncheck='a'\nresource='b'\nreason=''\napproved_by='x'\nexpires=2027-01-01";
        assert!(Config::parse(no_reason).is_err());
    }

    #[test]
    fn global_admins_min_above_max_is_refused() {
        let err = Config::parse("[thresholds]\nglobal_admins_min = 5\nglobal_admins_max = 3").unwrap_err();
        assert!(err.contains("global_admins_min = 5") && err.contains("global_admins_max = 3"), "{err}");
        // Equal bounds are a tenant that must have exactly that many.
        assert!(Config::parse("[thresholds]\nglobal_admins_min = 3\nglobal_admins_max = 3").is_ok());
        // Raising only the minimum past the default maximum (4) is the same mistake.
        let err = Config::parse("[thresholds]\nglobal_admins_min = 6").unwrap_err();
        assert!(err.contains("global_admins_max = 4"), "{err}");
    }

    #[test]
    fn thresholds_that_make_a_check_meaningless_are_refused() {
        for (key, value) in [
            ("key_rotation_days", "0"),
            ("unused_credential_days", "-5"),
            ("stale_account_days", "0"),
            ("root_use_days", "-1"),
            ("log_retention_days", "0"),
            ("app_secret_max_age_days", "0"),
            ("password_max_age_days", "0"),
            ("key_rotation_days", "9000000"),
            ("password_min_length", "0"),
            ("password_min_length", "129"),
            ("password_reuse", "0"),
            ("password_reuse", "25"),
            ("global_admins_max", "0"),
            ("global_admins_min", "-1"),
        ] {
            let err = Config::parse(&format!("[thresholds]\n{key} = {value}")).unwrap_err();
            assert!(err.contains(&format!("{key} = {value}")) && err.contains("must be"), "{key} = {value}: {err}");
        }
        for (key, value) in [
            ("key_rotation_days", "1"),
            ("log_retention_days", "3653"),
            ("password_min_length", "128"),
            ("password_reuse", "24"),
            ("global_admins_min", "0"),
        ] {
            assert!(Config::parse(&format!("[thresholds]\n{key} = {value}")).is_ok(), "{key} = {value}");
        }
        assert!(Config::parse("").is_ok(), "the defaults are valid");
    }
}
