//! A year of CloudTrail for an account, in the S3 layout
//! (`AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<stamp>_<id>.json.gz`):
//! read-only background calls every day (so every day is covered), and the plan's change events
//! at their instants. Nothing is logged while the trail is stopped.

use std::io::Write;
use std::path::Path;

use anyhow::Result;
use flate2::{Compression, GzBuilder};
use rayon::prelude::*;
use serde_json::{Value, json};

use super::plan::{Account, Event, REGION, World, failing_at};
use crate::common::{DAY, write_file, zulu};
use crate::rng::Rng;

/// How much background to write.
#[derive(Clone, Copy)]
pub(crate) struct Volume {
    pub(crate) files_per_day: u64,
    pub(crate) events_per_file: u64,
}

const READS: [(&str, &str); 6] = [
    ("ec2.amazonaws.com", "DescribeInstances"),
    ("ec2.amazonaws.com", "DescribeSecurityGroups"),
    ("s3.amazonaws.com", "ListBuckets"),
    ("rds.amazonaws.com", "DescribeDBInstances"),
    ("sts.amazonaws.com", "GetCallerIdentity"),
    ("iam.amazonaws.com", "ListUsers"),
];

fn uuid(rng: &mut Rng) -> String {
    let hex: String = (0..32).map(|_| char::from(b"0123456789abcdef"[rng.below(16) as usize])).collect();
    let v4 = format!("{}4{}{}{}", &hex[..12], &hex[13..16], ["8", "9", "a", "b"][rng.below(4) as usize], &hex[17..]);
    format!("{}-{}-{}-{}-{}", &v4[..8], &v4[8..12], &v4[12..16], &v4[16..20], &v4[20..32])
}

fn record(a: &Account, rng: &mut Rng, t: i64, e: &Event, read_only: bool) -> Result<Value> {
    let identity = if read_only {
        json!({"type": "AssumedRole", "principalId": "AROAEXAMPLEREADONLY01:monitor",
            "arn": format!("arn:aws:sts::{}:assumed-role/ReadOnly/monitor", a.id), "accountId": a.id,
            "accessKeyId": "ASIAEXAMPLEMONITOR01",
            "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "AROAEXAMPLEREADONLY01",
                "arn": format!("arn:aws:iam::{}:role/ReadOnly", a.id), "accountId": a.id, "userName": "ReadOnly"},
                "attributes": {"creationDate": zulu(t - 600)?, "mfaAuthenticated": "false"}}})
    } else {
        json!({"type": "IAMUser", "principalId": "AIDAEXAMPLEADMINOPS1",
            "arn": format!("arn:aws:iam::{}:user/admin-ops", a.id), "accountId": a.id,
            "accessKeyId": "ASIAEXAMPLEADMINOPS1", "userName": "admin-ops",
            "sessionContext": {"attributes": {"creationDate": zulu(t - 1_800)?, "mfaAuthenticated": "true"}}})
    };
    let mut r = json!({"eventVersion": "1.09", "userIdentity": identity, "eventTime": zulu(t)?,
        "eventSource": e.source, "eventName": e.name, "awsRegion": REGION,
        "sourceIPAddress": if read_only { "10.20.3.7" } else { "203.0.113.10" },
        "userAgent": "aws-cli/2.27.41 md/awscrt#0.26.1 ua/2.1 os/linux#6.1 md/arch#x86_64 lang/python#3.13.4",
        "requestParameters": e.params, "responseElements": e.response,
        "requestID": uuid(rng), "eventID": uuid(rng), "readOnly": read_only, "eventType": "AwsApiCall",
        "managementEvent": true, "recipientAccountId": a.id, "eventCategory": "Management"});
    if !read_only && let Some(map) = r.as_object_mut() {
        map.insert(
            "tlsDetails".into(),
            json!({"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256",
                "clientProvidedHostHeader": e.source.replace("amazonaws.com", "us-east-1.amazonaws.com")}),
        );
    }
    Ok(r)
}

/// The 16-character suffix of log file names.
fn token(rng: &mut Rng) -> String {
    const ALNUM: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    (0..16).map(|_| char::from(ALNUM[rng.below(62) as usize])).collect()
}

fn gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut enc = GzBuilder::new().operating_system(0).write(Vec::with_capacity(bytes.len() / 8), Compression::fast());
    enc.write_all(bytes)?;
    Ok(enc.finish()?)
}

fn compact(t: i64) -> Result<String> {
    // 2026-03-03T10:05:00Z → 20260303T1005Z
    let z = zulu(t)?.replace(['-', ':'], "");
    Ok(format!("{}Z", &z[..13]))
}

/// Writes the year of account `a` under `out`; returns the number of records.
pub(crate) fn write_account(out: &Path, w: &World, a: &Account, seed: u64, v: Volume) -> Result<u64> {
    let files = v.files_per_day.max(1);
    let slot = DAY / files as i64;
    let days = (w.end - w.start) / DAY;
    let counts: Vec<u64> = (0..days)
        .into_par_iter()
        .map(|d| -> Result<u64> {
            let day = w.start + d * DAY;
            let mut n = 0;
            for k in 0..files as i64 {
                let (from, to) = (day + k * slot, if k + 1 == files as i64 { day + DAY } else { day + (k + 1) * slot });
                let mut rng =
                    Rng::derived(seed, &[b"period-trail", a.id.as_bytes(), &d.to_le_bytes(), &k.to_le_bytes()]);
                let mut timed: Vec<(i64, Value)> = Vec::new();
                for _ in 0..v.events_per_file {
                    let t = rng.range(from, to - 1);
                    if failing_at(&a.trail_stopped, t) {
                        continue;
                    }
                    let (source, name) = rng.pick(&READS);
                    let e = Event { at: t, source, name, params: Value::Null, response: Value::Null };
                    timed.push((t, record(a, &mut rng, t, &e, true)?));
                }
                for e in a.events.iter().filter(|e| e.at >= from && e.at < to) {
                    timed.push((e.at, record(a, &mut rng, e.at, e, false)?));
                }
                if timed.is_empty() {
                    continue;
                }
                timed.sort_by_key(|(t, _)| *t);
                n += timed.len() as u64;
                let records: Vec<Value> = timed.into_iter().map(|(_, r)| r).collect();
                let body = serde_json::to_vec(&json!({"Records": records}))?;
                let delivered = to + 300;
                let date = zulu(day)?;
                let name = format!(
                    "AWSLogs/{id}/CloudTrail/{REGION}/{}/{}/{}/{id}_CloudTrail_{REGION}_{}_{}.json.gz",
                    &date[..4],
                    &date[5..7],
                    &date[8..10],
                    compact(delivered)?,
                    token(&mut rng),
                    id = a.id
                );
                write_file(&out.join(name), &gzip(&body)?)?;
            }
            Ok(n)
        })
        .collect::<Result<_>>()?;
    Ok(counts.iter().sum())
}
