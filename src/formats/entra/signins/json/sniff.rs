//! Whether JSON content is a sign-in export, and in which layout, from its first record only.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::super::{SignInLayout, squash};
use super::Scalar;

/// Bits of the keys that mark a sign-in record for [`sniff`].
const CREATED: u8 = 1;
/// A user export has `createdDateTime` too; a sign-in also has at least two of these.
const MARKERS: [&str; 6] =
    ["appDisplayName", "clientAppUsed", "status", "authenticationRequirement", "isInteractive", "ipAddress"];

fn key_bit(key: &str) -> u8 {
    if key.eq_ignore_ascii_case("createdDateTime") {
        return CREATED;
    }
    MARKERS.iter().position(|m| m.eq_ignore_ascii_case(key)).map_or(0, |i| 2 << i)
}

fn is_sign_in(bits: u8) -> bool {
    bits & CREATED != 0 && (bits & !CREATED).count_ones() >= 2
}

/// What the first JSON value looked like.
#[derive(Debug, Default)]
struct Seen {
    /// Keys of a top-level object, and of its `properties`.
    top: u8,
    properties: u8,
    /// A top-level object with a `value` member.
    page: bool,
    /// Keys of the first record of `value` or of a top-level array.
    first_record: Option<u8>,
    /// `@odata.context` names `auditLogs/signIns`.
    sign_in_context: bool,
}

/// The longest first line looked at as an NDJSON record. Azure Monitor sign-in records run to tens
/// of KiB; without a bound, finding the end of a one-line 1 GB Graph page would cost a scan of it all.
const MAX_LINE: usize = 4 << 20;

/// Graph page, bare array or NDJSON (see [`super::super::sniff`]); `text` starts at its first non-blank byte.
pub(in crate::formats::entra::signins) fn sniff(text: &[u8]) -> Option<SignInLayout> {
    let window = &text[..text.len().min(MAX_LINE)];
    let first_line = match window.iter().position(|&b| b == b'\n') {
        Some(end) => Some(&text[..end]),
        None if text.len() <= MAX_LINE => Some(text),
        None => None,
    };
    if let Some(line) = first_line
        && line.first() == Some(&b'{')
    {
        let (seen, whole) = inspect(line);
        if whole && !seen.page && (is_sign_in(seen.top) || is_sign_in(seen.properties)) {
            return Some(SignInLayout::Ndjson);
        }
    }
    // A page or array is read only up to its first record.
    let seen = inspect(text).0;
    let graph = seen.first_record.is_some_and(is_sign_in) || seen.page && seen.sign_in_context;
    graph.then_some(SignInLayout::GraphJson)
}

/// Reads the first JSON value of `text` up to the first record of a page or array, then stops.
/// `true` when the value was read to its end with nothing but whitespace after it.
fn inspect(text: &[u8]) -> (Seen, bool) {
    let mut seen = Seen::default();
    let mut deserializer = serde_json::Deserializer::from_slice(text);
    let whole = deserializer.deserialize_any(SniffTop(&mut seen)).and_then(|()| deserializer.end()).is_ok();
    (seen, whole)
}

/// The error that ends an inspection once the first record has been seen.
const STOP: &str = "first record seen";

struct SniffTop<'s>(&'s mut Seen);

impl<'de> Visitor<'de> for SniffTop<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object or array")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Scalar>()? {
            let key = match &key {
                Scalar::Text(key) => key.as_ref(),
                _ => "",
            };
            if key == "value" {
                self.0.page = true;
                map.next_value_seed(FirstRecord(&mut *self.0))?;
            } else if key == "@odata.context" {
                let context = map.next_value::<Scalar>()?;
                self.0.sign_in_context |= context.text().is_some_and(|c| squash(c).contains("auditlogssignins"));
            } else if key.eq_ignore_ascii_case("properties") {
                self.0.properties |= map.next_value_seed(KeyBits)?;
            } else {
                self.0.top |= key_bit(key);
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        FirstRecord(self.0).visit_seq(seq)
    }
}

/// The first element of an array: its key bits, then [`STOP`].
struct FirstRecord<'s>(&'s mut Seen);

impl<'de> DeserializeSeed<'de> for FirstRecord<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for FirstRecord<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        match seq.next_element_seed(KeyBits)? {
            Some(bits) => {
                self.0.first_record = Some(bits);
                Err(de::Error::custom(STOP))
            }
            None => Ok(()),
        }
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
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

/// The key bits of an object; 0 for anything else.
struct KeyBits;

impl<'de> DeserializeSeed<'de> for KeyBits {
    type Value = u8;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<u8, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for KeyBits {
    type Value = u8;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<u8, A::Error> {
        let mut bits = 0;
        while let Some(key) = map.next_key::<Scalar>()? {
            if let Scalar::Text(key) = &key {
                bits |= key_bit(key);
            }
            map.next_value::<IgnoredAny>()?;
        }
        Ok(bits)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<u8, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(0)
    }
    fn visit_bool<E>(self, _: bool) -> Result<u8, E> {
        Ok(0)
    }
    fn visit_i64<E>(self, _: i64) -> Result<u8, E> {
        Ok(0)
    }
    fn visit_u64<E>(self, _: u64) -> Result<u8, E> {
        Ok(0)
    }
    fn visit_f64<E>(self, _: f64) -> Result<u8, E> {
        Ok(0)
    }
    fn visit_str<E>(self, _: &str) -> Result<u8, E> {
        Ok(0)
    }
    fn visit_unit<E>(self) -> Result<u8, E> {
        Ok(0)
    }
}
