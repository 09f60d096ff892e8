//! The portal's interactive sign-in CSV, 2024 layout (`shared/formats/entra.md`): UTF-8 BOM, every
//! field quoted, newest first, written day by day through one reused buffer.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

use super::Run;
use super::guid_text;
use super::oracle::Tally;
use super::signins::{APPS, PLACES, SignIn, Volume, day_rows, iso, signers, sort_newest_first};
use super::tenant::{Outcome, Sink, TENANT_NAME, Tenant};
use crate::common::{DAY, create};

/// The 2024 portal header's columns, in order (`shared/formats/entra.md`), spaces as the portal has them.
const COLUMNS: [&str; 55] = [
    "Date (UTC)",
    "Request ID",
    "User agent",
    "Correlation ID",
    "User ID",
    "User",
    "Username",
    "User type",
    "Cross tenant access type",
    "Incoming token type",
    "Authentication Protocol",
    "Unique token identifier",
    "Original transfer method",
    "Client credential type",
    "Token Protection - Sign In Session",
    "Token Protection - Sign In Session StatusCode",
    "Application",
    "Application ID ",
    "Resource",
    "Resource ID ",
    "Resource tenant ID",
    "Home tenant ID",
    "Home tenant name",
    "IP address",
    "Location",
    "Status",
    "Sign-in error code",
    "Failure reason",
    "Client app",
    "Device ID",
    "Browser",
    "Operating System",
    "Compliant",
    "Managed",
    "Join Type",
    "Multifactor authentication result",
    "Multifactor authentication auth method",
    "Multifactor authentication auth detail",
    "Authentication requirement",
    "Sign-in identifier",
    "Session ID",
    "IP address (seen by resource)",
    "Through Global Secure Access",
    "Global Secure Access IP address",
    "Autonomous system  number",
    "Flagged for review",
    "Token issuer type",
    "Incoming token type",
    "Token issuer name",
    "Latency",
    "Conditional Access",
    "Managed Identity type",
    "Associated Resource Id",
    "Federated Token Id",
    "Federated Token Issuer",
];

fn field(buf: &mut Vec<u8>, value: &str) {
    buf.push(b'"');
    for part in value.split_inclusive('"') {
        buf.extend_from_slice(part.as_bytes());
        if part.ends_with('"') {
            buf.push(b'"');
        }
    }
    buf.extend_from_slice(b"\",");
}

fn row(buf: &mut Vec<u8>, s: &SignIn, t: &Tenant) {
    let Some(u) = t.users.get(s.user) else { return };
    let app = APPS.get(s.app).unwrap_or(&APPS[0]);
    let place = PLACES.get(u.place).unwrap_or(&PLACES[0]);
    let (agent, browser, os) = s.device();
    let token =
        base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, (s.id ^ s.session).to_le_bytes());
    let success = s.outcome == Outcome::Success;
    let (mfa_result, mfa_method) = match (s.mfa && success, s.id % 3) {
        (false, _) => ("", ""),
        (true, 0) => ("MFA successfully completed", "Mobile app notification"),
        (true, _) => ("MFA requirement satisfied by claim in the token", "Previously satisfied"),
    };
    let status = match s.outcome {
        Outcome::Success => "Success",
        Outcome::Failure => "Failure",
        Outcome::Interrupted => "Interrupted",
    };
    let latency = (50 + s.correlation % 400).to_string();
    let values: [&str; 55] = [
        &iso(s.time),
        &guid_text(s.id),
        agent,
        &guid_text(s.correlation),
        &u.id,
        &u.display(),
        &u.upn,
        if u.guest { "Guest" } else { "Member" },
        "None",
        "None",
        if s.legacy() { "ROPC" } else { "None" },
        &token,
        "None",
        "None",
        "",
        "",
        app.name,
        app.id,
        app.resource,
        app.resource_id,
        &t.id,
        &t.id,
        TENANT_NAME,
        &s.ip(u),
        &format!("{}, {}, {}", place.city, place.state, place.country),
        status,
        &s.error_code().to_string(),
        s.failure_reason(),
        s.client,
        "",
        browser,
        os,
        "False",
        "False",
        "",
        mfa_result,
        mfa_method,
        "",
        if s.mfa { "Multifactor authentication" } else { "Single-factor authentication" },
        &u.upn,
        &guid_text(s.session),
        "",
        "No",
        "",
        &place.asn.to_string(),
        "No",
        "AzureAD",
        "None",
        "",
        &latency,
        if s.mfa && success { "Success" } else { "Not Applied" },
        "",
        "",
        "",
        "",
    ];
    for v in values {
        field(buf, v);
    }
    buf.pop();
    buf.push(b'\n');
}

/// The header line as the portal writes it: every name quoted.
pub(super) fn header() -> String {
    COLUMNS.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(",")
}

/// Writes the interactive CSV (UTF-8 BOM, every field quoted, newest first) and feeds every row to
/// the oracle's tally. Returns the number of data rows.
pub(super) fn write_csv(
    path: &Path,
    run: &Run,
    planted: &[(Sink, SignIn)],
    volume: Volume,
    tally: &mut Tally,
) -> Result<u64> {
    let mut w = create(path)?;
    let signers = signers(&run.tenant);
    anyhow::ensure!(
        !matches!(volume, Volume::Exact(n) if n > 0) || !signers.is_empty(),
        "--signins: no random user signs in; give --users 1 or more"
    );
    let mut buf = Vec::with_capacity(1 << 16);
    buf.extend_from_slice("\u{feff}".as_bytes());
    buf.extend_from_slice(header().as_bytes());
    buf.push(b'\n');
    let mut rows_written = 0u64;
    for (index, &day) in run.active.iter().enumerate() {
        let mut rows = day_rows(run, &signers, day, index, &volume, true);
        rows.extend(
            planted
                .iter()
                .filter(|(sink, s)| matches!(sink, Sink::Csv | Sink::Both) && s.time.div_euclid(DAY) == day)
                .map(|(_, s)| s.clone()),
        );
        sort_newest_first(&mut rows);
        for s in &rows {
            row(&mut buf, s, &run.tenant);
            tally.add(s);
            // 64 KiB between writes: the BufWriter then copies in large blocks.
            if buf.len() >= 1 << 16 {
                w.write_all(&buf).with_context(|| format!("cannot write {}", path.display()))?;
                buf.clear();
            }
        }
        rows_written += rows.len() as u64;
    }
    w.write_all(&buf).and_then(|()| w.flush()).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(rows_written)
}
