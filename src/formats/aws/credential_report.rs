//! The IAM credential report, as CSV or as `aws iam get-credential-report` JSON
//! (`shared/formats/credential-report.md`). Columns are matched by name; a bad row is reported with
//! its line and skipped, and the rest of the file still counts.

use base64::Engine;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::diagnostic::Diagnostic;
use crate::formats::common::{Arn, csv_header_columns, json_kind, strip_bom};
use crate::timefmt::{Instant, format_instant, parse_timestamp};

/// A credential-report cell: a value, or one of AWS's spellings for "none".
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Field<T> {
    Value(T),
    /// `N/A`: not applicable (no password, key never used, no key).
    NotApplicable,
    /// `no_information`: password not used since AWS began tracking (October 2014).
    NoInformation,
    /// `not_supported`: root's password columns; region/service of a never-used key.
    NotSupported,
    /// Column missing from this report, or the cell empty.
    Absent,
    /// Present but not parseable; holds the raw text.
    Invalid(String),
}

impl<T: Copy> Field<T> {
    pub(crate) fn value(&self) -> Option<T> {
        match self {
            Field::Value(v) => Some(*v),
            _ => None,
        }
    }
}

impl<T> Field<T> {
    /// How the cell read, for detail text: `N/A`, `no_information`, `missing`, `'garbage'`.
    pub(crate) fn describe_none(&self) -> String {
        match self {
            Field::Value(_) => "a value".into(),
            Field::NotApplicable => "N/A".into(),
            Field::NoInformation => "no_information".into(),
            Field::NotSupported => "not_supported".into(),
            Field::Absent => "missing".into(),
            Field::Invalid(raw) => format!("'{raw}' (unreadable)"),
        }
    }
}

pub(crate) type Timestamp = Field<Instant>;
pub(crate) type Flag = Field<bool>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KeySlot {
    pub active: Flag,
    pub last_rotated: Timestamp,
    pub last_used_date: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CredentialRow {
    /// Physical line in the CSV (1 is the header).
    pub line: u64,
    pub user: String,
    pub arn: String,
    pub account: String,
    pub is_root: bool,
    pub user_creation_time: Timestamp,
    pub password_enabled: Flag,
    pub password_last_used: Timestamp,
    pub mfa_active: Flag,
    pub keys: [KeySlot; 2],
}

impl CredentialRow {
    /// Every date in the row that the checks read.
    pub(crate) fn timestamps(&self) -> impl Iterator<Item = Instant> + '_ {
        [&self.user_creation_time, &self.password_last_used]
            .into_iter()
            .chain(self.keys.iter().flat_map(|k| [&k.last_rotated, &k.last_used_date]))
            .filter_map(Field::value)
    }
}

#[derive(Debug, Clone)]
pub(crate) struct CredentialReport {
    pub file: String,
    pub sha256: String,
    /// `line` for a CSV file, `Content line` for CSV carried inside JSON.
    pub locator_prefix: &'static str,
    pub generated_time: Option<Instant>,
    /// When the folder or bundle it was filed in was taken (a dated folder, `COLLECTION.txt`): the
    /// as-of of a report without `GeneratedTime`, set by the period analysis after reading.
    pub filed_at: Option<Instant>,
    /// The newest timestamp that is not an outlier: what stands in for a generation time.
    pub newest_timestamp: Option<Instant>,
    /// Timestamps far after every other date in the report (line, instant), never taken as an as-of.
    pub timestamp_outliers: Vec<(u64, Instant)>,
    /// SHA-256 of the CSV text with BOM and line-ending differences removed: the same report
    /// exported twice (CSV and JSON) has the same digest.
    pub content_digest: String,
    pub account: Option<String>,
    pub rows: Vec<CredentialRow>,
    pub records_read: usize,
    pub records_rejected: usize,
    pub missing_columns: Vec<&'static str>,
    pub diagnostics: Vec<Diagnostic>,
}

impl CredentialReport {
    pub(crate) fn locator(&self, line: u64) -> String {
        format!("{} {line}", self.locator_prefix)
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub(crate) enum ReportError {
    #[error("invalid JSON: {0}")]
    Json(String),
    #[error(
        "the key {0} occurs twice: JSON readers disagree on which copy counts (a second Content or GeneratedTime would change the report), so the file is not used"
    )]
    DuplicateKey(String),
    #[error("no Content field: not a get-credential-report response")]
    NoContent,
    #[error("ReportFormat is {0}, not text/csv")]
    Format(String),
    #[error("Content is neither base64 of a credential report nor credential-report CSV ({0})")]
    Content(String),
    #[error("the CSV header has no '{0}' column, so rows cannot be tied to an identity")]
    MissingIdentityColumn(&'static str),
    #[error("CSV header is unreadable: {0}")]
    Header(String),
}

/// Every column of the 22-column report, in AWS's order.
pub(crate) const COLUMNS: [&str; 22] = [
    "user",
    "arn",
    "user_creation_time",
    "password_enabled",
    "password_last_used",
    "password_last_changed",
    "password_next_rotation",
    "mfa_active",
    "access_key_1_active",
    "access_key_1_last_rotated",
    "access_key_1_last_used_date",
    "access_key_1_last_used_region",
    "access_key_1_last_used_service",
    "access_key_2_active",
    "access_key_2_last_rotated",
    "access_key_2_last_used_date",
    "access_key_2_last_used_region",
    "access_key_2_last_used_service",
    "cert_1_active",
    "cert_1_last_rotated",
    "cert_2_active",
    "cert_2_last_rotated",
];

/// The columns the checks read; a report without one of them gets `unknown` results where needed.
const USED_COLUMNS: [&str; 12] = [
    "user_creation_time",
    "password_enabled",
    "password_last_used",
    "mfa_active",
    "access_key_1_active",
    "access_key_1_last_rotated",
    "access_key_1_last_used_date",
    "access_key_2_active",
    "access_key_2_last_rotated",
    "access_key_2_last_used_date",
    "user",
    "arn",
];

/// Parses a credential report CSV file.
pub(crate) fn parse_csv(file: &str, sha256: &str, content: &[u8]) -> Result<CredentialReport, ReportError> {
    parse_report_csv(file, sha256, "line", content, None)
}

/// Parses `aws iam get-credential-report` JSON, plain or wrapped as a recorded API response
/// (`{"status_code": 200, "data": {...}}`). `Content` may be base64 (as the CLI writes it) or the
/// CSV itself (as some collectors write it).
pub(crate) fn parse_json(file: &str, sha256: &str, content: &[u8]) -> Result<CredentialReport, ReportError> {
    let value: Value = serde_json::from_slice(strip_bom(content)).map_err(|e| ReportError::Json(e.to_string()))?;
    if let Some(key) = crate::formats::common::first_duplicate_key(content) {
        return Err(ReportError::DuplicateKey(key));
    }
    let body = match value.get("data") {
        Some(data @ Value::Object(_)) if value.get("status_code").is_some() => data,
        _ => &value,
    };
    if let Some(format) = body.get("ReportFormat").and_then(Value::as_str)
        && !format.eq_ignore_ascii_case("text/csv")
    {
        return Err(ReportError::Format(format.to_string()));
    }
    let text = match body.get("Content") {
        None => return Err(ReportError::NoContent),
        Some(Value::String(text)) => text,
        Some(other) => return Err(ReportError::Content(format!("Content is {}, not text", json_kind(other)))),
    };
    let csv = decode_content(text)?;
    let mut diagnostics = Vec::new();
    let generated_time = match body.get("GeneratedTime") {
        None | Some(Value::Null) => None,
        Some(raw) => match generated_time(raw) {
            Ok((t, note)) => {
                if let Some(note) = note {
                    diagnostics.push(Diagnostic::new(file, Some("GeneratedTime".into()), note));
                }
                Some(t)
            }
            Err(message) => {
                diagnostics.push(Diagnostic::new(file, Some("GeneratedTime".into()), message));
                None
            }
        },
    };
    let mut report = parse_report_csv(file, sha256, "Content line", &csv, generated_time)?;
    diagnostics.append(&mut report.diagnostics);
    report.diagnostics = diagnostics;
    Ok(report)
}

/// Columns only an IAM credential report has; `user` and `arn` alone are too common to decide.
const REPORT_MARKERS: [&str; 4] = ["user_creation_time", "password_enabled", "access_key_1_active", "mfa_active"];

/// Whether a CSV header (lower-cased columns) is a credential report's. `user` plus two report-only
/// columns is one even when `arn` was renamed: the parser then says which column is missing instead
/// of the file passing as unknown CSV.
pub(crate) fn is_report_header(columns: &[String]) -> bool {
    let has = |name: &str| columns.iter().any(|c| c == name);
    let markers = REPORT_MARKERS.iter().filter(|m| has(m)).count();
    has("user") && (markers >= 2 || has("arn") && markers >= 1)
}

/// Whether content is a credential report as CSV (decoded `Content`, a console download).
pub(crate) fn looks_like_csv(content: &[u8]) -> bool {
    let text = strip_bom(content);
    let first = text.iter().find(|b| !b.is_ascii_whitespace());
    !matches!(first, None | Some(b'{' | b'[')) && csv_header_columns(text).is_some_and(|c| is_report_header(&c))
}

fn decode_content(text: &str) -> Result<Vec<u8>, ReportError> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let decoded = base64::engine::general_purpose::STANDARD.decode(compact.as_bytes());
    match decoded {
        Ok(bytes) if looks_like_csv(&bytes) => Ok(bytes),
        other => {
            if looks_like_csv(text.as_bytes()) {
                return Ok(text.as_bytes().to_vec());
            }
            Err(ReportError::Content(match other {
                Err(e) => format!("base64: {e}"),
                Ok(_) => "decoded base64 has no credential-report header".into(),
            }))
        }
    }
}

/// `GeneratedTime` as the CLI writes it (RFC 3339), as epoch seconds or milliseconds, or as a
/// recorder's zone-less datetime object (`{"__class__": "datetime", "year": ...}`), taken as UTC.
fn generated_time(raw: &Value) -> Result<(Instant, Option<String>), String> {
    match raw {
        Value::String(s) => match parse_timestamp(s) {
            Some(t) => Ok((t, None)),
            None => crate::timefmt::parse_as_of(s)
                .map(|t| (t, Some(format!("GeneratedTime '{s}' has no time of day; taken as 00:00 UTC"))))
                .map_err(|_| format!("GeneratedTime '{s}' is not a timestamp; ignored")),
        },
        Value::Number(n) => {
            let n = n.as_f64().unwrap_or(f64::NAN);
            // Above 1e11 only milliseconds make sense (1e11 seconds is the year 5138).
            let seconds = if n.abs() > 1e11 { n / 1000.0 } else { n };
            chrono::DateTime::from_timestamp(seconds as i64, 0)
                .map(|t| (t, None))
                .ok_or_else(|| format!("GeneratedTime {n} is not a valid epoch time; ignored"))
        }
        Value::Object(map) if map.get("__class__").and_then(Value::as_str) == Some("datetime") => {
            let part = |k: &str| map.get(k).and_then(Value::as_u64).unwrap_or(0) as u32;
            let year = map.get("year").and_then(Value::as_i64).unwrap_or(0) as i32;
            chrono::NaiveDate::from_ymd_opt(year, part("month"), part("day"))
                .and_then(|d| d.and_hms_opt(part("hour"), part("minute"), part("second")))
                .map(|t| {
                    let t = t.and_utc();
                    let note = format!(
                        "GeneratedTime is a recorded datetime without a time zone; taken as {} UTC",
                        format_instant(t)
                    );
                    (t, Some(note))
                })
                .ok_or_else(|| "GeneratedTime datetime object is not a valid date; ignored".to_string())
        }
        other => Err(format!("GeneratedTime {other} is not a timestamp; ignored")),
    }
}

fn parse_report_csv(
    file: &str,
    sha256: &str,
    locator_prefix: &'static str,
    content: &[u8],
    generated_time: Option<Instant>,
) -> Result<CredentialReport, ReportError> {
    let content = strip_bom(content);
    let digest = content_digest(content);
    let (content, damaged) = set_aside_damaged_lines(content);
    let content: &[u8] = &content;
    let mut reader = csv::ReaderBuilder::new().flexible(true).has_headers(true).from_reader(content);
    let header: Vec<String> = reader
        .byte_headers()
        .map_err(|e| ReportError::Header(e.to_string()))?
        .iter()
        .map(|h| String::from_utf8_lossy(h).trim().trim_matches('\u{feff}').to_ascii_lowercase())
        .collect();
    let column = |name: &str| header.iter().position(|h| h == name);
    let user_col = column("user").ok_or(ReportError::MissingIdentityColumn("user"))?;
    let arn_col = column("arn").ok_or(ReportError::MissingIdentityColumn("arn"))?;

    let mut report = CredentialReport {
        file: file.to_string(),
        sha256: sha256.to_string(),
        locator_prefix,
        generated_time,
        filed_at: None,
        newest_timestamp: None,
        timestamp_outliers: Vec::new(),
        content_digest: digest,
        account: None,
        rows: Vec::new(),
        records_read: 0,
        records_rejected: 0,
        missing_columns: USED_COLUMNS.iter().copied().filter(|c| column(c).is_none()).collect(),
        diagnostics: Vec::new(),
    };
    let here = |locator: String, message: String| Diagnostic::new(file, Some(locator), message);
    let unknown: Vec<&str> = header.iter().map(String::as_str).filter(|h| !COLUMNS.contains(h)).collect();
    if !unknown.is_empty() {
        let shown: Vec<String> = unknown.iter().take(5).map(|n| format!("'{n}'")).collect();
        let more = if unknown.len() > 5 { format!(" and {} more", unknown.len() - 5) } else { String::new() };
        let noun = if unknown.len() == 1 { "column" } else { "columns" };
        report
            .diagnostics
            .push(here(format!("{locator_prefix} 1"), format!("unknown {noun} {}{more} ignored", shown.join(", "))));
    }
    if !report.missing_columns.is_empty() {
        report.diagnostics.push(here(
            format!("{locator_prefix} 1"),
            format!("column(s) {} missing: results that need them are 'unknown'", report.missing_columns.join(", ")),
        ));
    }

    for (line, problem) in damaged {
        report.records_read += 1;
        report.records_rejected += 1;
        report.diagnostics.push(here(format!("{locator_prefix} {line}"), format!("{problem}; row not evaluated")));
    }

    let mut record = csv::ByteRecord::new();
    // Lines are counted from byte offsets: the csv crate's own line count drifts on CRLF input.
    let mut counted = LineCounter::default();
    // Row index by ARN, to find duplicate rows without a scan per row.
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    loop {
        let line = counted.line_at(content, reader.position().byte());
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                report.records_read += 1;
                report.records_rejected += 1;
                report.diagnostics.push(here(format!("{locator_prefix} {line}"), format!("unreadable row: {e}")));
                continue;
            }
        }
        let line = record.position().map_or(line, |p| counted.line_at(content, p.byte()));
        report.records_read += 1;
        let locator = format!("{locator_prefix} {line}");
        match parse_row(&record, &header, user_col, arn_col, line) {
            Ok((row, problems)) => {
                if let Some(first) = seen.get(&row.arn).map(|&i| &mut report.rows[i]) {
                    report.records_rejected += 1;
                    let same = CredentialRow { line: first.line, ..row.clone() } == *first;
                    let message = if same {
                        format!(
                            "duplicate row for {} (same values as {} {}); counted once",
                            row.arn, locator_prefix, first.line
                        )
                    } else {
                        // Conflicting rows: the one with the later activity reflects the later state.
                        let (kept, dropped) = if row.timestamps().max() > first.timestamps().max() {
                            let dropped = first.line;
                            *first = row;
                            (line, dropped)
                        } else {
                            (first.line, line)
                        };
                        format!(
                            "two rows for {} with different values: {locator_prefix} {kept} (the later activity) is used, {locator_prefix} {dropped} is ignored",
                            first.arn
                        )
                    };
                    report.diagnostics.push(here(locator, message));
                    continue;
                }
                for problem in problems {
                    report.diagnostics.push(here(locator.clone(), problem));
                }
                seen.insert(row.arn.clone(), report.rows.len());
                report.rows.push(row);
            }
            Err(message) => {
                report.records_rejected += 1;
                report.diagnostics.push(here(locator, format!("{message}; row not evaluated")));
            }
        }
    }

    (report.newest_timestamp, report.timestamp_outliers) = plausible_newest(&report.rows);
    for (line, t) in &report.timestamp_outliers {
        report.diagnostics.push(here(
            format!("{locator_prefix} {line}"),
            format!(
                "{} lies more than {OUTLIER_GAP_DAYS} days after every other date in the report: not taken as the report's date",
                format_instant(*t)
            ),
        ));
    }
    let mut accounts: Vec<&str> = report.rows.iter().map(|r| r.account.as_str()).collect();
    accounts.sort_unstable();
    accounts.dedup();
    report.account = accounts.first().map(|a| a.to_string());
    if accounts.len() > 1 {
        report.diagnostics.push(Diagnostic::new(
            file,
            None,
            format!(
                "rows belong to {} accounts ({}): a credential report normally covers one",
                accounts.len(),
                accounts.join(", ")
            ),
        ));
    }
    Ok(report)
}

/// A credential report has one row per line and no field that spans lines or holds a NUL. A data line
/// with an unbalanced quote would swallow the lines after it into one field (five users lost behind
/// one stray `"`), and a NUL is damage, not data: such lines are emptied (the csv reader skips empty
/// lines, and line numbers stay those of the file) and come back with why, so every other row is read.
fn set_aside_damaged_lines(content: &[u8]) -> (std::borrow::Cow<'_, [u8]>, Vec<(u64, &'static str)>) {
    let mut damaged = Vec::new();
    let mut start = 0;
    for (index, line) in content.split(|&b| b == b'\n').enumerate() {
        let range = start..start + line.len();
        start += line.len() + 1;
        if index == 0 {
            continue;
        }
        let problem = if line.contains(&0) {
            "the line holds a NUL byte (damaged or not text)"
        } else if line.iter().filter(|&&b| b == b'"').count() % 2 == 1 {
            "the line has an unbalanced quote (its last field would run into the lines after it)"
        } else {
            continue;
        };
        damaged.push((index as u64 + 1, range, problem));
    }
    if damaged.is_empty() {
        return (std::borrow::Cow::Borrowed(content), Vec::new());
    }
    // The damaged lines' bytes go, their newlines stay: the lines after keep their numbers.
    let mut out = Vec::with_capacity(content.len());
    let mut at = 0;
    for (_, range, _) in &damaged {
        out.extend_from_slice(&content[at..range.start]);
        at = range.end;
    }
    out.extend_from_slice(&content[at..]);
    (std::borrow::Cow::Owned(out), damaged.into_iter().map(|(line, _, problem)| (line, problem)).collect())
}

/// A newest date more than this many days after every other date of a report is an outlier: a year
/// of total silence on every credential but one is rarer than a mistyped or planted date.
const OUTLIER_GAP_DAYS: i64 = 366;

/// The newest timestamp of a report that is not an outlier, and the outliers: taken from the top, the
/// dates that lie more than [`OUTLIER_GAP_DAYS`] after every date below them, as long as they are
/// a small minority (at most one in ten, one at least). A planted `password_last_used = 9999-12-31`
/// beside real dates must not become the as-of: every age would be measured from it, and root's use
/// last week would look ancient.
fn plausible_newest(rows: &[CredentialRow]) -> (Option<Instant>, Vec<(u64, Instant)>) {
    let mut dated: Vec<(Instant, u64)> =
        rows.iter().flat_map(|row| row.timestamps().map(move |t| (t, row.line))).collect();
    dated.sort_by(|a, b| b.cmp(a));
    let mut distinct: Vec<Instant> = dated.iter().map(|(t, _)| *t).collect();
    distinct.dedup();
    let limit = (distinct.len() / 10).max(1).min(distinct.len().saturating_sub(1));
    let cut = (0..limit).rev().find(|&i| crate::timefmt::age_days(distinct[i], distinct[i + 1]) > OUTLIER_GAP_DAYS);
    match cut {
        Some(i) => {
            let newest = distinct[i + 1];
            let mut outliers: Vec<(u64, Instant)> =
                dated.iter().filter(|(t, _)| *t > newest).map(|(t, line)| (*line, *t)).collect();
            outliers.sort();
            outliers.dedup();
            (Some(newest), outliers)
        }
        None => (distinct.first().copied(), Vec::new()),
    }
}

/// 1-based line of a byte offset, counting forward from the last offset asked about.
#[derive(Default)]
struct LineCounter {
    offset: usize,
    newlines: u64,
}

impl LineCounter {
    fn line_at(&mut self, text: &[u8], byte: u64) -> u64 {
        let mut byte = (byte as usize).min(text.len());
        // With CRLF the csv crate reports a record as starting on the `\n` that ends the previous line.
        while byte < text.len() && matches!(text[byte], b'\r' | b'\n') {
            byte += 1;
        }
        if byte >= self.offset {
            self.newlines += text[self.offset..byte].iter().filter(|&&b| b == b'\n').count() as u64;
        } else {
            self.newlines = text[..byte].iter().filter(|&&b| b == b'\n').count() as u64;
        }
        self.offset = byte;
        self.newlines + 1
    }
}

fn content_digest(csv: &[u8]) -> String {
    let mut hasher = Sha256::new();
    for line in csv.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if !line.is_empty() {
            hasher.update(line);
            hasher.update(b"\n");
        }
    }
    hex::encode(hasher.finalize())
}

/// One data row, or why it cannot be used. Cell problems that leave the row usable come back as
/// messages beside it.
fn parse_row(
    record: &csv::ByteRecord,
    header: &[String],
    user_col: usize,
    arn_col: usize,
    line: u64,
) -> Result<(CredentialRow, Vec<String>), String> {
    if record.len() < header.len() {
        // Missing trailing cells the checks never read (cert_*, password rotation) do not cost the row.
        let missing_used = header[record.len()..].iter().any(|h| USED_COLUMNS.contains(&h.as_str()));
        if missing_used || record.len() <= arn_col.max(user_col) {
            return Err(format!("row has {} of the header's {} fields (truncated?)", record.len(), header.len()));
        }
    }
    if record.len() > header.len() {
        return Err(format!("row has {} fields but the header has {}", record.len(), header.len()));
    }
    let mut cells = Vec::with_capacity(record.len());
    for (i, raw) in record.iter().enumerate() {
        match std::str::from_utf8(raw) {
            Ok(text) => cells.push(text.trim()),
            Err(e) => return Err(format!("column '{}' is not valid UTF-8 ({e})", header[i])),
        }
    }
    let user = cells[user_col];
    let arn = cells[arn_col];
    if user.is_empty() || arn.is_empty() {
        return Err("row has no user or arn".into());
    }
    let account = arn_account(arn).ok_or_else(|| format!("arn '{arn}' is not an IAM user or root ARN"))?;
    let is_root = user == "<root_account>" || arn.ends_with(":root");

    let mut problems = Vec::new();
    let cell =
        |name: &str| -> Option<&str> { header.iter().position(|h| h == name).and_then(|i| cells.get(i).copied()) };
    let mut timestamp = |name: &str| -> Timestamp {
        let field = classify(cell(name), parse_timestamp);
        if let Field::Invalid(raw) = &field {
            problems.push(format!("{name} '{raw}' is not a timestamp; results that need it are 'unknown'"));
        }
        field
    };
    let user_creation_time = timestamp("user_creation_time");
    let password_last_used = timestamp("password_last_used");
    let key_times = [
        (timestamp("access_key_1_last_rotated"), timestamp("access_key_1_last_used_date")),
        (timestamp("access_key_2_last_rotated"), timestamp("access_key_2_last_used_date")),
    ];
    let mut flag = |name: &str| -> Flag {
        let field = classify(cell(name), parse_flag);
        if let Field::Invalid(raw) = &field {
            problems.push(format!("{name} '{raw}' is not true/false; results that need it are 'unknown'"));
        }
        field
    };
    let password_enabled = flag("password_enabled");
    let mfa_active = flag("mfa_active");
    let actives = [flag("access_key_1_active"), flag("access_key_2_active")];
    let [(r1, u1), (r2, u2)] = key_times;
    let [a1, a2] = actives;
    let row = CredentialRow {
        line,
        user: user.to_string(),
        arn: arn.to_string(),
        account,
        is_root,
        user_creation_time,
        password_enabled,
        password_last_used,
        mfa_active,
        keys: [
            KeySlot { active: a1, last_rotated: r1, last_used_date: u1 },
            KeySlot { active: a2, last_rotated: r2, last_used_date: u2 },
        ],
    };
    Ok((row, problems))
}

fn parse_flag(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

fn classify<T>(cell: Option<&str>, parse: impl Fn(&str) -> Option<T>) -> Field<T> {
    match cell {
        None | Some("") => Field::Absent,
        Some("N/A") => Field::NotApplicable,
        Some("no_information") => Field::NoInformation,
        Some("not_supported") => Field::NotSupported,
        Some(text) => parse(text).map(Field::Value).unwrap_or_else(|| Field::Invalid(text.to_string())),
    }
}

/// The 12-digit account of `arn:aws:iam::123456789012:user/x` (any AWS partition).
fn arn_account(arn: &str) -> Option<String> {
    let arn = Arn::parse(arn).filter(|a| a.service == "iam" && a.resource.is_some())?;
    arn.account_id().map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";
    const ROOT: &str = "<root_account>,arn:aws:iam::123456789012:root,2018-08-12T17:20:55+00:00,not_supported,2019-03-03T16:58:16+00:00,not_supported,not_supported,true,true,2018-11-23T16:01:14+00:00,2018-11-27T00:02:00+00:00,us-east-1,ecr,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A";
    const ALICE: &str = "alice,arn:aws:iam::123456789012:user/alice,2019-05-07T15:35:54Z,TRUE,no_information,N/A,N/A,false,true,2019-05-07T15:35:55Z,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A";

    fn csv(rows: &[&str]) -> String {
        let mut s = HEADER.to_string();
        for r in rows {
            s.push('\n');
            s.push_str(r);
        }
        s
    }

    #[test]
    fn reads_real_value_spellings() {
        let r = parse_csv("f.csv", "h", csv(&[ROOT, ALICE]).as_bytes()).unwrap();
        assert_eq!(r.rows.len(), 2);
        assert_eq!(r.account.as_deref(), Some("123456789012"));
        let root = &r.rows[0];
        assert!(root.is_root);
        assert_eq!(root.password_enabled, Field::NotSupported);
        assert_eq!(root.keys[0].active, Field::Value(true));
        assert_eq!(root.keys[1].last_rotated, Field::NotApplicable);
        let alice = &r.rows[1];
        assert_eq!(alice.line, 3);
        assert_eq!(alice.password_enabled, Field::Value(true), "upper-case TRUE");
        assert_eq!(alice.password_last_used, Field::NoInformation);
        assert_eq!(alice.user_creation_time.value(), parse_timestamp("2019-05-07T15:35:54Z"));
        assert_eq!(r.newest_timestamp, parse_timestamp("2019-05-07T15:35:55Z"));
        assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    }

    #[test]
    fn tolerates_bom_crlf_and_no_final_newline() {
        let plain = parse_csv("a", "h", csv(&[ROOT, ALICE]).as_bytes()).unwrap();
        let windows = format!("\u{feff}{}\r\n", csv(&[ROOT, ALICE]).replace('\n', "\r\n"));
        let r = parse_csv("b", "h", windows.as_bytes()).unwrap();
        assert_eq!(r.rows, plain.rows);
        assert_eq!(r.content_digest, plain.content_digest);
    }

    #[test]
    fn older_reports_without_trailing_columns_are_read() {
        let short_header = HEADER.split(',').take(18).collect::<Vec<_>>().join(",");
        let short_row = ALICE.split(',').take(18).collect::<Vec<_>>().join(",");
        let r = parse_csv("f", "h", format!("{short_header}\n{short_row}\n").as_bytes()).unwrap();
        assert_eq!(r.rows.len(), 1);
        assert!(r.missing_columns.is_empty());
    }

    #[test]
    fn bad_rows_are_reported_by_line_and_the_rest_counts() {
        let truncated = "bob,arn:aws:iam::123456789012:user/bob,2019-05-07T15:35:54Z,true";
        let bad_arn = ALICE.replace("arn:aws:iam::123456789012:user/alice", "not-an-arn");
        let bad_time = ALICE.replace("user/alice", "user/carol").replace("2019-05-07T15:35:55Z", "yesterday");
        let text = csv(&[ROOT, truncated, &bad_arn, &bad_time]);
        let r = parse_csv("f.csv", "h", text.as_bytes()).unwrap();
        assert_eq!(r.records_read, 4);
        assert_eq!(r.records_rejected, 2);
        assert_eq!(r.rows.len(), 2);
        let messages: Vec<String> =
            r.diagnostics.iter().map(|d| format!("{}: {}", d.locator.as_deref().unwrap_or(""), d.message)).collect();
        assert!(messages[0].starts_with("line 3: row has 4 of the header's 22 fields"), "{messages:?}");
        assert!(messages[1].starts_with("line 4: arn 'not-an-arn'"), "{messages:?}");
        assert!(messages[2].starts_with("line 5: access_key_1_last_rotated 'yesterday'"), "{messages:?}");
        assert_eq!(r.rows[1].keys[0].last_rotated, Field::Invalid("yesterday".into()));
    }

    #[test]
    fn a_row_missing_only_unused_trailing_cells_is_kept() {
        let no_certs = ALICE.rsplitn(5, ',').last().unwrap();
        let r = parse_csv("f", "h", csv(&[no_certs]).as_bytes()).unwrap();
        assert_eq!((r.rows.len(), r.records_rejected), (1, 0));
        let no_key2 = ALICE.split(',').take(13).collect::<Vec<_>>().join(",");
        let r = parse_csv("f", "h", csv(&[&no_key2]).as_bytes()).unwrap();
        assert_eq!((r.rows.len(), r.records_rejected), (0, 1));
    }

    #[test]
    fn invalid_utf8_rejects_only_that_row() {
        let mut bytes = csv(&[ROOT]).into_bytes();
        bytes.extend_from_slice(b"\nb\xffb,arn:aws:iam::123456789012:user/b");
        bytes.extend_from_slice(&ALICE.as_bytes()[ALICE.find(",2019").unwrap()..]);
        let r = parse_csv("f", "h", &bytes).unwrap();
        assert_eq!((r.rows.len(), r.records_rejected), (1, 1));
        assert!(r.diagnostics[0].message.contains("not valid UTF-8"));
    }

    #[test]
    fn duplicate_rows_are_counted_once_and_reported() {
        let changed = ALICE.replace(",false,true,", ",true,true,");
        let r = parse_csv("f", "h", csv(&[ROOT, ALICE, ALICE, &changed]).as_bytes()).unwrap();
        assert_eq!(r.rows.len(), 2);
        assert_eq!(r.records_rejected, 2);
        assert!(r.diagnostics[0].message.contains("same values as line 3"));
        assert!(
            r.diagnostics[1].message.contains("line 3 (the later activity) is used, line 5 is ignored"),
            "{:?}",
            r.diagnostics
        );
        // A conflicting row with later activity replaces the earlier one.
        let later = ALICE.replace("N/A,N/A,N/A,false", "2019-06-01T00:00:00Z,us-east-1,s3,false");
        let r = parse_csv("f", "h", csv(&[ALICE, &later]).as_bytes()).unwrap();
        assert_eq!(r.rows.len(), 1);
        assert_eq!(r.rows[0].line, 3);
        assert!(
            r.diagnostics[0].message.contains("line 3 (the later activity) is used, line 2 is ignored"),
            "{:?}",
            r.diagnostics
        );
    }

    #[test]
    fn unknown_and_missing_columns_are_said() {
        let header = HEADER.replace("mfa_active", "mfa_enabled");
        let r = parse_csv("f", "h", format!("{header}\n{ALICE}").as_bytes()).unwrap();
        assert_eq!(r.missing_columns, ["mfa_active"]);
        assert_eq!(r.rows[0].mfa_active, Field::Absent);
        assert!(r.diagnostics.iter().any(|d| d.message == "unknown column 'mfa_enabled' ignored"));
        let many = format!("{HEADER},a,b,c,d,e,f,g\n{ALICE},1,2,3,4,5,6,7");
        let r = parse_csv("f", "h", many.as_bytes()).unwrap();
        assert_eq!(r.diagnostics.len(), 1);
        assert_eq!(r.diagnostics[0].message, "unknown columns 'a', 'b', 'c', 'd', 'e' and 2 more ignored");
        assert_eq!(parse_csv("f", "h", b"name,arn\nx,y").unwrap_err(), ReportError::MissingIdentityColumn("user"));
    }

    #[test]
    fn header_only_has_no_rows() {
        let r = parse_csv("f", "h", HEADER.as_bytes()).unwrap();
        assert_eq!((r.records_read, r.rows.len()), (0, 0));
    }

    #[test]
    fn cli_json_with_base64_or_plain_content() {
        let b64 = base64::engine::general_purpose::STANDARD.encode(csv(&[ROOT, ALICE]));
        let cli =
            format!(r#"{{"Content": "{b64}", "ReportFormat": "text/csv", "GeneratedTime": "2019-05-08T00:00:00Z"}}"#);
        let r = parse_json("r.json", "h", cli.as_bytes()).unwrap();
        assert_eq!(r.rows.len(), 2);
        assert_eq!(r.generated_time, parse_timestamp("2019-05-08T00:00:00Z"));
        assert_eq!(r.locator(3), "Content line 3");

        let plain = serde_json::json!({"status_code": 200, "data": {"Content": csv(&[ROOT]), "ReportFormat": "text/csv",
            "GeneratedTime": {"__class__": "datetime", "year": 2116, "month": 11, "day": 25, "hour": 14, "minute": 30, "second": 42, "microsecond": 0}}});
        let r = parse_json("p.json", "h", plain.to_string().as_bytes()).unwrap();
        assert_eq!(r.generated_time, parse_timestamp("2116-11-25T14:30:42Z"));
        assert!(r.diagnostics[0].message.contains("without a time zone"));

        let epoch = serde_json::json!({"Content": b64, "GeneratedTime": 1_557_273_600});
        assert_eq!(
            parse_json("e", "h", epoch.to_string().as_bytes()).unwrap().generated_time,
            parse_timestamp("2019-05-08T00:00:00Z")
        );
    }

    #[test]
    fn broken_json_reports_say_what_is_wrong() {
        let bad64 = br#"{"Content": "%%%not base64%%%", "ReportFormat": "text/csv"}"#;
        assert!(matches!(parse_json("f", "h", bad64), Err(ReportError::Content(m)) if m.starts_with("base64")));
        assert!(matches!(parse_json("f", "h", b"{\"Content\": 1"), Err(ReportError::Json(_))));
        assert_eq!(parse_json("f", "h", br#"{"ReportFormat": "text/csv"}"#).unwrap_err(), ReportError::NoContent);
        let null = parse_json("f", "h", br#"{"Content": null, "ReportFormat": "text/csv"}"#).unwrap_err();
        assert!(null.to_string().contains("Content is null, not text"), "{null}");
    }

    #[test]
    fn a_json_report_repeating_a_key_is_refused() {
        let twice =
            br#"{"Content": "x", "GeneratedTime": "2026-01-01T00:00:00Z", "GeneratedTime": "9999-12-31T00:00:00Z"}"#;
        assert_eq!(parse_json("f", "h", twice).unwrap_err(), ReportError::DuplicateKey("GeneratedTime".into()));
    }

    #[test]
    fn a_nul_byte_or_an_unbalanced_quote_costs_only_its_line() {
        let bob = ALICE.replace("alice", "bob");
        let carol = ALICE.replace("alice", "carol");
        let dave = ALICE.replace("alice", "dave");
        let quoted = ALICE.replace("user/alice", "user/\"eve");
        let nul = ALICE.replace("alice", "ma\0llory");
        let text = csv(&[ROOT, &quoted, &bob, &carol, &nul, &dave]).replace('\n', "\r\n");
        let r = parse_csv("f.csv", "h", text.as_bytes()).unwrap();
        let users: Vec<(&str, u64)> = r.rows.iter().map(|row| (row.user.as_str(), row.line)).collect();
        assert_eq!(users, [("<root_account>", 2), ("bob", 4), ("carol", 5), ("dave", 7)]);
        assert_eq!((r.records_read, r.records_rejected), (6, 2));
        let named: Vec<(&str, &str)> =
            r.diagnostics.iter().map(|d| (d.locator.as_deref().unwrap_or(""), d.message.as_str())).collect();
        assert!(named[0].0 == "line 3" && named[0].1.contains("unbalanced quote"), "{named:?}");
        assert!(named[1].0 == "line 6" && named[1].1.contains("NUL byte"), "{named:?}");
        assert_eq!(r.content_digest, content_digest(text.as_bytes()));
    }
}
