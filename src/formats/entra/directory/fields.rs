//! Reading the cells of directory exports, whichever way they were written: Graph JSON (camelCase),
//! PowerShell `ConvertTo-Json` (PascalCase, `/Date(…)/`), portal and `Export-Csv` CSV (display-name
//! headers, `True`/`Yes`, US locale dates). Everything here is lenient about the value and strict
//! about saying so: a cell that cannot be read becomes `None` plus a diagnostic.

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use serde_json::{Map, Value};

use super::DirectoryError;
use crate::diagnostic::Diagnostic;
use crate::formats::common::{json_kind, strip_bom};
use crate::timefmt::{Instant, parse_timestamp};

pub(super) type Object = Map<String, Value>;

/// What a file's parse has to say besides its records.
pub(super) struct Tally {
    pub file: String,
    pub diagnostics: Vec<Diagnostic>,
    pub read: usize,
    pub rejected: usize,
}

impl Tally {
    pub(super) fn new(file: &str) -> Tally {
        Tally { file: file.to_string(), diagnostics: Vec::new(), read: 0, rejected: 0 }
    }

    /// A record that is not kept.
    pub(super) fn reject(&mut self, locator: &str, message: impl Into<String>) {
        self.rejected += 1;
        self.note(locator, message);
    }

    /// A problem inside a record that is still kept.
    pub(super) fn note(&mut self, locator: &str, message: impl Into<String>) {
        let locator = (!locator.is_empty()).then(|| locator.to_string());
        self.diagnostics.push(Diagnostic::new(&self.file, locator, message));
    }

    /// A timestamp cell; unreadable text is noted and read as absent.
    pub(super) fn time(&mut self, locator: &str, name: &str, value: Option<&Value>) -> Option<Instant> {
        let text = text(value?)?;
        let parsed = timestamp(&text);
        if parsed.is_none() {
            self.note(locator, format!("{name} '{text}' is not a date and time; read as absent"));
        }
        parsed
    }

    /// A yes/no cell; unreadable values are noted and read as absent.
    pub(super) fn flag(&mut self, locator: &str, name: &str, value: Option<&Value>) -> Option<bool> {
        match value? {
            Value::Bool(b) => Some(*b),
            Value::Null => None,
            other => {
                let raw = text(other)?;
                let parsed = flag(&raw);
                if parsed.is_none() {
                    self.note(locator, format!("{name} '{raw}' is neither true nor false; read as absent"));
                }
                parsed
            }
        }
    }
}

/// A JSON file's records: a Graph page's `value[]`, a bare array, or one object standing alone.
pub(super) struct Page {
    pub records: Vec<Value>,
    /// `@odata.context` of a Graph page (names the entity set when a record does not say).
    pub context: Option<String>,
}

pub(super) fn read_page(file: &str, content: &[u8]) -> Result<Page, DirectoryError> {
    let json: Value = serde_json::from_slice(strip_bom(content))
        .map_err(|e| DirectoryError::Json { file: file.to_string(), message: e.to_string() })?;
    match json {
        Value::Array(records) => Ok(Page { records, context: None }),
        Value::Object(mut object) => {
            let context = get(&object, "@odata.context").and_then(text);
            match object.keys().find(|k| k.eq_ignore_ascii_case("value")).cloned() {
                Some(key) => match object.remove(&key) {
                    Some(Value::Array(records)) => Ok(Page { records, context }),
                    _ => Err(DirectoryError::NotRecords { file: file.to_string(), found: "a non-array value".into() }),
                },
                None => Ok(Page { records: vec![Value::Object(object)], context }),
            }
        }
        other => Err(DirectoryError::NotRecords { file: file.to_string(), found: json_kind(&other).into() }),
    }
}

/// Runs `parse` over every record of a page that is an object; the others, and those `parse`
/// refuses, are rejected with their locator (`record N`, 1-based).
pub(super) fn each_record<T>(
    page: &Page,
    tally: &mut Tally,
    mut parse: impl FnMut(u64, &Object, &mut Tally) -> Result<T, String>,
) -> Vec<T> {
    let mut kept = Vec::with_capacity(page.records.len());
    for (index, record) in page.records.iter().enumerate() {
        let n = index as u64 + 1;
        tally.read += 1;
        let locator = record_locator(n);
        let Value::Object(object) = record else {
            tally.reject(&locator, format!("record is {}, not an object; skipped", json_kind(record)));
            continue;
        };
        match parse(n, object, tally) {
            Ok(value) => kept.push(value),
            Err(message) => tally.reject(&locator, message),
        }
    }
    kept
}

pub(super) fn record_locator(n: u64) -> String {
    format!("record {n}")
}

pub(super) fn line_locator(n: u64) -> String {
    format!("line {n}")
}

/// A member of an object by name, exact spelling first, then ignoring ASCII case (PowerShell
/// writes `UserPrincipalName` where Graph writes `userPrincipalName`).
pub(super) fn get<'a>(object: &'a Object, name: &str) -> Option<&'a Value> {
    object.get(name).or_else(|| object.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v))
}

/// A nested object member (`conditions.users`); absent, null or not an object reads as absent.
pub(super) fn child<'a>(object: &'a Object, name: &str) -> Option<&'a Object> {
    get(object, name).and_then(Value::as_object)
}

/// A scalar as text; null, empty and whitespace-only read as absent, as do arrays and objects.
pub(super) fn text(value: &Value) -> Option<String> {
    let text = match value {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => return None,
    };
    (!text.is_empty()).then_some(text)
}

pub(super) fn text_field(object: &Object, name: &str) -> Option<String> {
    get(object, name).and_then(text)
}

/// A list of strings: a JSON array (non-text entries dropped), or one string holding a `,`/`;`
/// separated list as CSV exports and some scripts write it.
pub(super) fn strings(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::Array(items)) => items.iter().filter_map(text).collect(),
        Some(Value::String(s)) => split_list(s),
        _ => Vec::new(),
    }
}

pub(super) fn split_list(text: &str) -> Vec<String> {
    text.split([',', ';']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

pub(super) fn flag(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" => Some(true),
        "false" | "no" | "0" => Some(false),
        _ => None,
    }
}

/// ISO 8601 as `timefmt` reads it, the portal's US locale form (`3/12/2025 7:22:01 AM`, UTC
/// assumed as the portal writes UTC), or Windows PowerShell's `/Date(1741764121000)/`.
pub(super) fn timestamp(text: &str) -> Option<Instant> {
    let text = text.trim();
    if let Some(t) = parse_timestamp(text) {
        return Some(t);
    }
    if let Some(t) = ms_date(text) {
        return Some(t);
    }
    for format in ["%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(text, format) {
            return Some(t.and_utc());
        }
    }
    for format in ["%m/%d/%Y", "%Y-%m-%d"] {
        if let Ok(day) = NaiveDate::parse_from_str(text, format) {
            return day.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
        }
    }
    None
}

/// `/Date(ms)/` or `\/Date(ms+0100)\/`: the offset only says how it was displayed, ms are UTC.
fn ms_date(text: &str) -> Option<Instant> {
    let inner = text.trim_matches(['\\', '/']).strip_prefix("Date(")?.strip_suffix(')')?;
    let digits_end = inner.char_indices().skip(1).find(|(_, c)| !c.is_ascii_digit()).map_or(inner.len(), |(i, _)| i);
    let ms: i64 = inner.get(..digits_end)?.parse().ok()?;
    DateTime::from_timestamp_millis(ms)
}

/// Header names compared with case, spaces and punctuation removed, so `User principal name`,
/// `userPrincipalName` and `UserPrincipalName ` are one column.
pub(super) fn normalise_header(name: &str) -> String {
    name.trim_start_matches('\u{feff}')
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// A CSV export read whole: these files hold one row per user or policy, so they are small.
pub(super) struct Table {
    /// Normalised header names, in file order.
    pub headers: Vec<String>,
    pub header_line: u64,
    pub rows: Vec<Row>,
}

pub(super) struct Row {
    /// Physical line where the row starts (the header is line 1, or 2 after a `#TYPE` line).
    pub line: u64,
    pub cells: Vec<String>,
}

impl Table {
    /// The first column whose normalised name is one of `aliases` (given normalised).
    pub(super) fn column(&self, aliases: &[&str]) -> Option<usize> {
        aliases.iter().find_map(|alias| self.headers.iter().position(|h| h == alias))
    }
}

impl Row {
    /// A trimmed, non-empty cell.
    pub(super) fn cell(&self, column: Option<usize>) -> Option<&str> {
        let value = self.cells.get(column?)?.trim();
        (!value.is_empty()).then_some(value)
    }

    /// A cell as a JSON string, for the readers JSON and CSV share.
    pub(super) fn value(&self, column: Option<usize>) -> Option<Value> {
        self.cell(column).map(|c| Value::String(c.to_string()))
    }

    pub(super) fn text(&self, column: Option<usize>) -> Option<String> {
        self.cell(column).map(str::to_string)
    }
}

/// The body of a CSV file: without a BOM, and without the `#TYPE …` line Windows PowerShell's
/// `Export-Csv` writes first; the second value is how many lines were skipped.
pub(super) fn csv_body(content: &[u8]) -> (&[u8], u64) {
    let content = strip_bom(content);
    if content.starts_with(b"#TYPE") {
        let rest = content.iter().position(|&b| b == b'\n').map_or(&[][..], |i| &content[i + 1..]);
        return (rest, 1);
    }
    (content, 0)
}

pub(super) fn read_table(file: &str, content: &[u8], tally: &mut Tally) -> Result<Table, DirectoryError> {
    let (body, skipped) = csv_body(content);
    let mut reader = csv::ReaderBuilder::new().flexible(true).has_headers(true).from_reader(body);
    let headers: Vec<String> = reader
        .byte_headers()
        .map_err(|e| DirectoryError::Csv { file: file.to_string(), message: e.to_string() })?
        .iter()
        .map(|h| normalise_header(&String::from_utf8_lossy(h)))
        .collect();
    let mut rows = Vec::new();
    let mut record = csv::ByteRecord::new();
    // Lines come from byte offsets: the csv crate's own count drifts on CRLF input.
    let (mut counted_to, mut line) = (0usize, 1 + skipped);
    let mut line_at = |byte: u64| {
        let mut at = usize::try_from(byte).unwrap_or(usize::MAX).min(body.len());
        // With CRLF the csv crate reports a record as starting on the `\n` that ends the line before.
        while body.get(at).is_some_and(|b| matches!(b, b'\r' | b'\n')) {
            at += 1;
        }
        if at > counted_to {
            line += body.get(counted_to..at).map_or(0, |s| s.iter().filter(|&&b| b == b'\n').count()) as u64;
            counted_to = at;
        }
        line
    };
    loop {
        let before = reader.position().byte();
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = line_at(record.position().map_or(before, |p| p.byte()));
                let cells = record.iter().map(|c| String::from_utf8_lossy(c).into_owned()).collect();
                rows.push(Row { line, cells });
            }
            Err(e) => {
                let line = line_at(before);
                tally.read += 1;
                tally.reject(&line_locator(line), format!("unreadable CSV row ({e}); skipped"));
            }
        }
    }
    Ok(Table { headers, header_line: 1 + skipped, rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn us_locale_and_powershell_dates_read_as_utc() {
        let expected = parse_timestamp("2025-03-12T07:22:01Z");
        assert_eq!(timestamp("3/12/2025 7:22:01 AM"), expected);
        assert_eq!(timestamp("3/12/2025 7:22:01 PM"), parse_timestamp("2025-03-12T19:22:01Z"));
        assert_eq!(timestamp("2025-03-12T07:22:01Z"), expected);
        // 2025-03-12T07:22:01Z is 1741764121 s after the epoch (date -d @1741764121 -u).
        assert_eq!(timestamp("/Date(1741764121000)/"), expected);
        assert_eq!(timestamp("\\/Date(1741764121000+0100)\\/"), expected);
        assert_eq!(timestamp("13/12/2025 7:22:01 AM"), None);
        assert_eq!(timestamp("never"), None);
    }

    #[test]
    fn flags_accept_the_spellings_exports_use() {
        for yes in ["True", "TRUE", "yes", " Yes ", "1"] {
            assert_eq!(flag(yes), Some(true), "{yes}");
        }
        for no in ["False", "no", "NO", "0"] {
            assert_eq!(flag(no), Some(false), "{no}");
        }
        assert_eq!(flag("maybe"), None);
    }

    #[test]
    fn headers_match_whatever_their_case_and_spacing() {
        assert_eq!(normalise_header("\u{feff}User principal name "), "userprincipalname");
        assert_eq!(normalise_header("userPrincipalName"), "userprincipalname");
        assert_eq!(normalise_header("Multifactor  authentication registered"), "multifactorauthenticationregistered");
    }

    #[test]
    fn lists_split_on_commas_and_semicolons() {
        assert_eq!(split_list("a, b;c ; "), vec!["a", "b", "c"]);
        assert_eq!(strings(Some(&serde_json::json!(["x", null, 3]))), vec!["x", "3"]);
        assert!(strings(Some(&Value::Null)).is_empty());
    }

    #[test]
    fn csv_lines_count_crlf_and_a_type_line() {
        let mut tally = Tally::new("u.csv");
        let content = b"#TYPE Selected.Microsoft.Graph\r\na,b\r\n1,2\r\n\"x\r\ny\",3\r\n4,5\r\n";
        let table = read_table("u.csv", content, &mut tally).unwrap();
        assert_eq!(table.headers, vec!["a", "b"]);
        let lines: Vec<u64> = table.rows.iter().map(|r| r.line).collect();
        // Line 1 is #TYPE, 2 the header, 3 the first row, 4-5 the quoted two-line cell, 6 the last.
        assert_eq!(lines, vec![3, 4, 6]);
        assert!(tally.diagnostics.is_empty());
    }
}
