//! Entra ID sign-in logs, in the three layouts auditors receive (`shared/formats/entra.md`): the
//! portal's "Download CSV", Graph `auditLogs/signIns` JSON (a `{"value":[…]}` page or a bare array)
//! and Azure Monitor / Log Analytics NDJSON. Every layout ends as [`SignIn`]s; a record that cannot be
//! used is a diagnostic with its line or record number, and the rest of the file still counts.
//!
//! Field names are matched loosely on purpose: the portal has renamed and respaced its CSV columns
//! over the years, and Log Analytics writes the Graph names in PascalCase.

mod json;
mod portal_csv;

use crate::diagnostic::Diagnostic;
use crate::formats::entra::model::{AuthRequirement, SignIn, SignInStatus};
use crate::timefmt::{Instant, parse_timestamp};

/// How a sign-in export is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SignInLayout {
    /// The portal's "Download CSV" (any year's columns) or a Log Analytics CSV export.
    PortalCsv,
    /// Graph `GET /auditLogs/signIns`: a `{"value":[…]}` page, or the portal's bare array.
    GraphJson,
    /// One object per line (Azure Monitor diagnostic settings, Log Analytics): the Graph fields
    /// directly or under `properties`, in any letter case.
    Ndjson,
}

/// Decides from the content alone whether it is a sign-in export, and in which layout. Reads only
/// the CSV header or the first JSON record, so it is cheap on a large file.
pub(crate) fn sniff(content: &[u8]) -> Option<SignInLayout> {
    let text = trim_start(crate::formats::common::strip_bom(content));
    match text.first() {
        None => None,
        Some(b'{' | b'[') => json::sniff(text),
        Some(_) => portal_csv::sniff(text).then_some(SignInLayout::PortalCsv),
    }
}

/// What one sign-in file yielded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct SignInFile {
    pub sign_ins: Vec<SignIn>,
    pub diagnostics: Vec<Diagnostic>,
    /// Rows or records seen, rejected ones included.
    pub records_read: usize,
    pub records_rejected: usize,
}

/// A file that cannot be read as sign-ins at all. A bad row or record is never one of these.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub(crate) enum SignInError {
    #[error("{file}: invalid JSON ({message}); no sign-in was read")]
    Json { file: String, message: String },
    #[error("{file}: {reason}; export the sign-ins as Graph JSON ({{\"value\":[…]}}) or as a JSON array")]
    NotSignIns { file: String, reason: String },
    #[error("{file}: CSV header is unreadable ({message})")]
    CsvHeader { file: String, message: String },
    #[error(
        "{file}: the CSV header has no {}, so its rows cannot be read as sign-ins; export the sign-in log again from the portal",
        .missing.join(" and no ")
    )]
    MissingColumns { file: String, missing: Vec<String> },
}

/// Parses one sign-in export laid out as `layout` (see [`sniff`]). `file` is the display path: it
/// names the file in diagnostics, and the portal's file names (`InteractiveSignIns_…`,
/// `NonInteractiveSignIns_…`) say whether sign-ins are interactive when the records do not.
pub(crate) fn parse(file: &str, content: &[u8], layout: SignInLayout) -> Result<SignInFile, SignInError> {
    let content = crate::formats::common::strip_bom(content);
    let mut collector = Collector::new(file);
    match layout {
        SignInLayout::PortalCsv => portal_csv::parse(content, &mut collector)?,
        SignInLayout::GraphJson => json::parse_graph(content, &mut collector)?,
        SignInLayout::Ndjson => json::parse_ndjson(content, &mut collector),
    }
    Ok(collector.finish())
}

/// Rejected records listed one by one per file; beyond this they are only counted. A systematic
/// fault in a 500k-row export would otherwise make 500k diagnostics, and the first hundred already
/// show the pattern.
const LISTED_REJECTIONS: usize = 100;

/// A [`SignInFile`] under construction, with what every layout shares: the file name's hint about
/// interactivity, rejection bookkeeping and the bound on listed diagnostics.
pub(super) struct Collector<'f> {
    file: &'f str,
    out: SignInFile,
    interactive_by_name: Option<bool>,
    listed: usize,
    /// Records whose request id had to be taken from their correlation id.
    ids_from_correlation: usize,
}

impl<'f> Collector<'f> {
    fn new(file: &'f str) -> Collector<'f> {
        Collector {
            file,
            out: SignInFile::default(),
            interactive_by_name: interactive_from_name(file),
            listed: 0,
            ids_from_correlation: 0,
        }
    }

    fn file(&self) -> &'f str {
        self.file
    }

    fn read(&mut self) {
        self.out.records_read += 1;
    }

    fn accept(&mut self, sign_in: SignIn) {
        self.out.sign_ins.push(sign_in);
    }

    /// A record that cannot be used: counted always, listed up to [`LISTED_REJECTIONS`].
    fn reject(&mut self, locator: impl FnOnce() -> String, message: impl FnOnce() -> String) {
        self.out.records_rejected += 1;
        if self.listed < LISTED_REJECTIONS {
            self.listed += 1;
            self.out.diagnostics.push(Diagnostic::new(self.file, Some(locator()), message()));
        }
    }

    /// Something about the file as a whole (a truncated end, a further page not exported).
    fn note(&mut self, locator: Option<String>, message: impl Into<String>) {
        self.out.diagnostics.push(Diagnostic::new(self.file, locator, message));
    }

    fn finish(mut self) -> SignInFile {
        let unlisted = self.out.records_rejected.saturating_sub(self.listed);
        if unlisted > 0 {
            let message = format!(
                "{unlisted} more rejected records are not listed ({} rejected of {} read)",
                self.out.records_rejected, self.out.records_read
            );
            self.note(None, message);
        }
        if self.ids_from_correlation > 0 {
            let message = format!(
                "{} sign-ins have no request id; their correlation id stands in for it, so sign-ins of one correlation may be counted once when files are merged",
                self.ids_from_correlation
            );
            self.note(None, message);
        }
        self.out
    }
}

/// The fields of one record as text, whatever the layout; `None` for absent or empty.
#[derive(Debug)]
struct Raw<'a> {
    id: Option<&'a str>,
    /// `id` was missing and this is the correlation id.
    id_is_correlation: bool,
    time: Option<&'a str>,
    user_principal_name: Option<&'a str>,
    user_id: Option<&'a str>,
    user_type: Option<&'a str>,
    app: Option<&'a str>,
    client_app: Option<&'a str>,
    interactive: Option<bool>,
    status: SignInStatus,
    auth_requirement: AuthRequirement,
    tenant_id: Option<&'a str>,
}

/// How a layout names the required fields, for rejection messages.
struct Names<'n> {
    id: &'n str,
    time: &'n str,
    user: &'n str,
}

impl Collector<'_> {
    /// Turns a record's fields into a sign-in, or rejects it: a sign-in needs a request id (the
    /// merge deduplicates by it), a readable time and a user.
    fn build(&mut self, raw: Raw, locator_kind: &str, locator: u64, names: &Names) {
        let (Some(id), Some(time_text), Some(upn)) = (raw.id, raw.time, raw.user_principal_name) else {
            let missing = match (raw.id, raw.time) {
                (None, _) => names.id,
                (_, None) => names.time,
                _ => names.user,
            };
            self.reject(|| format!("{locator_kind} {locator}"), || format!("no {missing}; record skipped"));
            return;
        };
        let Some(time) = parse_sign_in_time(time_text) else {
            self.reject(
                || format!("{locator_kind} {locator}"),
                || {
                    format!(
                        "{} '{time_text}' is not a date (ISO 8601, or M/D/YYYY h:mm:ss AM/PM in UTC); record skipped",
                        names.time
                    )
                },
            );
            return;
        };
        if raw.id_is_correlation {
            self.ids_from_correlation += 1;
        }
        self.accept(SignIn {
            id: id.to_string(),
            time,
            user_principal_name: upn.to_string(),
            user_id: raw.user_id.map(str::to_string),
            user_type: raw.user_type.map(str::to_string),
            app: raw.app.map(str::to_string),
            client_app: raw.client_app.map(str::to_string),
            interactive: raw.interactive.or(self.interactive_by_name),
            status: raw.status,
            auth_requirement: raw.auth_requirement,
            tenant_id: raw.tenant_id.map(str::to_string),
            locator,
        });
    }
}

fn trim_start(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(bytes.len());
    &bytes[start..]
}

/// Trimmed text, `None` when nothing is left.
fn present(text: &str) -> Option<&str> {
    let text = text.trim();
    (!text.is_empty()).then_some(text)
}

/// Lowercase letters and digits only: `Date (UTC)` → `dateutc`, `Single-factor authentication` and
/// `singleFactorAuthentication` → `singlefactorauthentication`. Column names and values that differ
/// only in case, spacing or punctuation across export versions compare equal.
fn squash(text: &str) -> String {
    text.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

/// Compares like [`squash`] without allocating; `squashed` must already be squashed.
fn squashes_to(text: &str, squashed: &str) -> bool {
    let mut letters = text.bytes().filter(u8::is_ascii_alphanumeric).map(|b| b.to_ascii_lowercase());
    squashed.bytes().all(|b| letters.next() == Some(b)) && letters.next().is_none()
}

/// The portal's file kind: `NonInteractiveSignIns_…` or `InteractiveSignIns_…` (file name only,
/// not folders: a folder called `interactive` says nothing about what is in each file).
fn interactive_from_name(file: &str) -> Option<bool> {
    let name = file.rsplit(['/', '\\', '!']).next().unwrap_or(file);
    let name = squash(name);
    if name.contains("noninteractive") {
        Some(false)
    } else if name.contains("interactive") {
        Some(true)
    } else {
        None
    }
}

/// `Single-factor authentication`, `singleFactorAuthentication`, … in any spelling.
fn auth_requirement(text: Option<&str>) -> AuthRequirement {
    match text {
        Some(t) if squashes_to(t, "singlefactorauthentication") => AuthRequirement::SingleFactor,
        Some(t) if squashes_to(t, "multifactorauthentication") => AuthRequirement::MultiFactor,
        _ => AuthRequirement::Unknown,
    }
}

/// The portal's `Status` words.
fn status_word(text: &str) -> SignInStatus {
    if squashes_to(text, "success") {
        SignInStatus::Success
    } else if squashes_to(text, "failure") || squashes_to(text, "failed") {
        SignInStatus::Failure
    } else if squashes_to(text, "interrupted") {
        SignInStatus::Interrupted
    } else {
        SignInStatus::Unknown
    }
}

/// Graph `status.errorCode` / Log Analytics `ResultType`: 0 is success, any other code a failure.
fn status_code(code: i64) -> SignInStatus {
    if code == 0 { SignInStatus::Success } else { SignInStatus::Failure }
}

/// `true`/`false`, `Yes`/`No`, and sign-in event types (`interactiveUser`, `nonInteractiveUser`).
fn interactive_word(text: &str) -> Option<bool> {
    let word = squash(text);
    if word.contains("noninteractive") {
        return Some(false);
    }
    match word.as_str() {
        "true" | "yes" | "1" => Some(true),
        "false" | "no" | "0" => Some(false),
        _ if word.contains("interactive") => Some(true),
        _ => None,
    }
}

/// Sign-in times as exports write them: ISO 8601 / RFC 3339 (Graph writes up to 7 fractional
/// digits), or the US-locale `3/12/2025 7:22:01 AM` of older portal CSVs and some Log Analytics
/// exports, taken as UTC (the portal exports UTC).
fn parse_sign_in_time(text: &str) -> Option<Instant> {
    let text = text.trim();
    if let Some(t) = parse_timestamp(text) {
        return Some(t);
    }
    if !text.contains('/') {
        return None;
    }
    const US: [&str; 4] = ["%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M"];
    // A comma after the date appears when a spreadsheet re-saved the file.
    let text = text.replacen(", ", " ", 1);
    US.iter().find_map(|format| chrono::NaiveDateTime::parse_from_str(&text, format).ok()).map(|t| t.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Instant {
        parse_timestamp(s).unwrap()
    }

    #[test]
    fn times_in_iso_and_us_locale_spellings() {
        assert_eq!(parse_sign_in_time("2026-09-14T08:02:11Z"), Some(t("2026-09-14T08:02:11Z")));
        // Graph's seven fractional digits keep their first nine-digit precision (here 100 ns units).
        assert_eq!(
            parse_sign_in_time("2022-01-24T05:10:08.6816663+00:00"),
            Some(t("2022-01-24T05:10:08Z") + chrono::Duration::nanoseconds(681_666_300))
        );
        assert_eq!(parse_sign_in_time("3/12/2025 7:22:01 AM"), Some(t("2025-03-12T07:22:01Z")));
        assert_eq!(parse_sign_in_time("3/12/2025 7:22:01 PM"), Some(t("2025-03-12T19:22:01Z")));
        assert_eq!(parse_sign_in_time("12/3/2025 12:05:09 AM"), Some(t("2025-12-03T00:05:09Z")));
        assert_eq!(parse_sign_in_time("03/12/2025, 07:22:01"), Some(t("2025-03-12T07:22:01Z")));
        for bad in ["", "13/12/2025 7:22:01 AM", "yesterday", "2025-02-30T00:00:00Z", "1/2/3"] {
            assert_eq!(parse_sign_in_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn value_words_in_any_spelling() {
        assert_eq!(auth_requirement(Some("Single-factor authentication")), AuthRequirement::SingleFactor);
        assert_eq!(auth_requirement(Some("singleFactorAuthentication")), AuthRequirement::SingleFactor);
        assert_eq!(auth_requirement(Some("Multifactor authentication")), AuthRequirement::MultiFactor);
        assert_eq!(auth_requirement(Some("multiFactorAuthentication")), AuthRequirement::MultiFactor);
        assert_eq!(auth_requirement(Some("factor")), AuthRequirement::Unknown);
        assert_eq!(auth_requirement(None), AuthRequirement::Unknown);
        assert_eq!(status_word(" Success "), SignInStatus::Success);
        assert_eq!(status_word("Failure"), SignInStatus::Failure);
        assert_eq!(status_word("Interrupted"), SignInStatus::Interrupted);
        assert_eq!(status_word("Succeeded?"), SignInStatus::Unknown);
        assert_eq!(interactive_word("True"), Some(true));
        assert_eq!(interactive_word("No"), Some(false));
        assert_eq!(interactive_word("nonInteractiveUser"), Some(false));
        assert_eq!(interactive_word("interactiveUser"), Some(true));
        assert_eq!(interactive_word("maybe"), None);
    }

    #[test]
    fn the_file_name_says_interactive_or_not_but_folders_do_not() {
        assert_eq!(interactive_from_name("x/InteractiveSignIns_2026-09-01_2026-09-30.csv"), Some(true));
        assert_eq!(interactive_from_name("a.zip!NonInteractiveSignIns_2026-09-01.csv"), Some(false));
        assert_eq!(interactive_from_name("exports\\non-interactive-signins.json"), Some(false));
        assert_eq!(interactive_from_name("interactive/signins.csv"), None);
        assert_eq!(interactive_from_name("ServicePrincipalSignIns.csv"), None);
    }

    #[test]
    fn squashing_ignores_case_space_and_punctuation() {
        assert_eq!(squash(" Autonomous system  number"), "autonomoussystemnumber");
        assert_eq!(squash("\u{feff}Date (UTC)"), "dateutc");
        assert!(squashes_to("Application ID ", "applicationid"));
        assert!(!squashes_to("Application", "applicationid"));
        assert!(!squashes_to("Application ID x", "applicationid"));
    }

    #[test]
    fn empty_and_blank_content_is_not_sign_ins() {
        assert_eq!(sniff(b""), None);
        assert_eq!(sniff(b"\xEF\xBB\xBF \n\t"), None);
    }
}
