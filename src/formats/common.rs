//! What every parser shares: a UTF-8 byte-order mark dropped, JSON value types named the same way in
//! every message, and one reading of AWS ARNs.

use serde_json::Value;

/// The content without a UTF-8 byte-order mark (Windows tools write one).
pub(crate) fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// The first key written twice in one object of a JSON text, with its path (`logFiles[0].hashValue`).
/// `serde_json::Value` keeps the last copy silently and other readers keep the first, so a file that
/// repeats a key means different things to different tools: the parsers that build a `Value` ask
/// this first. Invalid JSON gives `None` (the parse that follows reports it).
/// UTF-16 text known by its byte-order mark (what Windows PowerShell 5.1's `Out-File` and
/// `ConvertTo-Json | Out-File` write by default), as UTF-8 with its BOM: every parser reads UTF-8.
/// `None` for anything else. An unpaired surrogate becomes U+FFFD; an odd last byte is dropped.
pub(crate) fn utf16_as_utf8(bytes: &[u8]) -> Option<Vec<u8>> {
    let (little, body) = match bytes {
        [0xFF, 0xFE, rest @ ..] => (true, rest),
        [0xFE, 0xFF, rest @ ..] => (false, rest),
        _ => return None,
    };
    let units = body
        .chunks_exact(2)
        .map(|p| if little { u16::from_le_bytes([p[0], p[1]]) } else { u16::from_be_bytes([p[0], p[1]]) });
    let mut out = Vec::with_capacity(body.len() / 2 + 3);
    out.extend_from_slice(b"\xEF\xBB\xBF");
    let mut buf = [0u8; 4];
    for c in char::decode_utf16(units) {
        out.extend_from_slice(c.unwrap_or(char::REPLACEMENT_CHARACTER).encode_utf8(&mut buf).as_bytes());
    }
    Some(out)
}

pub(crate) fn first_duplicate_key(text: &[u8]) -> Option<String> {
    use serde::de::Deserializer as _;
    let mut found = None;
    let mut de = serde_json::Deserializer::from_slice(strip_bom(text));
    let _ = de.deserialize_any(DuplicateKeys { path: String::new(), found: &mut found });
    found
}

struct DuplicateKeys<'f> {
    path: String,
    found: &'f mut Option<String>,
}

impl<'de> serde::de::DeserializeSeed<'de> for DuplicateKeys<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for DuplicateKeys<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut keys = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            let path = if self.path.is_empty() { key.to_string() } else { format!("{}.{key}", self.path) };
            if !keys.insert(key) && self.found.is_none() {
                *self.found = Some(path.clone());
            }
            map.next_value_seed(DuplicateKeys { path, found: &mut *self.found })?;
        }
        Ok(())
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0;
        while seq
            .next_element_seed(DuplicateKeys { path: format!("{}[{i}]", self.path), found: &mut *self.found })?
            .is_some()
        {
            i += 1;
        }
        Ok(())
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
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

/// Content that is not text: control bytes (NUL among them) beyond a stray one (more than one in a
/// hundred of the first 4 KiB, plus one; UTF-16 text and binary formats have far more), or invalid
/// UTF-8 with too few printable bytes. One NUL in a CSV is damage to one line, which its parser
/// names; it does not make the file binary.
pub(crate) fn looks_binary(text: &[u8]) -> bool {
    let sample = &text[..text.len().min(4096)];
    let controls =
        sample.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c) || b == 0x7f).count();
    controls > 1 + sample.len() / 100 || std::str::from_utf8(sample).is_err() && !looks_mostly_text(sample)
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
    fn utf16_with_a_byte_order_mark_reads_as_utf8() {
        let text = "{\r\n  \"displayName\": \"Block legacy – ü 😀\"\r\n}";
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for unit in text.encode_utf16() {
            le.extend_from_slice(&unit.to_le_bytes());
            be.extend_from_slice(&unit.to_be_bytes());
        }
        for bytes in [le, be] {
            let utf8 = utf16_as_utf8(&bytes).unwrap();
            assert_eq!(std::str::from_utf8(strip_bom(&utf8)).unwrap(), text);
        }
        assert_eq!(utf16_as_utf8(b"{\"a\": 1}"), None, "UTF-8 stays as it is");
        // A lone surrogate and an odd trailing byte do not panic.
        let damaged = utf16_as_utf8(&[0xFF, 0xFE, 0x00, 0xD8, 0x41, 0x00, 0x42]).unwrap();
        assert_eq!(std::str::from_utf8(strip_bom(&damaged)).unwrap(), "\u{FFFD}A");
    }

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

    #[test]
    fn a_key_written_twice_is_found_with_its_path() {
        assert_eq!(first_duplicate_key(br#"{"a":1,"b":{"c":[{"d":1,"d":2}]}}"#).as_deref(), Some("b.c[0].d"));
        assert_eq!(first_duplicate_key(b"\xEF\xBB\xBF{\"a\":1,\"a\":2}").as_deref(), Some("a"));
        assert_eq!(first_duplicate_key(br#"{"a":{"x":1},"b":{"x":1}}"#), None);
        assert_eq!(first_duplicate_key(br#"{"a\u0062":1,"ab":2}"#).as_deref(), Some("ab"));
        assert_eq!(first_duplicate_key(b"{not json"), None);
    }

    #[test]
    fn one_nul_byte_does_not_make_a_csv_binary() {
        let mut csv = b"user,arn,user_creation_time,password_enabled,mfa_active\n".to_vec();
        csv.extend_from_slice(b"a\0,arn:aws:iam::111122223333:user/a,2026-01-01T00:00:00Z,true,true\n");
        assert!(!looks_binary(&csv));
        assert_eq!(csv_header_columns(&csv).map(|c| c.len()), Some(5));
        assert!(looks_binary(b"\x1f\x8b\x08\0\0\0\0\0\0\x03"));
        assert!(looks_binary("u\0s\0e\0r\0,\0a\0r\0n\0".as_bytes()));
    }
}
