//! The IAM credential report: its model, its AWS spellings (console CSV and CLI JSON), and the
//! generators that write it (`random`: any size, for benchmarks; `samples`: the designed bundle
//! with its expected verdicts, computed by `oracle`).

mod oracle;
pub(crate) mod random;
pub(crate) mod samples;

use std::io::{self, Write};

use anyhow::{Result, ensure};
use chrono::{DateTime, Datelike, Timelike, Utc};

use crate::common::zulu;

pub(crate) const HEADER: &str = "user,arn,user_creation_time,password_enabled,password_last_used,\
password_last_changed,password_next_rotation,mfa_active,access_key_1_active,\
access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,\
access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,\
access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,\
cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";

/// Console password columns. Timestamps are seconds since the epoch, UTC.
#[derive(Clone, Copy)]
enum Password {
    /// The root row: `password_enabled` etc. are `not_supported`; `None` = never used.
    Root { last_used: Option<i64> },
    /// No console password: `false`, then `N/A` for last used/changed/next rotation.
    Disabled,
    /// `last_used: None` is spelled `no_information` (never signed in).
    Enabled { last_used: Option<i64>, last_changed: i64 },
}

#[derive(Clone, Copy)]
struct KeyUse {
    at: i64,
    region: &'static str,
    service: &'static str,
}

/// An access key slot that holds a key; an empty slot is `None` in [`Row::keys`].
#[derive(Clone, Copy)]
struct Key {
    active: bool,
    rotated: i64,
    used: Option<KeyUse>,
}

/// One line of the report. Certificates are never generated (`false,N/A` twice).
struct Row {
    user: String,
    created: i64,
    password: Password,
    mfa: bool,
    keys: [Option<Key>; 2],
}

impl Row {
    fn new(user: &str, created: i64) -> Row {
        let (password, mfa, keys) = (Password::Disabled, false, [None, None]);
        Row { user: user.to_owned(), created, password, mfa, keys }
    }
    fn root(created: i64, last_used: Option<i64>, mfa: bool) -> Row {
        let password = Password::Root { last_used };
        Row { user: "<root_account>".to_owned(), created, password, mfa, keys: [None, None] }
    }
    fn console(mut self, last_used: Option<i64>, last_changed: i64, mfa: bool) -> Row {
        self.password = Password::Enabled { last_used, last_changed };
        self.mfa = mfa;
        self
    }
    /// `slot` is 0 or 1 (access_key_1 / access_key_2).
    fn key(mut self, slot: usize, active: bool, rotated: i64, used: Option<KeyUse>) -> Row {
        self.keys[slot] = Some(Key { active, rotated, used });
        self
    }
    fn is_root(&self) -> bool {
        matches!(self.password, Password::Root { .. })
    }
    fn arn(&self, account: &str) -> String {
        if self.is_root() {
            format!("arn:aws:iam::{account}:root")
        } else {
            format!("arn:aws:iam::{account}:user/{}", self.user)
        }
    }
    fn password_last_used(&self) -> Option<i64> {
        match self.password {
            Password::Root { last_used } | Password::Enabled { last_used, .. } => last_used,
            Password::Disabled => None,
        }
    }
    /// Newest last-used date of either key, active or not.
    fn last_key_use(&self) -> Option<i64> {
        self.keys.iter().flatten().filter_map(|k| k.used.map(|u| u.at)).max()
    }
    fn timestamps(&self) -> Vec<i64> {
        let mut all = vec![self.created];
        all.extend(self.password_last_used());
        if let Password::Enabled { last_changed, .. } = self.password {
            all.push(last_changed);
        }
        for key in self.keys.iter().flatten() {
            all.push(key.rotated);
            all.extend(key.used.map(|u| u.at));
        }
        all
    }
}

/// Writes the report as AWS does: `\n` line ends and no newline after the last row. User names
/// made here never contain commas or quotes, so no field needs quoting.
fn write_csv(w: &mut impl Write, account: &str, rows: &[Row]) -> io::Result<()> {
    w.write_all(HEADER.as_bytes())?;
    for row in rows {
        w.write_all(b"\n")?;
        write!(w, "{},{},", row.user, row.arn(account))?;
        write_ts(w, row.created)?;
        match row.password {
            Password::Root { last_used } => {
                w.write_all(b",not_supported,")?;
                write_opt_ts(w, last_used, "no_information")?;
                w.write_all(b",not_supported,not_supported")?;
            }
            Password::Disabled => w.write_all(b",false,N/A,N/A,N/A")?,
            Password::Enabled { last_used, last_changed } => {
                w.write_all(b",true,")?;
                write_opt_ts(w, last_used, "no_information")?;
                w.write_all(b",")?;
                write_ts(w, last_changed)?;
                // No password policy with a maximum age: AWS then writes N/A.
                w.write_all(b",N/A")?;
            }
        }
        w.write_all(if row.mfa { b",true" } else { b",false" })?;
        for key in &row.keys {
            let Some(key) = key else {
                w.write_all(b",false,N/A,N/A,N/A,N/A")?;
                continue;
            };
            w.write_all(if key.active { b",true," } else { b",false," })?;
            write_ts(w, key.rotated)?;
            match key.used {
                None => w.write_all(b",N/A,N/A,N/A")?,
                Some(u) => {
                    w.write_all(b",")?;
                    write_ts(w, u.at)?;
                    write!(w, ",{},{}", u.region, u.service)?;
                }
            }
        }
        w.write_all(b",false,N/A,false,N/A")?;
    }
    Ok(())
}

/// `2026-09-30T17:45:12+00:00`, the credential report's spelling.
fn write_ts(w: &mut impl Write, t: i64) -> io::Result<()> {
    let d = DateTime::<Utc>::from_timestamp(t, 0)
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "timestamp out of range"))?;
    let (date, time) = ((d.year(), d.month(), d.day()), (d.hour(), d.minute(), d.second()));
    write!(w, "{:04}-{:02}-{:02}T", date.0, date.1, date.2)?;
    write!(w, "{:02}:{:02}:{:02}+00:00", time.0, time.1, time.2)
}

fn write_opt_ts(w: &mut impl Write, t: Option<i64>, none: &str) -> io::Result<()> {
    match t {
        Some(t) => write_ts(w, t),
        None => w.write_all(none.as_bytes()),
    }
}

/// The `aws iam get-credential-report` output: 4-space indent like the CLI, Content streamed
/// through a base64 encoder so that large reports never sit in memory twice.
fn write_cli_json(w: &mut impl Write, account: &str, rows: &[Row], generated: i64) -> Result<()> {
    let generated = zulu(generated)?;
    w.write_all(b"{\n    \"Content\": \"")?;
    let engine = base64::engine::general_purpose::STANDARD;
    let mut encoder = base64::write::EncoderWriter::new(&mut *w, &engine);
    write_csv(&mut encoder, account, rows)?;
    encoder.finish()?;
    drop(encoder);
    write!(w, "\",\n    \"GeneratedTime\": \"{generated}\",\n")?;
    w.write_all(b"    \"ReportFormat\": \"text/csv\"\n}\n")?;
    Ok(())
}

/// Every timestamp at or after the user's creation, keys used after their creation, nothing
/// after `as_of`: what AWS itself guarantees.
fn check_consistency(rows: &[Row], as_of: i64) -> Result<()> {
    for row in rows {
        let name = &row.user;
        for t in row.timestamps() {
            ensure!(t >= row.created && t <= as_of, "{name}: timestamp {t} out of order");
        }
        for key in row.keys.iter().flatten() {
            let used = key.used.map_or(key.rotated, |u| u.at);
            ensure!(used >= key.rotated, "{name}: key used before it was created");
        }
    }
    Ok(())
}
