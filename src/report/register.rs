//! `gap-register.csv`: one row per failed or excepted result, most urgent first, in the shape a
//! remediation tracker takes; `owner` and `due_date` are left empty for the client to fill in.

use crate::catalog::Catalog;
use crate::checks::Status;
use crate::results::CheckResult;

pub(crate) const COLUMNS: [&str; 12] = [
    "priority",
    "check",
    "title",
    "resource",
    "account",
    "detail",
    "soc2",
    "cis_aws",
    "remediation",
    "owner",
    "due_date",
    "status",
];

/// Renders the register. `results` are already sorted by severity, check and resource.
pub(crate) fn render(results: &[CheckResult], catalog: &Catalog) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(COLUMNS)?;
    let open = results.iter().filter(|r| r.status == Status::Fail);
    let excepted = results.iter().filter(|r| r.status == Status::Excepted);
    // Open gaps first, accepted risks after them: the register is worked top down.
    for result in open.chain(excepted) {
        let info = catalog.get(result.check);
        let status = match &result.exception {
            Some(e) => format!("excepted: {} (approved by {}, expires {})", e.reason, e.approved_by, e.expires),
            None => "open".to_string(),
        };
        writer.write_record([
            result.severity.priority(),
            result.check,
            info.map_or("", |i| i.title.as_str()),
            &result.resource,
            result.account.as_deref().unwrap_or(""),
            &result.detail,
            &result.soc2.join(" "),
            &result.cis_aws.join(" "),
            &info.map_or(String::new(), |i| collapse_whitespace(&i.remediation)),
            "",
            "",
            &status,
        ])?;
    }
    writer.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// Catalog text is wrapped for reading in TOML; a spreadsheet cell wants one line.
fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
