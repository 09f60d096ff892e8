//! Dating evidence into snapshots. A snapshot is the exports of one account (or tenant) and
//! evidence kind of one instant. The instant comes from the evidence itself where it says
//! (a credential report's `GeneratedTime`), else from where the client filed it: the collection
//! scripts' `COLLECTION.txt`, or the nearest folder or zip whose name holds an ISO date or
//! date-time (`2026-03-31`, `snapshot-2026-03-31`, `2026-03-31T120000Z`,
//! `gapscope-aws-111111111111-20260331T120000Z.zip`). Undated evidence is one snapshot at the run's
//! as-of.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};

use crate::timefmt::{Instant, parse_timestamp};

/// Where a snapshot's date came from, as `inventory` and `findings.json` say it.
pub(crate) const SOURCE_GENERATED_TIME: &str = "GeneratedTime";
pub(crate) const SOURCE_COLLECTION: &str = "COLLECTION.txt";
pub(crate) const SOURCE_FOLDER: &str = "folder or zip name";
pub(crate) const SOURCE_NEWEST_TIMESTAMP: &str = "newest timestamp";
pub(crate) const SOURCE_RUN_AS_OF: &str = "run as-of (undated evidence)";

/// The first line of the collection scripts' `COLLECTION.txt` (templates/collect/).
const COLLECTION_TITLES: [&str; 2] = ["gapscope AWS evidence collection", "gapscope Entra ID evidence collection"];

/// Is this text a collection script's `COLLECTION.txt`?
pub(crate) fn is_collection_note(text: &[u8]) -> bool {
    let text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
    COLLECTION_TITLES.iter().any(|title| text.starts_with(title.as_bytes()))
}

/// The `started:` time of a `COLLECTION.txt`: when the bundle was collected.
pub(crate) fn collection_started(text: &str) -> Option<Instant> {
    text.lines().find_map(|line| line.strip_prefix("started:")).and_then(|t| parse_timestamp(t.trim()))
}

/// The folder (or archive, or folder inside an archive) an input path is in: `a/b.zip!c/d.json` is
/// in `a/b.zip!c`.
pub(crate) fn parent(path: &str) -> &str {
    path.rfind(['/', '!']).map_or("", |i| &path[..i])
}

/// The instant an ISO date or date-time in a folder or file name stands for: the last one in the
/// name (`gapscope-aws-<account>-<stamp>`), a bare date at 00:00:00Z (the start of the day the
/// exports were taken: a change later that day may or may not be in them).
pub(crate) fn date_in_name(name: &str) -> Option<Instant> {
    let bytes = name.as_bytes();
    let digit = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_digit);
    let mut found = None;
    let mut i = 0;
    while i < bytes.len() {
        // A date starts where a digit run starts.
        if !digit(i) || (i > 0 && digit(i - 1)) {
            i += 1;
            continue;
        }
        if let Some((t, len)) = date_at(&name[i..]) {
            found = Some(t);
            i += len;
        } else {
            i += 1;
        }
    }
    found
}

/// A date or date-time at the start of `s` and its length, when nothing but a non-digit follows.
fn date_at(s: &str) -> Option<(Instant, usize)> {
    let b = s.as_bytes();
    let digits = |from: usize, n: usize| b.get(from..from + n).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let num = |from: usize, n: usize| s.get(from..from + n).and_then(|d| d.parse::<u32>().ok());
    // 2026-03-31 or 20260331 (the compact form only with a time, so that a bare number is never a date).
    let (date, mut len, compact) =
        if digits(0, 4) && b.get(4) == Some(&b'-') && digits(5, 2) && b.get(7) == Some(&b'-') && digits(8, 2) {
            (NaiveDate::from_ymd_opt(num(0, 4)? as i32, num(5, 2)?, num(8, 2)?)?, 10, false)
        } else if digits(0, 8) && b.get(8) == Some(&b'T') {
            (NaiveDate::from_ymd_opt(num(0, 4)? as i32, num(4, 2)?, num(6, 2)?)?, 8, true)
        } else {
            return None;
        };
    let mut time = NaiveTime::MIN;
    if b.get(len) == Some(&b'T') {
        let at = len + 1;
        // 120000, 12:00:00 or 1200, optionally followed by Z.
        let parsed = if digits(at, 2) && b.get(at + 2) == Some(&b':') && digits(at + 3, 2) {
            let seconds = (b.get(at + 5) == Some(&b':') && digits(at + 6, 2)).then(|| num(at + 6, 2)).flatten();
            let t = NaiveTime::from_hms_opt(num(at, 2)?, num(at + 3, 2)?, seconds.unwrap_or(0))?;
            Some((t, if seconds.is_some() { 8 } else { 5 }))
        } else if digits(at, 6) {
            Some((NaiveTime::from_hms_opt(num(at, 2)?, num(at + 2, 2)?, num(at + 4, 2)?)?, 6))
        } else if digits(at, 4) {
            Some((NaiveTime::from_hms_opt(num(at, 2)?, num(at + 2, 2)?, 0)?, 4))
        } else {
            None
        };
        match parsed {
            Some((t, n)) => {
                time = t;
                len = at + n;
                if b.get(len) == Some(&b'Z') {
                    len += 1;
                }
            }
            None if compact => return None,
            None => {}
        }
    } else if compact {
        return None;
    }
    if b.get(len).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    Some((Utc.from_utc_datetime(&date.and_time(time)), len))
}

/// The dates folders give the inputs below them: a `COLLECTION.txt`'s start time for its folder,
/// else the nearest folder or zip whose name holds a date.
#[derive(Debug, Default)]
pub(crate) struct Dating {
    /// Folder path → when its bundle was collected (`COLLECTION.txt`).
    collected: BTreeMap<String, Instant>,
}

impl Dating {
    /// `notes`: each `COLLECTION.txt`'s path and start time.
    pub(crate) fn new<'a>(notes: impl IntoIterator<Item = (&'a str, Instant)>) -> Dating {
        let mut collected = BTreeMap::new();
        for (path, started) in notes {
            // Two notes in one folder (a copy renamed): the earlier start dates it.
            let slot = collected.entry(parent(path).to_string()).or_insert(started);
            *slot = (*slot).min(started);
        }
        Dating { collected }
    }

    /// The date of an input from where it is filed, and where that date came from.
    pub(crate) fn of_path(&self, path: &str) -> Option<(Instant, &'static str)> {
        let mut dir = parent(path);
        loop {
            if let Some(&t) = self.collected.get(dir) {
                return Some((t, SOURCE_COLLECTION));
            }
            let name = dir.rfind(['/', '!']).map_or(dir, |i| &dir[i + 1..]);
            if let Some(t) = date_in_name(name) {
                return Some((t, SOURCE_FOLDER));
            }
            if dir.is_empty() {
                return None;
            }
            dir = parent(dir);
        }
    }
}

/// The snapshot kind of a manifest label: one kind per export, whatever its file format; `None`
/// for evidence that is a log over time rather than a picture of one moment (CloudTrail).
pub(crate) fn snapshot_kind(label: &str) -> Option<&str> {
    if label.starts_with("aws.cloudtrail.log")
        || label.starts_with("aws.cloudtrail.lookup")
        || label.starts_with("aws.cloudtrail.digest")
        || label.starts_with("aws.cloudtrail.public_keys")
        || label == crate::evidence::kinds::LABEL_COLLECTION
    {
        return None;
    }
    // One export in several formats (`aws.iam.credential_report (csv)` and `(json)`, `entra.users
    // (csv)` and `(json)`) is one kind.
    Some(label.rsplit_once(" (").filter(|(_, format)| format.ends_with(')')).map_or(label, |(kind, _)| kind))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Instant {
        parse_timestamp(s).unwrap()
    }

    #[test]
    fn names_holding_an_iso_date_or_date_time_date_what_is_below_them() {
        assert_eq!(date_in_name("2026-03-31"), Some(t("2026-03-31T00:00:00Z")));
        assert_eq!(date_in_name("snapshot-2026-03-31"), Some(t("2026-03-31T00:00:00Z")));
        assert_eq!(date_in_name("2026-03-31T120000Z"), Some(t("2026-03-31T12:00:00Z")));
        assert_eq!(date_in_name("2026-03-31T12:30:05Z.zip"), Some(t("2026-03-31T12:30:05Z")));
        assert_eq!(date_in_name("gapscope-aws-111111111111-20260331T120000Z.zip"), Some(t("2026-03-31T12:00:00Z")));
        // The last date of a name that holds two (a range) is the one the export is of.
        assert_eq!(date_in_name("export_2026-01-01_2026-01-31"), Some(t("2026-01-31T00:00:00Z")));
    }

    #[test]
    fn numbers_that_are_not_dates_date_nothing() {
        for name in ["111111111111", "20260331", "2026-13-01", "2026-02-30", "12026-03-31", "2026-03-311", "v2026"] {
            assert_eq!(date_in_name(name), None, "{name}");
        }
        // An account id next to a compact stamp is still only the stamp.
        assert_eq!(date_in_name("111120260331T120000Z"), None);
    }

    #[test]
    fn the_nearest_dated_folder_or_collection_note_dates_an_input() {
        let dating = Dating::new([("in/b/gapscope-aws-1-x/COLLECTION.txt", t("2026-05-31T09:15:00Z"))]);
        assert_eq!(dating.of_path("in/2026-03-31/acct/report.json"), Some((t("2026-03-31T00:00:00Z"), SOURCE_FOLDER)));
        assert_eq!(
            dating.of_path("in/2026/2026-04-30.zip!sub/2026-04-29/x.json"),
            Some((t("2026-04-29T00:00:00Z"), SOURCE_FOLDER))
        );
        assert_eq!(dating.of_path("in/2026-04-30.zip!x.json"), Some((t("2026-04-30T00:00:00Z"), SOURCE_FOLDER)));
        assert_eq!(
            dating.of_path("in/b/gapscope-aws-1-x/iam/report.json"),
            Some((t("2026-05-31T09:15:00Z"), SOURCE_COLLECTION))
        );
        // A file's own name does not date it (sign-in exports name the days they cover).
        assert_eq!(dating.of_path("in/InteractiveSignIns_2026-09-01_2026-09-30.csv"), None);
    }

    #[test]
    fn a_collection_note_is_known_by_its_title_and_dated_by_its_start() {
        let note = "gapscope AWS evidence collection\nscript: gapscope collect aws\nstarted: 2026-03-31T12:00:05Z\n";
        assert!(is_collection_note(note.as_bytes()));
        assert!(!is_collection_note(b"started: 2026-03-31T12:00:05Z"));
        assert_eq!(collection_started(note), Some(t("2026-03-31T12:00:05Z")));
        assert_eq!(collection_started("gapscope AWS evidence collection\nstarted: soon\n"), None);
    }

    #[test]
    fn logs_are_no_snapshots_and_formats_of_one_export_are_one_kind() {
        assert_eq!(snapshot_kind("aws.cloudtrail.log"), None);
        assert_eq!(snapshot_kind("aws.iam.credential_report (csv)"), snapshot_kind("aws.iam.credential_report (json)"));
        assert_eq!(snapshot_kind("entra.signins (csv)"), Some("entra.signins"));
        assert_eq!(snapshot_kind("entra.users (json)"), snapshot_kind("entra.users (csv)"));
        assert_eq!(snapshot_kind("aws.ec2.security_groups"), Some("aws.ec2.security_groups"));
    }
}
