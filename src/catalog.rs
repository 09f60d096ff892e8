//! The check catalog: titles, severities, SOC 2 / CIS mappings, rationale and remediation, kept as
//! data in `templates/checks.toml` and embedded in the binary.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::config::Thresholds;

/// The catalog files, concatenated: TOML arrays of tables continue across them.
const EMBEDDED: [&str; 2] =
    [include_str!("../templates/checks.toml"), include_str!("../templates/checks-posture.toml")];

/// Severity, most urgent first, so sorting ascending puts what matters most on top.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Severity {
    Critical,
    High,
    Medium,
    Low,
    Info,
}

impl Severity {
    pub(crate) const ALL: [Severity; 5] =
        [Severity::Critical, Severity::High, Severity::Medium, Severity::Low, Severity::Info];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Info => "info",
        }
    }

    /// Gap-register priority: P1 for critical down to P5 for info.
    pub(crate) fn priority(self) -> &'static str {
        match self {
            Severity::Critical => "P1",
            Severity::High => "P2",
            Severity::Medium => "P3",
            Severity::Low => "P4",
            Severity::Info => "P5",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Severity::ALL
            .into_iter()
            .find(|sev| sev.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("'{s}' is not a severity (critical, high, medium, low, info)"))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CheckInfo {
    pub id: String,
    /// The report section that presents the check's results (`credentials`, `cloudtrail`, `entra`,
    /// `posture`); a section the report does not know lists them under "other checks".
    #[serde(skip_serializing)]
    pub section: String,
    pub title: String,
    pub severity: Severity,
    pub soc2: Vec<String>,
    pub cis_aws: Vec<String>,
    /// The evidence kind the check reads.
    pub source: String,
    pub population: String,
    /// When it fails; `{threshold_name}` placeholders stand for `[thresholds]` values.
    pub rule: String,
    pub rationale: String,
    pub remediation: String,
}

impl CheckInfo {
    /// The rule text with the thresholds in force written in.
    pub(crate) fn rule_with(&self, thresholds: &Thresholds) -> String {
        thresholds
            .named()
            .iter()
            .fold(self.rule.clone(), |text, (name, value)| text.replace(&format!("{{{name}}}"), &value.to_string()))
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    check: Vec<CheckInfo>,
}

#[derive(Debug, Clone)]
pub(crate) struct Catalog {
    pub checks: Vec<CheckInfo>,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum CatalogError {
    #[error("check catalog is not valid TOML: {0}")]
    Toml(#[from] toml::de::Error),
    #[error("check catalog lists {0} twice")]
    Duplicate(String),
}

impl Catalog {
    /// The catalog built into this binary.
    pub(crate) fn embedded() -> Result<Catalog, CatalogError> {
        Catalog::parse(&EMBEDDED.join("\n"))
    }

    pub(crate) fn parse(text: &str) -> Result<Catalog, CatalogError> {
        let file: CatalogFile = toml::from_str(text)?;
        let mut seen = std::collections::BTreeSet::new();
        for check in &file.check {
            if !seen.insert(check.id.as_str()) {
                return Err(CatalogError::Duplicate(check.id.clone()));
            }
        }
        Ok(Catalog { checks: file.check })
    }

    pub(crate) fn get(&self, id: &str) -> Option<&CheckInfo> {
        self.checks.iter().find(|c| c.id == id)
    }

    /// Whether the report presents `check` in `section` (an unknown check in none).
    pub(crate) fn in_section(&self, check: &str, section: &str) -> bool {
        self.get(check).is_some_and(|c| c.section == section)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::rules;

    #[test]
    fn every_catalog_entry_has_a_rule_and_every_rule_an_entry() {
        let catalog = Catalog::embedded().unwrap();
        let rule_ids: Vec<&str> = rules().iter().map(|r| r.id).collect();
        for entry in &catalog.checks {
            assert!(rule_ids.contains(&entry.id.as_str()), "catalog entry {} has no rule", entry.id);
        }
        for id in &rule_ids {
            assert!(catalog.get(id).is_some(), "rule {id} has no catalog entry");
        }
        assert_eq!(catalog.checks.len(), rule_ids.len());
    }

    #[test]
    fn every_check_names_a_report_section_that_presents_it() {
        let catalog = Catalog::embedded().unwrap();
        for c in &catalog.checks {
            assert!(
                crate::report::compose::SECTIONS.contains(&c.section.as_str()),
                "{} names report section {:?}, which no section presents",
                c.id,
                c.section
            );
        }
        let posture: Vec<&str> = crate::checks::posture::rules().map(|r| r.id).collect();
        let in_posture: Vec<&str> =
            catalog.checks.iter().filter(|c| c.section == "posture").map(|c| c.id.as_str()).collect();
        assert_eq!(in_posture, posture, "the posture section lists its checks in rule order");
    }

    #[test]
    fn catalog_entries_are_complete_and_match_the_design_table() {
        let catalog = Catalog::embedded().unwrap();
        for c in &catalog.checks {
            for (name, text) in
                [("title", &c.title), ("rule", &c.rule), ("rationale", &c.rationale), ("remediation", &c.remediation)]
            {
                assert!(!text.trim().is_empty(), "{} has an empty {name}", c.id);
            }
            assert!(!c.soc2.is_empty(), "{} maps to no SOC 2 criterion", c.id);
        }
        // DESIGN.md §6 severities and CIS ids, spot-checked where they differ.
        let root = catalog.get("aws.iam.root_access_keys").unwrap();
        assert_eq!((root.severity, root.cis_aws.as_slice()), (Severity::Critical, &["1.4".to_string()][..]));
        assert_eq!(catalog.get("aws.iam.inactive_user").unwrap().cis_aws, Vec::<String>::new());
        assert_eq!(catalog.get("aws.iam.multiple_active_keys").unwrap().severity, Severity::Low);
        assert_eq!(catalog.get("aws.iam.unused_access_key").unwrap().soc2, ["CC6.2"]);
    }

    #[test]
    fn rule_text_gets_the_thresholds_in_force() {
        let catalog = Catalog::embedded().unwrap();
        let rotation = catalog.get("aws.iam.access_key_rotation").unwrap();
        assert!(rotation.rule.contains("{key_rotation_days}"));
        let text = rotation.rule_with(&Thresholds { key_rotation_days: 45, ..Thresholds::default() });
        assert!(text.contains("45") && !text.contains('{'), "{text}");
    }

    #[test]
    fn severity_orders_most_urgent_first_and_parses() {
        assert!(Severity::Critical < Severity::High && Severity::Low < Severity::Info);
        assert_eq!("HIGH".parse::<Severity>(), Ok(Severity::High));
        assert!("urgent".parse::<Severity>().is_err());
    }
}
