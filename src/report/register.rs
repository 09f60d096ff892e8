//! `gap-register.csv`: one row per failed or excepted result, most urgent first, in the shape a
//! remediation tracker takes; `owner` and `due_date` are left empty for the client to fill in. With
//! an observation period, every control that failed during it and is not already a row follows:
//! an auditor reports an exception that was closed before the as-of too.

use crate::catalog::Catalog;
use crate::checks::Status;
use crate::escape::spreadsheet_cell;
use crate::period::{Control, PeriodFindings};
use crate::results::CheckResult;
use crate::timefmt::format_instant;

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

/// Renders the register. `results` are already sorted by severity, check and resource; `period`'s
/// exceptions come after them.
pub(crate) fn render(
    results: &[CheckResult],
    catalog: &Catalog,
    period: Option<&PeriodFindings>,
) -> Result<Vec<u8>, csv::Error> {
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
    for control in period.map(|p| period_exceptions(p, results, catalog)).unwrap_or_default() {
        let info = catalog.get(control.check);
        let priority = info.map_or("", |i| i.severity.priority());
        let remediation = info.map_or(String::new(), |i| collapse_whitespace(&i.remediation));
        let (soc2, cis_aws) = info.map_or((String::new(), String::new()), |i| (i.soc2.join(" "), i.cis_aws.join(" ")));
        let detail = violations_text(control);
        let status = if control.violations.iter().all(|v| v.to.is_some()) {
            "closed exception"
        } else {
            "exception open at the end of the period"
        };
        let text = [
            control.check,
            info.map_or("", |i| i.title.as_str()),
            &control.resource,
            control.account.as_deref().unwrap_or(""),
            &detail,
            &soc2,
            &cis_aws,
            &remediation,
            "",
            "",
            status,
        ]
        .map(spreadsheet_cell);
        writer.write_record(std::iter::once(priority).chain(text.iter().map(|c| c.as_ref())))?;
    }
    writer.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// Controls that failed during the period and have no failed or excepted as-of row already, most
/// severe check first, then by check, resource and account.
fn period_exceptions<'p>(period: &'p PeriodFindings, results: &[CheckResult], catalog: &Catalog) -> Vec<&'p Control> {
    let listed: std::collections::BTreeSet<(&str, &str, Option<&str>)> = results
        .iter()
        .filter(|r| matches!(r.status, Status::Fail | Status::Excepted))
        .map(|r| (r.check, &*r.resource, r.account.as_deref()))
        .collect();
    let mut controls: Vec<&Control> = period
        .controls
        .iter()
        .filter(|c| !c.violations.is_empty())
        .filter(|c| !listed.contains(&(c.check, c.resource.as_str(), c.account.as_deref())))
        .collect();
    // An unknown check sorts last (`true` after every known severity).
    let key = |c: &'p Control| {
        let severity = catalog.get(c.check).map(|i| i.severity);
        (severity.is_none(), severity, c.check, c.resource.as_str(), c.account.as_deref())
    };
    controls.sort_by(|a, b| key(a).cmp(&key(b)));
    controls
}

/// `failed during the period: <from> to <to> (<basis>: <detail>); …`, an open violation as "from
/// <from>, still failing at the last observation".
fn violations_text(control: &Control) -> String {
    let each: Vec<String> = control
        .violations
        .iter()
        .map(|v| {
            let when = match v.to {
                Some(to) => format!("{} to {}", format_instant(v.from), format_instant(to)),
                None => format!("from {}, still failing at the last observation", format_instant(v.from)),
            };
            let detail = collapse_whitespace(&v.detail);
            if detail.is_empty() {
                format!("{when} ({})", v.basis.as_str())
            } else {
                format!("{when} ({}: {detail})", v.basis.as_str())
            }
        })
        .collect();
    format!("failed during the period: {}", each.join("; "))
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
        let csv = render(&[result], &catalog, None).unwrap();
        let mut reader = csv::Reader::from_reader(csv.as_slice());
        let row = reader.records().next().unwrap().unwrap();
        assert_eq!(&row[0], "P2", "gapscope's own priority is written as it is");
        assert_eq!(&row[3], "'=HYPERLINK(\"http://x\")");
        assert_eq!(&row[4], "'\t=1+1");
        assert_eq!(&row[5], "'-2 rules open");
    }

    /// A result of the security-group check on `resource` with `status`.
    fn result(resource: &str, status: Status) -> CheckResult {
        CheckResult {
            check: "aws.ec2.sg_open_admin_ports",
            status,
            severity: Severity::High,
            resource: resource.into(),
            account: Some("111111111111".into()),
            region: None,
            detail: "tcp 22 open to 0.0.0.0/0".into(),
            soc2: vec!["CC6.6".into()].into(),
            cis_aws: Vec::new().into(),
            evidence: Vec::new().into(),
            exception: None,
        }
    }

    #[test]
    fn register_lists_a_closed_period_exception_once_and_an_open_one_only_as_its_failed_row() {
        use crate::period::Basis;
        use crate::report::timeline::tests::{control, violation, year};
        let catalog = Catalog::embedded().unwrap();
        let closed = violation("2026-03-05T10:00:00Z", Some("2026-05-02T08:00:00Z"), Basis::Cloudtrail);
        let open = violation("2026-06-30T12:00:00Z", None, Basis::Snapshots);
        let period = year(vec![
            control("sg-closed", &[("2026-12-31T12:00:00Z", Status::Pass)], vec![closed], &[]),
            control("sg-open", &[("2026-12-31T12:00:00Z", Status::Fail)], vec![open], &[]),
            control("sg-clean", &[("2026-12-31T12:00:00Z", Status::Pass)], vec![], &[]),
        ]);
        let results = [result("sg-open", Status::Fail), result("sg-closed", Status::Pass)];
        let csv = render(&results, &catalog, Some(&period)).unwrap();
        let rows: Vec<csv::StringRecord> =
            csv::Reader::from_reader(csv.as_slice()).records().map(Result::unwrap).collect();
        let resources: Vec<&str> = rows.iter().map(|r| &r[3]).collect();
        assert_eq!(resources, ["sg-open", "sg-closed"], "open once (its as-of row), closed after it, clean not at all");
        let closed = &rows[1];
        assert_eq!(&closed[0], "P2", "the check's catalog severity");
        assert_eq!(&closed[11], "closed exception");
        assert_eq!(&closed[6], "CC6.6");
        let detail = &closed[5];
        assert!(detail.contains("2026-03-05T10:00:00Z to 2026-05-02T08:00:00Z"), "{detail}");
        assert!(detail.contains("cloudtrail: opened tcp 22"), "{detail}");
        assert_eq!(&rows[0][11], "open");

        // Without a period the register is the as-of one.
        let without = render(&results, &catalog, None).unwrap();
        assert_eq!(csv::Reader::from_reader(without.as_slice()).records().count(), 1);
    }

    #[test]
    fn a_period_exception_still_open_with_no_failed_row_says_so_and_cannot_start_a_formula() {
        use crate::period::Basis;
        use crate::report::timeline::tests::{control, violation, year};
        let catalog = Catalog::embedded().unwrap();
        let mut c = control("=cmd|' /C calc'!A0", &[("2026-06-30T12:00:00Z", Status::Fail)], vec![], &[]);
        c.violations = vec![violation("2026-06-30T12:00:00Z", None, Basis::Snapshots)];
        let csv = render(&[], &catalog, Some(&year(vec![c]))).unwrap();
        let row = csv::Reader::from_reader(csv.as_slice()).records().next().unwrap().unwrap();
        assert_eq!(&row[3], "'=cmd|' /C calc'!A0");
        assert_eq!(&row[11], "exception open at the end of the period");
        assert!(row[5].contains("from 2026-06-30T12:00:00Z, still failing at the last observation"), "{}", &row[5]);
    }
}
