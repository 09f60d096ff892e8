//! `gap-register.csv`: one row per failed or excepted result, most urgent first, in the shape a
//! remediation tracker takes; `owner` and `due_date` are left empty for the client to fill in.

use crate::catalog::Catalog;
use crate::checks::Status;
use crate::escape::spreadsheet_cell;
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
        let remediation = info.map_or(String::new(), |i| collapse_whitespace(&i.remediation));
        let (soc2, cis_aws) = (result.soc2.join(" "), result.cis_aws.join(" "));
        // Every text cell, not only those from evidence: the detail quotes evidence values, the
        // status an exception's reason from the client's configuration.
        let text = [
            result.check,
            info.map_or("", |i| i.title.as_str()),
            &result.resource,
            result.account.as_deref().unwrap_or(""),
            &result.detail,
            &soc2,
            &cis_aws,
            &remediation,
            "",
            "",
            &status,
        ]
        .map(spreadsheet_cell);
        writer.write_record(std::iter::once(result.severity.priority()).chain(text.iter().map(|c| c.as_ref())))?;
    }
    writer.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// Catalog text is wrapped for reading in TOML; a spreadsheet cell wants one line.
fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Severity;

    #[test]
    fn register_cells_from_evidence_cannot_start_a_formula() {
        let catalog = Catalog::embedded().unwrap();
        let result = CheckResult {
            check: "aws.ec2.sg_open_ssh",
            status: Status::Fail,
            severity: Severity::High,
            resource: "=HYPERLINK(\"http://x\")".into(),
            account: Some("\t=1+1".into()),
            region: Some("+cmd".into()),
            detail: "-2 rules open".into(),
            soc2: vec!["CC6.1".into()].into(),
            cis_aws: Vec::new().into(),
            evidence: Vec::new().into(),
            exception: None,
        };
        let csv = render(&[result], &catalog).unwrap();
        let mut reader = csv::Reader::from_reader(csv.as_slice());
        let row = reader.records().next().unwrap().unwrap();
        assert_eq!(&row[0], "P2", "gapscope's own priority is written as it is");
        assert_eq!(&row[3], "'=HYPERLINK(\"http://x\")");
        assert_eq!(&row[4], "'\t=1+1");
        assert_eq!(&row[5], "'-2 rules open");
    }
}
