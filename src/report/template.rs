//! The report's wording and section order, `templates/report.toml`: embedded, or read from
//! `--templates DIR` so a firm can put its own words in the deliverable without rebuilding.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

const EMBEDDED: &str = include_str!("../../templates/report.toml");

/// Sections the composer knows how to build.
pub(crate) const SECTIONS: [&str; 13] = [
    "summary",
    "period",
    "scope",
    "credentials",
    "cloudtrail",
    "entra",
    "posture",
    "other",
    "register",
    "exceptions",
    "problems",
    "manifest",
    "signature",
];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReportTemplate {
    pub title: String,
    pub subtitle: String,
    pub unsigned_banner: String,
    pub signed_banner: String,
    pub order: Vec<String>,
    pub criteria: Vec<String>,
    pub sections: BTreeMap<String, BTreeMap<String, String>>,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum TemplateError {
    #[error("cannot read {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("{path}: {source}")]
    Parse { path: String, source: toml::de::Error },
    #[error("{path}: {problem}")]
    Invalid { path: String, problem: String },
}

impl ReportTemplate {
    pub(crate) fn embedded() -> Result<ReportTemplate, TemplateError> {
        ReportTemplate::parse(EMBEDDED, "templates/report.toml (embedded)")
    }

    /// `DIR/report.toml`.
    pub(crate) fn from_dir(dir: &Path) -> Result<ReportTemplate, TemplateError> {
        let path = dir.join("report.toml");
        let shown = path.display().to_string();
        let text =
            std::fs::read_to_string(&path).map_err(|source| TemplateError::Read { path: shown.clone(), source })?;
        ReportTemplate::parse(&text, &shown)
    }

    pub(crate) fn parse(text: &str, path: &str) -> Result<ReportTemplate, TemplateError> {
        let template: ReportTemplate =
            toml::from_str(text).map_err(|source| TemplateError::Parse { path: path.into(), source })?;
        let invalid = |problem: String| TemplateError::Invalid { path: path.into(), problem };
        for name in &template.order {
            if !SECTIONS.contains(&name.as_str()) {
                return Err(invalid(format!("order names section {name:?}; known: {}", SECTIONS.join(", "))));
            }
        }
        // Every key the embedded template has must be there, so a stale override fails at once
        // instead of printing an empty heading in a client's deliverable.
        let reference: ReportTemplate = toml::from_str(EMBEDDED)
            .map_err(|source| TemplateError::Parse { path: "templates/report.toml (embedded)".into(), source })?;
        for (section, keys) in &reference.sections {
            for key in keys.keys() {
                if template.sections.get(section).and_then(|s| s.get(key)).is_none() {
                    return Err(invalid(format!("[sections.{section}] lacks {key}")));
                }
            }
        }
        Ok(template)
    }

    /// The text of `sections.<section>.<key>`, placeholders filled from `values`.
    pub(crate) fn text(&self, section: &str, key: &str, values: &[(&str, &str)]) -> String {
        let raw = self.sections.get(section).and_then(|s| s.get(key)).map(String::as_str).unwrap_or_default();
        fill(raw, values)
    }
}

/// Replaces each `{name}` with its value; unknown placeholders stay as written.
pub(crate) fn fill(text: &str, values: &[(&str, &str)]) -> String {
    values.iter().fold(text.to_string(), |text, (name, value)| text.replace(&format!("{{{name}}}"), value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_template_is_complete() {
        let t = ReportTemplate::embedded().unwrap();
        for name in SECTIONS {
            assert!(t.order.iter().any(|o| o == name), "{name} is not in the embedded order");
            assert!(t.sections.get(name).and_then(|s| s.get("title")).is_some(), "{name} has no title");
        }
        assert_eq!(t.text("summary", "title", &[]), "Executive summary");
        assert!(t.text("credentials", "intro", &[("threshold", "90")]).contains("90 days"));
    }

    #[test]
    fn override_missing_a_key_or_naming_an_unknown_section_is_refused() {
        let without = EMBEDDED.replace("histogram_heading = \"Age of active access keys\"\n", "");
        let err = ReportTemplate::parse(&without, "mine/report.toml").unwrap_err().to_string();
        assert!(err.contains("mine/report.toml") && err.contains("histogram_heading"), "{err}");
        let unknown = EMBEDDED.replace("order = [\"summary\",", "order = [\"summery\",");
        let err = ReportTemplate::parse(&unknown, "mine/report.toml").unwrap_err().to_string();
        assert!(err.contains("summery"), "{err}");
    }

    #[test]
    fn override_changes_wording() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("report.toml"), EMBEDDED.replace("Executive summary", "Résumé")).unwrap();
        let t = ReportTemplate::from_dir(dir.path()).unwrap();
        assert_eq!(t.text("summary", "title", &[]), "Résumé");
    }
}
