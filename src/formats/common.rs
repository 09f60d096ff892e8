//! What every parser shares: a UTF-8 byte-order mark dropped, JSON value types named the same way in
//! every message, and one reading of AWS ARNs.

use serde_json::Value;

/// The content without a UTF-8 byte-order mark (Windows tools write one).
pub(crate) fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// How a JSON value is named in error messages ("is a string, expected a list").
pub(crate) fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Content that is not text: a NUL byte, or invalid UTF-8 with too few printable bytes.
pub(crate) fn looks_binary(text: &[u8]) -> bool {
    let sample = &text[..text.len().min(4096)];
    text.contains(&0) || std::str::from_utf8(sample).is_err() && !looks_mostly_text(sample)
}

fn looks_mostly_text(sample: &[u8]) -> bool {
    let printable = sample.iter().filter(|b| b.is_ascii_graphic() || b.is_ascii_whitespace() || **b >= 0x80).count();
    printable * 10 >= sample.len() * 9
}

/// The lower-cased, unquoted columns of a CSV header line, when the text is not binary and the
/// header has two columns at least.
pub(crate) fn csv_header_columns(text: &[u8]) -> Option<Vec<String>> {
    if looks_binary(text) {
        return None;
    }
    let header_line = text.split(|&b| b == b'\n').next().unwrap_or_default();
    let header = String::from_utf8_lossy(header_line);
    let columns: Vec<String> = header.split(',').map(|c| c.trim().trim_matches('"').to_ascii_lowercase()).collect();
    (columns.len() >= 2).then_some(columns)
}

/// An ARN, `arn:partition:service:region:account:resource`, split into its parts (borrowed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Arn<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    /// Absent when the text stops before the resource part.
    pub resource: Option<&'a str>,
}

impl<'a> Arn<'a> {
    /// Reads `text` as an ARN: `None` unless it starts with `arn:` and has at least the account part.
    pub(crate) fn parse(text: &'a str) -> Option<Arn<'a>> {
        let mut parts = text.strip_prefix("arn:")?.splitn(5, ':');
        Some(Arn {
            partition: parts.next()?,
            service: parts.next()?,
            region: parts.next()?,
            account: parts.next()?,
            resource: parts.next(),
        })
    }

    /// The account part when it is a 12-digit AWS account id.
    pub(crate) fn account_id(&self) -> Option<&'a str> {
        let a = self.account;
        (a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit())).then_some(a)
    }
}

/// The 12-digit account in an ARN (`arn:aws:cloudtrail:us-east-1:123456789012:trail/x`), if it has one.
pub(crate) fn account_from_arn(arn: &str) -> Option<String> {
    Arn::parse(arn)?.account_id().map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arn_parts_in_any_partition() {
        let arn = Arn::parse("arn:aws-us-gov:iam::210987654321:user/a:b").unwrap();
        assert_eq!((arn.partition, arn.service, arn.region), ("aws-us-gov", "iam", ""));
        assert_eq!(arn.account_id(), Some("210987654321"));
        assert_eq!(arn.resource, Some("user/a:b"));
        assert_eq!(Arn::parse("arn:aws:cloudtrail:us-east-1:123456789012").unwrap().resource, None);
        assert_eq!(Arn::parse("arn:aws:cloudtrail"), None);
        assert_eq!(Arn::parse("user/x"), None);
    }

    #[test]
    fn accounts_come_only_from_the_account_field_of_an_arn() {
        assert_eq!(
            account_from_arn("arn:aws:cloudtrail:us-east-1:123456789012:trail/x").as_deref(),
            Some("123456789012")
        );
        assert_eq!(account_from_arn("arn:aws-us-gov:iam::210987654321:root").as_deref(), Some("210987654321"));
        for none in [
            "arn:aws:s3:::bucket",
            "arn:aws:cloudtrail",
            "",
            "trail/x",
            "arn:aws:x:r:12345678901a:y",
            "arn:aws:x:r:1234:y",
        ] {
            assert_eq!(account_from_arn(none), None, "{none}");
        }
    }

    #[test]
    fn bom_and_json_kinds() {
        assert_eq!(strip_bom(b"\xEF\xBB\xBF{}"), b"{}");
        assert_eq!(strip_bom(b"{}"), b"{}");
        assert_eq!(json_kind(&serde_json::json!("x")), "a string");
        assert_eq!(json_kind(&serde_json::json!([1])), "an array");
    }
}
