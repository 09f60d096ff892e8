//! One CloudTrail record as AWS writes it (the field order of eventVersion 1.08 and later), and
//! the spellings of the ids and times in it.

use chrono::{DateTime, Datelike, Timelike, Utc};
use serde::Serialize;
use serde_json::Value;

use crate::rng::Rng;

/// `userIdentity`. Which fields are present depends on the identity type, as in AWS's records.
#[derive(Serialize, Clone, Default, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Identity {
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub(crate) kind: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) principal_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) account_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) access_key_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) user_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) session_context: Option<SessionContext>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) invoked_by: Option<&'static str>,
}

#[derive(Serialize, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SessionContext {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) session_issuer: Option<Issuer>,
    /// Always `{}` for roles, as AWS writes it; absent for IAM users and root.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) web_id_federation_data: Option<Value>,
    pub(crate) attributes: Attributes,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) ec2_role_delivery: Option<&'static str>,
}

#[derive(Serialize, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Issuer {
    #[serde(rename = "type")]
    pub(crate) kind: &'static str,
    pub(crate) principal_id: String,
    pub(crate) arn: String,
    pub(crate) account_id: String,
    pub(crate) user_name: String,
}

#[derive(Serialize, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Attributes {
    pub(crate) creation_date: String,
    pub(crate) mfa_authenticated: &'static str,
}

#[derive(Serialize, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TlsDetails {
    pub(crate) tls_version: &'static str,
    pub(crate) cipher_suite: &'static str,
    pub(crate) client_provided_host_header: String,
}

#[derive(Serialize, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Record {
    pub(crate) event_version: &'static str,
    pub(crate) user_identity: Identity,
    pub(crate) event_time: String,
    pub(crate) event_source: &'static str,
    pub(crate) event_name: &'static str,
    pub(crate) aws_region: String,
    #[serde(rename = "sourceIPAddress")]
    pub(crate) source_ip: String,
    pub(crate) user_agent: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) error_code: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) error_message: Option<String>,
    pub(crate) request_parameters: Value,
    pub(crate) response_elements: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) additional_event_data: Option<Value>,
    /// Absent from ConsoleLogin records.
    #[serde(rename = "requestID", skip_serializing_if = "Option::is_none")]
    pub(crate) request_id: Option<String>,
    #[serde(rename = "eventID")]
    pub(crate) event_id: String,
    pub(crate) read_only: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) resources: Option<Value>,
    pub(crate) event_type: &'static str,
    pub(crate) management_event: bool,
    pub(crate) recipient_account_id: String,
    #[serde(rename = "sharedEventID", skip_serializing_if = "Option::is_none")]
    pub(crate) shared_event_id: Option<String>,
    pub(crate) event_category: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) tls_details: Option<TlsDetails>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) session_credential_from_console: Option<&'static str>,
    /// `eventTime` as seconds since the epoch, for the generator's own bookkeeping.
    #[serde(skip)]
    pub(crate) time: i64,
    /// `eventID` as a number, for de-duplication in the oracle.
    #[serde(skip)]
    pub(crate) id: u128,
}

/// A random UUID version 4 (RFC 9562 §5.4), as a number and in its usual spelling.
pub(crate) fn uuid(rng: &mut Rng) -> (u128, String) {
    let raw = (u128::from(rng.next()) << 64) | u128::from(rng.next());
    let v4 = (raw & !(0xF << 76) & !(0x3 << 62)) | (0x4 << 76) | (0x2 << 62);
    (v4, uuid_text(v4))
}

pub(crate) fn uuid_text(v: u128) -> String {
    let hex = format!("{v:032x}");
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const ALNUM: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `prefix` and then `n` characters of `alphabet`: IAM ids (AKIA…, AROA…) use base32 capitals.
pub(crate) fn token(rng: &mut Rng, prefix: &str, n: usize, alphabet: &[u8]) -> String {
    let mut s = String::with_capacity(prefix.len() + n);
    s.push_str(prefix);
    for _ in 0..n {
        s.push(char::from(rng.pick(alphabet)));
    }
    s
}

pub(crate) fn iam_id(rng: &mut Rng, prefix: &str) -> String {
    token(rng, prefix, 17, BASE32)
}

pub(crate) fn access_key(rng: &mut Rng, prefix: &str) -> String {
    token(rng, prefix, 16, BASE32)
}

/// The 16-character suffix of CloudTrail log file names.
pub(crate) fn alnum(rng: &mut Rng, n: usize) -> String {
    token(rng, "", n, ALNUM)
}

pub(crate) fn hex_upper(rng: &mut Rng, n: usize) -> String {
    token(rng, "", n, b"0123456789ABCDEF")
}

pub(crate) fn hex_lower(rng: &mut Rng, n: usize) -> String {
    token(rng, "", n, b"0123456789abcdef")
}

/// `2026-09-01T12:34:56Z`; times out of chrono's range (never made here) print as the epoch.
pub(crate) fn event_time(t: i64) -> String {
    let d = DateTime::<Utc>::from_timestamp(t, 0).unwrap_or_default();
    format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", d.year(), d.month(), d.day(), d.hour(), d.minute(), d.second())
}

/// `20260901T1235Z` (log file names) or, with seconds, `20260901T123504Z` (digest names).
pub(crate) fn compact_time(t: i64, seconds: bool) -> String {
    let d = DateTime::<Utc>::from_timestamp(t, 0).unwrap_or_default();
    let hm = format!("{:04}{:02}{:02}T{:02}{:02}", d.year(), d.month(), d.day(), d.hour(), d.minute());
    if seconds { format!("{hm}{:02}Z", d.second()) } else { format!("{hm}Z") }
}

/// `YYYY/MM/DD`, the date folders of the S3 layout.
pub(crate) fn date_path(t: i64) -> String {
    let d = DateTime::<Utc>::from_timestamp(t, 0).unwrap_or_default();
    format!("{:04}/{:02}/{:02}", d.year(), d.month(), d.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_version_4_variant_1() {
        let mut rng = Rng(5);
        for _ in 0..1000 {
            let (v, text) = uuid(&mut rng);
            assert_eq!(text.len(), 36);
            let parts: Vec<&str> = text.split('-').collect();
            assert_eq!(parts.iter().map(|p| p.len()).collect::<Vec<_>>(), [8, 4, 4, 4, 12]);
            assert!(parts[2].starts_with('4'), "{text}");
            assert!("89ab".contains(&parts[3][..1]), "{text}");
            assert_eq!(u128::from_str_radix(&text.replace('-', ""), 16).unwrap(), v);
        }
    }

    #[test]
    fn times_are_spelled_as_aws_does() {
        // 2026-09-01T00:05:09Z, computed by hand: 20,697 days after 1970-01-01.
        let t = 20_697 * 86_400 + 5 * 60 + 9;
        assert_eq!(event_time(t), "2026-09-01T00:05:09Z");
        assert_eq!(compact_time(t, false), "20260901T0005Z");
        assert_eq!(compact_time(t, true), "20260901T000509Z");
        assert_eq!(date_path(t), "2026/09/01");
    }
}
